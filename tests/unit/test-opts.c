// SPDX-License-Identifier: Apache-2.0
/* The options-struct rules of doc/abi.md, checked through the public
 * bpfman_ctx_new() without privileges (it fails later, on the directories,
 * for reasons the test tells apart). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpfman/bpfman.h>
#include "internal.h"

struct bigger_opts {
	struct bpfman_ctx_opts known;
	char future[32];
};

START_TEST(zeroed_tail_accepted)
{
	struct bigger_opts o;

	memset(&o, 0, sizeof(o));
	o.known.sz = sizeof(o);
	ck_assert(bpfman_opts_valid(NULL, &o, sizeof(struct bpfman_ctx_opts), "bpfman_ctx_opts"));
}
END_TEST

START_TEST(nonzero_tail_rejected)
{
	struct bigger_opts o;
	struct bpfman_ctx *ctx = NULL;

	memset(&o, 0, sizeof(o));
	o.known.sz = sizeof(o);
	o.future[5] = 1;
	ck_assert_int_eq(bpfman_ctx_new(&ctx, &o.known), -EINVAL);
	ck_assert_ptr_null(ctx);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(NULL), "non-zero byte at offset"));
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(NULL), "bpfman_ctx_opts"));
}
END_TEST

START_TEST(too_small_sz_rejected)
{
	struct bpfman_ctx_opts o;
	struct bpfman_ctx *ctx = NULL;

	memset(&o, 0, sizeof(o));
	o.sz = 3;
	ck_assert_int_eq(bpfman_ctx_new(&ctx, &o), -EINVAL);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(NULL), "smaller than the size field"));
}
END_TEST

START_TEST(older_caller_reads_defaults)
{
	/* A caller built when the struct ended at state_dir: fields after
	 * it must read as defaults even if memory there holds garbage. */
	struct bpfman_ctx_opts o;

	memset(&o, 0xff, sizeof(o));
	o.sz = offsetofend(struct bpfman_ctx_opts, state_dir);
	const struct bpfman_ctx_opts *op = &o;

	o.state_dir = "/x";
	ck_assert(OPTS_HAS(op, state_dir));
	ck_assert(!OPTS_HAS(op, bpffs_root));
	ck_assert_ptr_null(OPTS_GET(op, bpffs_root, NULL));
	ck_assert_str_eq(OPTS_GET(op, state_dir, NULL), "/x");
}
END_TEST

START_TEST(macro_and_init_agree)
{
	BPFMAN_OPTS(bpfman_ctx_opts, a, .state_dir = "/s");
	struct bpfman_ctx_opts b;

	memset(&b, 0xaa, sizeof(b));
	bpfman_ctx_opts_init(&b, sizeof(b));
	b.state_dir = "/s";
	ck_assert_uint_eq(a.sz, sizeof(a));
	ck_assert_uint_eq(b.sz, sizeof(b));
	ck_assert_ptr_null(b.bpffs_root);
	ck_assert_ptr_null(b.log_fn);
	ck_assert_str_eq(a.state_dir, b.state_dir);
}
END_TEST

START_TEST(relative_path_rejected)
{
	BPFMAN_OPTS(bpfman_ctx_opts, o, .state_dir = "relative/dir");
	struct bpfman_ctx *ctx = NULL;

	ck_assert_int_eq(bpfman_ctx_new(&ctx, &o), -EINVAL);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(NULL), "not an absolute path"));
}
END_TEST

START_TEST(ctx_new_err_returns_sentence)
{
	BPFMAN_OPTS(bpfman_ctx_opts, bad, .state_dir = "relative/dir");
	BPFMAN_OPTS(bpfman_ctx_opts, other, .bpffs_root = "also/relative");
	struct bpfman_ctx *ctx = NULL;
	char *msg = (char *)"untouched";

	/* Leave a different sentence in this thread's slot: the new call
	 * must neither read nor overwrite it. */
	ck_assert_int_eq(bpfman_ctx_new(&ctx, &other), -EINVAL);
	ck_assert_int_eq(bpfman_ctx_new_err(&ctx, &msg, &bad), -EINVAL);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_null(ctx);
	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(strstr(msg, "state_dir 'relative/dir' is not an absolute path"));
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(NULL), "also/relative"));
	free(msg);

	ck_assert_int_eq(bpfman_ctx_new_err(NULL, &msg, NULL), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "ret_ctx is NULL"));
	free(msg);
	/* The sentence is optional. */
	ck_assert_int_eq(bpfman_ctx_new_err(&ctx, NULL, &bad), -EINVAL);
}
END_TEST

START_TEST(versions_agree)
{
	ck_assert_uint_eq(bpfman_version_number(), BPFMAN_VERSION_NUMBER);
	ck_assert_str_eq(bpfman_version_string(), BPFMAN_VERSION_STRING);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("opts");
	TCase *tc = tcase_create("rules");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, zeroed_tail_accepted);
	tcase_add_test(tc, nonzero_tail_rejected);
	tcase_add_test(tc, too_small_sz_rejected);
	tcase_add_test(tc, older_caller_reads_defaults);
	tcase_add_test(tc, macro_and_init_agree);
	tcase_add_test(tc, relative_path_rejected);
	tcase_add_test(tc, ctx_new_err_returns_sentence);
	tcase_add_test(tc, versions_agree);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
