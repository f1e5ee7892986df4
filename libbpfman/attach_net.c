// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "attach_net.h"
#include "db.h"
#include "netns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/fsutil.h"

int net_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		const struct bpfman_attach_opts *opts, struct bpfman_link *link,
		bool needs_direction)
{
	const char *iface = OPTS_GET(opts, iface, NULL);
	const char *netns = OPTS_GET(opts, netns, NULL);
	int32_t prio = OPTS_GET(opts, priority, 0);
	uint32_t proceed = OPTS_GET(opts, proceed_on, 0);
	enum bpfman_direction dir = OPTS_GET(opts, direction, BPFMAN_DIRECTION_UNSPEC);
	bool is_xdp = prog->type == BPFMAN_PROG_TYPE_XDP;
	struct netns_guard guard;
	int ifindex, err;

	if (str_empty(iface))
		return bpfman_err(ctx, -EINVAL, "a %s program needs an interface (iface)",
				  bpfman_program_type_name(prog->type));
	if (prio < 0 || prio > NET_PRIORITY_MAX)
		return bpfman_err(ctx, -EINVAL,
				  "priority %d is out of range; use 0 to %d (lower runs first)", prio,
				  NET_PRIORITY_MAX);
	if (needs_direction && dir != BPFMAN_DIRECTION_INGRESS && dir != BPFMAN_DIRECTION_EGRESS)
		return bpfman_err(ctx, -EINVAL,
				  "a %s program needs a direction (direction: ingress or egress)",
				  bpfman_program_type_name(prog->type));
	if (!needs_direction && dir != BPFMAN_DIRECTION_UNSPEC)
		return bpfman_err(ctx, -EINVAL, "an XDP program takes no direction (XDP sees ingress only)");
	if (prog->type == BPFMAN_PROG_TYPE_TCX && proceed)
		return bpfman_err(ctx, -EINVAL,
				  "TCX has no proceed-on: a TCX program continues the chain by returning TCX_NEXT (-1)");
	if (proceed & ~bpfman_proceed_on_valid(prog->type))
		return bpfman_err(ctx, -EINVAL,
				  "proceed-on mask 0x%x has bits that name no %s action", proceed,
				  is_xdp ? "XDP" : "TC");
	if (!proceed && prog->type != BPFMAN_PROG_TYPE_TCX)
		proceed = bpfman_proceed_on_default(prog->type);

	if ((err = netns_enter(ctx, netns, &guard)))
		return err;
	err = netns_ifindex(ctx, iface, netns, &ifindex);
	netns_leave(&guard);
	if (err)
		return err;

	link->iface = strdup(iface);
	link->netns = str_empty(netns) ? NULL : strdup(netns);
	link->priority = prio;
	link->proceed_on = proceed;
	link->direction = dir;
	if (!link->iface || (!str_empty(netns) && !link->netns))
		return -ENOMEM;
	return 0;
}

static bool same_hook(const struct bpfman_link *a, const struct bpfman_link *b)
{
	return a->type == b->type && a->direction == b->direction &&
	       !strcmp(str_or_empty(a->iface), str_or_empty(b->iface)) &&
	       !strcmp(str_or_empty(a->netns), str_or_empty(b->netns));
}

int net_hook_links(struct bpfman_ctx *ctx, const struct bpfman_link *like, uint64_t except,
		   struct bpfman_link **ret, size_t *ret_cnt)
{
	struct bpfman_link *all = NULL, *out;
	size_t n = 0, cnt = 0;
	int err = db_link_all(ctx, 0, &all, &n);

	if (err)
		return err;
	out = calloc(n ? n : 1, sizeof(*out));
	if (!out) {
		db_link_array_free(all, n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		if (all[i].id == except || !same_hook(&all[i], like) ||
		    strcmp(all[i].state, ROW_ATTACHED))
			continue;
		out[cnt++] = all[i];
		memset(&all[i], 0, sizeof(all[i]));
	}
	db_link_array_free(all, n);
	/* insertion sort by (priority, id): few links per hook */
	for (size_t i = 1; i < cnt; i++) {
		struct bpfman_link t = out[i];
		size_t j = i;

		while (j > 0 && (out[j - 1].priority > t.priority ||
				 (out[j - 1].priority == t.priority && out[j - 1].id > t.id))) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = t;
	}
	*ret = out;
	*ret_cnt = cnt;
	return 0;
}

int tc_netns_pin_dir(struct bpfman_ctx *ctx, char *buf, size_t sz)
{
	struct stat st;
	int n, err;

	if (stat("/proc/thread-self/ns/net", &st))
		return bpfman_err(ctx, -errno, "cannot identify the network namespace: %s",
				  strerror(errno));
	n = snprintf(buf, sz, "%s/tc/netns-%llu", ctx->bpffs_root, (unsigned long long)st.st_ino);
	if (n < 0 || (size_t)n >= sz)
		return bpfman_err(ctx, -ENAMETOOLONG, "bpffs root %s is too long", ctx->bpffs_root);
	if ((err = mkdir_p(buf, 0700)))
		return bpfman_err(ctx, err, "cannot create %s: %s", buf, strerror(-err));
	return 0;
}
