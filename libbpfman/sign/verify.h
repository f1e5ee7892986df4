/* SPDX-License-Identifier: Apache-2.0 */
/* Verification of the signatures of one manifest digest under one policy
 * rule: the shared types of the cosign (legacy tag, sigstore bundle) and
 * GPG checkers. */
#ifndef BPFMAN_SIGN_VERIFY_H
#define BPFMAN_SIGN_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../dlopen_crypto.h"

#include "policy.h"

struct bpfman_ctx;
struct registry_client;
struct image_ref;

/* Why a signature was not accepted (or that it was), worst first is not
 * implied: the order is how far the check got. */
enum sig_status {
	SIG_OK = 0,
	SIG_UNPARSEABLE,     /* the signature or its payload is malformed */
	SIG_BAD,             /* does not verify (tampered, or another key) */
	SIG_UNTRUSTED,       /* verifies, but the key/certificate is not trusted */
	SIG_DIGEST_MISMATCH, /* a valid signature, for another image */
	SIG_IDENTITY_MISMATCH, /* a valid signature, for another reference */
	SIG_EXPIRED,         /* GPG key expired or revoked */
};
const char *sig_status_name(enum sig_status s);

/* The trust material of one rule, loaded once per verification. */
struct sign_trust {
	const struct sign_rule *rule;
	EVP_PKEY **keys;
	char **key_desc;
	size_t keys_cnt;
	X509_STORE *roots; /* NULL when the rule names no roots */
	EVP_PKEY **rekor;
	size_t rekor_cnt;
};
int sign_trust_load(struct bpfman_ctx *ctx, const struct sign_rule *rule,
		    struct sign_trust *ret);
void sign_trust_clear(struct sign_trust *t);

/* One signature found for an image, in any format. */
struct sig_finding {
	enum sig_status status;
	char *format;  /* "cosign (tag sha256-<hex>.sig)", "sigstore bundle (referrer sha256:..)", "gpg" */
	char *signer;  /* on SIG_OK: the key or identity that signed */
	char *detail;  /* what was found, one sentence */
};

struct sig_findings {
	struct sig_finding *v;
	size_t cnt;
};
int sig_findings_add(struct sig_findings *f, enum sig_status status,
		     const char *format, const char *signer, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void sig_findings_clear(struct sig_findings *f);
/* The first SIG_OK finding, or NULL. */
const struct sig_finding *sig_findings_ok(const struct sig_findings *f);

/* A cosign-style signature to check (legacy layer or bundle). */
struct cosign_sig {
	const char *format;
	/* The signed bytes: the simple-signing payload (legacy), or the DSSE
	 * payload whose PAE was signed (bundle). */
	const unsigned char *payload;
	size_t payload_len;
	const char *payload_type;   /* DSSE only */
	const unsigned char *sig;
	size_t sig_len;
	X509 *cert;                 /* signing certificate, or NULL */
	STACK_OF(X509) *chain;      /* intermediates (may be NULL) */
	int64_t integrated_time;    /* from a tlog entry, 0 when none */
	/* With no integrated_time: why no trusted log time was available,
	 * added to a certificate refusal (checked at the current time). */
	const char *no_time_why;
};

/* Checks one cosign signature for `digest` and adds a finding. */
int cosign_sig_check(struct bpfman_ctx *ctx, const struct sign_trust *t,
		     const struct cosign_sig *s, const char *digest,
		     struct sig_findings *out);

/* Certificate signatures: chain to the rule's roots at `when` (0: now),
 * then the identity and issuer constraints. Returns a SIG_* status and a
 * malloc'ed sentence in *ret_why (or the identity on SIG_OK). */
enum sig_status cert_check(struct bpfman_ctx *ctx, const struct sign_trust *t,
			   X509 *cert, STACK_OF(X509) *chain, int64_t when,
			   char **ret_why);

/* Payload checks (strict): the simple-signing JSON and the in-toto
 * statement cosign 3 signs. SIG_OK, SIG_UNPARSEABLE or
 * SIG_DIGEST_MISMATCH with a sentence. */
enum sig_status simple_signing_check(const unsigned char *payload, size_t len,
				     const char *digest, char **ret_why);
enum sig_status intoto_check(const unsigned char *payload, size_t len,
			     const char *digest, char **ret_why);

/* Registry lookups: every cosign signature of `digest` in the legacy tag
 * and in bundles (referrers API or its sha256-<hex> tag), checked. */
int cosign_find_legacy(struct bpfman_ctx *ctx, struct registry_client *c,
		       const struct sign_trust *t, const char *digest,
		       struct sig_findings *out);
int cosign_find_bundles(struct bpfman_ctx *ctx, struct registry_client *c,
			const struct sign_trust *t, const char *digest,
			struct sig_findings *out);
/* One signature layer of the legacy tag: its annotations (NULL when
 * absent) and its payload blob (already checked against its digest). */
struct legacy_layer {
	const char *sig_b64;    /* dev.cosignproject.cosign/signature */
	const char *cert_pem;   /* dev.sigstore.cosign/certificate */
	const char *chain_pem;  /* dev.sigstore.cosign/chain */
	const char *rekor_json; /* dev.sigstore.cosign/bundle */
	const unsigned char *payload;
	size_t payload_len;
};
int legacy_layer_check(struct bpfman_ctx *ctx, const struct sign_trust *t,
		       const char *origin, const struct legacy_layer *l,
		       const char *digest, struct sig_findings *out);
/* One sigstore bundle (JSON) checked for digest. */
int bundle_check(struct bpfman_ctx *ctx, const struct sign_trust *t,
		 const char *origin, const void *buf, size_t len,
		 const char *digest, struct sig_findings *out);

/* GPG simple signing from the rule's lookaside store. */
int gpg_find(struct bpfman_ctx *ctx, const struct sign_trust *t,
	     const struct image_ref *ref, const char *digest,
	     struct sig_findings *out);

#endif
