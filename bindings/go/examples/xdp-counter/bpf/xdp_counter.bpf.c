// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The seed's go-xdp-counter program: counts packets and bytes per CPU and
 * passes every packet. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct datarec {
	__u64 rx_packets;
	__u64 rx_bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct datarec);
} xdp_stats_map SEC(".maps");

SEC("xdp")
int xdp_stats(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct datarec *rec = bpf_map_lookup_elem(&xdp_stats_map, &key);

	if (rec) {
		/* Per-CPU slot: no other CPU writes it, no atomics needed. */
		rec->rx_packets++;
		rec->rx_bytes += ctx->data_end - ctx->data;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
