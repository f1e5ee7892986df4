/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* A one-slot counter map that every test program bumps when it runs, so a
 * test can tell from user space that the kernel really ran the program. */
#ifndef TEST_COUNTER_H
#define TEST_COUNTER_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counter SEC(".maps");

static __always_inline void bump(void)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&counter, &key);

	if (val)
		__sync_fetch_and_add(val, 1);
}

#endif
