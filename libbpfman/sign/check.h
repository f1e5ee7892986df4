/* SPDX-License-Identifier: Apache-2.0 */
/* Every signature of one digest, under one rule; and the cache of
 * successful verifications. Shared by the pull gate and the public API. */
#ifndef BPFMAN_SIGN_CHECK_H
#define BPFMAN_SIGN_CHECK_H

#include "verify.h"

struct registry_client;
struct image_ref;

/* Looks for cosign signatures (when the rule has keys or roots) and GPG
 * signatures (when it has a keyring), and checks each. */
int sign_check_digest(struct bpfman_ctx *ctx, struct registry_client *c,
		      const struct sign_rule *rule, const struct image_ref *ref,
		      const char *digest, struct sig_findings *out);

/* <image_cache_dir>/verified/<sha256(digest, repository, policy hash)>:
 * present when that digest verified under exactly this policy. */
bool sign_cache_hit(struct bpfman_ctx *ctx, const char *digest,
		    const char *repo, const char *policy_hash);
/* Best effort: a failure to record only costs a re-verification. */
void sign_cache_record(struct bpfman_ctx *ctx, const char *digest,
		       const char *repo, const char *policy_hash,
		       const char *what);

#endif
