// SPDX-License-Identifier: Apache-2.0
/* The distribution API against real docker-registry servers: push and
 * pull back, plain HTTP only where the config says insecure, TLS with and
 * without the CA and with a certificate for another name, unknown names,
 * tampered blobs, descriptors lying about sizes, an unreachable registry,
 * referrers, and an image pushed by skopeo. */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "servers.h"

#include "internal.h"
#include "image/manifest.h"
#include "image/registry.h"
#include "image/store.h"

static struct server plain, tls, wrong_name, mutual;

static struct registry_client *client(struct test_env *e, const struct server *s,
				      const char *repo, bool push,
				      const char *user, const char *pass)
{
	BPFMAN_OPTS(bpfman_registry_opts, o, .username = user, .password = pass);
	struct registry_client *c = NULL;
	struct image_ref ref;
	int err;

	ref_init(&ref, s, repo, "latest");
	err = registry_client_new(e->ctx, &ref, &o, push, &c);
	image_ref_clear(&ref);
	ck_assert_msg(err == 0, "registry_client_new: %s", bpfman_errmsg(e->ctx));
	return c;
}

static struct descriptor layer_desc(const struct pushed_image *img, uint64_t size)
{
	return (struct descriptor){
		.media_type = (char *)MT_OCI_LAYER_GZIP,
		.digest = (char *)img->layer,
		.size = size,
	};
}

START_TEST(plain_push_then_pull)
{
	struct test_env e;
	struct registry_client *c;
	struct pushed_image img;
	void *buf = NULL;
	size_t len = 0;
	char *ctype = NULL, digest[DIGEST_STR_SIZE], head[DIGEST_STR_SIZE];
	struct descriptor d;
	char root[PATH_MAX + 16];

	env_open(&e, "registries:\n  - location: \"%s\"\n    insecure: true\n", plain.host);
	c = client(&e, &plain, "roundtrip/app", true, NULL, NULL);
	push_image(c, "v1", "roundtrip", &img);
	registry_client_free(c);

	c = client(&e, &plain, "roundtrip/app", false, NULL, NULL);
	ck_assert_int_eq(registry_get_manifest(c, "v1", MT_OCI_MANIFEST, &buf, &len, &ctype, digest), 0);
	ck_assert_str_eq(digest, img.manifest);
	ck_assert_uint_eq(len, img.manifest_len);
	ck_assert_str_eq(ctype, MT_OCI_MANIFEST);
	free(buf);
	free(ctype);
	ctype = NULL;

	ck_assert_int_eq(registry_head_manifest(c, "v1", MT_OCI_MANIFEST, head, &ctype), 0);
	ck_assert_str_eq(head, img.manifest);
	free(ctype);

	/* By digest: the body must hash to it. */
	ck_assert_int_eq(registry_get_manifest(c, img.manifest, MT_OCI_MANIFEST, &buf, &len, NULL, digest), 0);
	free(buf);

	ck_assert_int_eq(registry_blob_exists(c, img.layer), 1);
	ck_assert_int_eq(registry_blob_exists(c, "sha256:0000000000000000000000000000000000000000000000000000000000000000"), 0);
	ck_assert_int_eq(registry_get_blob(c, img.config, 1 << 20, &buf, &len), 0);
	ck_assert_uint_eq(len, img.config_len);
	ck_assert(strstr(buf, "roundtrip"));
	free(buf);
	/* A blob above the caller's bound is refused. */
	ck_assert_int_eq(registry_get_blob(c, img.config, 10, &buf, &len), -EMSGSIZE);
	assert_msg_has(e.ctx, "larger than 10 bytes");

	snprintf(root, sizeof(root), "%s/layout", e.dir);
	ck_assert_int_eq(store_init(e.ctx, root), 0);
	d = layer_desc(&img, img.layer_len);
	ck_assert_msg(registry_fetch_blob(c, root, &d) == 0, "%s", bpfman_errmsg(e.ctx));
	ck_assert(store_has_blob(root, img.layer, img.layer_len));
	/* Present already: nothing to fetch, still success. */
	ck_assert_int_eq(registry_fetch_blob(c, root, &d), 0);

	/* Pushing the same blob again finds it and skips the upload. */
	registry_client_free(c);
	c = client(&e, &plain, "roundtrip/app", true, NULL, NULL);
	push_image(c, "v1", "roundtrip", &img);
	registry_client_free(c);
	env_close(&e);
}
END_TEST

START_TEST(plain_http_refused_unless_insecure)
{
	struct test_env e;
	struct registry_client *c;
	void *buf = NULL;
	size_t len;
	char digest[DIGEST_STR_SIZE];
	int err;

	env_open(&e, "# no registries entry: TLS required\n");
	c = client(&e, &plain, "roundtrip/app", false, NULL, NULL);
	err = registry_get_manifest(c, "v1", MT_OCI_MANIFEST, &buf, &len, NULL, digest);
	ck_assert_int_eq(err, -EPROTO);
	assert_msg_has(e.ctx, "does not seem to speak TLS");
	assert_msg_has(e.ctx, "insecure: true");
	registry_client_free(c);
	env_close(&e);
}
END_TEST

START_TEST(unknown_repository_and_tag)
{
	struct test_env e;
	struct registry_client *c;
	struct pushed_image img;
	void *buf = NULL;
	size_t len;
	char digest[DIGEST_STR_SIZE];

	env_open(&e, "registries:\n  - location: \"%s\"\n    insecure: true\n", plain.host);
	c = client(&e, &plain, "nobody/never", false, NULL, NULL);
	ck_assert_int_eq(registry_get_manifest(c, "latest", MT_OCI_MANIFEST, &buf, &len, NULL, digest), -ENOENT);
	assert_msg_has(e.ctx, "manifest latest was not found in");
	assert_msg_has(e.ctx, "UNKNOWN"); /* the registry's own code */
	registry_client_free(c);

	c = client(&e, &plain, "known/repo", true, NULL, NULL);
	push_image(c, "exists", "known", &img);
	ck_assert_int_eq(registry_get_manifest(c, "missing", MT_OCI_MANIFEST, &buf, &len, NULL, digest), -ENOENT);
	assert_msg_has(e.ctx, "MANIFEST_UNKNOWN");
	ck_assert_int_eq(registry_head_manifest(c, "missing", MT_OCI_MANIFEST, digest, NULL), -ENOENT);
	registry_client_free(c);
	env_close(&e);
}
END_TEST

static void corrupt_blob(const char *storage, const char *digest)
{
	char path[PATH_MAX + 200];
	const char *hex = digest + 7;
	FILE *f;
	long size;
	char *junk;

	snprintf(path, sizeof(path), "%s/docker/registry/v2/blobs/sha256/%.2s/%s/data",
		 storage, hex, hex);
	f = fopen(path, "r+");
	ck_assert_msg(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	junk = malloc((size_t)size);
	memset(junk, 'X', (size_t)size);
	ck_assert_uint_eq(fwrite(junk, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	free(junk);
}

START_TEST(tampered_blob_is_refused)
{
	struct test_env e;
	struct registry_client *c;
	struct pushed_image img;
	struct descriptor d;
	void *buf = NULL;
	size_t len;
	char root[PATH_MAX + 16];

	env_open(&e, "registries:\n  - location: \"%s\"\n    insecure: true\n", plain.host);
	c = client(&e, &plain, "tamper/app", true, NULL, NULL);
	push_image(c, "v1", "tamper", &img);
	corrupt_blob(plain.storage, img.layer);
	corrupt_blob(plain.storage, img.config);

	snprintf(root, sizeof(root), "%s/layout", e.dir);
	ck_assert_int_eq(store_init(e.ctx, root), 0);
	d = layer_desc(&img, img.layer_len);
	ck_assert_int_eq(registry_fetch_blob(c, root, &d), -EBADMSG);
	assert_msg_has(e.ctx, img.layer);
	ck_assert(!store_has_blob(root, img.layer, 0));

	ck_assert_int_eq(registry_get_blob(c, img.config, 1 << 20, &buf, &len), -EBADMSG);
	assert_msg_has(e.ctx, "altered");
	registry_client_free(c);
	env_close(&e);
}
END_TEST

START_TEST(descriptor_lying_about_size)
{
	struct test_env e;
	struct registry_client *c;
	struct pushed_image img;
	struct descriptor d;
	char root[PATH_MAX + 16];
	int err;

	env_open(&e, "registries:\n  - location: \"%s\"\n    insecure: true\n", plain.host);
	c = client(&e, &plain, "sizes/app", true, NULL, NULL);
	push_image(c, "v1", "sizes", &img);
	snprintf(root, sizeof(root), "%s/layout", e.dir);
	ck_assert_int_eq(store_init(e.ctx, root), 0);

	/* Smaller than the blob: stopped while the bytes arrive. */
	d = layer_desc(&img, img.layer_len - 5);
	err = registry_fetch_blob(c, root, &d);
	ck_assert_msg(err == -EMSGSIZE, "%d %s", err, bpfman_errmsg(e.ctx));
	assert_msg_has(e.ctx, "more than");
	/* Larger than the blob: the registry's length disagrees. */
	d = layer_desc(&img, img.layer_len + 5);
	err = registry_fetch_blob(c, root, &d);
	ck_assert_msg(err == -EBADMSG, "%d %s", err, bpfman_errmsg(e.ctx));
	assert_msg_has(e.ctx, "descriptor says");
	ck_assert(!store_has_blob(root, img.layer, 0));
	registry_client_free(c);
	env_close(&e);
}
END_TEST

START_TEST(unreachable_registry)
{
	struct test_env e;
	struct registry_client *c;
	struct server nobody = { 0 };
	void *buf = NULL;
	size_t len;
	char digest[DIGEST_STR_SIZE];

	snprintf(nobody.host, sizeof(nobody.host), "127.0.0.1:%d", free_port());
	env_open(&e, "registries:\n  - location: \"%s\"\n    insecure: true\n", nobody.host);
	c = client(&e, &nobody, "any/thing", false, NULL, NULL);
	ck_assert_int_eq(registry_get_manifest(c, "latest", MT_OCI_MANIFEST, &buf, &len, NULL, digest), -ECONNREFUSED);
	assert_msg_has(e.ctx, "cannot connect to the registry");
	assert_msg_has(e.ctx, nobody.host);
	registry_client_free(c);
	env_close(&e);
}
END_TEST

START_TEST(referrers_of_this_registry)
{
	struct test_env e;
	struct registry_client *c;
	struct pushed_image img;
	bool supported = true;
	void *buf = (void *)1;
	size_t len = 1;

	env_open(&e, "registries:\n  - location: \"%s\"\n    insecure: true\n", plain.host);
	c = client(&e, &plain, "referrers/app", true, NULL, NULL);
	push_image(c, "v1", "referrers", &img);
	/* docker-registry 2.8 has no referrers API: 404, so callers fall
	 * back to the sha256-<hex> tag scheme. */
	ck_assert_int_eq(registry_referrers(c, img.manifest, "application/vnd.dev.sigstore.bundle.v0.3+json",
					    &supported, &buf, &len), 0);
	ck_assert(!supported);
	ck_assert_ptr_null(buf);
	ck_assert_uint_eq(len, 0);
	registry_client_free(c);
	env_close(&e);
}
END_TEST

START_TEST(image_pushed_by_skopeo)
{
	struct test_env e;
	struct registry_client *c;
	char cmd[4 * PATH_MAX], root[PATH_MAX + 16], digest[DIGEST_STR_SIZE];
	void *buf = NULL;
	size_t len;
	char *ctype = NULL;
	json_t *m, *layers;
	struct descriptor d = { 0 };

	env_open(&e, "registries:\n  - location: \"%s\"\n    insecure: true\n", plain.host);
	snprintf(cmd, sizeof(cmd),
		 "'%s/make-layout' '%s/oci' fixture >/dev/null && "
		 "skopeo copy -q --dest-tls-verify=false oci:'%s/oci':fixture docker://%s/skopeo/fixture:v1",
		 REGISTRY_SCRIPTS, e.dir, e.dir, plain.host);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);

	c = client(&e, &plain, "skopeo/fixture", false, NULL, NULL);
	ck_assert_msg(registry_get_manifest(c, "v1", MT_OCI_MANIFEST "," MT_DOCKER_MANIFEST,
					    &buf, &len, &ctype, digest) == 0,
		      "%s", bpfman_errmsg(e.ctx));
	m = json_loadb(buf, len, 0, NULL);
	ck_assert_ptr_nonnull(m);
	layers = json_object_get(m, "layers");
	ck_assert_uint_eq(json_array_size(layers), 1);
	d.digest = (char *)json_string_value(json_object_get(json_array_get(layers, 0), "digest"));
	d.size = (uint64_t)json_integer_value(json_object_get(json_array_get(layers, 0), "size"));
	snprintf(root, sizeof(root), "%s/layout", e.dir);
	ck_assert_int_eq(store_init(e.ctx, root), 0);
	ck_assert_msg(registry_fetch_blob(c, root, &d) == 0, "%s", bpfman_errmsg(e.ctx));
	ck_assert(store_has_blob(root, d.digest, d.size));
	json_decref(m);
	free(buf);
	free(ctype);
	registry_client_free(c);
	env_close(&e);
}
END_TEST

START_TEST(tls_with_ca_file)
{
	struct test_env e;
	struct registry_client *c;
	struct pushed_image img;
	void *buf = NULL;
	size_t len;
	char digest[DIGEST_STR_SIZE];

	env_open(&e, "registries:\n  - location: \"%s\"\n    ca_file: %s\n", tls.host, tls.ca);
	c = client(&e, &tls, "secure/app", true, tls.user, tls.pass);
	push_image(c, "v1", "secure", &img);
	registry_client_free(c);
	c = client(&e, &tls, "secure/app", false, tls.user, tls.pass);
	ck_assert_int_eq(registry_get_manifest(c, "v1", MT_OCI_MANIFEST, &buf, &len, NULL, digest), 0);
	ck_assert_str_eq(digest, img.manifest);
	free(buf);
	registry_client_free(c);
	env_close(&e);

	/* The same CA given for every registry. */
	env_open(&e, "registry_tls:\n  ca_file: %s\n", tls.ca);
	c = client(&e, &tls, "secure/app", false, tls.user, tls.pass);
	ck_assert_int_eq(registry_get_manifest(c, "v1", MT_OCI_MANIFEST, &buf, &len, NULL, digest), 0);
	free(buf);
	registry_client_free(c);
	env_close(&e);
}
END_TEST

START_TEST(tls_without_ca_refused)
{
	struct test_env e;
	struct registry_client *c;
	void *buf = NULL;
	size_t len;
	char digest[DIGEST_STR_SIZE];

	env_open(&e, "# TLS verified against the system CAs only\n");
	c = client(&e, &tls, "secure/app", false, tls.user, tls.pass);
	ck_assert_int_eq(registry_get_manifest(c, "v1", MT_OCI_MANIFEST, &buf, &len, NULL, digest), -EPERM);
	assert_msg_has(e.ctx, "cannot verify the certificate");
	assert_msg_has(e.ctx, "ca_file");
	registry_client_free(c);
	env_close(&e);

	/* insecure allows plain HTTP; it does not switch verification off. */
	env_open(&e, "registries:\n  - location: \"%s\"\n    insecure: true\n", tls.host);
	c = client(&e, &tls, "secure/app", false, tls.user, tls.pass);
	ck_assert_int_ne(registry_get_manifest(c, "v1", MT_OCI_MANIFEST, &buf, &len, NULL, digest), 0);
	registry_client_free(c);
	env_close(&e);

	env_open(&e, "registries:\n  - location: \"%s\"\n    ca_file: /nonexistent/ca.pem\n", tls.host);
	c = client(&e, &tls, "secure/app", false, tls.user, tls.pass);
	ck_assert_int_eq(registry_get_manifest(c, "v1", MT_OCI_MANIFEST, &buf, &len, NULL, digest), -ENOENT);
	assert_msg_has(e.ctx, "cannot read the CA file /nonexistent/ca.pem");
	registry_client_free(c);
	env_close(&e);
}
END_TEST

START_TEST(tls_name_mismatch)
{
	struct test_env e;
	struct registry_client *c;
	void *buf = NULL;
	size_t len;
	char digest[DIGEST_STR_SIZE];

	env_open(&e, "registries:\n  - location: \"%s\"\n    ca_file: %s\n", wrong_name.host,
		 wrong_name.ca);
	c = client(&e, &wrong_name, "secure/app", false, wrong_name.user, wrong_name.pass);
	ck_assert_int_eq(registry_get_manifest(c, "v1", MT_OCI_MANIFEST, &buf, &len, NULL, digest), -EPERM);
	assert_msg_has(e.ctx, "is not valid for the name");
	assert_msg_has(e.ctx, "subjectAltName");
	registry_client_free(c);
	env_close(&e);
}
END_TEST

START_TEST(mutual_tls)
{
	struct test_env e;
	struct registry_client *c;
	struct pushed_image img;
	void *buf = NULL;
	size_t len;
	char digest[DIGEST_STR_SIZE];
	int err;

	ck_assert(mutual.client_cert[0] && mutual.client_key[0]);
	env_open(&e, "registries:\n  - location: \"%s\"\n    ca_file: %s\n"
		     "    client_cert: %s\n    client_key: %s\n",
		 mutual.host, mutual.ca, mutual.client_cert, mutual.client_key);
	c = client(&e, &mutual, "mtls/app", true, mutual.user, mutual.pass);
	push_image(c, "v1", "mtls", &img);
	ck_assert_int_eq(registry_get_manifest(c, "v1", MT_OCI_MANIFEST, &buf, &len, NULL, digest), 0);
	free(buf);
	registry_client_free(c);
	env_close(&e);

	/* Without the client certificate the handshake fails, and says where
	 * the certificate is configured. */
	env_open(&e, "registries:\n  - location: \"%s\"\n    ca_file: %s\n", mutual.host, mutual.ca);
	c = client(&e, &mutual, "mtls/app", false, mutual.user, mutual.pass);
	err = registry_get_manifest(c, "v1", MT_OCI_MANIFEST, &buf, &len, NULL, digest);
	ck_assert_msg(err == -EPROTO || err == -EIO, "%d %s", err, bpfman_errmsg(e.ctx));
	assert_msg_has(e.ctx, mutual.host);
	registry_client_free(c);
	env_close(&e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("registry-pull");
	TCase *tc = tcase_create("pull");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, plain_push_then_pull);
	tcase_add_test(tc, plain_http_refused_unless_insecure);
	tcase_add_test(tc, unknown_repository_and_tag);
	tcase_add_test(tc, tampered_blob_is_refused);
	tcase_add_test(tc, descriptor_lying_about_size);
	tcase_add_test(tc, unreachable_registry);
	tcase_add_test(tc, referrers_of_this_registry);
	tcase_add_test(tc, image_pushed_by_skopeo);
	tcase_add_test(tc, tls_with_ca_file);
	tcase_add_test(tc, tls_without_ca_refused);
	tcase_add_test(tc, tls_name_mismatch);
	tcase_add_test(tc, mutual_tls);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	server_start(&plain, "plain", NULL);
	server_start(&tls, "tls", NULL);
	server_start(&wrong_name, "tls", "REGISTRY_TEST_CERT_NAMES=DNS:registry.wrong-name.invalid");
	server_start(&mutual, "tls", "REGISTRY_TEST_CLIENT_CA=1");
	sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	servers_stop_all();
	return failed ? 1 : 0;
}
