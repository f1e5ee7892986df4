// SPDX-License-Identifier: Apache-2.0
/* Eight processes load, attach, detach and unload at once on one state
 * directory; every operation succeeds and is accounted for. */
#include "invariants.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORKERS 8
#define CYCLES 6

static int worker(struct harness *shared, int n)
{
	struct harness h = *shared;
	BPFMAN_OPTS(bpfman_ctx_opts, opts, .state_dir = h.state_dir, .bpffs_root = h.bpffs_root,
		    .runtime_dir = h.state_dir);
	char app[32];
	const char *specs[] = { "tracepoint:count_getpid" };

	snprintf(app, sizeof(app), "worker-%d", n);
	if (bpfman_ctx_new(&h.ctx, &opts)) {
		fprintf(stderr, "worker %d: ctx: %s\n", n, bpfman_errmsg(NULL));
		return 1;
	}
	for (int c = 0; c < CYCLES; c++) {
		BPFMAN_OPTS(bpfman_load_opts, lo, .programs = specs, .programs_cnt = 1,
			    .application = app);
		BPFMAN_OPTS(bpfman_attach_opts, ao, .tracepoint = "syscalls/sys_enter_getpid");
		BPFMAN_OPTS(bpfman_list_opts, mine, .application = app);
		struct bpfman_program **progs = NULL;
		size_t cnt = 0;
		uint64_t link = 0;
		uint32_t id;

		if (bpfman_program__load_file(&progs, &cnt, h.ctx, bpf_obj("tracepoint_counter"), &lo)) {
			fprintf(stderr, "worker %d load: %s\n", n, bpfman_errmsg(h.ctx));
			return 1;
		}
		id = bpfman_program__id(progs[0]);
		bpfman_program_list__free(progs, cnt);
		if (bpfman_program__attach(&link, h.ctx, id, &ao)) {
			fprintf(stderr, "worker %d attach: %s\n", n, bpfman_errmsg(h.ctx));
			return 1;
		}
		/* Our program is visible to us, and only ours under our app. */
		if (bpfman_program__list(&progs, &cnt, h.ctx, &mine) || cnt != 1 ||
		    bpfman_program__id(progs[0]) != id) {
			fprintf(stderr, "worker %d: list shows %zu programs of %s\n", n, cnt, app);
			return 1;
		}
		bpfman_program_list__free(progs, cnt);
		if (bpfman_link__detach(h.ctx, link) || bpfman_program__unload(h.ctx, id, NULL)) {
			fprintf(stderr, "worker %d detach/unload: %s\n", n, bpfman_errmsg(h.ctx));
			return 1;
		}
	}
	bpfman_ctx_free(h.ctx);
	return 0;
}

START_TEST(eight_processes_at_once)
{
	struct harness h;
	pid_t pids[WORKERS];
	int failures = 0;

	harness_open(&h);
	for (int i = 0; i < WORKERS; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0)
			_exit(worker(&h, i));
	}
	for (int i = 0; i < WORKERS; i++) {
		int status;

		waitpid(pids[i], &status, 0);
		failures += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ck_assert_int_eq(failures, 0);
	ck_assert_uint_eq(assert_consistent(&h), 0);
	harness_close(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("concurrency");
	TCase *tc = tcase_create("concurrency");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, eight_processes_at_once);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
