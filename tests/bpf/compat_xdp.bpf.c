// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Static, in an aya-style "xdp/NAME" section libbpf does not know. */
#include "compat.h"

SEC("xdp/compat_xdp")
static int compat_xdp(struct xdp_md *ctx)
{
	add_step();
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
