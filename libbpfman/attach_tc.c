// SPDX-License-Identifier: Apache-2.0
/* TC (clsact ingress/egress). Where the kernel runs freplace programs, TC
 * programs are loaded as extensions and run in our multi-program
 * dispatcher (tc_dispatcher.c) with bpfman's priority and proceed-on.
 * Where it does not, a program is loaded as plain SCHED_CLS and attached
 * directly as the cls_bpf filter at the dispatcher's own spot: one program
 * per (namespace, interface, direction), and a second is refused with the
 * reason, as XDP does (attach_xdp.c).
 *
 * A plain TC filter has no kernel link to pin, so the link's pin path
 * holds a pin of the program: it marks the link as plain (as a pinned
 * XDP link does) and as attached in this boot. */
#include "internal.h"
#include "owned.h"
#include "attach_net.h"
#include "chain_ops.h"
#include "db.h"
#include "netns.h"
#include "prog_types.h"
#include "tc_dispatcher.h"
#include "util/fsutil.h"

#include <bpf/bpf.h>
#include <stdlib.h>
#include <string.h>

int tc_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
	       const struct bpfman_attach_opts *opts, struct bpfman_link *link)
{
	return net_prepare(ctx, prog, opts, link, true);
}

static int tc_direction(const struct bpfman_link *l)
{
	return l->direction == BPFMAN_DIRECTION_EGRESS ? TC_DIRECTION_EGRESS : TC_DIRECTION_INGRESS;
}

static const char *dir_word(const struct bpfman_link *l)
{
	return l->direction == BPFMAN_DIRECTION_EGRESS ? "egress" : "ingress";
}

/* The sentence for a hook whose spot is taken by program busy_id. */
static int refuse_busy(struct bpfman_ctx *ctx, const struct bpfman_link *l, uint32_t busy_id)
{
	struct bpfman_link *ours = NULL;
	uint64_t owner = 0;
	size_t n = 0;

	if (!net_hook_links(ctx, l, l->id, &ours, &n))
		for (size_t i = 0; i < n; i++)
			if (ours[i].prog_id == busy_id)
				owner = ours[i].id;
	db_link_array_free(ours, n);
	if (!owner)
		return bpfman_err(ctx, -EBUSY,
				  "%s %s already has a tc filter running program %u at priority %d handle %d, which is not libbpfman's; libbpfman will not replace it: remove it (tc filter del dev %s %s prio %d handle %d bpf) or attach as tcx (Linux >= 6.6)",
				  l->iface, dir_word(l), busy_id, TC_DISPATCHER_PRIORITY,
				  TC_DISPATCHER_HANDLE, l->iface, dir_word(l), TC_DISPATCHER_PRIORITY,
				  TC_DISPATCHER_HANDLE);
	return bpfman_err(ctx, -EBUSY,
			  "%s %s already runs TC program %u (link %llu), and program %u cannot join it: the kernel refused freplace (BPF_PROG_TYPE_EXT) when they were loaded, so there is no TC dispatcher to chain them and a hook takes one program; detach link %llu first, load the program as tcx instead (tcx:NAME, Linux >= 6.6), or use a kernel that allows freplace (nothing was changed)",
			  l->iface, dir_word(l), busy_id, (unsigned long long)owner, l->prog_id,
			  (unsigned long long)owner);
}

static int tc_plain_attach(struct bpfman_ctx *ctx, struct attach_req *req)
{
	struct bpfman_link *l = req->link;
	struct netns_guard guard;
	char pin_dir[512];
	uint32_t busy = 0;
	int ifindex, err;

	if ((err = netns_enter(ctx, l->netns, &guard)))
		return err;
	if (!(err = netns_ifindex(ctx, l->iface, l->netns, &ifindex)) &&
	    !(err = tc_netns_pin_dir(ctx, pin_dir, sizeof(pin_dir))))
		err = tc_plain_install(ctx, pin_dir, ifindex, tc_direction(l), req->prog_fd, &busy);
	/* restore re-attaches a link whose filter went while its pin stayed. */
	if (!err && (err = owned_remove(ctx, OWNED_BPFFS, l->pin_path, "links/", 0, NULL)))
		tc_plain_remove(ctx, pin_dir, ifindex, tc_direction(l), req->prog->id);
	if (!err && bpf_obj_pin(req->prog_fd, l->pin_path)) {
		err = -errno;
		tc_plain_remove(ctx, pin_dir, ifindex, tc_direction(l), req->prog->id);
		bpfman_err(ctx, err, "cannot pin program %u at %s: %s", req->prog->id, l->pin_path,
			   strerror(-err));
	}
	netns_leave(&guard);
	if (err == -EBUSY && busy)
		return refuse_busy(ctx, l, busy);
	return err;
}

int tc_attach(struct bpfman_ctx *ctx, struct attach_req *req)
{
	if (req->prog->dispatched)
		return chain_attach(ctx, req->prog, req->prog_fd, req->link);
	return tc_plain_attach(ctx, req);
}

bool tc_plain_link(const struct bpfman_link *link)
{
	return link->type == BPFMAN_PROG_TYPE_TC && !str_empty(link->pin_path);
}

int tc_plain_detach(struct bpfman_ctx *ctx, const struct bpfman_link *l)
{
	struct netns_guard guard;
	char pin_dir[512];
	int ifindex, err;

	/* A deleted namespace or interface took the filter with it. */
	if (!str_empty(l->netns) && !path_exists(l->netns))
		return 0;
	if ((err = netns_enter(ctx, l->netns, &guard)))
		return err;
	err = netns_ifindex(ctx, l->iface, l->netns, &ifindex);
	if (err == -ENODEV) {
		bpfman_err_clear(ctx);
		err = 0;
		goto out;
	}
	if (!err && !(err = tc_netns_pin_dir(ctx, pin_dir, sizeof(pin_dir))))
		err = tc_plain_remove(ctx, pin_dir, ifindex, tc_direction(l), l->prog_id);
out:
	netns_leave(&guard);
	return err;
}

bool tc_plain_live(struct bpfman_ctx *ctx, const struct bpfman_link *l)
{
	struct netns_guard guard;
	uint32_t id = 0;
	int ifindex;

	if (netns_enter(ctx, l->netns, &guard))
		return false;
	if (!netns_ifindex(ctx, l->iface, l->netns, &ifindex))
		tc_plain_prog(ctx, ifindex, tc_direction(l), &id);
	netns_leave(&guard);
	bpfman_err_clear(ctx);
	return id && id == l->prog_id;
}
