// SPDX-License-Identifier: Apache-2.0
/* bpfmand's gRPC framing rules (tools/bpfmand/grpc_frame.c). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "grpc_frame.h"

START_TEST(unary_frames)
{
	uint8_t buf[16] = { 0, 0, 0, 0, 3, 'a', 'b', 'c' };
	const uint8_t *msg;
	const char *why;
	size_t len;

	ck_assert_int_eq(grpc_frame_unary(buf, 8, 100, &msg, &len, &why), GRPC_OK);
	ck_assert_uint_eq(len, 3);
	ck_assert_ptr_eq(msg, buf + 5);
	/* empty message */
	ck_assert_int_eq(grpc_frame_unary((uint8_t[]){ 0, 0, 0, 0, 0 }, 5, 100, &msg, &len, &why), GRPC_OK);
	ck_assert_uint_eq(len, 0);
	/* short prefix, cut message, two messages, too big, compressed, bad flag */
	ck_assert_int_eq(grpc_frame_unary(buf, 4, 100, &msg, &len, &why), GRPC_INTERNAL);
	ck_assert_int_eq(grpc_frame_unary(buf, 7, 100, &msg, &len, &why), GRPC_INTERNAL);
	ck_assert_ptr_nonnull(strstr(why, "cut short"));
	ck_assert_int_eq(grpc_frame_unary(buf, 9, 100, &msg, &len, &why), GRPC_INTERNAL);
	ck_assert_ptr_nonnull(strstr(why, "more than one"));
	ck_assert_int_eq(grpc_frame_unary(buf, 8, 2, &msg, &len, &why), GRPC_RESOURCE_EXHAUSTED);
	buf[0] = 1;
	ck_assert_int_eq(grpc_frame_unary(buf, 8, 100, &msg, &len, &why), GRPC_UNIMPLEMENTED);
	buf[0] = 2;
	ck_assert_int_eq(grpc_frame_unary(buf, 8, 100, &msg, &len, &why), GRPC_INTERNAL);
	/* a length over 4 GiB's low bits never wraps */
	uint8_t big[5] = { 0, 0xff, 0xff, 0xff, 0xff };
	ck_assert_int_eq(grpc_frame_unary(big, 5, GRPC_MAX_MESSAGE, &msg, &len, &why), GRPC_RESOURCE_EXHAUSTED);
}
END_TEST

START_TEST(prefix)
{
	uint8_t p[5];

	grpc_frame_prefix(p, 0x01020304);
	ck_assert_mem_eq(p, ((uint8_t[]){ 0, 1, 2, 3, 4 }), 5);
}
END_TEST

START_TEST(timeouts)
{
	ck_assert_int_eq(grpc_timeout_usec("1S", 2), 1000000);
	ck_assert_int_eq(grpc_timeout_usec("250m", 4), 250000);
	ck_assert_int_eq(grpc_timeout_usec("7u", 2), 7);
	ck_assert_int_eq(grpc_timeout_usec("1500n", 5), 2);
	ck_assert_int_eq(grpc_timeout_usec("2M", 2), 120000000);
	ck_assert_int_eq(grpc_timeout_usec("99999999H", 9), 99999999LL * 3600 * 1000000);
	ck_assert_int_eq(grpc_timeout_usec("S", 1), -1);
	ck_assert_int_eq(grpc_timeout_usec("123456789S", 10), -1); /* 9 digits */
	ck_assert_int_eq(grpc_timeout_usec("1x", 2), -1);
	ck_assert_int_eq(grpc_timeout_usec("-1S", 3), -1);
}
END_TEST

START_TEST(percent)
{
	char *s = grpc_percent_encode("ok 100%\nnext\xc3\xa9");

	ck_assert_str_eq(s, "ok 100%25%0Anext%C3%A9");
	free(s);
}
END_TEST

START_TEST(status_table)
{
	ck_assert_int_eq(grpc_status_from_errno(0), GRPC_OK);
	ck_assert_int_eq(grpc_status_from_errno(-ENOENT), GRPC_NOT_FOUND);
	ck_assert_int_eq(grpc_status_from_errno(-EINVAL), GRPC_INVALID_ARGUMENT);
	ck_assert_int_eq(grpc_status_from_errno(-EEXIST), GRPC_ALREADY_EXISTS);
	ck_assert_int_eq(grpc_status_from_errno(-EPERM), GRPC_PERMISSION_DENIED);
	ck_assert_int_eq(grpc_status_from_errno(-EACCES), GRPC_PERMISSION_DENIED);
	ck_assert_int_eq(grpc_status_from_errno(-E2BIG), GRPC_RESOURCE_EXHAUSTED);
	ck_assert_int_eq(grpc_status_from_errno(-EBUSY), GRPC_FAILED_PRECONDITION);
	ck_assert_int_eq(grpc_status_from_errno(-ECONNREFUSED), GRPC_UNAVAILABLE);
	ck_assert_int_eq(grpc_status_from_errno(-EHOSTUNREACH), GRPC_UNAVAILABLE);
	ck_assert_int_eq(grpc_status_from_errno(-ETIMEDOUT), GRPC_DEADLINE_EXCEEDED);
	ck_assert_int_eq(grpc_status_from_errno(-EIO), GRPC_INTERNAL);
	ck_assert_str_eq(grpc_status_name(GRPC_RESOURCE_EXHAUSTED), "RESOURCE_EXHAUSTED");
	ck_assert_str_eq(grpc_status_name(99), "UNKNOWN");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("grpc-frame");
	TCase *tc = tcase_create("frame");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, unary_frames);
	tcase_add_test(tc, prefix);
	tcase_add_test(tc, timeouts);
	tcase_add_test(tc, percent);
	tcase_add_test(tc, status_table);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
