/* SPDX-License-Identifier: Apache-2.0 */
/* One exclusive lock per state directory serialises every mutation of the
 * kernel, bpffs and database, across threads and processes (CLI beside the
 * daemon, parallel CLIs). Readers take no lock. */
#ifndef BPFMAN_LOCK_H
#define BPFMAN_LOCK_H

#include <stdbool.h>

struct bpfman_ctx;

int bpfman_lock_open(struct bpfman_ctx *ctx);
/* Blocks until the lock is ours; nests within one context. */
int bpfman_lock(struct bpfman_ctx *ctx);
/* Takes the lock only if free; returns -EWOULDBLOCK otherwise. */
int bpfman_trylock(struct bpfman_ctx *ctx);
void bpfman_unlock(struct bpfman_ctx *ctx);

/* For _cleanup_: `_cleanup_(unlockp) struct bpfman_ctx *locked = ctx;` */
void bpfman_unlockp(struct bpfman_ctx **ctx);

#endif
