// SPDX-License-Identifier: Apache-2.0
/* The public proceed-on table (include/bpfman/proceed_on.h): names, bits
 * and defaults as bpfman defines them, and refusals of what no type names. */
#include <check.h>
#include <stdlib.h>

#include <bpfman/bpfman.h>

START_TEST(xdp_names_and_bits)
{
	ck_assert_uint_eq(bpfman_proceed_on_bit(BPFMAN_PROG_TYPE_XDP, "aborted"), BPFMAN_XDP_PROCEED_ON_ABORTED);
	ck_assert_uint_eq(bpfman_proceed_on_bit(BPFMAN_PROG_TYPE_XDP, "drop"), 1u << 1);
	ck_assert_uint_eq(bpfman_proceed_on_bit(BPFMAN_PROG_TYPE_XDP, "pass"), BPFMAN_XDP_PROCEED_ON_PASS);
	ck_assert_uint_eq(bpfman_proceed_on_bit(BPFMAN_PROG_TYPE_XDP, "redirect"), 1u << 4);
	ck_assert_uint_eq(bpfman_proceed_on_bit(BPFMAN_PROG_TYPE_XDP, "dispatcher_return"), 1u << 31);
	ck_assert_str_eq(bpfman_proceed_on_name(BPFMAN_PROG_TYPE_XDP, 3), "tx");
	ck_assert_ptr_null(bpfman_proceed_on_name(BPFMAN_PROG_TYPE_XDP, 5));
	ck_assert_ptr_null(bpfman_proceed_on_name(BPFMAN_PROG_TYPE_XDP, 32));
	ck_assert_uint_eq(bpfman_proceed_on_valid(BPFMAN_PROG_TYPE_XDP), 0x1fu | (1u << 31));
	ck_assert_uint_eq(bpfman_proceed_on_default(BPFMAN_PROG_TYPE_XDP), (1u << 2) | (1u << 31));
}
END_TEST

START_TEST(tc_names_and_bits)
{
	/* TC_ACT_UNSPEC is -1: bit = action + 1. */
	ck_assert_uint_eq(bpfman_proceed_on_bit(BPFMAN_PROG_TYPE_TC, "unspec"), 1u << 0);
	ck_assert_uint_eq(bpfman_proceed_on_bit(BPFMAN_PROG_TYPE_TC, "ok"), BPFMAN_TC_PROCEED_ON_OK);
	ck_assert_uint_eq(bpfman_proceed_on_bit(BPFMAN_PROG_TYPE_TC, "shot"), 1u << 3);
	ck_assert_uint_eq(bpfman_proceed_on_bit(BPFMAN_PROG_TYPE_TC, "trap"), 1u << 9);
	ck_assert_str_eq(bpfman_proceed_on_name(BPFMAN_PROG_TYPE_TC, 4), "pipe");
	ck_assert_str_eq(bpfman_proceed_on_name(BPFMAN_PROG_TYPE_TC, 31), "dispatcher_return");
	ck_assert_uint_eq(bpfman_proceed_on_valid(BPFMAN_PROG_TYPE_TC), 0x3ffu | (1u << 31));
	ck_assert_uint_eq(bpfman_proceed_on_default(BPFMAN_PROG_TYPE_TC), BPFMAN_TC_PROCEED_ON_DEFAULT);
}
END_TEST

START_TEST(unknown_names_and_types)
{
	ck_assert_uint_eq(bpfman_proceed_on_bit(BPFMAN_PROG_TYPE_XDP, "shot"), 0);
	ck_assert_uint_eq(bpfman_proceed_on_bit(BPFMAN_PROG_TYPE_TC, "drop"), 0);
	ck_assert_uint_eq(bpfman_proceed_on_bit(BPFMAN_PROG_TYPE_XDP, "DROP"), 0);
	ck_assert_uint_eq(bpfman_proceed_on_bit(BPFMAN_PROG_TYPE_XDP, NULL), 0);
	ck_assert_uint_eq(bpfman_proceed_on_bit(BPFMAN_PROG_TYPE_TCX, "pass"), 0);
	ck_assert_ptr_null(bpfman_proceed_on_name(BPFMAN_PROG_TYPE_TRACEPOINT, 0));
	ck_assert_uint_eq(bpfman_proceed_on_valid(BPFMAN_PROG_TYPE_TCX), 0);
	ck_assert_uint_eq(bpfman_proceed_on_default(BPFMAN_PROG_TYPE_KPROBE), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("proceed-on");
	TCase *tc = tcase_create("table");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, xdp_names_and_bits);
	tcase_add_test(tc, tc_names_and_bits);
	tcase_add_test(tc, unknown_names_and_types);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
