// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* TC programs with every interesting verdict, for the TC dispatcher tests:
 * loaded one at a time (as BPF_PROG_TYPE_EXT against the dispatcher's
 * prog0, or as plain tc programs), each load with its own `counter`. */
#include "counter.h"
#include <linux/pkt_cls.h>

SEC("tc")
int tc_shot(struct __sk_buff *skb)
{
	bump();
	return TC_ACT_SHOT;
}

SEC("tc")
int tc_pipe(struct __sk_buff *skb)
{
	bump();
	return TC_ACT_PIPE;
}

SEC("tc")
int tc_ok(struct __sk_buff *skb)
{
	bump();
	return TC_ACT_OK;
}

SEC("tc")
int tc_unspec(struct __sk_buff *skb)
{
	bump();
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
