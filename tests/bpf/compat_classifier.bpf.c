// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Global entry functions in aya-style sections libbpf does not know:
 * "classifier/NAME" for TC and for TCX, and "tc/NAME". */
#include "compat.h"
#include <linux/pkt_cls.h>

SEC("classifier/stats")
int stats(struct __sk_buff *skb)
{
	add_step();
	return TC_ACT_OK;
}

/* TCX_NEXT: let the rest of the chain run. */
SEC("classifier/tcx_stats")
int tcx_stats(struct __sk_buff *skb)
{
	add_step();
	return -1;
}

SEC("tc/tc_prefixed")
int tc_prefixed(struct __sk_buff *skb)
{
	add_step();
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
