/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl chain xdp|tc|tcx -i IFACE: what runs at a network hook, in
 * order, ours and others'. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "output.h"

static const struct opt chain_opts[] = {
	OPT("iface", 'i', OPT_ARG_ONE, "IFACE", "Interface whose chain to show."),
	OPT("direction", 'd', OPT_ARG_ONE, "DIR", "ingress or egress (tc, tcx)."),
	OPT("netns", 'n', OPT_ARG_ONE, "PATH",
	    "Network namespace of the interface, e.g. /var/run/netns/blue."),
	OPT_OUTPUT_ENTRY('o'),
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec chain_spec = {
	.name = "chain",
	.usage = "xdp|tc|tcx -i IFACE [-d DIR] [-n NETNS]",
	.summary =
		"Show the programs that run at an interface's XDP hook or TC/TCX\n"
		"ingress/egress, in the order they run: position, program, priority,\n"
		"proceed-on, and our link (programs others attached, e.g. with\n"
		"xdp-loader, show as not ours).",
	.opts = chain_opts,
	.examples = "bpfmanctl chain xdp -i eth0\n"
		    "bpfmanctl chain tc -i eth0 -d ingress -n /var/run/netns/blue",
};

struct chain_cfg {
	enum bpfman_program_type type;
	const char *iface;
	const char *netns;
	enum bpfman_direction direction;
};

static int chain_opt(void *data, int key, const char *arg)
{
	struct chain_cfg *cfg = data;

	switch (key) {
	case OPT_KEY_POSITIONAL:
		if (cfg->type)
			return usage_err("unexpected argument '%s'", arg);
		if (!strcmp(arg, "xdp"))
			cfg->type = BPFMAN_PROG_TYPE_XDP;
		else if (!strcmp(arg, "tc"))
			cfg->type = BPFMAN_PROG_TYPE_TC;
		else if (!strcmp(arg, "tcx"))
			cfg->type = BPFMAN_PROG_TYPE_TCX;
		else
			return usage_err("unknown hook '%s'; use xdp, tc or tcx", arg);
		return 0;
	case 'i':
		cfg->iface = arg;
		return 0;
	case 'n':
		cfg->netns = arg;
		return 0;
	case 'd':
		return args_direction(&cfg->direction, arg);
	default:
		return usage_err("unexpected argument '%s'", arg);
	}
}

int cmd_chain(int argc, char **argv, struct ctl_global *g)
{
	struct chain_cfg cfg = { 0 };
	struct bpfman_chain *chain = NULL;
	struct bpfman_ctx *ctx = NULL;
	struct bpfman_chain_opts opts;
	int ret = opts_parse(&chain_spec, argc, argv, g, chain_opt, &cfg, NULL);

	if (ret)
		return ret;
	if (!cfg.type || !cfg.iface) {
		usage_err(!cfg.type ? "missing hook (xdp, tc or tcx)" : "missing -i IFACE");
		fprintf(stderr, "Try 'bpfmanctl chain --help'.\n");
		return CTL_EXIT_USAGE;
	}
	if ((ret = ctl_open(&ctx, g)))
		return ret;
	bpfman_chain_opts_init(&opts, sizeof(opts));
	opts.type = cfg.type;
	opts.iface = cfg.iface;
	opts.netns = cfg.netns;
	opts.direction = cfg.direction;
	if ((ret = bpfman_chain__get(&chain, ctx, &opts)))
		ret = ctl_fail(ctx, ret);
	else
		print_chain(g, chain, cfg.type);
	bpfman_chain__free(chain);
	bpfman_ctx_free(ctx);
	return ret;
}
