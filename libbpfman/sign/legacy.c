/* SPDX-License-Identifier: Apache-2.0 */
/* One signature of cosign's legacy tag scheme (a layer of the manifest at
 * sha256-<hex>.sig): the signature, certificate and chain annotations,
 * and the Rekor bundle annotation dev.sigstore.cosign/bundle, whose
 * signed entry timestamp, when it verifies with a Rekor key the rule
 * names and its entry records this very signature, gives the time the
 * certificate is checked at (Fulcio certificates live 10 minutes). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include "../dlopen_crypto.h"

#include "../internal.h"
#include "sigcrypto.h"
#include "tlog.h"
#include "verify.h"

#define ANN_SIGNATURE "dev.cosignproject.cosign/signature"
#define ANN_CERT "dev.sigstore.cosign/certificate"
#define ANN_BUNDLE "dev.sigstore.cosign/bundle"
#define REKOR_BUNDLE_MAX (256u << 10)
#define LOGID_HEX_MAX 128

static X509 *pem_cert(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	ERR_clear_error();
	return x;
}

static STACK_OF(X509) *pem_chain(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	STACK_OF(X509) *sk = sk_X509_new_null();
	X509 *x;

	while (b && sk && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)))
		if (!sk_X509_push(sk, x))
			X509_free(x);
	BIO_free(b);
	ERR_clear_error();
	return sk;
}

/* An object holding exactly these keys. */
static bool exact_keys(json_t *o, const char *const *keys)
{
	size_t n = 0;

	if (!json_is_object(o))
		return false;
	for (; keys[n]; n++)
		if (!json_object_get(o, keys[n]))
			return false;
	return json_object_size(o) == n;
}

static bool lower_hex(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > LOGID_HEX_MAX || n % 2)
		return false;
	return strspn(s, "0123456789abcdef") == n;
}

/* The Rekor bundle annotation, parsed strictly:
 *   {"SignedEntryTimestamp": base64,
 *    "Payload": {"body": base64 entry, "integratedTime": int,
 *                "logIndex": int, "logID": hex}}
 * Returns the integratedTime when it is vouched for, 0 with *ret_why when
 * no trusted time is available, -1 with *ret_why when the annotation is
 * malformed. */
static int64_t rekor_bundle_time(const struct sign_trust *t, const struct legacy_layer *l,
				 X509 *cert, char **ret_why)
{
	static const char *const top[] = { "SignedEntryTimestamp", "Payload", NULL };
	static const char *const pl[] = { "body", "integratedTime", "logIndex", "logID", NULL };
	_cleanup_free_ unsigned char *set = NULL, *body = NULL;
	size_t set_len, body_len, len = strlen(l->rekor_json);
	json_t *j, *p, *set_j, *body_j, *itime_j, *lindex_j, *logid_j;
	int64_t ret = -1;

	if (len > REKOR_BUNDLE_MAX) {
		*ret_why = str_printf(ANN_BUNDLE " annotation of %zu bytes is larger than 256 KiB", len);
		return -1;
	}
	j = json_loadb(l->rekor_json, len, JSON_REJECT_DUPLICATES, NULL);
	p = json_object_get(j, "Payload");
	set_j = json_object_get(j, "SignedEntryTimestamp");
	body_j = json_object_get(p, "body");
	itime_j = json_object_get(p, "integratedTime");
	lindex_j = json_object_get(p, "logIndex");
	logid_j = json_object_get(p, "logID");
	if (!exact_keys(j, top) || !exact_keys(p, pl) || !json_is_string(set_j) ||
	    !json_is_string(body_j) || !json_is_integer(itime_j) || !json_is_integer(lindex_j) ||
	    !json_is_string(logid_j) || json_integer_value(itime_j) <= 0 ||
	    json_integer_value(lindex_j) < 0 || !lower_hex(json_string_value(logid_j)) ||
	    b64_decode(json_string_value(set_j), json_string_length(set_j), &set, &set_len) ||
	    b64_decode(json_string_value(body_j), json_string_length(body_j), &body, &body_len)) {
		*ret_why = str_printf(ANN_BUNDLE " annotation is malformed (want exactly "
				      "{SignedEntryTimestamp: base64, Payload: {body: base64, "
				      "integratedTime: integer, logIndex: integer, logID: hex}})");
		goto out;
	}
	ret = 0;
	if (!t->rekor_cnt) {
		*ret_why = str_printf("rule %s names no Rekor keys (cosign.rekor_keys), so the "
				      ANN_BUNDLE " annotation's log time is not trusted",
				      t->rule->scope);
		goto out;
	}
	if (!tlog_set_verifies(t, json_string_value(body_j), json_integer_value(itime_j),
			       json_integer_value(lindex_j), json_string_value(logid_j),
			       set, set_len)) {
		*ret_why = str_printf("the " ANN_BUNDLE " annotation's signed entry timestamp "
				      "verifies with none of the %zu Rekor key(s) of rule %s "
				      "(another log, or a tampered entry or time)",
				      t->rekor_cnt, t->rule->scope);
		goto out;
	}
	struct tlog_subject subj = {
		.sig_b64 = l->sig_b64,
		.cert = cert,
		.payload = l->payload,
		.payload_len = l->payload_len,
	};
	if (!tlog_body_records(body, body_len, &subj)) {
		*ret_why = str_printf("the " ANN_BUNDLE " annotation's log entry does not record "
				      "this signature, certificate and payload");
		goto out;
	}
	ret = json_integer_value(itime_j);
out:
	json_decref(j);
	return ret;
}

int legacy_layer_check(struct bpfman_ctx *ctx, const struct sign_trust *t,
		       const char *origin, const struct legacy_layer *l,
		       const char *digest, struct sig_findings *out)
{
	_cleanup_free_ unsigned char *sig = NULL;
	_cleanup_free_ char *no_time_why = NULL;
	STACK_OF(X509) *chain = NULL;
	X509 *cert = NULL;
	int64_t itime = 0;
	size_t sig_len;
	int err;

	if (!l->sig_b64 || b64_decode(l->sig_b64, strlen(l->sig_b64), &sig, &sig_len))
		return sig_findings_add(out, SIG_UNPARSEABLE, origin, NULL,
					"a layer has no base64 " ANN_SIGNATURE " annotation");
	if (l->cert_pem) {
		cert = pem_cert(l->cert_pem);
		if (!cert)
			return sig_findings_add(out, SIG_UNPARSEABLE, origin, NULL,
						ANN_CERT " annotation is not a PEM certificate");
		if (l->chain_pem)
			chain = pem_chain(l->chain_pem);
	}
	if (l->rekor_json) {
		itime = rekor_bundle_time(t, l, cert, &no_time_why);
		if (itime < 0) {
			err = sig_findings_add(out, SIG_UNPARSEABLE, origin, NULL, "%s",
					       no_time_why ? no_time_why : "malformed " ANN_BUNDLE);
			goto out;
		}
	} else {
		no_time_why = str_printf("the signature has no " ANN_BUNDLE " annotation");
	}
	struct cosign_sig s = {
		.format = origin,
		.payload = l->payload,
		.payload_len = l->payload_len,
		.sig = sig,
		.sig_len = sig_len,
		.cert = cert,
		.chain = chain,
		.integrated_time = itime,
		.no_time_why = no_time_why,
	};
	err = cosign_sig_check(ctx, t, &s, digest, out);
out:
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	return err;
}
