// SPDX-License-Identifier: Apache-2.0
/* Legacy tag-scheme cosign signatures (a layer of sha256-<hex>.sig) with a
 * short-lived certificate and the Rekor bundle annotation
 * dev.sigstore.cosign/bundle, built here with OpenSSL (a test CA, a leaf
 * certificate expired now but valid at the entry's integratedTime, a test
 * "Rekor" key) and checked by legacy_layer_check: the certificate is
 * checked at integratedTime only when the signed entry timestamp verifies
 * with a trusted Rekor key and the entry records this very signature,
 * certificate and payload; otherwise at the current time, and refused
 * with the reason no log time was trusted. */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/pem.h>

#include "internal.h"
#include "sign/sigcrypto.h"
#include "sign/verify.h"
#include "test-sign-pki.h"

#define HEX1 "8961c7d498ca6137eb97f7c915431a07605a13ab15b344ff897fe99b2ae414d4"
#define D1 "sha256:" HEX1
#define PAYLOAD "{\"critical\":{\"identity\":{\"docker-reference\":\"127.0.0.1:5000/prog\"}," \
	"\"image\":{\"docker-manifest-digest\":\"" D1 "\"},\"type\":\"cosign container " \
	"image signature\"},\"optional\":null}"

struct fixture {
	EVP_PKEY *ca_key, *leaf_key, *rekor_key, *other_key;
	X509 *ca, *leaf, *other_leaf;
	char *sig_b64, *leaf_pem, *other_pem, *payload_hex;
	struct sign_rule rule;
	struct sign_trust trust;
	long when; /* inside the leaf's validity, which ended two days ago */
};

static char *pem_of(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *out;
	long n;

	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(PEM_write_bio_X509(b, x), 1);
	n = BIO_get_mem_data(b, &p);
	out = strndup(p, (size_t)n);
	BIO_free(b);
	ck_assert_ptr_nonnull(out);
	return out;
}

static void fixture_init(struct fixture *f)
{
	unsigned char md[32];

	memset(f, 0, sizeof(*f));
	f->ca_key = pki_ec_key();
	f->leaf_key = pki_ec_key();
	f->rekor_key = pki_ec_key();
	f->other_key = pki_ec_key();
	f->ca = pki_cert(f->ca_key, "test-ca", NULL, f->ca_key, -10 * DAY, 10 * DAY, NULL);
	/* Short-lived, as Fulcio issues them: expired two days ago. */
	f->leaf = pki_cert(f->leaf_key, "signer", f->ca, f->ca_key, -3 * DAY, -2 * DAY,
			   "signer@example.com");
	/* Same key and identity, another certificate. */
	f->other_leaf = pki_cert(f->leaf_key, "signer", f->ca, f->ca_key, -3 * DAY, -2 * DAY,
				 "signer@example.com");
	f->leaf_pem = pem_of(f->leaf);
	f->other_pem = pem_of(f->other_leaf);
	f->sig_b64 = pki_sign_b64(f->leaf_key, PAYLOAD, strlen(PAYLOAD));
	EVP_Digest(PAYLOAD, strlen(PAYLOAD), md, NULL, EVP_sha256(), NULL);
	f->payload_hex = calloc(1, 65);
	hex_encode(md, 32, f->payload_hex);
	f->when = (long)time(NULL) - (long)(2.5 * DAY);

	pki_trust_init(&f->rule, &f->trust, "127.0.0.1:5000", "signer@example.com", f->ca, f->rekor_key);
}

static void fixture_free(struct fixture *f)
{
	pki_trust_free(&f->rule, &f->trust);
	X509_free(f->ca);
	X509_free(f->leaf);
	X509_free(f->other_leaf);
	EVP_PKEY_free(f->ca_key);
	EVP_PKEY_free(f->leaf_key);
	EVP_PKEY_free(f->rekor_key);
	EVP_PKEY_free(f->other_key);
	free(f->sig_b64);
	free(f->leaf_pem);
	free(f->other_pem);
	free(f->payload_hex);
}

/* What the Rekor bundle annotation holds; the defaults record the
 * fixture's signature, made by the test Rekor key. */
struct entry {
	const char *kind;      /* hashedrekord */
	EVP_PKEY *set_key;     /* rekor_key */
	const char *body_sig;  /* the signature */
	const char *body_pem;  /* the leaf certificate */
	const char *body_hash; /* the payload's SHA-256 */
	long itime_signed;     /* when */
	long itime_shown;      /* itime_signed */
};

static char *rekor_bundle(struct fixture *f, struct entry e)
{
	unsigned char logid[32];
	char logid_hex[65];
	_cleanup_free_ char *pem_b64 = NULL, *body = NULL, *body_b64 = NULL, *set_b64 = NULL;
	json_t *j;
	char *out;

	if (!e.kind)
		e.kind = "hashedrekord";
	if (!e.set_key)
		e.set_key = f->rekor_key;
	if (!e.body_sig)
		e.body_sig = f->sig_b64;
	if (!e.body_pem)
		e.body_pem = f->leaf_pem;
	if (!e.body_hash)
		e.body_hash = f->payload_hex;
	if (!e.itime_signed)
		e.itime_signed = f->when;
	if (!e.itime_shown)
		e.itime_shown = e.itime_signed;
	pki_log_id(f->rekor_key, logid, logid_hex);
	pem_b64 = pki_b64(e.body_pem, strlen(e.body_pem));
	body = str_printf("{\"apiVersion\":\"0.0.1\",\"kind\":\"%s\",\"spec\":{\"data\":{\"hash\":"
			  "{\"algorithm\":\"sha256\",\"value\":\"%s\"}},\"signature\":{\"content\":"
			  "\"%s\",\"publicKey\":{\"content\":\"%s\"}}}}",
			  e.kind, e.body_hash, e.body_sig, pem_b64);
	body_b64 = pki_b64(body, strlen(body));
	set_b64 = pki_set_b64(e.set_key, body_b64, e.itime_signed, 42, logid_hex);
	j = json_pack("{s:s, s:{s:s, s:I, s:I, s:s}}", "SignedEntryTimestamp", set_b64,
		      "Payload", "body", body_b64, "integratedTime", (json_int_t)e.itime_shown,
		      "logIndex", (json_int_t)42, "logID", logid_hex);
	out = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	ck_assert_ptr_nonnull(out);
	return out;
}

/* The status of the one finding; its sentence in *ret_detail. */
static enum sig_status check(struct fixture *f, const char *rekor_json, char **ret_detail)
{
	struct sig_findings out = { 0 };
	struct legacy_layer l = {
		.sig_b64 = f->sig_b64,
		.cert_pem = f->leaf_pem,
		.rekor_json = rekor_json,
		.payload = (const unsigned char *)PAYLOAD,
		.payload_len = strlen(PAYLOAD),
	};
	enum sig_status st;

	ck_assert_int_eq(legacy_layer_check(NULL, &f->trust, "test layer", &l, D1, &out), 0);
	ck_assert_uint_eq(out.cnt, 1);
	st = out.v[0].status;
	*ret_detail = strdup(out.v[0].detail);
	sig_findings_clear(&out);
	return st;
}

#define EXPECT(f, json, status, ...)						\
	do {									\
		static const char *const want_[] = { __VA_ARGS__, NULL };	\
		char *d_ = NULL;						\
		ck_assert_int_eq(check(f, json, &d_), status);			\
		for (size_t i_ = 0; want_[i_]; i_++)				\
			ck_assert_msg(strstr(d_, want_[i_]), "'%s' not in: %s",	\
				      want_[i_], d_);				\
		free(d_);							\
	} while (0)

START_TEST(certificate_checked_at_log_time)
{
	struct fixture f;
	char *b;

	fixture_init(&f);
	b = rekor_bundle(&f, (struct entry){ 0 });
	EXPECT(&f, b, SIG_OK, "signer@example.com");
	free(b);
	/* An entry naming the certificate's public key rather than the
	 * certificate; another public key does not count. */
	{
		_cleanup_free_ char *key_pem = pubkey_pem(f.leaf_key);
		_cleanup_free_ char *other_pem = pubkey_pem(f.other_key);

		ck_assert_ptr_nonnull(key_pem);
		ck_assert_ptr_nonnull(other_pem);
		b = rekor_bundle(&f, (struct entry){ .body_pem = key_pem });
		EXPECT(&f, b, SIG_OK, "signer@example.com");
		free(b);
		b = rekor_bundle(&f, (struct entry){ .body_pem = other_pem });
		EXPECT(&f, b, SIG_UNTRUSTED, "expired", "does not record this signature");
		free(b);
	}
	/* Older cosign wrote rekord entries: the same fields. */
	b = rekor_bundle(&f, (struct entry){ .kind = "rekord" });
	EXPECT(&f, b, SIG_OK, "signer@example.com");
	free(b);
	fixture_free(&f);
}
END_TEST

START_TEST(untrusted_log_time_falls_back_to_now)
{
	struct fixture f;
	char *b;

	fixture_init(&f);
	/* No Rekor bundle at all. */
	EXPECT(&f, NULL, SIG_UNTRUSTED, "expired", "checked at the current time",
	       "no dev.sigstore.cosign/bundle annotation");

	/* A genuine bundle, but the rule trusts no Rekor key. */
	b = rekor_bundle(&f, (struct entry){ 0 });
	f.trust.rekor_cnt = 0;
	EXPECT(&f, b, SIG_UNTRUSTED, "expired", "checked at the current time",
	       "names no Rekor keys");
	f.trust.rekor_cnt = 1;
	free(b);

	/* A SET by a key the rule does not trust. */
	b = rekor_bundle(&f, (struct entry){ .set_key = f.other_key });
	EXPECT(&f, b, SIG_UNTRUSTED, "expired", "verifies with none of the 1 Rekor key(s)");
	free(b);

	/* integratedTime moved after the SET was made. */
	b = rekor_bundle(&f, (struct entry){ .itime_shown = f.when - 3600 });
	EXPECT(&f, b, SIG_UNTRUSTED, "expired", "verifies with none of the 1 Rekor key(s)");
	free(b);

	/* Entries recording another signature, certificate or payload. */
	b = rekor_bundle(&f, (struct entry){ .body_sig = "b3RoZXI=" });
	EXPECT(&f, b, SIG_UNTRUSTED, "expired", "does not record this signature");
	free(b);
	b = rekor_bundle(&f, (struct entry){ .body_pem = f.other_pem });
	EXPECT(&f, b, SIG_UNTRUSTED, "expired", "does not record this signature");
	free(b);
	b = rekor_bundle(&f, (struct entry){ .body_hash = HEX1 });
	EXPECT(&f, b, SIG_UNTRUSTED, "expired", "does not record this signature");
	free(b);
	b = rekor_bundle(&f, (struct entry){ .kind = "dsse" });
	EXPECT(&f, b, SIG_UNTRUSTED, "expired", "does not record this signature");
	free(b);

	/* Vouched-for times outside the certificate's validity. */
	b = rekor_bundle(&f, (struct entry){ .itime_signed = f.when - 2 * DAY });
	EXPECT(&f, b, SIG_UNTRUSTED, "not yet valid");
	free(b);
	b = rekor_bundle(&f, (struct entry){ .itime_signed = f.when + DAY });
	EXPECT(&f, b, SIG_UNTRUSTED, "expired");
	free(b);
	fixture_free(&f);
}
END_TEST

START_TEST(malformed_rekor_bundle)
{
	static const char *const bad[] = {
		"not json",
		"[]",
		"{\"SignedEntryTimestamp\":\"AA==\"}",
		/* duplicate key */
		"{\"SignedEntryTimestamp\":\"AA==\",\"SignedEntryTimestamp\":\"AA==\","
		"\"Payload\":{\"body\":\"AA==\",\"integratedTime\":1,\"logIndex\":1,\"logID\":\"ab\"}}",
		/* unknown key */
		"{\"SignedEntryTimestamp\":\"AA==\",\"Extra\":1,"
		"\"Payload\":{\"body\":\"AA==\",\"integratedTime\":1,\"logIndex\":1,\"logID\":\"ab\"}}",
		/* integratedTime as a string */
		"{\"SignedEntryTimestamp\":\"AA==\","
		"\"Payload\":{\"body\":\"AA==\",\"integratedTime\":\"1\",\"logIndex\":1,\"logID\":\"ab\"}}",
		/* logID not hex */
		"{\"SignedEntryTimestamp\":\"AA==\","
		"\"Payload\":{\"body\":\"AA==\",\"integratedTime\":1,\"logIndex\":1,\"logID\":\"zz\"}}",
		/* SET not base64 */
		"{\"SignedEntryTimestamp\":\"A A\","
		"\"Payload\":{\"body\":\"AA==\",\"integratedTime\":1,\"logIndex\":1,\"logID\":\"ab\"}}",
		/* negative logIndex */
		"{\"SignedEntryTimestamp\":\"AA==\","
		"\"Payload\":{\"body\":\"AA==\",\"integratedTime\":1,\"logIndex\":-1,\"logID\":\"ab\"}}",
		NULL,
	};
	struct fixture f;

	fixture_init(&f);
	for (size_t i = 0; bad[i]; i++)
		EXPECT(&f, bad[i], SIG_UNPARSEABLE, "dev.sigstore.cosign/bundle annotation is malformed");
	fixture_free(&f);
}
END_TEST

START_TEST(identity_still_checked)
{
	struct fixture f;
	char *b;

	fixture_init(&f);
	f.rule.identities.v[0] = "someone@example.com";
	b = rekor_bundle(&f, (struct entry){ 0 });
	EXPECT(&f, b, SIG_UNTRUSTED, "signer@example.com", "is not one rule");
	free(b);
	fixture_free(&f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sign-legacy");
	TCase *tc = tcase_create("legacy");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, certificate_checked_at_log_time);
	tcase_add_test(tc, untrusted_log_time_falls_back_to_now);
	tcase_add_test(tc, malformed_rekor_bundle);
	tcase_add_test(tc, identity_still_checked);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
