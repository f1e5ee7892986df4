/* SPDX-License-Identifier: Apache-2.0 */
/* Deleting only what libbpfman owns (doc/safety.md). Every removal the
 * library does goes through owned_remove(): the path (often read from a
 * database row, which is input, not truth) must lie beneath one of the
 * context's roots in the place libbpfman keeps that kind of thing; it is
 * resolved from the root's directory fd without following a symbolic link
 * or crossing a mount, checked to be on the expected file system, and only
 * then removed. A refusal leaves a sentence naming the row and the path.
 * Also here: the ownership rules for the roots themselves. */
#ifndef BPFMAN_OWNED_H
#define BPFMAN_OWNED_H

#include <stdbool.h>

struct bpfman_ctx;

enum owned_root {
	OWNED_BPFFS,  /* ctx->bpffs_root, must be bpffs */
	OWNED_STATE,  /* ctx->state_dir */
	OWNED_CACHE,  /* ctx->image_cache_dir */
};

/* Flags */
#define OWNED_TREE 0x1  /* a directory and everything below it */
#define OWNED_CHECK 0x2 /* only check that it could be removed; remove nothing */

/* `shape` says where beneath the root such a thing lives:
 *   NULL       anywhere beneath the root (paths libbpfman built itself)
 *   "maps/"    exactly one name inside <root>/maps
 *   "prog_"    one name directly in the root that starts with "prog_"
 * `row` names who asked (e.g. "programs row 42, map_pin_dir"), NULL for a
 * path the library built itself. Returns 0 when removed or already
 * missing, else a negative errno with the sentence set. */
int owned_remove(struct bpfman_ctx *ctx, enum owned_root root, const char *path,
		 const char *shape, unsigned int flags, const char *row);
/* The same beneath an explicit root (libxdp's directory, an image layout
 * directory); `what` names the root in sentences. */
int owned_remove_under(struct bpfman_ctx *ctx, const char *root, const char *what,
		       bool bpffs, const char *path, const char *shape, unsigned int flags,
		       const char *row);

/* Opens a directory beneath one of the roots for reading its entries, the
 * same way owned_remove() reaches it; NULL with errno set (ELOOP: a
 * symbolic link is in the way; ENOENT: missing). */
#include <dirent.h>
DIR *owned_opendir(struct bpfman_ctx *ctx, enum owned_root root,
		   const char *path);

/* Refuses a root directory that is a symbolic link, not a directory, owned
 * by someone other than root or the caller's euid, or writable by group or
 * others, unless the context allows shared directories. `what` names the
 * option ("state_dir"). A missing directory is fine (-ENOENT not raised).
 * Refusals return -EUCLEAN (not -EPERM: privilege would not help); a
 * path refused by owned_remove() returns -EXDEV, -ELOOP or -EMEDIUMTYPE. */
int owned_dir_check(struct bpfman_ctx *ctx, const char *path, const char *what);

#endif
