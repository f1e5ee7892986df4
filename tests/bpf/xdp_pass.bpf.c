// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The seed's xdp_pass image as its XdpProgram documents name it: function
 * `pass` with a GLOBAL_u8 the documents set through globaldata. Counts its
 * runs so a test can tell it ran. */
#include "counter.h"

const volatile __u8 GLOBAL_u8 = 0;

SEC("xdp")
int pass(struct xdp_md *ctx)
{
	bump();
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
