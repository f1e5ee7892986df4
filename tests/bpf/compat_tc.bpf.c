// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Static, in a "classifier/NAME" section libbpf does not know. */
#include "compat.h"
#include <linux/pkt_cls.h>

SEC("classifier/compat_tc")
static int compat_tc(struct __sk_buff *skb)
{
	add_step();
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
