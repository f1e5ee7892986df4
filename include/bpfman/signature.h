/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libbpfman: image signatures (doc/signatures.md).
 *
 * Verifies cosign signatures (the legacy sha256-<hex>.sig tag, and the
 * sigstore bundles cosign 3 attaches as OCI 1.1 referrers, with a public
 * key or a certificate from a trusted CA) and GPG simple signing
 * signatures (a lookaside store), under the `signing` policy of the
 * config file or under keys given in the options; signs images in both
 * cosign formats with a PEM private key. Everything is offline: no
 * transparency log or TUF root is contacted.
 */
#ifndef BPFMAN_SIGNATURE_H
#define BPFMAN_SIGNATURE_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bpfman_verify_opts {
	size_t sz;
	const struct bpfman_registry_opts *registry;
	/* Trust these instead of the config file's rules (any given field
	 * replaces the policy for this call, like `cosign verify --key`):
	 * PEM public key files, ... */
	const char *const *keys;
	size_t keys_cnt;
	/* ... CA root certificate files with the identity (SAN email or URI,
	 * exact) and optional OIDC issuer the signing certificate must carry, ... */
	const char *const *roots;
	size_t roots_cnt;
	const char *identity;
	const char *issuer;
	/* ... a GPG public keyring and the lookaside store (file:///dir,
	 * https://host/path) holding signatures. */
	const char *gpg_keyring;
	const char *gpg_lookaside;
	size_t : 0;
};
BPFMAN_API void bpfman_verify_opts_init(struct bpfman_verify_opts *opts, size_t sz);

/* What a verification found (opaque). */
struct bpfman_signature_result;

/* Resolves `reference` on its registry and checks every signature of the
 * digest it names. Returns 0 with a result whether or not a signature was
 * valid (read bpfman_signature_result__verified); <0 when the check could
 * not be made (registry unreachable, bad policy). */
BPFMAN_API int bpfman_image__verify(struct bpfman_signature_result **ret_result,
				    struct bpfman_ctx *ctx, const char *reference,
				    const struct bpfman_verify_opts *opts);
BPFMAN_API void bpfman_signature_result__free(struct bpfman_signature_result *r);
/* "registry/repository[:tag]" as verified, and the digest it resolved to. */
BPFMAN_API const char *bpfman_signature_result__reference(const struct bpfman_signature_result *r);
BPFMAN_API const char *bpfman_signature_result__digest(const struct bpfman_signature_result *r);
/* Whether at least one signature is valid and trusted. */
BPFMAN_API bool bpfman_signature_result__verified(const struct bpfman_signature_result *r);
/* The rule that applied ("" when the options gave the keys). */
BPFMAN_API const char *bpfman_signature_result__rule(const struct bpfman_signature_result *r);
/* One entry per signature found (none: the image is unsigned). */
BPFMAN_API size_t bpfman_signature_result__cnt(const struct bpfman_signature_result *r);
BPFMAN_API bool bpfman_signature_result__ok(const struct bpfman_signature_result *r, size_t i);
/* "cosign signature (tag sha256-<hex>.sig)", "sigstore bundle (...)", "gpg (...)" */
BPFMAN_API const char *bpfman_signature_result__format(const struct bpfman_signature_result *r, size_t i);
/* The key or identity that signed ("" unless ok). */
BPFMAN_API const char *bpfman_signature_result__signer(const struct bpfman_signature_result *r, size_t i);
/* "valid signature", "bad signature", "untrusted key", "digest mismatch", ... */
BPFMAN_API const char *bpfman_signature_result__status(const struct bpfman_signature_result *r, size_t i);
/* One sentence: what was found. */
BPFMAN_API const char *bpfman_signature_result__detail(const struct bpfman_signature_result *r, size_t i);

enum bpfman_sign_format {
	BPFMAN_SIGN_BOTH = 0,   /* legacy tag and bundle */
	BPFMAN_SIGN_LEGACY = 1, /* tag sha256-<hex>.sig (cosign 2 default) */
	BPFMAN_SIGN_BUNDLE = 2, /* sigstore bundle referrer (cosign 3 default) */
};

struct bpfman_sign_opts {
	size_t sz;
	const struct bpfman_registry_opts *registry;
	/* PEM private key (PKCS#8 or traditional; ECDSA P-256, RSA, Ed25519). */
	const char *key_file;
	/* Its password when encrypted; never stored. */
	const char *key_password;
	enum bpfman_sign_format format;
	size_t : 0;
};
BPFMAN_API void bpfman_sign_opts_init(struct bpfman_sign_opts *opts, size_t sz);

/* Signs the digest `reference` resolves to and pushes the signature(s) to
 * its repository, in formats `cosign verify --key` accepts. The signed
 * digest is returned in *ret_digest when not NULL (free it). */
BPFMAN_API int bpfman_image__sign(char **ret_digest, struct bpfman_ctx *ctx,
				  const char *reference,
				  const struct bpfman_sign_opts *opts);

#ifdef __cplusplus
}
#endif

#endif /* BPFMAN_SIGNATURE_H */
