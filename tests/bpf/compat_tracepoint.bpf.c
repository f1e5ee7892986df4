// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Static entry function, and a tracepoint section without a category (the
 * category/name comes from attach -t), as in bpfman's tracepoint counter. */
#include "compat.h"

SEC("tracepoint/compat_getpid")
static int compat_tp(void *ctx)
{
	return add_step();
}

char LICENSE[] SEC("license") = "GPL";
