// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* A map in the legacy "maps" section (struct bpf_map_def, dropped by
 * libbpf 1.0): the loader must refuse it with a sentence saying what to
 * change. The struct is declared here since libbpf no longer ships it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct legacy_map_def {
	unsigned int type, key_size, value_size, max_entries, map_flags;
};

struct legacy_map_def legacy_counter SEC("maps") = {
	.type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8, .max_entries = 1,
};

SEC("tracepoint/syscalls/sys_enter_getpid")
int legacy_tp(void *ctx)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&legacy_counter, &key);

	if (val)
		__sync_fetch_and_add(val, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
