/* SPDX-License-Identifier: Apache-2.0 */
/* The cryptography cosign signatures need, with OpenSSL: base64, public
 * keys from PEM files, signatures over SHA-256 (ECDSA, RSA) or the raw
 * message (Ed25519), and signing with a PEM private key. */
#ifndef BPFMAN_SIGN_SIGCRYPTO_H
#define BPFMAN_SIGN_SIGCRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#include "../dlopen_crypto.h"

struct bpfman_ctx;

/* Strict standard base64 (padding required, no whitespace). -EBADMSG when
 * the text is not base64. */
int b64_decode(const char *text, size_t len, unsigned char **ret_buf,
	       size_t *ret_len);
char *b64_encode(const void *buf, size_t len);

/* A PEM public key file ("PUBLIC KEY"). */
int pubkey_load(struct bpfman_ctx *ctx, const char *path, EVP_PKEY **ret);
int pubkey_from_pem(struct bpfman_ctx *ctx, const char *origin,
		    const void *pem, size_t len, EVP_PKEY **ret);
/* "ECDSA P-256 SHA256:<hex of the SPKI digest, 16 digits>", malloc'ed. */
char *pubkey_describe(EVP_PKEY *key);
/* 1 when sig verifies over msg with key, 0 when it does not, <0 on error.
 * ECDSA and RSA (PKCS#1 v1.5) hash with SHA-256; Ed25519 signs msg. */
int sig_verify(EVP_PKEY *key, const void *msg, size_t msg_len,
	       const unsigned char *sig, size_t sig_len);
/* A PEM private key file, encrypted (password) or not. */
int privkey_load(struct bpfman_ctx *ctx, const char *path,
		 const char *password, EVP_PKEY **ret);
int sig_sign(struct bpfman_ctx *ctx, EVP_PKEY *key, const void *msg,
	     size_t msg_len, unsigned char **ret_sig, size_t *ret_len);
/* The public half as PEM, malloc'ed. */
char *pubkey_pem(EVP_PKEY *key);

static inline void evp_pkey_freep(EVP_PKEY **k)
{
	EVP_PKEY_free(*k);
}
#define _cleanup_pkey_ __attribute__((cleanup(evp_pkey_freep)))

#endif
