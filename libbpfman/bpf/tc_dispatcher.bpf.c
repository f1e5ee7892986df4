// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* libbpfman's TC dispatcher (doc/tc-dispatcher.md).
 *
 * One cls_bpf program in direct-action mode that calls up to ten slot
 * functions prog0..prog9 in order. Each slot in use is replaced by an
 * freplace (BPF_PROG_TYPE_EXT) program; an unused slot returns
 * TC_DISPATCHER_RETVAL ("no program here"). After slot i returns r the
 * dispatcher goes on only when bit (r + 1) is set in chain_call_actions[i]
 * (TC_ACT_UNSPEC = -1 is bit 0, TC_ACT_OK = 0 is bit 1, ...; the "no
 * program" value 30 is bit 31, DISPATCHER_RETURN_BIT); otherwise it returns
 * r. A value outside -1..30 always stops the chain. When every enabled
 * slot said "go on", the packet gets TC_ACT_OK.
 *
 * The configuration is read-only data filled in by user space before the
 * load, so the verifier sees constants and prunes the unused slots. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define TC_DISPATCHER_MAGIC 0xbf
#define TC_DISPATCHER_VERSION 1
#define TC_DISPATCHER_MAX_SLOTS 10
#define TC_DISPATCHER_RETVAL 30

/* Keep in sync with struct tc_dispatcher_config in tc_dispatcher.c. */
struct tc_dispatcher_config {
	__u8 magic;             /* TC_DISPATCHER_MAGIC */
	__u8 version;           /* TC_DISPATCHER_VERSION */
	__u8 num_progs_enabled; /* slots 0..num_progs_enabled-1 run */
	__u8 reserved;
	__u32 chain_call_actions[TC_DISPATCHER_MAX_SLOTS];
	__u32 run_prios[TC_DISPATCHER_MAX_SLOTS]; /* informational */
};

const volatile struct tc_dispatcher_config tc_dispatcher_conf = {
	.magic = TC_DISPATCHER_MAGIC,
	.version = TC_DISPATCHER_VERSION,
};

/* A slot. It must stay a real, global (so verified on its own and
 * replaceable) function whose result the compiler cannot know: the value
 * lives in a volatile, and the empty asm makes skb look used. */
#define SLOT(N)                                                                \
	__attribute__((noinline)) int prog##N(struct __sk_buff *skb)           \
	{                                                                      \
		volatile int ret = TC_DISPATCHER_RETVAL;                       \
                                                                               \
		asm volatile("" : : "r"(skb) : "memory");                      \
		if (!skb)                                                      \
			return TC_ACT_SHOT;                                    \
		return ret;                                                    \
	}

SLOT(0)
SLOT(1)
SLOT(2)
SLOT(3)
SLOT(4)
SLOT(5)
SLOT(6)
SLOT(7)
SLOT(8)
SLOT(9)

/* Whether the chain goes on after a slot returned ret. */
static __always_inline int proceed(int ret, __u32 actions)
{
	__u32 bit = (__u32)(ret + 1);

	if (bit > 31)
		return 0;
	return (actions >> bit) & 1;
}

#define RUN_SLOT(N)                                                            \
	do {                                                                   \
		if (tc_dispatcher_conf.num_progs_enabled <= N)                 \
			return TC_ACT_OK;                                      \
		ret = prog##N(skb);                                            \
		if (!proceed(ret, tc_dispatcher_conf.chain_call_actions[N]))   \
			return ret;                                            \
	} while (0)

SEC("tc")
int tc_dispatcher(struct __sk_buff *skb)
{
	int ret;

	RUN_SLOT(0);
	RUN_SLOT(1);
	RUN_SLOT(2);
	RUN_SLOT(3);
	RUN_SLOT(4);
	RUN_SLOT(5);
	RUN_SLOT(6);
	RUN_SLOT(7);
	RUN_SLOT(8);
	RUN_SLOT(9);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
