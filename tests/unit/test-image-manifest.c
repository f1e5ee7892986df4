// SPDX-License-Identifier: Apache-2.0
/* Manifests and indexes: the four kinds, OCI 1.1 fields, platform choice,
 * and each refusal of a malformed or lying body. */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "image/manifest.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"

#define OCI_MANIFEST                                                                        \
	"{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\","                       \
	"\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" D1 "\",\"size\":10}," \
	"\"layers\":[{\"mediaType\":\"" MT_OCI_LAYER_GZIP "\",\"digest\":\"" D2 "\",\"size\":20}]}"

static int parse(const char *ct, const char *body, struct manifest *m)
{
	return manifest_parse(NULL, ct, body, strlen(body), m);
}

static void bad(const char *ct, const char *body, const char *needle)
{
	struct manifest m;
	int err = parse(ct, body, &m);

	ck_assert_msg(err < 0, "accepted: %s", body);
	ck_assert_msg(strstr(bpfman_errmsg(NULL), needle), "'%s' not in '%s'", needle,
		      bpfman_errmsg(NULL));
	ck_assert_ptr_null(m.layers);
	ck_assert_ptr_null(m.manifests);
}

START_TEST(oci_manifest)
{
	struct manifest m;

	ck_assert_int_eq(parse(MT_OCI_MANIFEST, OCI_MANIFEST, &m), 0);
	ck_assert_int_eq(m.kind, MANIFEST_OCI);
	ck_assert(!manifest_is_index(&m));
	ck_assert_str_eq(m.config.digest, D1);
	ck_assert_uint_eq(m.config.size, 10);
	ck_assert_uint_eq(m.layers_cnt, 1);
	ck_assert_str_eq(m.layers[0].media_type, MT_OCI_LAYER_GZIP);
	ck_assert_uint_eq(m.layers[0].size, 20);
	ck_assert_ptr_null(m.subject);
	manifest_clear(&m);
	/* Content-Type with parameters, or absent: the body decides */
	ck_assert_int_eq(parse(MT_OCI_MANIFEST "; charset=utf-8", OCI_MANIFEST, &m), 0);
	manifest_clear(&m);
	ck_assert_int_eq(parse(NULL, OCI_MANIFEST, &m), 0);
	manifest_clear(&m);
	ck_assert_int_eq(parse("application/json", OCI_MANIFEST, &m), 0);
	manifest_clear(&m);
}
END_TEST

START_TEST(docker_kinds)
{
	struct manifest m;
	const char *list = "{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_LIST "\",\"manifests\":["
			   "{\"mediaType\":\"" MT_DOCKER_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":5,"
			   "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
	const char *man = "{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_MANIFEST "\","
			  "\"config\":{\"mediaType\":\"" MT_DOCKER_CONFIG "\",\"digest\":\"" D1 "\",\"size\":1},"
			  "\"layers\":[{\"mediaType\":\"" MT_DOCKER_LAYER_GZIP "\",\"digest\":\"" D2 "\",\"size\":2}]}";

	ck_assert_int_eq(parse(MT_DOCKER_LIST, list, &m), 0);
	ck_assert_int_eq(m.kind, MANIFEST_DOCKER_LIST);
	ck_assert(manifest_is_index(&m));
	ck_assert_str_eq(m.manifests[0].platform, "linux/amd64");
	manifest_clear(&m);
	ck_assert_int_eq(parse(MT_DOCKER_MANIFEST, man, &m), 0);
	ck_assert_int_eq(m.kind, MANIFEST_DOCKER);
	manifest_clear(&m);
	ck_assert(strstr(manifest_accept(), MT_DOCKER_LIST));
	ck_assert(strstr(manifest_accept(), MT_OCI_INDEX));
}
END_TEST

START_TEST(oci_1_1_fields)
{
	struct manifest m;
	struct descriptor copy;
	const char *body =
		"{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\","
		"\"artifactType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
		"\"config\":{\"mediaType\":\"" MT_OCI_EMPTY "\",\"digest\":\"" D1 "\",\"size\":2},"
		"\"layers\":[{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"digest\":\"" D2 "\",\"size\":9,"
		"\"annotations\":{\"dev.cosignproject.cosign/signature\":\"MEUC\"}}],"
		"\"subject\":{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D3 "\",\"size\":400},"
		"\"annotations\":{\"org.opencontainers.image.created\":\"2025-01-01T00:00:00Z\"}}";

	ck_assert_int_eq(parse(MT_OCI_MANIFEST, body, &m), 0);
	ck_assert_str_eq(m.artifact_type, "application/vnd.dev.sigstore.bundle.v0.3+json");
	ck_assert_ptr_nonnull(m.subject);
	ck_assert_str_eq(m.subject->digest, D3);
	ck_assert_uint_eq(m.annotations_cnt, 1);
	ck_assert_str_eq(m.annotation_keys[0], "org.opencontainers.image.created");
	ck_assert_str_eq(descriptor_annotation(&m.layers[0], "dev.cosignproject.cosign/signature"), "MEUC");
	ck_assert_int_eq(descriptor_copy(&copy, &m.layers[0]), 0);
	ck_assert_str_eq(copy.annotation_values[0], "MEUC");
	descriptor_clear(&copy);
	manifest_clear(&m);
}
END_TEST

START_TEST(refusals)
{
	bad(NULL, "{", "not valid JSON");
	bad(NULL, "[]", "not a JSON object");
	bad(NULL, "{\"schemaVersion\":1}", "schemaVersion must be 2");
	bad(NULL, "{\"mediaType\":\"" MT_OCI_MANIFEST "\"}", "schemaVersion must be 2 (it has none)");
	bad(MT_OCI_INDEX, OCI_MANIFEST, "disagrees");
	bad("application/vnd.docker.distribution.manifest.v1+prettyjws", "{\"schemaVersion\":2}", "schema 1");
	bad("text/html", OCI_MANIFEST, "not a manifest type");
	bad(NULL, "{\"schemaVersion\":2,\"mediaType\":\"foo/bar\"}", "not one this client accepts");
	bad(NULL, "{\"schemaVersion\":2}", "neither");
	bad(NULL, "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\",\"layers\":[]}", "no \"config\"");
	bad(NULL, "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\",\"config\":{\"mediaType\":\"a/b\",\"digest\":\"" D1 "\",\"size\":1}}",
	    "no \"layers\"");
	bad(NULL, "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\",\"config\":{\"mediaType\":\"a/b\",\"digest\":\"sha256:12\",\"size\":1},\"layers\":[]}",
	    "is not sha256:<64");
	bad(NULL, "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\",\"config\":{\"mediaType\":\"a/b\",\"digest\":\"" D1 "\",\"size\":-1},\"layers\":[]}",
	    "non-negative integer");
	bad(NULL, "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\",\"config\":{\"mediaType\":\"a/b\",\"digest\":\"" D1 "\",\"size\":1.5},\"layers\":[]}",
	    "non-negative integer");
	bad(NULL, "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\",\"config\":{\"mediaType\":\"a/b\",\"digest\":\"" D1 "\"},\"layers\":[]}",
	    "no \"size\"");
	bad(NULL, "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\",\"config\":{\"digest\":\"" D1 "\",\"size\":1},\"layers\":[]}",
	    "no \"mediaType\"");
	bad(NULL, "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\",\"config\":{\"mediaType\":\"nonsense\",\"digest\":\"" D1 "\",\"size\":1},\"layers\":[]}",
	    "is not a media type");
	bad(NULL, "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":[{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":99999999}]}",
	    "over the");
	bad(NULL, "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":[{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":9,\"platform\":{\"os\":\"linux\"}}]}",
	    "no \"architecture\"");
	bad(NULL, "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":[],\"layers\":[]}",
	    "must not have");
	bad(NULL, "{\"schemaVersion\":2,\"schemaVersion\":2}", "duplicate");
	bad(NULL, "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\",\"config\":{\"mediaType\":\"a/b\",\"digest\":\"" D1 "\",\"size\":1},\"layers\":[],\"annotations\":{\"a\":1}}",
	    "annotation \"a\" is not a string");
	{
		struct manifest m;
		char *huge = calloc(1, MANIFEST_MAX_SIZE + 2);

		memset(huge, ' ', MANIFEST_MAX_SIZE + 1);
		ck_assert_int_eq(manifest_parse(NULL, NULL, huge, MANIFEST_MAX_SIZE + 1, &m), -EMSGSIZE);
		ck_assert(strstr(bpfman_errmsg(NULL), "over the"));
		free(huge);
	}
}
END_TEST

START_TEST(platform_choice)
{
	struct manifest m;
	const struct descriptor *d;
	const char *idx =
		"{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":["
		"{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":5,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
		"{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D2 "\",\"size\":5,\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\"}},"
		"{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D3 "\",\"size\":5,\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}},"
		"{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":5,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}]}";

	ck_assert_int_eq(parse(NULL, idx, &m), 0);
	ck_assert_int_eq(manifest_pick_platform(NULL, &m, "linux/amd64", &d), 0);
	ck_assert_str_eq(d->digest, D1);
	/* the exact variant wins over the generic entry listed first */
	ck_assert_int_eq(manifest_pick_platform(NULL, &m, "linux/arm/v7", &d), 0);
	ck_assert_str_eq(d->digest, D3);
	ck_assert_int_eq(manifest_pick_platform(NULL, &m, "linux/arm/v6", &d), 0);
	ck_assert_str_eq(d->platform, "linux/arm");
	/* arm64 without a variant is arm64/v8 */
	ck_assert_int_eq(manifest_pick_platform(NULL, &m, "linux/arm64/v8", &d), 0);
	ck_assert_str_eq(d->platform, "linux/arm64");
	ck_assert_int_eq(manifest_pick_platform(NULL, &m, "linux/s390x", &d), -ENOENT);
	ck_assert_msg(strstr(bpfman_errmsg(NULL), "linux/amd64, linux/arm, linux/arm/v7, linux/arm64"),
		      "%s", bpfman_errmsg(NULL));
	ck_assert_int_eq(manifest_pick_platform(NULL, &m, "linux", &d), -EINVAL);
	ck_assert(strstr(bpfman_errmsg(NULL), "os/arch"));
	/* NULL: this host, which has a GOARCH name */
	ck_assert(strncmp(host_platform(), "linux/", 6) == 0);
	if (!strcmp(host_platform(), "linux/amd64")) {
		ck_assert_int_eq(manifest_pick_platform(NULL, &m, NULL, &d), 0);
		ck_assert_str_eq(d->digest, D1);
	}
	manifest_clear(&m);
}
END_TEST

START_TEST(descriptor_json_round_trip)
{
	struct manifest m;
	struct json_t *j;
	char *text, *body;
	const char *idx =
		"{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":["
		"{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":5,"
		"\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"},"
		"\"annotations\":{\"k\":\"v\"}}]}";

	ck_assert_int_eq(parse(NULL, idx, &m), 0);
	j = descriptor_json(&m.manifests[0]);
	text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	manifest_clear(&m);
	body = str_printf("{\"schemaVersion\":2,\"manifests\":[%s]}", text);
	ck_assert_int_eq(parse(MT_OCI_INDEX, body, &m), 0);
	ck_assert_str_eq(m.manifests[0].platform, "linux/arm/v7");
	ck_assert_str_eq(m.manifests[0].annotation_values[0], "v");
	manifest_clear(&m);
	free(text);
	free(body);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("image-manifest");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, oci_manifest);
	tcase_add_test(tc, docker_kinds);
	tcase_add_test(tc, oci_1_1_fields);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, platform_choice);
	tcase_add_test(tc, descriptor_json_round_trip);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
