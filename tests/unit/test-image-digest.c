// SPDX-License-Identifier: Apache-2.0
/* Digests: the OCI form and SHA-256 itself (FIPS 180-2 test vector). */
#include <check.h>
#include <string.h>

#include "internal.h"
#include "image/digest.h"

#define ABC "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

START_TEST(form)
{
	ck_assert(digest_valid(ABC));
	ck_assert(!digest_valid(NULL));
	ck_assert(!digest_valid(""));
	ck_assert(!digest_valid("sha256:"));
	ck_assert(!digest_valid("sha512:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	ck_assert(!digest_valid("sha256:BA7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	ck_assert(!digest_valid(ABC "0"));
	ck_assert(!digest_valid("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a"));
	ck_assert(!digest_valid("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ag"));
	ck_assert_str_eq(digest_hex(ABC), ABC + 7);
}
END_TEST

START_TEST(sha256)
{
	char out[DIGEST_STR_SIZE], streamed[DIGEST_STR_SIZE];
	struct digest_stream s;

	digest_buf("abc", 3, out);
	ck_assert_str_eq(out, ABC);
	digest_stream_init(&s);
	digest_stream_update(&s, "a", 1);
	digest_stream_update(&s, "", 0);
	digest_stream_update(&s, "bc", 2);
	ck_assert_uint_eq(s.bytes, 3);
	digest_stream_final(&s, streamed);
	ck_assert_str_eq(streamed, ABC);
	digest_buf("", 0, out);
	ck_assert_str_eq(out, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("image-digest");
	TCase *tc = tcase_create("digest");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, form);
	tcase_add_test(tc, sha256);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
