// SPDX-License-Identifier: Apache-2.0
/* Parsing of bpfman's TYPE:FUNC[:ATTACH_FUNC] program specs. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "load_spec.h"

START_TEST(accepts_bpfman_forms)
{
	struct prog_request r;

	ck_assert_int_eq(prog_request_parse(NULL, "tracepoint:count", &r), 0);
	ck_assert_int_eq(r.type, BPFMAN_PROG_TYPE_TRACEPOINT);
	ck_assert_str_eq(r.func, "count");
	ck_assert_ptr_null(r.attach_func);
	prog_request_clear(&r);

	ck_assert_int_eq(prog_request_parse(NULL, "fentry:f:do_nanosleep", &r), 0);
	ck_assert_int_eq(r.type, BPFMAN_PROG_TYPE_FENTRY);
	ck_assert_str_eq(r.attach_func, "do_nanosleep");
	prog_request_clear(&r);

	ck_assert_int_eq(prog_request_parse(NULL, "lsm:l:file_open", &r), 0);
	ck_assert_int_eq(r.type, BPFMAN_PROG_TYPE_LSM);
	ck_assert_str_eq(r.attach_func, "file_open");
	prog_request_clear(&r);

	ck_assert_int_eq(prog_request_parse(NULL, "lsm:l", &r), 0);
	ck_assert_ptr_null(r.attach_func);
	prog_request_clear(&r);

	ck_assert_int_eq(prog_request_parse(NULL, "kretprobe:k", &r), 0);
	ck_assert_int_eq(r.type, BPFMAN_PROG_TYPE_KPROBE);
	prog_request_clear(&r);
}
END_TEST

START_TEST(rejects_with_reason)
{
	struct prog_request r;

	ck_assert_int_eq(prog_request_parse(NULL, "tracepoint", &r), -EINVAL);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(NULL), "no function name"));
	ck_assert_int_eq(prog_request_parse(NULL, "socket:f", &r), -EINVAL);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(NULL), "unknown program type 'socket'"));
	ck_assert_int_eq(prog_request_parse(NULL, "xdp:f:g", &r), -EINVAL);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(NULL), "only fentry, fexit and lsm"));
	ck_assert_int_eq(prog_request_parse(NULL, "xdp:", &r), -EINVAL);
	ck_assert_int_eq(prog_request_parse(NULL, "", &r), -EINVAL);
}
END_TEST

START_TEST(type_names_round_trip)
{
	for (int t = BPFMAN_PROG_TYPE_XDP; t <= BPFMAN_PROG_TYPE_LSM; t++)
		ck_assert_int_eq(bpfman_program_type_from_name(bpfman_program_type_name(t)), t);
	ck_assert_ptr_null(bpfman_program_type_name(99));
	ck_assert_int_eq(bpfman_program_type_from_name("nope"), BPFMAN_PROG_TYPE_UNSPEC);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("load-spec");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, accepts_bpfman_forms);
	tcase_add_test(tc, rejects_with_reason);
	tcase_add_test(tc, type_names_round_trip);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
