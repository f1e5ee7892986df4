// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Copies its global variables into a map so a test can see what the loader
 * wrote into .rodata and .data. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u8 GLOBAL_u8 = 0;
const volatile __u32 GLOBAL_u32 = 0;
volatile __u64 data_u64 = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int report_globals(void *ctx)
{
	__u32 k0 = 0, k1 = 1, k2 = 2;
	__u64 v0 = GLOBAL_u8, v1 = GLOBAL_u32, v2 = data_u64;

	bpf_map_update_elem(&seen, &k0, &v0, BPF_ANY);
	bpf_map_update_elem(&seen, &k1, &v1, BPF_ANY);
	bpf_map_update_elem(&seen, &k2, &v2, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
