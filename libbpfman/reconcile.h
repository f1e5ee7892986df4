/* SPDX-License-Identifier: Apache-2.0 */
#ifndef BPFMAN_RECONCILE_H
#define BPFMAN_RECONCILE_H

struct bpfman_ctx;
struct bpfman_report;

/* Run by bpfman_ctx_new: reconciles when no other process holds the lock
 * (one that does is alive and mid-operation; the next open catches up). */
int bpfman_reconcile_on_open(struct bpfman_ctx *ctx);
/* Requires the lock. */
int reconcile_locked(struct bpfman_ctx *ctx, struct bpfman_report *report);

#endif
