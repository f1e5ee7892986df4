/* SPDX-License-Identifier: Apache-2.0 */
#include <limits.h>
#include <string.h>

#include <jansson.h>
#include "../dlopen_crypto.h"

#include "../internal.h"
#include "sigcrypto.h"
#include "tlog.h"

bool tlog_set_verifies(const struct sign_trust *t, const char *body_b64,
		       int64_t integrated_time, int64_t log_index,
		       const char *logid_hex, const unsigned char *set,
		       size_t set_len)
{
	_cleanup_free_ char *canon = NULL;
	json_t *p;
	bool ok = false;

	/* Rekor signs the canonical JSON (sorted keys, no spaces) of these
	 * four; base64, hex and integers need no escaping, so jansson's
	 * compact sorted output is that canonical form. */
	p = json_pack("{s:s, s:I, s:s, s:I}", "body", body_b64,
		      "integratedTime", (json_int_t)integrated_time, "logID", logid_hex,
		      "logIndex", (json_int_t)log_index);
	canon = p ? json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(p);
	for (size_t k = 0; canon && k < t->rekor_cnt && !ok; k++)
		ok = sig_verify(t->rekor[k], canon, strlen(canon), set, set_len) == 1;
	return ok;
}

/* The entry's verifier (base64 of a PEM certificate or public key) is the
 * one that made the signature. */
static bool verifier_matches(const char *pem_b64, const struct tlog_subject *s)
{
	_cleanup_free_ unsigned char *pem = NULL;
	size_t len;
	BIO *b;
	X509 *x = NULL;
	EVP_PKEY *k = NULL;
	bool ok = false;

	if (!pem_b64 || b64_decode(pem_b64, strlen(pem_b64), &pem, &len) || len > INT_MAX)
		return false;
	b = BIO_new_mem_buf(pem, (int)len);
	if (b && (x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
		ok = s->cert && X509_cmp(x, s->cert) == 0;
	} else if (b && BIO_reset(b) == 1 && (k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL))) {
		EVP_PKEY *mine = s->cert ? X509_get0_pubkey(s->cert) : s->key;

		ok = mine && EVP_PKEY_eq(k, mine) == 1;
	}
	X509_free(x);
	EVP_PKEY_free(k);
	BIO_free(b);
	ERR_clear_error();
	return ok;
}

static bool payload_hash_matches(json_t *hash, const struct tlog_subject *s)
{
	const char *alg = json_string_value(json_object_get(hash, "algorithm"));
	const char *val = json_string_value(json_object_get(hash, "value"));
	unsigned char md[32];
	char hex[65];

	if (!s->payload || !alg || !val || strcmp(alg, "sha256"))
		return false;
	EVP_Digest(s->payload, s->payload_len, md, NULL, EVP_sha256(), NULL);
	hex_encode(md, sizeof(md), hex);
	hex[64] = 0;
	return !strcmp(val, hex);
}

bool tlog_body_records(const unsigned char *body, size_t body_len,
		       const struct tlog_subject *s)
{
	json_t *j = json_loadb((const char *)body, body_len, JSON_REJECT_DUPLICATES, NULL);
	json_t *spec = json_object_get(j, "spec"), *sig, *e;
	const char *kind = json_string_value(json_object_get(j, "kind")), *c;
	bool ok = false;
	size_t i;

	if (!kind || !json_is_object(spec))
		goto out;
	if (!strcmp(kind, "hashedrekord") || !strcmp(kind, "rekord")) {
		sig = json_object_get(spec, "signature");
		c = json_string_value(json_object_get(sig, "content"));
		ok = c && !strcmp(c, s->sig_b64) &&
		     verifier_matches(json_string_value(json_object_get(
				      json_object_get(sig, "publicKey"), "content")), s) &&
		     payload_hash_matches(json_object_get(json_object_get(spec, "data"), "hash"), s);
	} else if (!strcmp(kind, "dsse")) {
		json_array_foreach(json_object_get(spec, "signatures"), i, e) {
			c = json_string_value(json_object_get(e, "signature"));
			if (c && !strcmp(c, s->sig_b64)) {
				ok = true;
				break;
			}
		}
	}
out:
	json_decref(j);
	return ok;
}
