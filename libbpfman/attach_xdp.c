// SPDX-License-Identifier: Apache-2.0
/* XDP. Where the kernel runs freplace programs, XDP programs are loaded as
 * BPF_PROG_TYPE_EXT and attached through a libxdp-compatible multi-program
 * dispatcher (xdp_dispatcher.c). Where it does not, a program is loaded as
 * plain XDP and attached directly with an XDP link: one program per
 * interface, and a second is refused with the reason. */
#include "internal.h"
#include "attach_net.h"
#include "chain_ops.h"
#include "netns.h"
#include "prog_types.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <string.h>
#include <unistd.h>

int xdp_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		const struct bpfman_attach_opts *opts, struct bpfman_link *link)
{
	return net_prepare(ctx, prog, opts, link, false);
}

static uint32_t attached_xdp_prog(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q))
		return 0;
	return q.prog_id;
}

/* The configured mode, or native first and, for drivers without XDP
 * support, generic (skb) mode. */
static int xdp_link_create(int prog_fd, int ifindex, uint32_t mode)
{
	LIBBPF_OPTS(bpf_link_create_opts, o, .flags = mode ? mode : XDP_FLAGS_DRV_MODE);
	int fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &o);

	if (fd < 0 && !mode && (errno == EOPNOTSUPP || errno == EINVAL)) {
		o.flags = XDP_FLAGS_SKB_MODE;
		fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &o);
	}
	return fd < 0 ? -errno : fd;
}

int xdp_attach(struct bpfman_ctx *ctx, struct attach_req *req)
{
	struct bpfman_link *l = req->link;
	_cleanup_close_ int link_fd = -1;
	struct netns_guard guard;
	uint32_t current = 0, mode = 0;
	int ifindex, err;

	if (req->prog->dispatched)
		return chain_attach(ctx, req->prog, req->prog_fd, l);
	if ((err = net_xdp_mode(ctx, l->iface, &mode)))
		return err;

	if ((err = netns_enter(ctx, l->netns, &guard)))
		return err;
	err = netns_ifindex(ctx, l->iface, l->netns, &ifindex);
	if (!err) {
		current = attached_xdp_prog(ifindex);
		if (current)
			err = -EBUSY;
		else if ((link_fd = xdp_link_create(req->prog_fd, ifindex, mode)) < 0)
			err = link_fd;
	}
	netns_leave(&guard);
	if (err == -EBUSY)
		return bpfman_err(ctx, err,
				  "interface %s already runs XDP program %u, and program %u was loaded as a plain XDP program, not as an extension for a multi-program dispatcher (the kernel refused freplace (BPF_PROG_TYPE_EXT) when it was loaded: see the warning then); detach the other program first, or use a kernel that allows freplace",
				  l->iface, current, req->prog->id);
	if (err && mode)
		return bpfman_err(ctx, err,
				  "cannot attach XDP program %u to %s in %s mode, which the config file %s sets for it (interfaces.%s.xdp_mode): %s; choose a mode the driver supports",
				  req->prog->id, l->iface, net_xdp_mode_name(mode), ctx->config_path,
				  l->iface, strerror(-err));
	if (err)
		return bpfman_err(ctx, err, "cannot attach XDP program %u to %s: %s", req->prog->id,
				  l->iface, strerror(-err));
	return pin_link_fd(ctx, link_fd, l->pin_path);
}

int net_position(struct bpfman_ctx *ctx, const struct bpfman_link *link)
{
	/* A plain XDP link or TC filter is alone on its hook. */
	if (tc_plain_link(link))
		return tc_plain_live(ctx, link) ? 0 : -1;
	return str_empty(link->pin_path) ? chain_position(ctx, link) : 0;
}

int net_chain_update(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		     const struct bpfman_link *old, struct bpfman_link *link)
{
	return chain_update(ctx, prog, old, link);
}
