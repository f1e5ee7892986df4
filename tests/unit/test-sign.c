// SPDX-License-Identifier: Apache-2.0
/* Signature logic without a registry: the strict payload checks (cosign
 * simple signing, in-toto statement), base64, sign/verify round trips
 * with each key type, the policy section (defaults, refusals, longest
 * match) and the policy hash following key file contents. */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "internal.h"
#include "config.h"
#include "util/fsutil.h"
#include "image/reference.h"
#include "sign/check.h"
#include "sign/enforce.h"
#include "sign/policy.h"
#include "sign/sigcrypto.h"
#include "sign/verify.h"

#define D1 "sha256:8961c7d498ca6137eb97f7c915431a07605a13ab15b344ff897fe99b2ae414d4"
#define D2 "sha256:0000000000000000000000000000000000000000000000000000000000000001"

static enum sig_status ss(const char *json, const char *digest)
{
	char *why = NULL;
	enum sig_status st = simple_signing_check((const unsigned char *)json,
						  strlen(json), digest, &why);

	ck_assert_msg((st == SIG_OK) == (why == NULL), "a refusal must say why");
	free(why);
	return st;
}

START_TEST(simple_signing_strict)
{
	const char *good = "{\"critical\":{\"identity\":{\"docker-reference\":\"r/a\"},"
			   "\"image\":{\"docker-manifest-digest\":\"" D1 "\"},"
			   "\"type\":\"cosign container image signature\"},\"optional\":null}";

	ck_assert_int_eq(ss(good, D1), SIG_OK);
	ck_assert_int_eq(ss(good, D2), SIG_DIGEST_MISMATCH);
	/* unknown critical field */
	ck_assert_int_eq(ss("{\"critical\":{\"identity\":{\"docker-reference\":\"r\"},"
			    "\"image\":{\"docker-manifest-digest\":\"" D1 "\"},\"type\":"
			    "\"cosign container image signature\",\"extra\":1}}", D1), SIG_UNPARSEABLE);
	/* wrong type */
	ck_assert_int_eq(ss("{\"critical\":{\"identity\":{\"docker-reference\":\"r\"},"
			    "\"image\":{\"docker-manifest-digest\":\"" D1 "\"},\"type\":"
			    "\"atomic container signature\"}}", D1), SIG_UNPARSEABLE);
	/* duplicate key: the second digest must not win over a checker that reads the first */
	ck_assert_int_eq(ss("{\"critical\":{\"identity\":{\"docker-reference\":\"r\"},"
			    "\"image\":{\"docker-manifest-digest\":\"" D2 "\",\"docker-manifest-digest\":\""
			    D1 "\"},\"type\":\"cosign container image signature\"}}", D1), SIG_UNPARSEABLE);
	ck_assert_int_eq(ss("not json", D1), SIG_UNPARSEABLE);
	ck_assert_int_eq(ss("[1]", D1), SIG_UNPARSEABLE);
	ck_assert_int_eq(ss("{\"critical\":{\"identity\":{},\"image\":{\"docker-manifest-digest\":"
			    "5},\"type\":\"cosign container image signature\"}}", D1), SIG_UNPARSEABLE);
}
END_TEST

static enum sig_status it(const char *json, const char *digest)
{
	char *why = NULL;
	enum sig_status st = intoto_check((const unsigned char *)json, strlen(json), digest, &why);

	ck_assert_msg((st == SIG_OK) == (why == NULL), "a refusal must say why");
	free(why);
	return st;
}

START_TEST(intoto_statement)
{
	const char *good = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":"
			   "{\"sha256\":\"8961c7d498ca6137eb97f7c915431a07605a13ab15b344ff897fe99b2ae414d4\"},"
			   "\"annotations\":{}}],\"predicateType\":\"https://sigstore.dev/cosign/sign/v1\","
			   "\"predicate\":{}}";

	ck_assert_int_eq(it(good, D1), SIG_OK);
	ck_assert_int_eq(it(good, D2), SIG_DIGEST_MISMATCH);
	/* an attestation of another kind is not an image signature */
	ck_assert_int_eq(it("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":"
			    "{\"sha256\":\"8961c7d498ca6137eb97f7c915431a07605a13ab15b344ff897fe99b2ae414d4\"}}],"
			    "\"predicateType\":\"https://slsa.dev/provenance/v1\",\"predicate\":{}}", D1),
			 SIG_UNPARSEABLE);
	ck_assert_int_eq(it("{\"_type\":\"x\",\"subject\":[],\"predicateType\":"
			    "\"https://sigstore.dev/cosign/sign/v1\"}", D1), SIG_UNPARSEABLE);
	ck_assert_int_eq(it("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[],"
			    "\"predicateType\":\"https://sigstore.dev/cosign/sign/v1\"}", D1),
			 SIG_UNPARSEABLE);
}
END_TEST

START_TEST(base64_strict)
{
	unsigned char *buf = NULL;
	size_t len = 0;

	ck_assert_int_eq(b64_decode("aGk=", 4, &buf, &len), 0);
	ck_assert_uint_eq(len, 2);
	ck_assert_mem_eq(buf, "hi", 2);
	free(buf);
	ck_assert_int_eq(b64_decode("aGk", 3, &buf, &len), -EBADMSG);
	ck_assert_int_eq(b64_decode("a=Gk", 4, &buf, &len), -EBADMSG);
	ck_assert_int_eq(b64_decode("aG k", 4, &buf, &len), -EBADMSG);
	ck_assert_int_eq(b64_decode("", 0, &buf, &len), 0);
	ck_assert_uint_eq(len, 0);
	free(buf);
}
END_TEST

static EVP_PKEY *gen(const char *alg)
{
	EVP_PKEY *k = NULL;

	if (!strcmp(alg, "EC"))
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else if (!strcmp(alg, "RSA"))
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	else
		k = EVP_PKEY_Q_keygen(NULL, NULL, alg);
	ck_assert_ptr_nonnull(k);
	return k;
}

START_TEST(sign_verify_round_trip)
{
	static const char *const algs[] = { "EC", "RSA", "ED25519" };

	for (size_t i = 0; i < 3; i++) {
		EVP_PKEY *k = gen(algs[i]), *other = gen(algs[i]);
		unsigned char *sig = NULL;
		size_t len = 0;
		char *desc = pubkey_describe(k);

		ck_assert_int_eq(sig_sign(NULL, k, "payload", 7, &sig, &len), 0);
		ck_assert_int_eq(sig_verify(k, "payload", 7, sig, len), 1);
		ck_assert_int_eq(sig_verify(k, "payloaD", 7, sig, len), 0);
		ck_assert_int_eq(sig_verify(other, "payload", 7, sig, len), 0);
		sig[len / 2] ^= 1;
		ck_assert_int_eq(sig_verify(k, "payload", 7, sig, len), 0);
		ck_assert_ptr_nonnull(desc);
		ck_assert_msg(strstr(desc, "SHA256:"), "%s", desc);
		free(desc);
		free(sig);
		EVP_PKEY_free(k);
		EVP_PKEY_free(other);
	}
}
END_TEST

static struct bpfman_ctx *ctx_with(const char *yaml)
{
	struct bpfman_ctx *ctx = calloc(1, sizeof(*ctx));
	json_t *root = NULL;

	ck_assert_int_eq(config_parse_yaml(NULL, "test.yaml", yaml, strlen(yaml), &root), 0);
	ctx->config = root;
	ctx->config_path = strdup("test.yaml");
	ctx->errmsg = strdup("");
	ctx->log_level = BPFMAN_LOG_ERROR;
	return ctx;
}

static void ctx_done(struct bpfman_ctx *ctx)
{
	json_decref(ctx->config);
	free(ctx->config_path);
	free(ctx->errmsg);
	free(ctx);
}

static void policy_fails(const char *yaml, const char *needle)
{
	struct bpfman_ctx *ctx = ctx_with(yaml);
	struct sign_policy p = { 0 };

	ck_assert_int_eq(sign_policy_load(ctx, &p), -EINVAL);
	ck_assert_msg(strstr(ctx->errmsg, needle), "'%s' not in '%s'", needle, ctx->errmsg);
	ctx_done(ctx);
}

START_TEST(policy_defaults_and_match)
{
	struct bpfman_ctx *ctx = ctx_with("other: 1\n");
	struct sign_policy p = { 0 };

	ck_assert_int_eq(sign_policy_load(ctx, &p), 0);
	ck_assert(p.verify_enabled && p.allow_unsigned);
	ck_assert(!sign_rule_requires(&p, NULL));
	ctx_done(ctx);

	ctx = ctx_with("signing:\n  allow_unsigned: false\n  rules:\n"
		       "    - scope: quay.io\n      cosign:\n        keys: /k1\n"
		       "    - scope: quay.io/org\n      require_signature: false\n"
		       "      cosign:\n        keys: [/k2, /k3]\n");
	ck_assert_int_eq(sign_policy_load(ctx, &p), 0);
	ck_assert(!p.allow_unsigned);
	ck_assert_str_eq(sign_policy_match(&p, "quay.io/org/x")->scope, "quay.io/org");
	ck_assert_str_eq(sign_policy_match(&p, "quay.io/orgx/y")->scope, "quay.io");
	ck_assert_str_eq(sign_policy_match(&p, "quay.io/org")->scope, "quay.io/org");
	ck_assert_ptr_null(sign_policy_match(&p, "quay.iox/a"));
	ck_assert_ptr_null(sign_policy_match(&p, "docker.io/a"));
	ck_assert(sign_rule_requires(&p, sign_policy_match(&p, "quay.io/a")));
	ck_assert(!sign_rule_requires(&p, sign_policy_match(&p, "quay.io/org/a")));
	ck_assert_uint_eq(sign_policy_match(&p, "quay.io/org/a")->keys.cnt, 2);
	sign_policy_clear(&p);
	ctx_done(ctx);
}
END_TEST

START_TEST(policy_refusals)
{
	policy_fails("signing:\n  verify_enabled: 1\n", "signing.verify_enabled");
	policy_fails("signing:\n  allow_unsigend: false\n", "unknown setting 'allow_unsigend'");
	policy_fails("signing:\n  rules:\n    - cosign: {keys: /k}\n", "scope");
	policy_fails("signing:\n  rules:\n    - scope: https://quay.io\n", "without scheme");
	policy_fails("signing:\n  rules:\n    - scope: a\n    - scope: a\n", "already used");
	policy_fails("signing:\n  rules:\n    - scope: a\n      cosign: {roots: /ca.pem}\n",
		     "identities");
	policy_fails("signing:\n  rules:\n    - scope: a\n      cosign: {identities: x@y}\n",
		     "need roots");
	policy_fails("signing:\n  rules:\n    - scope: a\n      gpg: {keyring: /k}\n", "lookaside");
	policy_fails("signing:\n  rules:\n    - scope: a\n      gpg: {keyring: /k, lookaside: /x}\n",
		     "file:///");
	policy_fails("signing:\n  rules:\n    - scope: a\n      gpg: {keyring: /k, lookaside: "
		     "'file:///x', fingerprints: abc}\n", "40-digit");
}
END_TEST

START_TEST(policy_hash_follows_key_contents)
{
	char path[] = "/tmp/test-sign-key-XXXXXX";
	int fd = mkstemp(path);
	_cleanup_free_ char *yaml = str_printf("signing:\n  rules:\n    - scope: r\n"
					       "      cosign: {keys: '%s'}\n", path);
	struct bpfman_ctx *ctx = ctx_with(yaml);
	struct sign_policy p = { 0 };
	char h1[65], h2[65], h3[65];

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "one", 3), 3);
	ck_assert_int_eq(sign_policy_load(ctx, &p), 0);
	ck_assert_int_eq(sign_policy_hash(ctx, &p, &p.rules[0], h1), 0);
	ck_assert_int_eq(sign_policy_hash(ctx, &p, &p.rules[0], h2), 0);
	ck_assert_str_eq(h1, h2);
	ck_assert_int_eq(write(fd, "two", 3), 3);
	ck_assert_int_eq(sign_policy_hash(ctx, &p, &p.rules[0], h3), 0);
	ck_assert_str_ne(h1, h3);
	p.allow_unsigned = !p.allow_unsigned;
	ck_assert_int_eq(sign_policy_hash(ctx, &p, &p.rules[0], h2), 0);
	ck_assert_str_ne(h2, h3);
	unlink(path);
	ck_assert_int_eq(sign_policy_hash(ctx, &p, &p.rules[0], h2), -ENOENT);
	close(fd);
	sign_policy_clear(&p);
	ctx_done(ctx);
}
END_TEST

static void set_config(struct bpfman_ctx *ctx, const char *yaml)
{
	json_decref(ctx->config);
	ctx->config = NULL;
	ck_assert_int_eq(config_parse_yaml(NULL, "t", yaml, strlen(yaml), &ctx->config), 0);
}

/* signature_cached_ok: a record counts only under the policy it was made
 * with; verification off needs none. */
START_TEST(cached_ok_follows_policy)
{
	char dir[] = "/tmp/test-sign-cache-XXXXXX";
	struct image_ref ref = { .registry = "r.example", .repository = "a/b", .tag = "v1" };
	struct bpfman_ctx *ctx = ctx_with("signing:\n  allow_unsigned: true\n");
	struct sign_policy p = { 0 };
	char hash[65];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ctx->image_cache_dir = strdup(dir);
	ck_assert_int_eq(signature_cached_ok(ctx, &ref, D1), 0);
	ck_assert_int_eq(sign_policy_load(ctx, &p), 0);
	ck_assert_int_eq(sign_policy_hash(ctx, &p, NULL, hash), 0);
	sign_cache_record(ctx, D1, "r.example/a/b", hash, "test");
	ck_assert_int_eq(signature_cached_ok(ctx, &ref, D1), 1);
	ck_assert_int_eq(signature_cached_ok(ctx, &ref, D2), 0);
	sign_policy_clear(&p);

	/* Another policy: the record no longer counts. */
	set_config(ctx, "signing: {allow_unsigned: false}");
	ck_assert_int_eq(signature_cached_ok(ctx, &ref, D1), 0);
	set_config(ctx, "signing: {verify_enabled: false}");
	ck_assert_int_eq(signature_cached_ok(ctx, &ref, D2), 1);
	free(ctx->image_cache_dir);
	ctx_done(ctx);
	rm_rf(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sign");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	/* RSA key generation is slow on a loaded 2-core machine. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, simple_signing_strict);
	tcase_add_test(tc, intoto_statement);
	tcase_add_test(tc, base64_strict);
	tcase_add_test(tc, sign_verify_round_trip);
	tcase_add_test(tc, policy_defaults_and_match);
	tcase_add_test(tc, policy_refusals);
	tcase_add_test(tc, policy_hash_follows_key_contents);
	tcase_add_test(tc, cached_ok_follows_policy);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
