// SPDX-License-Identifier: Apache-2.0
/* bpfman_chain__get: what runs at a network hook, in order. */
#include "internal.h"
#include "attach_net.h"
#include "db.h"
#include "dispatcher.h"
#include "kernel_info.h"
#include "netns.h"
#include "tc_dispatcher.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct chain_entry {
	uint32_t prog_id;
	char name[16];
	int32_t priority;
	uint32_t proceed_on;
	uint64_t link_id;
};

struct bpfman_chain {
	uint32_t dispatcher_id;
	const char *xdp_mode;
	size_t cnt;
	struct chain_entry e[64];
};

void bpfman_chain_opts_init(struct bpfman_chain_opts *opts, size_t sz)
{
	bpfman_opts_init(opts, sz);
}

static void add(struct bpfman_chain *c, uint32_t id, int32_t prio, uint32_t proceed)
{
	struct chain_entry *e;
	int fd;

	if (c->cnt >= ARRAY_SIZE(c->e))
		return;
	e = &c->e[c->cnt++];
	e->prog_id = id;
	e->priority = prio;
	e->proceed_on = proceed;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd >= 0) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);

		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			snprintf(e->name, sizeof(e->name), "%s", info.name);
		close(fd);
	}
}

static void add_dispatched(struct bpfman_chain *c, struct chain_prog *progs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		add(c, kernel_prog_id(progs[i].prog_fd), (int32_t)progs[i].priority,
		    progs[i].proceed_on);
		close(progs[i].prog_fd);
	}
	free(progs);
}

static int read_tcx(struct bpfman_chain *c, int ifindex, enum bpfman_direction dir)
{
	__u32 ids[64];
	union bpf_attr attr;
	struct {
		__u32 target_ifindex, attach_type, query_flags, attach_flags;
		__u64 prog_ids;
		__u32 count, pad;
	} *q = (void *)&attr;

	memset(&attr, 0, sizeof(attr));
	q->target_ifindex = (__u32)ifindex;
	q->attach_type = dir == BPFMAN_DIRECTION_EGRESS ? 47 : 46; /* BPF_TCX_EGRESS/INGRESS */
	q->prog_ids = (__u64)(unsigned long)ids;
	q->count = 64;
	if (syscall(__NR_bpf, BPF_PROG_QUERY, &attr, sizeof(attr)))
		return errno == EINVAL ? 0 : -errno; /* no TCX in this kernel: empty */
	for (__u32 i = 0; i < q->count && i < 64; i++)
		add(c, ids[i], -1, 0);
	return 0;
}

static int read_hook(struct bpfman_ctx *ctx, struct bpfman_chain *c,
		     const struct bpfman_chain_opts *opts, int ifindex)
{
	struct chain_prog *progs = NULL;
	uint32_t foreign = 0;
	size_t n = 0, m = 0;
	int err;

	switch (OPTS_GET(opts, type, BPFMAN_PROG_TYPE_UNSPEC)) {
	case BPFMAN_PROG_TYPE_XDP: {
		LIBBPF_OPTS(bpf_xdp_query_opts, q);

		err = xdp_dispatcher_read(ctx, ifindex, &progs, &n, &c->dispatcher_id, &foreign);
		if (err)
			return err;
		if (!bpf_xdp_query(ifindex, 0, &q))
			c->xdp_mode = q.attach_mode == XDP_ATTACHED_SKB ? "skb" :
				      q.attach_mode == XDP_ATTACHED_HW ? "hw" :
				      q.attach_mode ? "native" : "";
		if (foreign)
			add(c, foreign, -1, 0);
		add_dispatched(c, progs, n);
		return 0;
	}
	case BPFMAN_PROG_TYPE_TC: {
		int dir = OPTS_GET(opts, direction, 0);
		uint32_t ids[64];
		char pin_dir[512];

		if ((err = tc_netns_pin_dir(ctx, pin_dir, sizeof(pin_dir))) ||
		    (err = tc_dispatcher_read(ctx, pin_dir, ifindex, dir, &progs, &n,
					      &c->dispatcher_id)))
			return err;
		/* Every bpf filter on the hook in the kernel's order: ours
		 * (the dispatcher's slots, or a lone program where freplace
		 * is refused) and anyone else's. */
		if ((err = tc_hook_bpf_filters(ctx, ifindex, dir, ids, ARRAY_SIZE(ids), &m))) {
			add_dispatched(c, progs, n);
			return err;
		}
		for (size_t i = 0; i < m; i++) {
			if (c->dispatcher_id && ids[i] == c->dispatcher_id) {
				add_dispatched(c, progs, n);
				progs = NULL;
				n = 0;
			} else {
				add(c, ids[i], -1, 0);
			}
		}
		add_dispatched(c, progs, n);
		return 0;
	}
	case BPFMAN_PROG_TYPE_TCX:
		return read_tcx(c, ifindex, OPTS_GET(opts, direction, BPFMAN_DIRECTION_UNSPEC));
	default:
		return bpfman_err(ctx, -EINVAL, "chains exist for xdp, tc and tcx hooks only");
	}
}

int bpfman_chain__get(struct bpfman_chain **ret_chain, struct bpfman_ctx *ctx,
		      const struct bpfman_chain_opts *opts)
{
	_cleanup_free_ struct bpfman_chain *c = calloc(1, sizeof(*c));
	enum bpfman_program_type type = OPTS_GET(opts, type, BPFMAN_PROG_TYPE_UNSPEC);
	enum bpfman_direction dir = OPTS_GET(opts, direction, BPFMAN_DIRECTION_UNSPEC);
	struct bpfman_link like = { 0 }, *ours = NULL;
	struct netns_guard guard;
	size_t nours = 0;
	int ifindex, err;

	if (!ret_chain)
		return bpfman_err(ctx, -EINVAL, "ret_chain is required");
	if (!OPTS_VALID(ctx, opts, bpfman_chain_opts))
		return -EINVAL;
	if (!c)
		return -ENOMEM;
	c->xdp_mode = "";
	if (type != BPFMAN_PROG_TYPE_XDP && dir != BPFMAN_DIRECTION_INGRESS &&
	    dir != BPFMAN_DIRECTION_EGRESS)
		return bpfman_err(ctx, -EINVAL, "a %s chain needs a direction (ingress or egress)",
				  str_or_empty(bpfman_program_type_name(type)));
	if ((err = netns_enter(ctx, OPTS_GET(opts, netns, NULL), &guard)))
		return err;
	err = netns_ifindex(ctx, OPTS_GET(opts, iface, NULL), OPTS_GET(opts, netns, NULL), &ifindex);
	if (!err)
		err = read_hook(ctx, c, opts, ifindex);
	netns_leave(&guard);
	if (err)
		return err;

	/* Which slots are ours. */
	like.type = type;
	like.direction = type == BPFMAN_PROG_TYPE_XDP ? BPFMAN_DIRECTION_UNSPEC : dir;
	like.iface = (char *)OPTS_GET(opts, iface, NULL);
	like.netns = (char *)OPTS_GET(opts, netns, NULL);
	if ((err = net_hook_links(ctx, &like, 0, &ours, &nours)))
		return err;
	for (size_t i = 0; i < c->cnt; i++)
		for (size_t j = 0; j < nours; j++)
			if (ours[j].prog_id == c->e[i].prog_id) {
				c->e[i].link_id = ours[j].id;
				if (c->e[i].priority < 0)
					c->e[i].priority = ours[j].priority;
			}
	db_link_array_free(ours, nours);
	*ret_chain = TAKE_PTR(c);
	return 0;
}

void bpfman_chain__free(struct bpfman_chain *c)
{
	free(c);
}

uint32_t bpfman_chain__dispatcher_id(const struct bpfman_chain *c) { return c->dispatcher_id; }
size_t bpfman_chain__cnt(const struct bpfman_chain *c) { return c->cnt; }
uint32_t bpfman_chain__prog_id(const struct bpfman_chain *c, size_t i) { return i < c->cnt ? c->e[i].prog_id : 0; }
const char *bpfman_chain__prog_name(const struct bpfman_chain *c, size_t i) { return i < c->cnt ? c->e[i].name : ""; }
int32_t bpfman_chain__priority(const struct bpfman_chain *c, size_t i) { return i < c->cnt ? c->e[i].priority : -1; }
uint32_t bpfman_chain__proceed_on(const struct bpfman_chain *c, size_t i) { return i < c->cnt ? c->e[i].proceed_on : 0; }
uint64_t bpfman_chain__link_id(const struct bpfman_chain *c, size_t i) { return i < c->cnt ? c->e[i].link_id : 0; }
const char *bpfman_chain__xdp_mode(const struct bpfman_chain *c) { return c->xdp_mode; }
