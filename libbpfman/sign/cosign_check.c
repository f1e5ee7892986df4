/* SPDX-License-Identifier: Apache-2.0 */
/* One cosign signature: which key made it (a trusted public key, or a
 * certificate that chains to a trusted root with a trusted identity), then
 * what it claims (the digest). */
#include <stdlib.h>
#include <string.h>

#include "../internal.h"
#include "sigcrypto.h"
#include "verify.h"

/* DSSE's pre-authentication encoding: what a DSSE signature covers. */
static unsigned char *dsse_pae(const char *type, const unsigned char *body,
			       size_t body_len, size_t *ret_len)
{
	_cleanup_free_ char *head = str_printf("DSSEv1 %zu %s %zu ", strlen(type),
					       type, body_len);
	unsigned char *out;
	size_t hl;

	if (!head)
		return NULL;
	hl = strlen(head);
	out = malloc(hl + body_len);
	if (!out)
		return NULL;
	memcpy(out, head, hl);
	memcpy(out + hl, body, body_len);
	*ret_len = hl + body_len;
	return out;
}

int cosign_sig_check(struct bpfman_ctx *ctx, const struct sign_trust *t,
		     const struct cosign_sig *s, const char *digest,
		     struct sig_findings *out)
{
	_cleanup_free_ unsigned char *pae = NULL;
	_cleanup_free_ char *why = NULL, *signer = NULL;
	const unsigned char *msg = s->payload;
	size_t msg_len = s->payload_len;
	enum sig_status st;

	(void)ctx;
	if (s->payload_type) {
		pae = dsse_pae(s->payload_type, s->payload, s->payload_len, &msg_len);
		if (!pae)
			return -ENOMEM;
		msg = pae;
	}

	/* A certificate around a key the rule trusts directly: the key
	 * decides, as `cosign verify --key` does. */
	if (s->cert && X509_get0_pubkey(s->cert)) {
		for (size_t i = 0; i < t->keys_cnt && s->cert; i++)
			if (EVP_PKEY_eq(X509_get0_pubkey(s->cert), t->keys[i]) == 1) {
				struct cosign_sig by_key = *s;

				by_key.cert = NULL;
				by_key.chain = NULL;
				return cosign_sig_check(ctx, t, &by_key, digest, out);
			}
	}
	if (s->cert) {
		EVP_PKEY *k = X509_get0_pubkey(s->cert);

		if (!k || sig_verify(k, msg, msg_len, s->sig, s->sig_len) != 1)
			return sig_findings_add(out, SIG_BAD, s->format, NULL,
						"the signature does not verify with the public key of "
						"its own certificate (tampered signature or payload)");
		st = cert_check(ctx, t, s->cert, s->chain, s->integrated_time, &why);
		if (st != SIG_OK)
			return sig_findings_add(out, st, s->format, NULL, "%s%s%s",
						why ? why : "certificate refused",
						s->integrated_time ? "" : "; checked at the current time: ",
						s->integrated_time ? "" : (s->no_time_why ? s->no_time_why :
									 "no trusted transparency-log time"));
		signer = TAKE_PTR(why);
	} else {
		size_t i;

		if (!t->keys_cnt)
			return sig_findings_add(out, SIG_UNTRUSTED, s->format, NULL,
						"a key signature, but rule %s names no cosign keys",
						t->rule->scope);
		for (i = 0; i < t->keys_cnt; i++)
			if (sig_verify(t->keys[i], msg, msg_len, s->sig, s->sig_len) == 1)
				break;
		if (i == t->keys_cnt)
			return sig_findings_add(out, SIG_BAD, s->format, NULL,
						"the signature verifies with none of the %zu trusted "
						"key(s) of rule %s (untrusted key, or tampered "
						"signature or payload)", t->keys_cnt, t->rule->scope);
		signer = strdup(t->key_desc[i]);
		if (!signer)
			return -ENOMEM;
	}

	st = s->payload_type ? intoto_check(s->payload, s->payload_len, digest, &why)
			     : simple_signing_check(s->payload, s->payload_len, digest, &why);
	if (st != SIG_OK)
		return sig_findings_add(out, st, s->format, NULL,
					"signed by %s, but %s", signer, why ? why : "payload refused");
	return sig_findings_add(out, SIG_OK, s->format, signer, "signed by %s", signer);
}
