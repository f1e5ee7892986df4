// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Rejected by the verifier on purpose: dereferences a map value without the
 * NULL check, so a test can see the whole verifier log reach the caller. */
#include "counter.h"

SEC("tracepoint/syscalls/sys_enter_getpid")
int unchecked_lookup(void *ctx)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&counter, &key);

	*val += 1;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
