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
int unload_finish(struct bpfman_ctx *ctx, const struct bpfman_program *p,
		  const char *repair_msg);
/* Checks, changing nothing, that every path the rows name (a program's
 * pin, maps, kept bytecode and its links' pins; a link's pin) is libbpfman's
 * to remove (owned.h); the refusal's sentence names the row. */
int unload_check(struct bpfman_ctx *ctx, const struct bpfman_program *p);
int detach_check(struct bpfman_ctx *ctx, const struct bpfman_link *l);
/* Requires the lock. Unpins the link and deletes its row; with no_wait,
 * leaves a link the kernel cannot detach on request for the kernel to
 * release later (bpfman_detach_opts). */
int detach_finish(struct bpfman_ctx *ctx, const struct bpfman_link *l, bool no_wait,
		  const char *repair_msg);
/* Both record their event with the row's removal (events.h): DETACHED and
 * UNLOADED, or REPAIRED with repair_msg as its sentence when reconcile is
 * the one removing the row. */

#endif
