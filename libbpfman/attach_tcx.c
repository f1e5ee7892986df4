// SPDX-License-Identifier: Apache-2.0
/* TCX (kernel >= 6.6): native multi-attach links on an interface's ingress
 * or egress. No dispatcher: bpfman's priority becomes the link's place among
 * our other TCX links on the same hook (before the first with a higher
 * priority, else after the last). A program continues the chain by
 * returning TCX_NEXT.
 *
 * Debian's libbpf 1.1 and 6.1 headers predate TCX, so the few uapi values
 * are defined here and the link is created with a raw bpf() call. */
#include "internal.h"
#include "attach_net.h"
#include "db.h"
#include "kernel_info.h"
#include "netns.h"
#include "prog_types.h"

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <string.h>
#include <net/if.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TCX_INGRESS 46 /* BPF_TCX_INGRESS */
#define TCX_EGRESS 47  /* BPF_TCX_EGRESS */
#define F_BEFORE (1U << 3)
#define F_AFTER (1U << 4)
#define F_LINK (1U << 13)

/* The BPF_LINK_CREATE part of union bpf_attr as kernels >= 6.6 know it. */
struct tcx_link_create_attr {
	__u32 prog_fd;
	__u32 target_ifindex;
	__u32 attach_type;
	__u32 flags;
	__u32 relative_fd;
	__u32 pad;
	__u64 expected_revision;
};

static int tcx_attach_type(enum bpfman_direction dir)
{
	return dir == BPFMAN_DIRECTION_EGRESS ? TCX_EGRESS : TCX_INGRESS;
}

int tcx_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		const struct bpfman_attach_opts *opts, struct bpfman_link *link)
{
	return net_prepare(ctx, prog, opts, link, true);
}

static int link_create(int prog_fd, int ifindex, int attach_type, __u32 flags, int relative_fd)
{
	union bpf_attr attr;
	struct tcx_link_create_attr *lc = (struct tcx_link_create_attr *)&attr;

	_Static_assert(sizeof(union bpf_attr) >= sizeof(struct tcx_link_create_attr),
		       "union bpf_attr too small");
	memset(&attr, 0, sizeof(attr));
	lc->prog_fd = (__u32)prog_fd;
	lc->target_ifindex = (__u32)ifindex;
	lc->attach_type = (__u32)attach_type;
	lc->flags = flags;
	lc->relative_fd = relative_fd >= 0 ? (__u32)relative_fd : 0;
	return (int)syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
}

int tcx_attach(struct bpfman_ctx *ctx, struct attach_req *req)
{
	struct bpfman_link *l = req->link, *peers = NULL;
	_cleanup_close_ int rel_fd = -1, link_fd = -1;
	struct netns_guard guard;
	size_t n = 0;
	__u32 flags = 0;
	int ifindex, err;

	/* Our place: before the first of ours that runs later, else after
	 * the last of ours, else appended. */
	if ((err = net_hook_links(ctx, l, l->id, &peers, &n)))
		return err;
	for (size_t i = 0; i < n; i++) {
		if (peers[i].priority > l->priority) {
			rel_fd = bpf_obj_get(peers[i].pin_path);
			flags = F_BEFORE | F_LINK;
			break;
		}
	}
	if (flags == 0 && n) {
		rel_fd = bpf_obj_get(peers[n - 1].pin_path);
		flags = F_AFTER | F_LINK;
	}
	db_link_array_free(peers, n);
	if (flags && rel_fd < 0)
		return bpfman_err(ctx, -errno, "cannot open a neighbouring TCX link to order against: %s",
				  strerror(errno));

	if ((err = netns_enter(ctx, l->netns, &guard)))
		return err;
	err = netns_ifindex(ctx, l->iface, l->netns, &ifindex);
	if (!err) {
		link_fd = link_create(req->prog_fd, ifindex, tcx_attach_type(l->direction), flags, rel_fd);
		if (link_fd < 0)
			err = -errno;
	}
	netns_leave(&guard);
	if (err == -EINVAL && link_fd < 0)
		return bpfman_err(ctx, err,
				  "the kernel refused a TCX link on %s: TCX needs Linux 6.6 or newer (or the program is not a tc/tcx program)",
				  l->iface);
	if (err == -EEXIST)
		return bpfman_err(ctx, err, "program %u is already attached to TCX %s %s",
				  req->prog->id, l->iface,
				  l->direction == BPFMAN_DIRECTION_EGRESS ? "egress" : "ingress");
	if (err)
		return bpfman_err(ctx, err, "cannot attach TCX on %s: %s", l->iface, strerror(-err));
	return pin_link_fd(ctx, link_fd, l->pin_path);
}

/* Position among all TCX programs on the hook, as the kernel orders them. */
int tcx_position(struct bpfman_ctx *ctx, const struct bpfman_link *l)
{
	__u32 prog_ids[64], link_ids[64];
	union bpf_attr attr;
	struct {
		__u32 target_ifindex, attach_type, query_flags, attach_flags;
		__u64 prog_ids;
		__u32 count, pad;
		__u64 prog_attach_flags, link_ids, link_attach_flags, revision;
	} *q = (void *)&attr;
	struct netns_guard guard;
	uint32_t kid = 0;
	int ifindex = 0, pos = -1;

	if (netns_enter(ctx, l->netns, &guard))
		return -1;
	ifindex = (int)if_nametoindex(str_or_empty(l->iface));
	memset(&attr, 0, sizeof(attr));
	q->target_ifindex = (__u32)ifindex;
	q->attach_type = (__u32)tcx_attach_type(l->direction);
	q->prog_ids = (__u64)(unsigned long)prog_ids;
	q->link_ids = (__u64)(unsigned long)link_ids;
	q->count = 64;
	if (ifindex && !syscall(__NR_bpf, BPF_PROG_QUERY, &attr, sizeof(attr))) {
		kid = kernel_link_id_of_pin(l->pin_path);
		for (__u32 i = 0; kid && i < q->count && i < 64; i++)
			if (link_ids[i] == kid)
				pos = (int)i;
	}
	netns_leave(&guard);
	return pos;
}
