/* SPDX-License-Identifier: Apache-2.0 */
/* Removing programs and links from the kernel and the database; also used
 * by reconcile to finish an unload or detach a crash interrupted. */
#ifndef BPFMAN_UNLOAD_H
#define BPFMAN_UNLOAD_H

#include <stdbool.h>

#include "model.h"

struct bpfman_ctx;

/* Requires the lock. Detaches links, unpins, drops unused maps and
 * bytecode, deletes rows. The row must already be in state unloading. */
int unload_finish(struct bpfman_ctx *ctx, const struct bpfman_program *p);
/* Requires the lock. Unpins the link and deletes its row; with no_wait,
 * leaves a link the kernel cannot detach on request for the kernel to
 * release later (bpfman_detach_opts). */
int detach_finish(struct bpfman_ctx *ctx, const struct bpfman_link *l, bool no_wait);

#endif
