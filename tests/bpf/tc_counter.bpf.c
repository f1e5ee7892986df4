// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "counter.h"
#include <linux/pkt_cls.h>

SEC("tc")
int tc_count(struct __sk_buff *skb)
{
	bump();
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
