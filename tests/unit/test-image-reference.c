// SPDX-License-Identifier: Apache-2.0
/* Image references: docker/podman normalisation and every refusal. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "image/reference.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void ok(const char *text, const char *registry, const char *api, const char *repo,
	       const char *tag, const char *digest, const char *full)
{
	struct image_ref r;
	char *s;

	ck_assert_msg(image_ref_parse(NULL, text, &r) == 0, "%s: %s", text, bpfman_errmsg(NULL));
	ck_assert_str_eq(r.registry, registry);
	ck_assert_str_eq(r.api_host, api);
	ck_assert_str_eq(r.repository, repo);
	if (tag)
		ck_assert_str_eq(r.tag, tag);
	else
		ck_assert_ptr_null(r.tag);
	if (digest)
		ck_assert_str_eq(r.digest, digest);
	else
		ck_assert_ptr_null(r.digest);
	s = image_ref_string(&r);
	ck_assert_str_eq(s, full);
	free(s);
	s = image_ref_repo_string(&r);
	ck_assert(strncmp(full, s, strlen(s)) == 0);
	free(s);
	image_ref_clear(&r);
}

static void bad(const char *text, const char *needle)
{
	struct image_ref r;

	ck_assert_int_eq(image_ref_parse(NULL, text, &r), -EINVAL);
	ck_assert_ptr_null(r.registry);
	ck_assert_msg(strstr(bpfman_errmsg(NULL), needle), "%s: '%s' not in '%s'", text,
		      needle, bpfman_errmsg(NULL));
}

START_TEST(docker_hub_defaults)
{
	ok("alpine", "docker.io", "registry-1.docker.io", "library/alpine", "latest", NULL,
	   "docker.io/library/alpine:latest");
	ok("alpine:3.19", "docker.io", "registry-1.docker.io", "library/alpine", "3.19", NULL,
	   "docker.io/library/alpine:3.19");
	ok("bpfman/bpfman", "docker.io", "registry-1.docker.io", "bpfman/bpfman", "latest", NULL,
	   "docker.io/bpfman/bpfman:latest");
	ok("docker.io/alpine", "docker.io", "registry-1.docker.io", "library/alpine", "latest", NULL,
	   "docker.io/library/alpine:latest");
	ok("index.docker.io/library/alpine", "docker.io", "registry-1.docker.io", "library/alpine",
	   "latest", NULL, "docker.io/library/alpine:latest");
}
END_TEST

START_TEST(registries)
{
	ok("quay.io/bpfman-bytecode/xdp_pass:latest", "quay.io", "quay.io",
	   "bpfman-bytecode/xdp_pass", "latest", NULL, "quay.io/bpfman-bytecode/xdp_pass:latest");
	ok("127.0.0.1:5000/a/b/c", "127.0.0.1:5000", "127.0.0.1:5000", "a/b/c", "latest", NULL,
	   "127.0.0.1:5000/a/b/c:latest");
	ok("localhost/x", "localhost", "localhost", "x", "latest", NULL, "localhost/x:latest");
	ok("localhost:5000/x:v1", "localhost:5000", "localhost:5000", "x", "v1", NULL,
	   "localhost:5000/x:v1");
	ok("[::1]:5000/x", "[::1]:5000", "[::1]:5000", "x", "latest", NULL, "[::1]:5000/x:latest");
	/* an upper-case first component is a host, as docker decides */
	ok("Registry/x", "Registry", "Registry", "x", "latest", NULL, "Registry/x:latest");
	/* a one-component name elsewhere gets no "library/" */
	ok("quay.io/x", "quay.io", "quay.io", "x", "latest", NULL, "quay.io/x:latest");
}
END_TEST

START_TEST(digests_and_tags)
{
	ok("quay.io/a/b@sha256:" HEX64, "quay.io", "quay.io", "a/b", NULL, "sha256:" HEX64,
	   "quay.io/a/b@sha256:" HEX64);
	ok("quay.io/a/b:v1@sha256:" HEX64, "quay.io", "quay.io", "a/b", "v1", "sha256:" HEX64,
	   "quay.io/a/b:v1@sha256:" HEX64);
	ok("a__b.c-d---e:_W.x-Y", "docker.io", "registry-1.docker.io", "library/a__b.c-d---e",
	   "_W.x-Y", NULL, "docker.io/library/a__b.c-d---e:_W.x-Y");
}
END_TEST

START_TEST(refusals_name_the_part)
{
	char long_tag[200];

	bad("", "no image reference");
	bad("quay.io/Bpfman/x", "lower-case");
	bad("quay.io/a//b", "empty path component");
	bad("quay.io/a/", "empty path component");
	bad("quay.io/-a", "path component");
	bad("quay.io/a_-b", "path component");
	bad("quay.io/a___b", "path component");
	bad("a:", "tag after ':' is empty");
	bad("a:-x", "tag may hold only");
	bad("a:x/y", "registry must be");
	bad("a:x!y", "tag may hold only");
	memset(long_tag, 'a', sizeof(long_tag));
	memcpy(long_tag, "x:", 2);
	long_tag[2 + 129] = '\0';
	bad(long_tag, "at most 128");
	bad("a@sha256:abc", "64 lower-case hex");
	bad("a@sha256:" "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "64 lower-case hex");
	bad("a@sha512:" HEX64, "sha256");
	bad("a b", "space");
	bad("quay.io:x/a", "registry must be");
	bad("-bad.io/a", "registry must be");
	bad("quay.io:123456/a", "registry must be");
	bad(":tag", "repository name is empty");
	bad("quay.io/" HEX64, "64 hex");
	bad("@sha256:" HEX64, "repository name is empty");
}
END_TEST

START_TEST(total_length_is_bounded)
{
	char name[400];

	memset(name, 'a', sizeof(name));
	memcpy(name, "quay.io/", 8);
	name[300] = '\0';
	bad(name, "255");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("image-reference");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, docker_hub_defaults);
	tcase_add_test(tc, registries);
	tcase_add_test(tc, digests_and_tags);
	tcase_add_test(tc, refusals_name_the_part);
	tcase_add_test(tc, total_length_is_bounded);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
