// SPDX-License-Identifier: Apache-2.0
/* The statement cache of libbpfman/db.c (db_stmt_prepare) is keyed by the
 * SQL's address. SQL built in one buffer with two texts comes at one
 * address: the second text must run its own statement, not the one kept
 * for the first, and the misuse is logged. Literals still hit the cache.
 * A bare context on an in-memory database: no directories, no privilege
 * (the kept statements' behaviour on a real state database is
 * tests/host/test-db-stmts.c). */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "db.h"

struct log_seen {
	int warnings;
	char last[512];
};

static void on_log(enum bpfman_log_level level, const char *msg, void *user_data)
{
	struct log_seen *seen = user_data;

	if (level == BPFMAN_LOG_WARN) {
		seen->warnings++;
		snprintf(seen->last, sizeof(seen->last), "%s", msg);
	}
}

static struct bpfman_ctx *bare_ctx(struct log_seen *seen)
{
	struct bpfman_ctx *ctx = calloc(1, sizeof(*ctx));

	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(sqlite3_open(":memory:", &ctx->db), SQLITE_OK);
	ctx->log_fn = on_log;
	ctx->log_user_data = seen;
	ctx->log_level = BPFMAN_LOG_DEBUG;
	return ctx;
}

static void bare_ctx_free(struct bpfman_ctx *ctx)
{
	bpfman_db_close(ctx); /* finalizes the kept statements, closes the db */
	free(ctx);
}

/* Prepares sql through the cache, steps it once, returns column 0. */
static long long one_value(struct bpfman_ctx *ctx, const char *sql, sqlite3_stmt **ret_stmt)
{
	sqlite3_stmt *s = NULL;
	long long v;

	ck_assert_int_eq(db_stmt_prepare(ctx, &s, sql), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	if (ret_stmt)
		*ret_stmt = s;
	db_stmt_finish(ctx, s);
	return v;
}

START_TEST(literal_is_kept)
{
	struct log_seen seen = { 0 };
	struct bpfman_ctx *ctx = bare_ctx(&seen);
	static const char sql[] = "SELECT 7;";
	sqlite3_stmt *first = NULL, *second = NULL;

	ck_assert_int_eq(one_value(ctx, sql, &first), 7);
	ck_assert_int_eq(one_value(ctx, sql, &second), 7);
	/* The same statement object both times: it was kept, not re-made. */
	ck_assert_ptr_eq(first, second);
	ck_assert_int_eq(seen.warnings, 0);
	bare_ctx_free(ctx);
}
END_TEST

START_TEST(one_address_two_texts)
{
	struct log_seen seen = { 0 };
	struct bpfman_ctx *ctx = bare_ctx(&seen);
	char buf[64];

	snprintf(buf, sizeof(buf), "SELECT %d;", 1);
	ck_assert_int_eq(one_value(ctx, buf, NULL), 1);
	ck_assert_int_eq(seen.warnings, 0);
	/* Same address, other text: before the check, this ran "SELECT 1;". */
	snprintf(buf, sizeof(buf), "SELECT %d;", 2);
	ck_assert_int_eq(one_value(ctx, buf, NULL), 2);
	ck_assert_int_eq(seen.warnings, 1);
	ck_assert_msg(strstr(seen.last, "SELECT 2;") && strstr(seen.last, "string literals only"),
		      "the warning names the SQL and the rule: %s", seen.last);
	/* Again, and the first text back: each still gets its own answer. */
	ck_assert_int_eq(one_value(ctx, buf, NULL), 2);
	snprintf(buf, sizeof(buf), "SELECT %d;", 1);
	ck_assert_int_eq(one_value(ctx, buf, NULL), 1);
	bare_ctx_free(ctx);
}
END_TEST

/* A statement with rows being read while the same SQL is prepared again
 * (a nested query) gets a fresh one; both read their own rows. */
START_TEST(nested_use_gets_fresh_statement)
{
	struct log_seen seen = { 0 };
	struct bpfman_ctx *ctx = bare_ctx(&seen);
	static const char sql[] = "SELECT 5;";
	sqlite3_stmt *outer = NULL, *inner = NULL;

	ck_assert_int_eq(db_stmt_prepare(ctx, &outer, sql), SQLITE_OK);
	ck_assert_int_eq(db_stmt_prepare(ctx, &inner, sql), SQLITE_OK);
	ck_assert_ptr_ne(outer, inner);
	ck_assert_int_eq(sqlite3_step(inner), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_step(outer), SQLITE_ROW);
	db_stmt_finish(ctx, inner);
	db_stmt_finish(ctx, outer);
	ck_assert_int_eq(seen.warnings, 0);
	bare_ctx_free(ctx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("db-stmt-cache");
	TCase *tc = tcase_create("db-stmt-cache");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, literal_is_kept);
	tcase_add_test(tc, one_address_two_texts);
	tcase_add_test(tc, nested_use_gets_fresh_statement);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
