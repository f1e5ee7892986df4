// SPDX-License-Identifier: Apache-2.0
/* fentry and fexit; this host refuses them, so it skips loudly here and
 * runs in the VM tier. */
#include "harness.h"

#include <check.h>
#include <time.h>

static void nap(void)
{
	struct timespec ts = { 0, 1000 };

	nanosleep(&ts, NULL);
}

START_TEST(fentry_lifecycle)
{
	struct harness h;
	BPFMAN_OPTS(bpfman_attach_opts, a);

	harness_open(&h);
	lifecycle_check(&h, "fentry_counter", "fentry:fentry_count", &a, nap);
	harness_close(&h);
}
END_TEST

START_TEST(fexit_lifecycle_with_named_target)
{
	struct harness h;
	BPFMAN_OPTS(bpfman_attach_opts, a);

	harness_open(&h);
	lifecycle_check(&h, "fentry_counter", "fexit:fexit_count:do_nanosleep", &a, nap);
	harness_close(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fentry");
	TCase *tc = tcase_create("fentry");

	require_fentry();
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, fentry_lifecycle);
	tcase_add_test(tc, fexit_lifecycle_with_named_target);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
