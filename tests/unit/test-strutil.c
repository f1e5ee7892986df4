// SPDX-License-Identifier: Apache-2.0
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/strutil.h"

START_TEST(hex_round_trip)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	char out[16];

	ck_assert_int_eq(hex_decode("0x01aBff", &buf, &len), 0);
	ck_assert_uint_eq(len, 3);
	ck_assert_uint_eq(buf[0], 0x01);
	ck_assert_uint_eq(buf[1], 0xab);
	ck_assert_uint_eq(buf[2], 0xff);
	hex_encode(buf, len, out);
	ck_assert_str_eq(out, "01abff");
	free(buf);
}
END_TEST

START_TEST(hex_rejects_bad_input)
{
	unsigned char *buf = NULL;
	size_t len = 0;

	ck_assert_int_eq(hex_decode("", &buf, &len), -EINVAL);
	ck_assert_int_eq(hex_decode("0x", &buf, &len), -EINVAL);
	ck_assert_int_eq(hex_decode("abc", &buf, &len), -EINVAL);
	ck_assert_int_eq(hex_decode("zz", &buf, &len), -EINVAL);
	ck_assert_ptr_null(buf);
}
END_TEST

START_TEST(parse_u64_limits)
{
	uint64_t v = 0;

	ck_assert_int_eq(parse_u64("42", 100, &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(parse_u64("0x10", 100, &v), 0);
	ck_assert_uint_eq(v, 16);
	ck_assert_int_eq(parse_u64("101", 100, &v), -ERANGE);
	ck_assert_int_eq(parse_u64("-1", 100, &v), -EINVAL);
	ck_assert_int_eq(parse_u64("4x", 100, &v), -EINVAL);
	ck_assert_int_eq(parse_u64("", 100, &v), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("strutil");
	TCase *tc = tcase_create("strutil");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, hex_round_trip);
	tcase_add_test(tc, hex_rejects_bad_input);
	tcase_add_test(tc, parse_u64_limits);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
