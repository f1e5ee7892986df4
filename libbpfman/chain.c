// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "chain_ops.h"
#include "attach_net.h"
#include "db.h"
#include "dispatcher.h"
#include "kernel_info.h"
#include "netns.h"

#include <bpf/bpf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <net/if.h>
#include <stdio.h>
#include <unistd.h>

#include "util/fsutil.h"

enum chain_op { OP_ADD, OP_REMOVE, OP_UPDATE };

struct hook {
	const struct bpfman_link *like; /* any link on the hook */
	int ifindex;
	uint32_t xdp_mode; /* configured for a new XDP dispatcher; 0: default */
	uint32_t dispatcher_id; /* as read */
	char tc_pin_dir[512];
};

static int tc_pin_dir(struct bpfman_ctx *ctx, struct hook *h)
{
	return tc_netns_pin_dir(ctx, h->tc_pin_dir, sizeof(h->tc_pin_dir));
}

static bool is_xdp(const struct hook *h)
{
	return h->like->type == BPFMAN_PROG_TYPE_XDP;
}

/* fail_on_foreign: a plain XDP program on the interface blocks adding or
 * re-ordering, but when removing it only means our chain is gone. */
static int hook_read(struct bpfman_ctx *ctx, struct hook *h, struct chain_prog **progs,
		     size_t *cnt, bool fail_on_foreign)
{
	uint32_t foreign = 0;
	int err;

	if (!is_xdp(h))
		return tc_dispatcher_read(ctx, h->tc_pin_dir, h->ifindex, h->like->direction, progs,
					  cnt, &h->dispatcher_id);
	err = xdp_dispatcher_read(ctx, h->ifindex, progs, cnt, &h->dispatcher_id, &foreign);
	if (!err && foreign && fail_on_foreign)
		err = bpfman_err(ctx, -EBUSY,
				 "interface %s runs XDP program %u outside any dispatcher; libbpfman will not replace it: detach it first (ip link set dev %s xdp off)",
				 h->like->iface, foreign, h->like->iface);
	return err;
}

static int hook_install(struct bpfman_ctx *ctx, struct hook *h, struct chain_prog *progs,
			size_t cnt)
{
	if (is_xdp(h))
		return xdp_dispatcher_install_if(ctx, h->ifindex, h->xdp_mode, h->dispatcher_id, progs,
						 cnt);
	return tc_dispatcher_install(ctx, h->tc_pin_dir, h->ifindex, h->like->direction, progs, cnt);
}

static void close_chain(struct chain_prog *progs, size_t cnt)
{
	for (size_t i = 0; i < cnt; i++)
		if (progs[i].prog_fd >= 0)
			close(progs[i].prog_fd);
	free(progs);
}

/* The whole read-modify-install cycle, in the hook's namespace. */
static int chain_apply_once(struct bpfman_ctx *ctx, const struct bpfman_link *link,
		       const struct bpfman_program *prog, int prog_fd, enum chain_op op)
{
	struct hook h = { .like = link };
	struct chain_prog *cur = NULL, *next = NULL;
	struct bpfman_link *ours = NULL;
	struct netns_guard guard;
	size_t n = 0, m = 0, nours = 0;
	bool found = false;
	int err;

	/* Only an attach reads the config: a bad config never blocks a
	 * detach, and a running chain keeps its mode. */
	if (op == OP_ADD && is_xdp(&h) && (err = net_xdp_mode(ctx, link->iface, &h.xdp_mode)))
		return err;
	if ((err = net_hook_links(ctx, link, 0, &ours, &nours)))
		return err;
	if ((err = netns_enter(ctx, link->netns, &guard)))
		goto out_links;
	if ((err = netns_ifindex(ctx, link->iface, link->netns, &h.ifindex))) {
		/* The interface (or its namespace) is gone, and the chain with
		 * it: nothing left to remove. */
		if (op == OP_REMOVE && err == -ENODEV)
			err = 0;
		goto out;
	}
	if (!is_xdp(&h) && (err = tc_pin_dir(ctx, &h)))
		goto out;
	if ((err = hook_read(ctx, &h, &cur, &n, op != OP_REMOVE)))
		goto out;

	next = calloc(n + 1, sizeof(*next));
	if (!next) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t id = kernel_prog_id(cur[i].prog_fd);
		const struct bpfman_link *mine = NULL;

		/* A program runs at most once per hook, so its ID names its
		 * slot; the link being changed counts as ours whatever its
		 * row's state (detaching, attaching). */
		if (id == link->prog_id && op != OP_ADD)
			mine = link;
		for (size_t j = 0; j < nours && !mine; j++)
			if (ours[j].prog_id == id)
				mine = &ours[j];
		if (op == OP_ADD && id == prog->id) {
			err = bpfman_err(ctx, -EEXIST,
					 "program %u is already attached to %s%s%s (link %llu); a program runs at most once per dispatcher",
					 id, link->iface, is_xdp(&h) ? "" : " ",
					 is_xdp(&h) ? "" : (link->direction == BPFMAN_DIRECTION_EGRESS ? "egress" : "ingress"),
					 (unsigned long long)(mine ? mine->id : 0));
			goto out;
		}
		if (mine && mine->id == link->id) {
			found = true;
			if (op == OP_REMOVE)
				continue;
		}
		next[m] = cur[i];
		next[m].link_id = mine ? mine->id : 0;
		if (mine) {
			const struct bpfman_link *src = mine->id == link->id ? link : mine;

			next[m].priority = (uint32_t)src->priority;
			next[m].proceed_on = src->proceed_on;
		}
		m++;
	}
	if (op == OP_ADD) {
		next[m] = (struct chain_prog){ .prog_fd = prog_fd, .priority = (uint32_t)link->priority,
					       .proceed_on = link->proceed_on, .link_id = link->id };
		m++;
	}
	if (op == OP_REMOVE && !found)
		goto out; /* not on the dispatcher (any more): nothing to do */
	if (op == OP_UPDATE && !found) {
		err = bpfman_err(ctx, -ENOENT,
				 "link %llu's program is no longer on %s's dispatcher (someone rebuilt it without it); detach the link",
				 (unsigned long long)link->id, link->iface);
		goto out;
	}
	if (m > DISPATCHER_MAX_SLOTS) {
		err = bpfman_err(ctx, -E2BIG,
				 "%s already runs %d programs%s, the most one dispatcher holds; detach one first (nothing was changed)",
				 link->iface, DISPATCHER_MAX_SLOTS,
				 is_xdp(&h) ? "" : (link->direction == BPFMAN_DIRECTION_EGRESS ? " on egress" : " on ingress"));
		goto out;
	}
	chain_sort(next, m);
	if ((err = hook_install(ctx, &h, next, m)))
		goto out;
	/* Record where each of our links ended up. */
	for (size_t i = 0; i < m; i++) {
		if (!next[i].link_id)
			continue;
		if (next[i].link_id == link->id)
			((struct bpfman_link *)link)->position = next[i].position;
		else
			db_link_set_position(ctx, next[i].link_id, next[i].position);
	}
out:
	netns_leave(&guard);
	close_chain(cur, n);
	free(next);
out_links:
	db_link_array_free(ours, nours);
	return err;
}

/* xdp-loader may rebuild an XDP chain between our read and our swap (it
 * does not take our lock); the swap then refuses and we read again. */
static int chain_apply(struct bpfman_ctx *ctx, const struct bpfman_link *link,
		       const struct bpfman_program *prog, int prog_fd, enum chain_op op)
{
	int err = -EAGAIN;

	for (int tries = 0; tries < 5 && err == -EAGAIN; tries++)
		err = chain_apply_once(ctx, link, prog, prog_fd, op);
	return err;
}

int chain_attach(struct bpfman_ctx *ctx, const struct bpfman_program *prog, int prog_fd,
		 struct bpfman_link *link)
{
	return chain_apply(ctx, link, prog, prog_fd, OP_ADD);
}

int chain_detach(struct bpfman_ctx *ctx, const struct bpfman_link *link)
{
	return chain_apply(ctx, link, NULL, -1, OP_REMOVE);
}

int chain_update(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		 const struct bpfman_link *old, struct bpfman_link *link)
{
	(void)old;
	return chain_apply(ctx, link, prog, -1, OP_UPDATE);
}

int chain_position(struct bpfman_ctx *ctx, const struct bpfman_link *link)
{
	struct hook h = { .like = link };
	struct chain_prog *cur = NULL;
	struct netns_guard guard;
	size_t n = 0;
	int pos = -1;

	if (netns_enter(ctx, link->netns, &guard))
		return -1;
	h.ifindex = (int)if_nametoindex(str_or_empty(link->iface));
	if (h.ifindex && (is_xdp(&h) || !tc_pin_dir(ctx, &h)) && !hook_read(ctx, &h, &cur, &n, false)) {
		for (size_t i = 0; i < n && pos < 0; i++)
			if (kernel_prog_id(cur[i].prog_fd) == link->prog_id)
				pos = (int)i;
	}
	netns_leave(&guard);
	close_chain(cur, n);
	return pos;
}

bool chain_link(const struct bpfman_link *link)
{
	return (link->type == BPFMAN_PROG_TYPE_XDP || link->type == BPFMAN_PROG_TYPE_TC) &&
	       str_empty(link->pin_path);
}

bool link_is_live(struct bpfman_ctx *ctx, const struct bpfman_link *link)
{
	if (chain_link(link))
		return chain_position(ctx, link) >= 0;
	if (tc_plain_link(link))
		return path_exists(link->pin_path) && tc_plain_live(ctx, link);
	return path_exists(str_or_empty(link->pin_path));
}
