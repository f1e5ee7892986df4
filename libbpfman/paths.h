/* SPDX-License-Identifier: Apache-2.0 */
/* Where things live under the context's directories (doc/architecture.md):
 *   <bpffs_root>/prog_<id>            a program
 *   <bpffs_root>/maps/<owner id>/<n>  maps of a program and its sharers
 *   <bpffs_root>/links/<link id>      a link
 *   <bpffs_root>/staging/<token>/     a load in progress
 * bpffs refuses names with a dot, so map pins replace dots with
 * underscores (".rodata" is pinned as "_rodata").
 *   <state_dir>/bytecode/<sha256>.o   ELF kept for restore
 * All return malloc'ed strings (NULL on ENOMEM). */
#ifndef BPFMAN_PATHS_H
#define BPFMAN_PATHS_H

#include <stdint.h>

struct bpfman_ctx;

char *path_prog_pin(const struct bpfman_ctx *ctx, uint32_t id);
char *path_map_dir(const struct bpfman_ctx *ctx, uint32_t owner_id);
char *path_maps_root(const struct bpfman_ctx *ctx);
char *path_links_root(const struct bpfman_ctx *ctx);
char *path_link_pin(const struct bpfman_ctx *ctx, uint64_t link_id);
char *path_staging_root(const struct bpfman_ctx *ctx);
char *path_bytecode_dir(const struct bpfman_ctx *ctx);

#endif
