// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Rejected by the verifier on purpose: dereferences a hash map value
 * without the NULL check (an array lookup with a constant key is known
 * non-NULL on new kernels, so a hash map it is), so a test can see the
 * whole verifier log reach the caller. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} table SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int unchecked_lookup(void *ctx)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&table, &key);

	*val += 1;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
