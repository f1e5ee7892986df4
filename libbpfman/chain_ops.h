/* SPDX-License-Identifier: Apache-2.0 */
/* Our links on a dispatcher hook (XDP on an interface, TC on an
 * interface's ingress or egress): every change reads the chain the kernel
 * runs now (ours, and programs others put there through libxdp), applies
 * the change, and installs a whole new dispatcher in one step. Slots are
 * matched to our links by program ID, so a program attaches at most once
 * per hook. Links on a dispatcher have no pin of their own (their freplace
 * links live in the dispatcher's pin directory, which others may rebuild):
 * the chain itself is the record of what runs. */
#ifndef BPFMAN_CHAIN_OPS_H
#define BPFMAN_CHAIN_OPS_H

#include "model.h"

struct bpfman_ctx;

/* Adds link (hook, priority, proceed_on set) running prog_fd. */
int chain_attach(struct bpfman_ctx *ctx, const struct bpfman_program *prog, int prog_fd,
		 struct bpfman_link *link);
/* Removes link's program from its hook; a hook that is gone counts as done. */
int chain_detach(struct bpfman_ctx *ctx, const struct bpfman_link *link);
/* Re-orders after link's priority/proceed_on changed (old: before). */
int chain_update(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		 const struct bpfman_link *old, struct bpfman_link *link);
/* Whether link runs in a dispatcher (no pin of its own). */
bool chain_link(const struct bpfman_link *link);
/* Whether the kernel runs link now: its pin, or its slot on the chain. */
bool link_is_live(struct bpfman_ctx *ctx, const struct bpfman_link *link);
/* Slot of link's program in its hook's dispatcher now, -1 if not there. */
int chain_position(struct bpfman_ctx *ctx, const struct bpfman_link *link);

#endif
