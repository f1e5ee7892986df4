/* SPDX-License-Identifier: Apache-2.0 */
/* Bytecode files: checking that a path holds an ELF, and keeping a copy in
 * the state directory (named by SHA-256) so restore works after the
 * original file is gone. */
#ifndef BPFMAN_BYTECODE_H
#define BPFMAN_BYTECODE_H

struct bpfman_ctx;

/* -ENOENT/-EACCES/-ENOEXEC with a sentence when path is not a readable ELF. */
int bytecode_check_elf(struct bpfman_ctx *ctx, const char *path);
/* Copies path into <state_dir>/bytecode/<sha256>.o (atomically, once) and
 * returns that path. */
int bytecode_keep(struct bpfman_ctx *ctx, const char *path, char **ret_kept);
/* Removes a kept copy no program refers to any more; `row` names the row
 * that named it (owned.h), NULL for a copy just made. */
int bytecode_release(struct bpfman_ctx *ctx, const char *kept, unsigned int except_prog,
		     const char *row);

#endif
