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

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "internal.h"
#include "sign/sigcrypto.h"
#include "sign/verify.h"

#define HEX1 "8961c7d498ca6137eb97f7c915431a07605a13ab15b344ff897fe99b2ae414d4"
#define D1 "sha256:" HEX1
#define DAY (24 * 3600)

static EVP_PKEY *ec_key(void)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");

	ck_assert_ptr_nonnull(k);
	return k;
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *e;

	X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	ck_assert_ptr_nonnull(e);
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
}

/* A certificate for key, signed by ca_key (self-signed when ca is NULL),
 * valid from now+from to now+to seconds. */
static X509 *cert(EVP_PKEY *key, const char *cn, X509 *ca, EVP_PKEY *ca_key,
		  long from, long to, const char *email)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), rand() + 1);
	X509_gmtime_adj(X509_getm_notBefore(x), from);
	X509_gmtime_adj(X509_getm_notAfter(x), to);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, ca ? X509_get_subject_name(ca) : n);
	X509_set_pubkey(x, key);
	if (!ca) {
		add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(x, x, NID_key_usage, "critical,keyCertSign");
	} else {
		_cleanup_free_ char *san = str_printf("email:%s", email);

		add_ext(x, ca, NID_key_usage, "critical,digitalSignature");
		add_ext(x, ca, NID_ext_key_usage, "codeSigning");
		add_ext(x, ca, NID_subject_alt_name, san);
	}
	ck_assert_int_gt(X509_sign(x, ca_key, EVP_sha256()), 0);
	X509_NAME_free(n);
	return x;
}

static char *b64(const void *p, size_t n)
{
	char *s = b64_encode(p, n);

	ck_assert_ptr_nonnull(s);
	return s;
}

static char *sign_b64(EVP_PKEY *k, const void *msg, size_t len)
{
	unsigned char *sig = NULL;
	size_t sl = 0;
	char *s;

	ck_assert_int_eq(sig_sign(NULL, k, msg, len, &sig, &sl), 0);
	s = b64(sig, sl);
	free(sig);
	return s;
}

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
	f->ca_key = ec_key();
	f->leaf_key = ec_key();
	f->rekor_key = ec_key();
	f->other_key = ec_key();
	f->ca = cert(f->ca_key, "test-ca", NULL, f->ca_key, -10 * DAY, 10 * DAY, NULL);
	/* Short-lived, as Fulcio issues them: expired two days ago. */
	f->leaf = cert(f->leaf_key, "signer", f->ca, f->ca_key, -3 * DAY, -2 * DAY,
		       "signer@example.com");
	dl = i2d_X509(f->leaf, &der);
	f->leaf_b64 = b64(der, (size_t)dl);
	OPENSSL_free(der);
	pae = str_printf("DSSEv1 28 application/vnd.in-toto+json %zu %s", strlen(stmt), stmt);
	f->stmt_b64 = b64(stmt, strlen(stmt));
	f->sig_b64 = sign_b64(f->leaf_key, pae, strlen(pae));

	f->rule.scope = "r";
	f->rule.identities.v = calloc(1, sizeof(char *));
	f->rule.identities.v[0] = "signer@example.com";
	f->rule.identities.cnt = 1;
	f->trust.rule = &f->rule;
	f->trust.roots = X509_STORE_new();
	X509_STORE_add_cert(f->trust.roots, f->ca);
	f->trust.rekor = calloc(1, sizeof(EVP_PKEY *));
	f->trust.rekor[0] = f->rekor_key;
	f->trust.rekor_cnt = 1;
}

static void fixture_free(struct fixture *f)
{
	X509_STORE_free(f->trust.roots);
	free(f->trust.rekor);
	free(f->rule.identities.v);
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
	unsigned char *der = NULL, logid[32];
	char logid_hex[65];
	_cleanup_free_ char *body = NULL, *body_b64 = NULL, *canon = NULL, *set_b64 = NULL;
	_cleanup_free_ char *logid_b64 = NULL, *itime = str_printf("%ld", itime_shown);
	json_t *j, *entries = json_array(), *p;
	char *out;
	int dl = i2d_PUBKEY(f->rekor_key, &der);

	EVP_Digest(der, (size_t)dl, logid, NULL, EVP_sha256(), NULL);
	OPENSSL_free(der);
	hex_encode(logid, 32, logid_hex);
	logid_hex[64] = 0;
	logid_b64 = b64(logid, 32);
	body = str_printf("{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\",\"spec\":{\"signatures\":"
			  "[{\"signature\":\"%s\",\"verifier\":\"x\"}]}}", body_sig);
	body_b64 = b64(body, strlen(body));
	p = json_pack("{s:s, s:I, s:s, s:I}", "body", body_b64, "integratedTime",
		      (json_int_t)itime_signed, "logID", logid_hex, "logIndex", (json_int_t)42);
	canon = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(p);
	set_b64 = sign_b64(set_key, canon, strlen(canon));
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
	f.sig_b64 = sign_b64(f.other_key, "x", 1);
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
