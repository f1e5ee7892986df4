// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "counter.h"
#include <linux/pkt_cls.h>

SEC("tc")
int tc_count(struct __sk_buff *skb)
{
	bump();
	return TC_ACT_OK;
}

/* TCX: count and let the next program in the chain run (TCX_NEXT). */
SEC("tc")
int tcx_next_count(struct __sk_buff *skb)
{
	bump();
	return -1;
}

/* Counts, then returns the verdict set at load time (-g action=...), for
 * the proceed-on matrix. */
const volatile __s32 action = TC_ACT_OK;

SEC("tc")
int tc_action(struct __sk_buff *skb)
{
	bump();
	return action;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
