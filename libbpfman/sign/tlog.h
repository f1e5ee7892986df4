/* SPDX-License-Identifier: Apache-2.0 */
/* Rekor transparency-log entries as signatures carry them offline: the
 * signed entry timestamp (SET, Rekor's "inclusion promise") over the
 * entry, and the entry body, which must record the very signature being
 * checked. Shared by the v0.3 bundle (tlogEntries) and the legacy tag
 * scheme (the dev.sigstore.cosign/bundle annotation). */
#ifndef BPFMAN_SIGN_TLOG_H
#define BPFMAN_SIGN_TLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../dlopen_crypto.h"

#include "verify.h"

/* 1 when the SET verifies with one of the rule's Rekor keys over Rekor's
 * canonical {body, integratedTime, logID, logIndex}, else 0. */
bool tlog_set_verifies(const struct sign_trust *t, const char *body_b64,
		       int64_t integrated_time, int64_t log_index,
		       const char *logid_hex, const unsigned char *set,
		       size_t set_len);

/* What a tlog body must record. */
struct tlog_subject {
	const char *sig_b64;          /* the signature, base64 as signed */
	X509 *cert;                   /* the signing certificate (or NULL) */
	EVP_PKEY *key;                /* or the public key, when no certificate */
	/* The signed bytes (hashedrekord/rekord record their SHA-256); NULL
	 * for DSSE, whose entry records the envelope's signatures. */
	const unsigned char *payload;
	size_t payload_len;
};

/* Does the (decoded) entry body record s? hashedrekord and rekord: the
 * signature, the certificate or key, and the payload's SHA-256 must all
 * match; dsse: one of its signatures must be s's. */
bool tlog_body_records(const unsigned char *body, size_t body_len,
		       const struct tlog_subject *s);

#endif
