/* SPDX-License-Identifier: Apache-2.0 */
/* Pulling a bytecode image into the cache under a pull policy, and reading
 * one back from the cache. The cache is the OCI layout at
 * ctx->image_cache_dir (store.h); the ELF of each layer is also kept
 * extracted at <cache>/bytecode/<layer hex>.o so loads need no unpacking.
 * A reference is tagged in the cache only after everything it needs is
 * there, so a failed pull leaves no reference behind. */
#ifndef BPFMAN_IMAGE_PULL_H
#define BPFMAN_IMAGE_PULL_H

#include <stdint.h>

#include <bpfman/image.h>

#include "image_config.h"

struct bpfman_ctx;

/* What the public struct bpfman_image holds. */
struct bpfman_image {
	char *reference;    /* normalised, the cache's name for it */
	char *digest;       /* manifest for the chosen platform */
	char *index_digest; /* index the reference named, else NULL */
	char *platform;     /* "os/arch[/variant]" */
	char *layer_digest;
	char *elf_path;     /* <cache>/bytecode/<layer hex>.o */
	uint64_t size;      /* manifest + config + layers */
	struct image_config config;
};

/* Resolves and fetches under opts (may be NULL: policy Always, host
 * platform, no credentials). */
int image_pull(struct bpfman_ctx *ctx, const char *reference,
	       const struct bpfman_pull_opts *opts, struct bpfman_image **ret);
/* From the cache only; -ENOENT with a sentence when `name` (a normalised
 * reference) is not cached. platform NULL: the one recorded at pull. */
int image_read_cached(struct bpfman_ctx *ctx, const char *name,
		      const char *platform, struct bpfman_image **ret);
/* "<cache>/bytecode/<hex>.o" for a layer digest (malloc'ed). */
char *image_elf_path(struct bpfman_ctx *ctx, const char *layer_digest);
/* Normalises a reference as the cache names it (*ret malloc'ed). */
int image_cache_name(struct bpfman_ctx *ctx, const char *reference, char **ret);
/* Checks pull opts and the registry opts they point to. */
int image_pull_opts_valid(struct bpfman_ctx *ctx, const struct bpfman_pull_opts *opts);

/* For _cleanup_(image_freep). */
static inline void image_freep(struct bpfman_image **p)
{
	bpfman_image__free(*p);
}

#endif
