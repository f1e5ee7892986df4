/* SPDX-License-Identifier: Apache-2.0 */
/* A bpffs root belongs to one state directory (doc/safety.md). The claim
 * is a symbolic link <bpffs_root>/owner whose target text (never followed)
 * is "libbpfman-state-dir:<identity>:<state_dir>"; bpffs holds only pins,
 * directories and symbolic links, and a link's text is the one place there
 * a path with dots fits. The identity is the state database's random UUID,
 * so a state directory moved elsewhere keeps its claim. */
#ifndef BPFMAN_OWNER_CLAIM_H
#define BPFMAN_OWNER_CLAIM_H

#include <stdbool.h>

struct bpfman_ctx;

#define OWNER_CLAIM_NAME "owner"

/* Claims ctx->bpffs_root for ctx's state directory, or refuses (-EBUSY)
 * when another state directory holds it, naming both. */
int owner_claim(struct bpfman_ctx *ctx);

#endif
