/* SPDX-License-Identifier: Apache-2.0 */
/* What XDP, TC and TCX attach points share: interface, namespace,
 * direction, priority and proceed-on checks, and the bpfman defaults. */
#ifndef BPFMAN_ATTACH_NET_H
#define BPFMAN_ATTACH_NET_H

#include "model.h"

struct bpfman_ctx;

#define NET_PRIORITY_MAX 1000


/* Validates the network fields of opts for prog's type and fills link
 * (iface, netns, direction, priority, proceed_on with defaults applied);
 * checks the interface exists in the namespace. Changes nothing. */
int net_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		const struct bpfman_attach_opts *opts, struct bpfman_link *link,
		bool needs_direction);

/* Our other links on the same hook (same type, netns, iface, direction),
 * sorted by (priority, id); excludes `except`. */
int net_hook_links(struct bpfman_ctx *ctx, const struct bpfman_link *like, uint64_t except,
		   struct bpfman_link **ret, size_t *ret_cnt);

/* The XDP attach mode the config file sets for iface (net_config.c):
 * XDP_FLAGS_DRV_MODE, _SKB_MODE or _HW_MODE, or 0 when it sets none
 * (native, falling back to skb where the driver refuses). A bad
 * "interfaces" section anywhere is an error naming the key. */
int net_xdp_mode(struct bpfman_ctx *ctx, const char *iface, uint32_t *ret_flags);
/* "native", "skb", "hw", or "" for 0. */
const char *net_xdp_mode_name(uint32_t flags);

/* The TC pin directory of the current network namespace (its pins carry
 * ifindexes, which are per namespace), created if missing:
 * <bpffs_root>/tc/netns-<namespace inode>. */
int tc_netns_pin_dir(struct bpfman_ctx *ctx, char *buf, size_t sz);

/* TC links where the kernel refuses freplace (attach_tc.c): one program
 * per hook on a plain cls_bpf filter, recorded with a pin of the program
 * at the link's pin path. */
bool tc_plain_link(const struct bpfman_link *link);
int tc_plain_detach(struct bpfman_ctx *ctx, const struct bpfman_link *link);
/* Whether the hook's filter runs link's program now. */
bool tc_plain_live(struct bpfman_ctx *ctx, const struct bpfman_link *link);

#endif
