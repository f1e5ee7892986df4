// SPDX-License-Identifier: Apache-2.0
/* The statements a context keeps prepared (libbpfman/db.c, prepare()):
 * a long-lived context (the daemon's) still sees what another context or
 * process writes after its statements ran, keeps no read transaction open
 * between calls (which would pin an old snapshot and block checkpoints),
 * and keeps working when another connection changes the schema under its
 * statements. */
#include "harness.h"
#include "sql_child.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *SPEC = "tracepoint:count_getpid";

static struct bpfman_ctx *second_ctx(struct harness *h)
{
	BPFMAN_OPTS(bpfman_ctx_opts, opts, .state_dir = h->state_dir,
		    .bpffs_root = h->bpffs_root, .runtime_dir = h->state_dir);
	struct bpfman_ctx *ctx = NULL;
	int err = bpfman_ctx_new(&ctx, &opts);

	ck_assert_msg(err == 0, "bpfman_ctx_new: %d %s", err, bpfman_errmsg(NULL));
	return ctx;
}

/* Get, List and map_used_by: every kept statement of the read paths. */
static size_t read_all(struct bpfman_ctx *ctx, uint32_t id)
{
	BPFMAN_OPTS(bpfman_list_opts, lo);
	struct bpfman_program *p = NULL, **progs = NULL;
	uint32_t *users = NULL;
	size_t n = 0, nusers = 0;
	int err;

	err = bpfman_program__get(&p, ctx, id);
	ck_assert_msg(err == 0, "get %u: %s", id, bpfman_errmsg(ctx));
	ck_assert(bpfman_program__managed(p));
	bpfman_program__free(p);
	err = bpfman_program__map_used_by(&users, &nusers, ctx, id);
	ck_assert_msg(err == 0, "map_used_by %u: %s", id, bpfman_errmsg(ctx));
	ck_assert_uint_ge(nusers, 1);
	free(users);
	err = bpfman_program__list(&progs, &n, ctx, &lo);
	ck_assert_msg(err == 0, "list: %s", bpfman_errmsg(ctx));
	bpfman_program_list__free(progs, n);
	return n;
}

static void db_path(const struct harness *h, char *buf, size_t size)
{
	snprintf(buf, size, "%s/state.db", h->state_dir);
}

START_TEST(kept_statements_see_other_writers)
{
	struct harness h;
	struct bpfman_ctx *other;
	struct bpfman_program *p = NULL;
	uint32_t first, second;
	size_t before;

	harness_open(&h);
	first = load_one(&h, "tracepoint_counter", SPEC);
	before = read_all(h.ctx, first);
	read_all(h.ctx, first); /* the second round runs on kept statements */

	other = second_ctx(&h);
	{
		const char *specs[] = { SPEC };
		BPFMAN_OPTS(bpfman_load_opts, lo, .programs = specs, .programs_cnt = 1);
		struct bpfman_program **progs = NULL;
		size_t n = 0;
		int err = bpfman_program__load_file(&progs, &n, other,
						    bpf_obj("tracepoint_counter"), &lo);

		ck_assert_msg(err == 0, "load through the other context: %s", bpfman_errmsg(other));
		second = bpfman_program__id(progs[0]);
		bpfman_program_list__free(progs, n);
	}
	/* The first context's kept statements read the new row. */
	ck_assert_uint_eq(read_all(h.ctx, second), before + 1);
	ck_assert_int_eq(bpfman_program__unload(other, second, NULL), 0);
	bpfman_ctx_free(other);
	ck_assert_int_eq(bpfman_program__get(&p, h.ctx, second), -ENOENT);
	ck_assert_uint_eq(read_all(h.ctx, first), before);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, first, NULL), 0);
	harness_close(&h);
}
END_TEST

/* A statement left un-reset keeps its read transaction: the WAL could not
 * be checkpointed past it. TRUNCATE succeeds only with no reader at all. */
START_TEST(kept_statements_hold_no_snapshot)
{
	struct harness h;
	char path[300], *busy;
	uint32_t id;

	harness_open(&h);
	id = load_one(&h, "tracepoint_counter", SPEC);
	read_all(h.ctx, id);
	read_all(h.ctx, id);
	db_path(&h, path, sizeof(path));
	/* Its first column is 1 when the checkpoint could not finish. */
	busy = sql_in_child(path, "PRAGMA wal_checkpoint(TRUNCATE)");
	ck_assert_msg(busy && !strcmp(busy, "0"),
		      "checkpoint(TRUNCATE) after the context's reads: busy %s (a kept statement holds a read transaction)",
		      busy ? busy : "(failed, above)");
	free(busy);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	harness_close(&h);
}
END_TEST

/* Another connection changes the schema (as a newer libbpfman migrating
 * the database would): the kept statements are prepared again by SQLite,
 * and read and write as before. */
START_TEST(kept_statements_survive_schema_change)
{
	struct harness h;
	char path[300], *done;
	uint32_t id, id2;

	harness_open(&h);
	id = load_one(&h, "tracepoint_counter", SPEC);
	read_all(h.ctx, id);
	db_path(&h, path, sizeof(path));
	done = sql_in_child(path, "DROP INDEX programs_map_pin_dir;"
				  "ALTER TABLE programs ADD COLUMN test_extra TEXT;"
				  "CREATE INDEX programs_map_pin_dir ON programs(map_pin_dir);");
	ck_assert_msg(done, "changing the schema failed (above)");
	free(done);
	ck_assert_uint_eq(read_all(h.ctx, id), read_all(h.ctx, id));
	id2 = load_one(&h, "tracepoint_counter", SPEC); /* the write statements too */
	read_all(h.ctx, id2);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id2, NULL), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	harness_close(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("db-stmts");
	TCase *tc = tcase_create("db-stmts");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, kept_statements_see_other_writers);
	tcase_add_test(tc, kept_statements_hold_no_snapshot);
	tcase_add_test(tc, kept_statements_survive_schema_change);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
