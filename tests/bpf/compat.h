/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The traits of bpfman's published example programs, reproduced in our own
 * test programs (doc/compat.md): a counter map pinned by name
 * (LIBBPF_PIN_BY_NAME), a global variable the loader may set (-g), and
 * entry functions that are static or sit in sections libbpf does not know.
 * Each program adds GLOBAL_u8 (default 1) to slot 0 of its counter. */
#ifndef TEST_COMPAT_H
#define TEST_COMPAT_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} counter SEC(".maps");

const volatile __u8 GLOBAL_u8 = 1;

/* A static subprogram in .text: it must stay static (a global one would be
 * verified on its own), whatever happens to the entry function. */
static __attribute__((noinline)) int add_step(void)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&counter, &key);

	if (!val)
		return 1;
	__sync_fetch_and_add(val, GLOBAL_u8);
	return 0;
}

#endif
