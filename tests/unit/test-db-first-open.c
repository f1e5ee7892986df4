// SPDX-License-Identifier: Apache-2.0
/* Processes opening a state database that does not exist yet, all at once
 * (a daemon and bpfmanctl started together, or a daemon's first start and
 * a client's): each must open it, none may see "database is locked". The
 * switch to WAL journal mode is where they collide: SQLite does not call
 * the busy handler for it, so bpfman_db_open waits its turn itself.
 * Bare contexts on a database in a temporary directory: no privilege. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "db.h"
#include "util/fsutil.h"

enum { OPENERS = 12, ROUNDS = 8 };

/* In a child: wait for the start signal, open, report through the exit
 * status (and the library's sentence on stderr). */
static void opener(const char *path, int start_fd)
{
	struct bpfman_ctx *ctx = calloc(1, sizeof(*ctx));
	char go;
	int err;

	if (!ctx || read(start_fd, &go, 1) != 1)
		_exit(3);
	ctx->db_path = strdup(path);
	ctx->errmsg = strdup("");
	err = bpfman_db_open(ctx);
	if (err)
		fprintf(stderr, "opener %d: %s\n", (int)getpid(), ctx->errmsg);
	bpfman_db_close(ctx);
	free(ctx->errmsg);
	free(ctx->db_path);
	free(ctx);
	_exit(err ? 1 : 0);
}

/* OPENERS processes open path at once; returns how many failed. */
static int open_all_at_once(const char *path)
{
	pid_t pids[OPENERS];
	int start[2], failed = 0;

	ck_assert_int_eq(pipe(start), 0);
	for (int i = 0; i < OPENERS; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (!pids[i]) {
			close(start[1]);
			opener(path, start[0]);
		}
	}
	close(start[0]);
	/* One byte each: they all start within microseconds. */
	ck_assert_int_eq(write(start[1], "gggggggggggg", OPENERS), OPENERS);
	close(start[1]);
	for (int i = 0; i < OPENERS; i++) {
		int status;

		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}
	return failed;
}

/* Each round's database, with its -wal and -shm, lives in this directory,
 * made for the test and removed after it by the test runner's own process
 * (an unchecked fixture), so a failed round does not leave it behind. */
static char base[] = "/tmp/bpfman-first-open-XXXXXX";

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(base));
}

static void teardown(void)
{
	rm_rf(base);
}

START_TEST(concurrent_first_opens_all_succeed)
{
	for (int round = 0; round < ROUNDS; round++) {
		char path[64];
		int failed;

		snprintf(path, sizeof(path), "%s/state-%d.db", base, round);
		failed = open_all_at_once(path);
		ck_assert_msg(!failed, "round %d: %d of %d first openers failed (stderr says why)",
			      round, failed, OPENERS);
		/* And again, now that the database exists and is in WAL mode. */
		failed = open_all_at_once(path);
		ck_assert_msg(!failed, "round %d: %d of %d openers of the existing database failed (stderr says why)",
			      round, failed, OPENERS);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("db-first-open");
	TCase *tc = tcase_create("db-first-open");
	SRunner *sr;
	int failed;

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, concurrent_first_opens_all_succeed);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
