/* SPDX-License-Identifier: Apache-2.0 */
/* The signature gate of image pulls: called with the digest a reference
 * resolved to, before anything is tagged in the cache or loaded. */
#ifndef BPFMAN_SIGN_ENFORCE_H
#define BPFMAN_SIGN_ENFORCE_H

struct bpfman_ctx;
struct registry_client;
struct image_ref;

/* 0: allowed (verified, cached as verified, or unsigned where the policy
 * allows it, with a warning logged). <0: refused, with a sentence naming
 * the image, the digest, the rule and what was found. */
int signature_enforce(struct bpfman_ctx *ctx, struct registry_client *c,
		      const struct image_ref *ref, const char *manifest_digest);

/* For loads served from the cache without the network (IfNotPresent,
 * Never): 1 when the current policy is satisfied without asking the
 * registry (verification off, or this digest was allowed before under
 * exactly this policy, key files included), 0 when signature_enforce must
 * run (pull from the registry; with Never, refuse), <0 on a bad policy. */
int signature_cached_ok(struct bpfman_ctx *ctx, const struct image_ref *ref,
			const char *manifest_digest);

#endif
