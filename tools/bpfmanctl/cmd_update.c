/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl update <LINK_ID>: change an XDP or TC link's priority or
 * proceed-on in place (the chain is rebuilt and swapped atomically). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>

#include "args.h"
#include "output.h"
#include "proceed_on.h"

enum { KEY_PROCEED_ON = OPT_LONG(1) };

static const struct opt update_opts[] = {
	OPT("priority", 'p', OPT_ARG_ONE, "PRIORITY",
	    "New priority, 0-1000; lower runs first."),
	OPT("proceed-on", KEY_PROCEED_ON, OPT_ARG_MANY, "ACTION",
	    "New proceed-on actions (replace the old set): xdp: aborted, drop, pass, tx, "
	    "redirect, dispatcher_return; tc: unspec, ok, reclassify, shot, pipe, stolen, "
	    "queued, repeat, redirect, trap, dispatcher_return."),
	OPT_OUTPUT_ENTRY('o'),
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec update_spec = {
	.name = "update",
	.usage = "LINK_ID [-p PRIORITY] [--proceed-on ACTION...]",
	.summary =
		"Change the priority or proceed-on of an XDP or TC link in place: the\n"
		"interface's chain is re-ordered without a gap in traffic and the link\n"
		"keeps its ID. Prints the updated link.",
	.opts = update_opts,
	.examples = "bpfmanctl update 7 -p 60\n"
		    "bpfmanctl update 7 --proceed-on drop dispatcher_return",
};

struct update_cfg {
	uint64_t link_id;
	int positionals;
	bool set_priority;
	int32_t priority;
	struct str_vec proceed;
};

static int update_opt(void *data, int key, const char *arg)
{
	struct update_cfg *cfg = data;

	switch (key) {
	case OPT_KEY_POSITIONAL:
		if (cfg->positionals++)
			return usage_err("unexpected argument '%s'", arg);
		return args_u64_id(&cfg->link_id, arg, "LINK_ID");
	case 'p':
		cfg->set_priority = true;
		return args_int32(&cfg->priority, arg, "priority", 0);
	case KEY_PROCEED_ON:
		/* Names are checked once the link's type (xdp or tc) is known. */
		return str_vec_push(&cfg->proceed, arg) ? CTL_EXIT_USAGE : 0;
	default:
		return usage_err("unexpected argument '%s'", arg);
	}
}

int cmd_update(int argc, char **argv, struct ctl_global *g)
{
	struct update_cfg cfg = { 0 };
	struct bpfman_link *link = NULL;
	struct bpfman_ctx *ctx = NULL;
	struct bpfman_link_update_opts opts;
	int ret = opts_parse(&update_spec, argc, argv, g, update_opt, &cfg, NULL);

	if (ret)
		goto out;
	if (!cfg.positionals || (!cfg.set_priority && !cfg.proceed.n)) {
		usage_err(cfg.positionals ? "give -p PRIORITY and/or --proceed-on ACTION"
					  : "missing LINK_ID");
		fprintf(stderr, "Try 'bpfmanctl update --help'.\n");
		ret = CTL_EXIT_USAGE;
		goto out;
	}
	if ((ret = ctl_open(&ctx, g)))
		goto out;
	bpfman_link_update_opts_init(&opts, sizeof(opts));
	opts.set_priority = cfg.set_priority;
	opts.priority = cfg.priority;
	if (cfg.proceed.n) {
		if ((ret = bpfman_link__get(&link, ctx, cfg.link_id))) {
			ret = ctl_fail(ctx, ret);
			goto out;
		}
		for (size_t i = 0; i < cfg.proceed.n; i++)
			if ((ret = proceed_on_parse(&opts.proceed_on, bpfman_link__type(link),
						    cfg.proceed.v[i])))
				goto out;
		bpfman_link__free(link);
		link = NULL;
	}
	if ((ret = bpfman_link__update(ctx, cfg.link_id, &opts)) ||
	    (ret = bpfman_link__get(&link, ctx, cfg.link_id))) {
		ret = ctl_fail(ctx, ret);
		goto out;
	}
	print_link(g, link);
out:
	bpfman_link__free(link);
	bpfman_ctx_free(ctx);
	str_vec_free(&cfg.proceed);
	return ret;
}
