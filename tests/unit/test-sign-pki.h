/* SPDX-License-Identifier: Apache-2.0 */
/* Test PKI for the signature unit tests, built with OpenSSL: EC keys, a
 * test CA, short-lived leaf certificates with an email SAN, base64 and
 * signing helpers that fail the test on error. */
#ifndef TEST_SIGN_PKI_H
#define TEST_SIGN_PKI_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "sign/policy.h"
#include "sign/verify.h"

#define DAY (24 * 3600)

EVP_PKEY *pki_ec_key(void);
/* A certificate for key, signed by ca_key (a self-signed CA when ca is
 * NULL), valid from now+from to now+to seconds. */
X509 *pki_cert(EVP_PKEY *key, const char *cn, X509 *ca, EVP_PKEY *ca_key,
	       long from, long to, const char *email);
char *pki_b64(const void *p, size_t n);
/* The base64 signature of msg by k. */
char *pki_sign_b64(EVP_PKEY *k, const void *msg, size_t len);
/* Rekor's log ID for key: the SHA-256 of its DER, raw (32 bytes) and hex. */
void pki_log_id(EVP_PKEY *key, unsigned char raw[32], char hex[65]);
/* Rekor's signed entry timestamp by key over the canonical entry. */
char *pki_set_b64(EVP_PKEY *key, const char *body_b64, long integrated_time,
		  long log_index, const char *logid_hex);

/* Trust as a rule with one identity, the root `ca` and the Rekor key
 * `rekor` loads it. pki_trust_free frees what this allocated; ca and
 * rekor stay the caller's. */
void pki_trust_init(struct sign_rule *rule, struct sign_trust *trust, const char *scope,
		    const char *identity, X509 *ca, EVP_PKEY *rekor);
void pki_trust_free(struct sign_rule *rule, struct sign_trust *trust);

#endif
