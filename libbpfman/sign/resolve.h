/* SPDX-License-Identifier: Apache-2.0 */
/* Opens a registry client for a reference and finds the digest it names
 * (the tag's manifest or index, as cosign signs it). */
#ifndef BPFMAN_SIGN_RESOLVE_H
#define BPFMAN_SIGN_RESOLVE_H

#include <stdbool.h>

#include <bpfman/image.h>
#include "../image/reference.h"

struct registry_client;

int sign_resolve(struct bpfman_ctx *ctx, const char *reference,
		 const struct bpfman_registry_opts *ropts, bool push,
		 struct image_ref *ret_ref, struct registry_client **ret_client,
		 char ret_digest[72], char **ret_media_type);

#endif
