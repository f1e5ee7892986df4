// SPDX-License-Identifier: Apache-2.0
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "internal.h"
#include "sign/sigcrypto.h"
#include "test-sign-pki.h"

EVP_PKEY *pki_ec_key(void)
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

X509 *pki_cert(EVP_PKEY *key, const char *cn, X509 *ca, EVP_PKEY *ca_key,
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

char *pki_b64(const void *p, size_t n)
{
	char *s = b64_encode(p, n);

	ck_assert_ptr_nonnull(s);
	return s;
}

char *pki_sign_b64(EVP_PKEY *k, const void *msg, size_t len)
{
	unsigned char *sig = NULL;
	size_t sl = 0;
	char *s;

	ck_assert_int_eq(sig_sign(NULL, k, msg, len, &sig, &sl), 0);
	s = pki_b64(sig, sl);
	free(sig);
	return s;
}

void pki_log_id(EVP_PKEY *key, unsigned char raw[32], char hex[65])
{
	unsigned char *der = NULL;
	int dl = i2d_PUBKEY(key, &der);

	ck_assert_int_gt(dl, 0);
	EVP_Digest(der, (size_t)dl, raw, NULL, EVP_sha256(), NULL);
	OPENSSL_free(der);
	hex_encode(raw, 32, hex);
	hex[64] = 0;
}

char *pki_set_b64(EVP_PKEY *key, const char *body_b64, long integrated_time,
		  long log_index, const char *logid_hex)
{
	/* Written out by hand rather than with the library's code, so the
	 * test pins Rekor's canonical form independently. */
	_cleanup_free_ char *canon = str_printf(
		"{\"body\":\"%s\",\"integratedTime\":%ld,\"logID\":\"%s\",\"logIndex\":%ld}",
		body_b64, integrated_time, logid_hex, log_index);

	ck_assert_ptr_nonnull(canon);
	return pki_sign_b64(key, canon, strlen(canon));
}

void pki_trust_init(struct sign_rule *rule, struct sign_trust *trust, const char *scope,
		    const char *identity, X509 *ca, EVP_PKEY *rekor)
{
	rule->scope = (char *)scope;
	rule->identities.v = calloc(1, sizeof(char *));
	ck_assert_ptr_nonnull(rule->identities.v);
	rule->identities.v[0] = (char *)identity;
	rule->identities.cnt = 1;
	trust->rule = rule;
	trust->roots = X509_STORE_new();
	ck_assert_ptr_nonnull(trust->roots);
	X509_STORE_add_cert(trust->roots, ca);
	trust->rekor = calloc(1, sizeof(EVP_PKEY *));
	ck_assert_ptr_nonnull(trust->rekor);
	trust->rekor[0] = rekor;
	trust->rekor_cnt = 1;
}

void pki_trust_free(struct sign_rule *rule, struct sign_trust *trust)
{
	X509_STORE_free(trust->roots);
	free(trust->rekor);
	free(rule->identities.v);
}
