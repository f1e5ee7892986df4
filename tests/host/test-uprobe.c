// SPDX-License-Identifier: Apache-2.0
/* uprobes and uretprobes on a function of this very test binary, and
 * target resolution by library name. */
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

/* Exported (export_dynamic) and never inlined so it has a symbol to probe. */
int bpfman_test_uprobe_target(int x);
__attribute__((noinline, used)) int bpfman_test_uprobe_target(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 1;
}

static void call_target(void)
{
	bpfman_test_uprobe_target(1);
}

static char self[PATH_MAX];

START_TEST(uprobe_lifecycle)
{
	struct harness h;
	BPFMAN_OPTS(bpfman_attach_opts, a, .target = self, .fn_name = "bpfman_test_uprobe_target");

	harness_open(&h);
	lifecycle_check(&h, "uprobe_counter", "uprobe:uprobe_count", &a, call_target);
	harness_close(&h);
}
END_TEST

START_TEST(uretprobe_lifecycle)
{
	struct harness h;
	BPFMAN_OPTS(bpfman_attach_opts, a, .target = self, .fn_name = "bpfman_test_uprobe_target");

	harness_open(&h);
	lifecycle_check(&h, "uprobe_counter", "uprobe:uretprobe_count", &a, call_target);
	harness_close(&h);
}
END_TEST

START_TEST(uprobe_pid_filter)
{
	struct harness h;
	BPFMAN_OPTS(bpfman_attach_opts, a, .target = self, .fn_name = "bpfman_test_uprobe_target",
		    .pid = getpid());

	harness_open(&h);
	lifecycle_check(&h, "uprobe_counter", "uprobe:uprobe_count", &a, call_target);
	harness_close(&h);
}
END_TEST

START_TEST(library_name_resolves)
{
	struct harness h;
	struct bpfman_link *l = NULL;
	uint64_t link = 0;
	uint32_t id;
	BPFMAN_OPTS(bpfman_attach_opts, a, .target = "libc", .fn_name = "getpid");

	harness_open(&h);
	id = load_one(&h, "uprobe_counter", "uprobe:uprobe_count");
	ck_assert_int_eq(bpfman_program__attach(&link, h.ctx, id, &a), 0);
	ck_assert_int_eq(bpfman_link__get(&l, h.ctx, link), 0);
	ck_assert_msg(strstr(bpfman_link__target(l), "/libc.so.6") != NULL, "target %s",
		      bpfman_link__target(l));
	bpfman_link__free(l);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	harness_close(&h);
}
END_TEST

START_TEST(bad_uprobe_input_changes_nothing)
{
	struct harness h;
	struct snapshot snap;
	uint64_t link = 0;
	uint32_t id;

	harness_open(&h);
	id = load_one(&h, "uprobe_counter", "uprobe:uprobe_count");
	snapshot_take(&h, &snap);
	BPFMAN_OPTS(bpfman_attach_opts, missing, .target = "/no/such/binary", .fn_name = "f");
	ck_assert_int_eq(bpfman_program__attach(&link, h.ctx, id, &missing), -ENOENT);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(h.ctx), "/no/such/binary"));
	BPFMAN_OPTS(bpfman_attach_opts, nolib, .target = "nosuchlibrary", .fn_name = "f");
	ck_assert_int_eq(bpfman_program__attach(&link, h.ctx, id, &nolib), -ENOENT);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(h.ctx), "not found"));
	BPFMAN_OPTS(bpfman_attach_opts, nofn, .target = self, .fn_name = "no_such_function_here");
	ck_assert_int_eq(bpfman_program__attach(&link, h.ctx, id, &nofn), -ENOENT);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(h.ctx), "'no_such_function_here' not found"));
	snapshot_assert_same(&h, &snap);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	harness_close(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("uprobe");
	TCase *tc = tcase_create("uprobe");
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return 1;
	self[n] = '\0';
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, uprobe_lifecycle);
	tcase_add_test(tc, uretprobe_lifecycle);
	tcase_add_test(tc, uprobe_pid_filter);
	tcase_add_test(tc, library_name_resolves);
	tcase_add_test(tc, bad_uprobe_input_changes_nothing);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
