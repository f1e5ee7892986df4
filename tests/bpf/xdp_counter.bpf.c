// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "counter.h"

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	bump();
	return XDP_PASS;
}

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	bump();
	return XDP_DROP;
}

/* Counts, then returns the action set at load time (-g action=...), for
 * the proceed-on matrix. */
const volatile __u32 action = XDP_PASS;

SEC("xdp")
int xdp_action(struct xdp_md *ctx)
{
	bump();
	return action;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
