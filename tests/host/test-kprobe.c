// SPDX-License-Identifier: Apache-2.0
/* kprobes and kretprobes; this host has none, so it skips loudly here and
 * runs in the VM tier. */
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void nap(void)
{
	struct timespec ts = { 0, 1000 };

	nanosleep(&ts, NULL);
}

START_TEST(kprobe_lifecycle)
{
	struct harness h;
	BPFMAN_OPTS(bpfman_attach_opts, a, .fn_name = "do_nanosleep");

	harness_open(&h);
	lifecycle_check(&h, "kprobe_counter", "kprobe:kprobe_count", &a, nap);
	harness_close(&h);
}
END_TEST

START_TEST(kretprobe_lifecycle)
{
	struct harness h;
	BPFMAN_OPTS(bpfman_attach_opts, a, .fn_name = "do_nanosleep");

	harness_open(&h);
	lifecycle_check(&h, "kprobe_counter", "kretprobe:kretprobe_count", &a, nap);
	harness_close(&h);
}
END_TEST

START_TEST(bad_kprobe_input_changes_nothing)
{
	struct harness h;
	struct snapshot snap;
	uint64_t link = 0;
	uint32_t k, kr;

	harness_open(&h);
	k = load_one(&h, "kprobe_counter", "kprobe:kprobe_count");
	kr = load_one(&h, "kprobe_counter", "kprobe:kretprobe_count");
	snapshot_take(&h, &snap);
	BPFMAN_OPTS(bpfman_attach_opts, past_end, .fn_name = "do_nanosleep", .offset = 1 << 20);
	ck_assert_int_lt(bpfman_program__attach(&link, h.ctx, k, &past_end), 0);
	ck_assert_msg(strstr(bpfman_errmsg(h.ctx), "offset"), "%s", bpfman_errmsg(h.ctx));
	snapshot_assert_same(&h, &snap);
	BPFMAN_OPTS(bpfman_attach_opts, ret_offset, .fn_name = "do_nanosleep", .offset = 4);
	ck_assert_int_eq(bpfman_program__attach(&link, h.ctx, kr, &ret_offset), -EINVAL);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(h.ctx), "kretprobe"));
	snapshot_assert_same(&h, &snap);
	BPFMAN_OPTS(bpfman_attach_opts, nofn, .fn_name = "no_such_kernel_function_xyz");
	ck_assert_int_lt(bpfman_program__attach(&link, h.ctx, k, &nofn), 0);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(h.ctx), "no_such_kernel_function_xyz"));
	snapshot_assert_same(&h, &snap);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, k, NULL), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, kr, NULL), 0);
	harness_close(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kprobe");
	TCase *tc = tcase_create("kprobe");

	require_kprobes();
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, kprobe_lifecycle);
	tcase_add_test(tc, kretprobe_lifecycle);
	tcase_add_test(tc, bad_kprobe_input_changes_nothing);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
