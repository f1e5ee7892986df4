// SPDX-License-Identifier: Apache-2.0
/* Sigstore bundles with certificates and transparency-log entries, built
 * here with OpenSSL (a test CA, a short-lived signing certificate, a test
 * "Rekor" key) and checked by bundle_check: a certificate expired now but
 * valid at a tlog entry's integratedTime verifies only when the entry's
 * signed entry timestamp verifies with a trusted Rekor key and its body
 * records this very signature. */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "sign/sigcrypto.h"
#include "sign/verify.h"
#include "test-sign-pki.h"

#define HEX1 "8961c7d498ca6137eb97f7c915431a07605a13ab15b344ff897fe99b2ae414d4"
#define D1 "sha256:" HEX1
struct fixture {
	EVP_PKEY *ca_key, *leaf_key, *rekor_key, *other_key;
	X509 *ca, *leaf;
	char *stmt_b64, *sig_b64, *leaf_b64;
	struct sign_rule rule;
	struct sign_trust trust;
};

static void fixture_init(struct fixture *f)
{
	static const char *stmt = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":"
		"[{\"digest\":{\"sha256\":\"" HEX1 "\"}}],\"predicateType\":"
		"\"https://sigstore.dev/cosign/sign/v1\",\"predicate\":{}}";
	_cleanup_free_ char *pae = NULL;
	unsigned char *der = NULL;
	int dl;

	memset(f, 0, sizeof(*f));
	f->ca_key = pki_ec_key();
	f->leaf_key = pki_ec_key();
	f->rekor_key = pki_ec_key();
	f->other_key = pki_ec_key();
	f->ca = pki_cert(f->ca_key, "test-ca", NULL, f->ca_key, -10 * DAY, 10 * DAY, NULL);
	/* Short-lived, as Fulcio issues them: expired two days ago. */
	f->leaf = pki_cert(f->leaf_key, "signer", f->ca, f->ca_key, -3 * DAY, -2 * DAY,
		       "signer@example.com");
	dl = i2d_X509(f->leaf, &der);
	f->leaf_b64 = pki_b64(der, (size_t)dl);
	OPENSSL_free(der);
	pae = str_printf("DSSEv1 28 application/vnd.in-toto+json %zu %s", strlen(stmt), stmt);
	f->stmt_b64 = pki_b64(stmt, strlen(stmt));
	f->sig_b64 = pki_sign_b64(f->leaf_key, pae, strlen(pae));

	pki_trust_init(&f->rule, &f->trust, "r", "signer@example.com", f->ca, f->rekor_key);
}

static void fixture_free(struct fixture *f)
{
	pki_trust_free(&f->rule, &f->trust);
	X509_free(f->ca);
	X509_free(f->leaf);
	EVP_PKEY_free(f->ca_key);
	EVP_PKEY_free(f->leaf_key);
	EVP_PKEY_free(f->rekor_key);
	EVP_PKEY_free(f->other_key);
	free(f->stmt_b64);
	free(f->sig_b64);
	free(f->leaf_b64);
}

/* The bundle with one tlog entry. set_key signs the SET; body_sig is the
 * signature the entry's body records; itime_signed is what the SET covers,
 * itime_shown what the entry claims. */
static char *bundle(struct fixture *f, EVP_PKEY *set_key, const char *body_sig,
		    long itime_signed, long itime_shown, bool with_tlog)
{
	unsigned char logid[32];
	char logid_hex[65];
	_cleanup_free_ char *body = NULL, *body_b64 = NULL, *set_b64 = NULL;
	_cleanup_free_ char *logid_b64 = NULL, *itime = str_printf("%ld", itime_shown);
	json_t *j, *entries = json_array();
	char *out;

	pki_log_id(f->rekor_key, logid, logid_hex);
	logid_b64 = pki_b64(logid, 32);
	body = str_printf("{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\",\"spec\":{\"signatures\":"
			  "[{\"signature\":\"%s\",\"verifier\":\"x\"}]}}", body_sig);
	body_b64 = pki_b64(body, strlen(body));
	set_b64 = pki_set_b64(set_key, body_b64, itime_signed, 42, logid_hex);
	if (with_tlog)
		json_array_append_new(entries, json_pack(
			"{s:s, s:{s:s}, s:{s:s, s:s}, s:s, s:{s:s}, s:s}",
			"logIndex", "42", "logId", "keyId", logid_b64,
			"kindVersion", "kind", "dsse", "version", "0.0.1",
			"integratedTime", itime,
			"inclusionPromise", "signedEntryTimestamp", set_b64,
			"canonicalizedBody", body_b64));
	j = json_pack("{s:s, s:{s:{s:s}, s:o}, s:{s:s, s:s, s:[{s:s}]}}",
		      "mediaType", "application/vnd.dev.sigstore.bundle.v0.3+json",
		      "verificationMaterial", "certificate", "rawBytes", f->leaf_b64,
		      "tlogEntries", entries,
		      "dsseEnvelope", "payload", f->stmt_b64, "payloadType",
		      "application/vnd.in-toto+json", "signatures", "sig", f->sig_b64);
	out = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return out;
}

static enum sig_status check(struct fixture *f, const char *b, char **ret_detail)
{
	struct sig_findings out = { 0 };
	enum sig_status st;

	ck_assert_int_eq(bundle_check(NULL, &f->trust, "test bundle", b, strlen(b), D1, &out), 0);
	ck_assert_uint_eq(out.cnt, 1);
	st = out.v[0].status;
	if (ret_detail)
		*ret_detail = strdup(out.v[0].detail);
	sig_findings_clear(&out);
	return st;
}

START_TEST(certificate_checked_at_tlog_time)
{
	struct fixture f;
	long when = (long)time(NULL) - (long)(2.5 * DAY);
	char *b, *detail = NULL;

	fixture_init(&f);
	b = bundle(&f, f.rekor_key, f.sig_b64, when, when, true);
	ck_assert_int_eq(check(&f, b, &detail), SIG_OK);
	ck_assert_msg(strstr(detail, "signer@example.com"), "%s", detail);
	free(detail);

	/* The same bundle without trusted Rekor keys: checked now, expired. */
	f.trust.rekor_cnt = 0;
	ck_assert_int_eq(check(&f, b, &detail), SIG_UNTRUSTED);
	ck_assert_msg(strstr(detail, "expired"), "%s", detail);
	free(detail);
	f.trust.rekor_cnt = 1;
	free(b);

	/* No tlog entry while the rule names Rekor keys. */
	b = bundle(&f, f.rekor_key, f.sig_b64, when, when, false);
	ck_assert_int_eq(check(&f, b, NULL), SIG_UNTRUSTED);
	free(b);
	/* A SET by another key. */
	b = bundle(&f, f.other_key, f.sig_b64, when, when, true);
	ck_assert_int_eq(check(&f, b, NULL), SIG_UNTRUSTED);
	free(b);
	/* integratedTime moved after the SET was made. */
	b = bundle(&f, f.rekor_key, f.sig_b64, when, when - 3600, true);
	ck_assert_int_eq(check(&f, b, NULL), SIG_UNTRUSTED);
	free(b);
	/* A genuine entry, but for another signature. */
	b = bundle(&f, f.rekor_key, "b3RoZXI=", when, when, true);
	ck_assert_int_eq(check(&f, b, NULL), SIG_UNTRUSTED);
	free(b);
	/* A time outside the certificate's validity. */
	b = bundle(&f, f.rekor_key, f.sig_b64, when - 2 * DAY, when - 2 * DAY, true);
	ck_assert_int_eq(check(&f, b, NULL), SIG_UNTRUSTED);
	free(b);
	fixture_free(&f);
}
END_TEST

START_TEST(identity_and_bad_signature)
{
	struct fixture f;
	long when = (long)time(NULL) - (long)(2.5 * DAY);
	char *b, *detail = NULL;

	fixture_init(&f);
	f.rule.identities.v[0] = "someone@example.com";
	b = bundle(&f, f.rekor_key, f.sig_b64, when, when, true);
	ck_assert_int_eq(check(&f, b, &detail), SIG_UNTRUSTED);
	ck_assert_msg(strstr(detail, "signer@example.com"), "%s", detail);
	free(detail);
	free(b);

	f.rule.identities.v[0] = "signer@example.com";
	free(f.sig_b64);
	f.sig_b64 = pki_sign_b64(f.other_key, "x", 1);
	b = bundle(&f, f.rekor_key, f.sig_b64, when, when, true);
	ck_assert_int_eq(check(&f, b, NULL), SIG_BAD);
	free(b);
	fixture_free(&f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sign-bundle");
	TCase *tc = tcase_create("bundle");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, certificate_checked_at_tlog_time);
	tcase_add_test(tc, identity_and_bad_signature);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
