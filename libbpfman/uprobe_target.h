/* SPDX-License-Identifier: Apache-2.0 */
/* Finding what a uprobe attaches to: a path, or a library name resolved in
 * the dynamic linker's search order, and a function's file offset. */
#ifndef BPFMAN_UPROBE_TARGET_H
#define BPFMAN_UPROBE_TARGET_H

#include <stdint.h>

struct bpfman_ctx;

/* "libc" -> "/lib/x86_64-linux-gnu/libc.so.6"; a path is checked and kept. */
int uprobe_resolve_target(struct bpfman_ctx *ctx, const char *target, char **ret_path);
/* File offset of function `fn` in the ELF at path (.symtab, then .dynsym). */
int uprobe_func_offset(struct bpfman_ctx *ctx, const char *path, const char *fn,
		       uint64_t *ret_offset);

#endif
