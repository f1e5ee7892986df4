/* SPDX-License-Identifier: Apache-2.0 */
/* Sigstore bundles (v0.3, application/vnd.dev.sigstore.bundle.v0.3+json)
 * as `cosign sign` 3 writes them: a DSSE envelope around an in-toto
 * statement naming the image digest, the key hint or the signing
 * certificate, and optional transparency-log entries. A tlog entry counts
 * only when its signed entry timestamp verifies with a Rekor key the rule
 * names and its body carries this very signature; its integratedTime is
 * then the time the certificate is checked at. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include "../dlopen_crypto.h"

#include "../internal.h"
#include "sigcrypto.h"
#include "tlog.h"
#include "verify.h"

#define BUNDLE_MAX (4u << 20)
#define MT_BUNDLE_PREFIX "application/vnd.dev.sigstore.bundle"
#define INTOTO_PAYLOAD_TYPE "application/vnd.in-toto+json"

static int b64_field(json_t *o, const char *name, unsigned char **ret, size_t *ret_len)
{
	json_t *v = json_object_get(o, name);

	if (!json_is_string(v))
		return -EBADMSG;
	return b64_decode(json_string_value(v), json_string_length(v), ret, ret_len);
}

static X509 *der_cert(json_t *o)
{
	_cleanup_free_ unsigned char *der = NULL;
	const unsigned char *p;
	size_t len;
	X509 *x;

	if (b64_field(o, "rawBytes", &der, &len))
		return NULL;
	p = der;
	x = d2i_X509(NULL, &p, (long)len);
	if (x && p != der + len) {
		X509_free(x);
		x = NULL;
	}
	ERR_clear_error();
	return x;
}

static int64_t json_int_or_str(json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v)) {
		uint64_t n;

		if (!parse_u64(json_string_value(v), INT64_MAX, &n))
			return (int64_t)n;
	}
	return -1;
}

/* The integratedTime of the first tlog entry that a Rekor key vouches for
 * and that records this signature; 0 when the rule names no Rekor keys;
 * -1 when it does and no entry verifies. */
static int64_t tlog_time(const struct sign_trust *t, json_t *entries,
			 const struct tlog_subject *subj, char **ret_why)
{
	json_t *e;
	size_t i;

	if (!t->rekor_cnt)
		return 0;
	json_array_foreach(entries, i, e) {
		json_t *promise = json_object_get(e, "inclusionPromise");
		const char *body_b64 = json_string_value(json_object_get(e, "canonicalizedBody"));
		int64_t itime = json_int_or_str(json_object_get(e, "integratedTime"));
		int64_t lindex = json_int_or_str(json_object_get(e, "logIndex"));
		_cleanup_free_ unsigned char *set = NULL, *logid = NULL, *body = NULL;
		char logid_hex[129];
		size_t set_len, logid_len, body_len;

		if (!body_b64 || itime <= 0 || lindex < 0 ||
		    b64_field(promise, "signedEntryTimestamp", &set, &set_len) ||
		    b64_field(json_object_get(e, "logId"), "keyId", &logid, &logid_len) ||
		    logid_len > 64 ||
		    b64_decode(body_b64, strlen(body_b64), &body, &body_len))
			continue;
		hex_encode(logid, logid_len, logid_hex);
		logid_hex[2 * logid_len] = 0;
		if (tlog_set_verifies(t, body_b64, itime, lindex, logid_hex, set, set_len) &&
		    tlog_body_records(body, body_len, subj))
			return itime;
	}
	*ret_why = str_printf("rule %s names Rekor keys, but no transparency-log entry in "
			      "the bundle verifies with them and records this signature",
			      t->rule->scope);
	return -1;
}

int bundle_check(struct bpfman_ctx *ctx, const struct sign_trust *t,
		 const char *origin, const void *buf, size_t len,
		 const char *digest, struct sig_findings *out)
{
	json_t *j = NULL, *vm, *env, *sigs, *certs;
	_cleanup_free_ unsigned char *payload = NULL, *sig = NULL;
	_cleanup_free_ char *why = NULL;
	const char *mt, *ptype, *sig_b64;
	size_t payload_len, sig_len;
	STACK_OF(X509) *chain = NULL;
	X509 *leaf = NULL;
	int64_t itime;
	int err;

	if (len > BUNDLE_MAX)
		return sig_findings_add(out, SIG_UNPARSEABLE, origin, NULL,
					"bundle of %zu bytes is larger than 4 MiB", len);
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
	mt = json_string_value(json_object_get(j, "mediaType"));
	vm = json_object_get(j, "verificationMaterial");
	env = json_object_get(j, "dsseEnvelope");
	if (!json_is_object(j) || !mt || strncmp(mt, MT_BUNDLE_PREFIX, strlen(MT_BUNDLE_PREFIX)) ||
	    !json_is_object(vm)) {
		err = sig_findings_add(out, SIG_UNPARSEABLE, origin, NULL,
				       "not a sigstore bundle (no mediaType " MT_BUNDLE_PREFIX
				       "* or no verificationMaterial)");
		goto out;
	}
	if (!json_is_object(env)) {
		err = sig_findings_add(out, SIG_UNPARSEABLE, origin, NULL,
				       "bundle holds %s, not a DSSE envelope: cosign image "
				       "signatures are DSSE in-toto statements",
				       json_object_get(j, "messageSignature") ? "a messageSignature"
									       : "no signature");
		goto out;
	}
	ptype = json_string_value(json_object_get(env, "payloadType"));
	sigs = json_object_get(env, "signatures");
	sig_b64 = json_string_value(json_object_get(json_array_get(sigs, 0), "sig"));
	if (!ptype || strcmp(ptype, INTOTO_PAYLOAD_TYPE) || json_array_size(sigs) != 1 || !sig_b64 ||
	    b64_field(env, "payload", &payload, &payload_len) ||
	    b64_decode(sig_b64, strlen(sig_b64), &sig, &sig_len)) {
		err = sig_findings_add(out, SIG_UNPARSEABLE, origin, NULL,
				       "DSSE envelope is malformed (want payloadType "
				       INTOTO_PAYLOAD_TYPE ", a base64 payload and exactly one signature)");
		goto out;
	}

	if (json_object_get(vm, "certificate")) {
		leaf = der_cert(json_object_get(vm, "certificate"));
	} else if ((certs = json_object_get(json_object_get(vm, "x509CertificateChain"),
					    "certificates"))) {
		json_t *c;
		size_t i;

		leaf = der_cert(json_array_get(certs, 0));
		chain = sk_X509_new_null();
		json_array_foreach(certs, i, c) {
			X509 *x;

			if (!i)
				continue;
			x = der_cert(c);
			if (!x || !chain || !sk_X509_push(chain, x)) {
				X509_free(x);
				X509_free(leaf);
				leaf = NULL;
				break;
			}
		}
	} else if (!json_object_get(vm, "publicKey")) {
		err = sig_findings_add(out, SIG_UNPARSEABLE, origin, NULL,
				       "bundle names neither a public key nor a certificate");
		goto out;
	}
	if ((json_object_get(vm, "certificate") || json_object_get(vm, "x509CertificateChain")) && !leaf) {
		err = sig_findings_add(out, SIG_UNPARSEABLE, origin, NULL,
				       "bundle's certificate is not DER X.509");
		goto out;
	}
	struct tlog_subject subj = { .sig_b64 = sig_b64, .cert = leaf };

	itime = tlog_time(t, json_object_get(vm, "tlogEntries"), &subj, &why);
	if (itime < 0) {
		err = sig_findings_add(out, SIG_UNTRUSTED, origin, NULL, "%s", why);
		goto out;
	}
	struct cosign_sig s = {
		.format = origin,
		.payload = payload,
		.payload_len = payload_len,
		.payload_type = ptype,
		.sig = sig,
		.sig_len = sig_len,
		.cert = leaf,
		.chain = chain,
		.integrated_time = itime,
		.no_time_why = t->rekor_cnt ? NULL : "rule names no Rekor keys (cosign.rekor_keys)",
	};
	err = cosign_sig_check(ctx, t, &s, digest, out);
out:
	X509_free(leaf);
	sk_X509_pop_free(chain, X509_free);
	json_decref(j);
	return err;
}
