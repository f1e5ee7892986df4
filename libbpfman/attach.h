/* SPDX-License-Identifier: Apache-2.0 */
#ifndef BPFMAN_ATTACH_H
#define BPFMAN_ATTACH_H

#include "model.h"

struct bpfman_ctx;

/* Creates the kernel link for a recorded link row and pins it at
 * link->pin_path (attach and restore). */
int link_attach_kernel(struct bpfman_ctx *ctx, const struct bpfman_program *p,
		       struct bpfman_link *link);
/* What a link hooks (tracepoint, interface, function or target), for
 * sentences; "" when none. */
const char *link_point(const struct bpfman_link *l);

#endif
