/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl detach <LINK_ID>: detach one link. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, reallocarray, open_memstream */
#endif
#include <stdbool.h>
#include <stdio.h>

#include "args.h"

enum { KEY_NO_WAIT = OPT_LONG(1) };

static const struct opt detach_opts[] = {
	OPT("no-wait", KEY_NO_WAIT, OPT_ARG_NONE, NULL,
	  "Return without waiting for the kernel to release a "
	  "tracepoint, kprobe, uprobe, fentry, fexit or lsm link: "
	  "the program may still run for a few ms after the return. "
	  "Default: wait until the kernel has unhooked it."),
	OPT_OUTPUT_ENTRY('o'),
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec detach_spec = {
	.name = "detach",
	.usage = "LINK_ID",
	.summary =
		"Detach a link (the ID 'attach' printed). The program stays loaded.\n"
		"Prints nothing on success.",
	.opts = detach_opts,
	.examples = "bpfmanctl detach 7\n"
		    "bpfmanctl detach 7 --no-wait",
};

struct detach_cfg {
	uint64_t link_id;
	bool no_wait;
	int positionals;
};

static int detach_opt(void *data, int key, const char *arg)
{
	struct detach_cfg *cfg = data;

	if (key == KEY_NO_WAIT) {
		cfg->no_wait = true;
		return 0;
	}
	if (key != OPT_KEY_POSITIONAL || cfg->positionals++)
		return usage_err("unexpected argument '%s'", arg);
	return args_u64_id(&cfg->link_id, arg, "LINK_ID");
}

int cmd_detach(int argc, char **argv, struct ctl_global *g)
{
	struct detach_cfg cfg = { 0 };
	struct bpfman_ctx *ctx;
	BPFMAN_OPTS(bpfman_detach_opts, o);
	int ret = opts_parse(&detach_spec, argc, argv, g, detach_opt, &cfg, NULL);

	if (ret)
		return ret;
	if (!cfg.positionals) {
		usage_err("missing LINK_ID");
		fprintf(stderr, "Try 'bpfmanctl detach --help'.\n");
		return CTL_EXIT_USAGE;
	}
	ret = ctl_open(&ctx, g);
	if (ret)
		return ret;
	o.no_wait = cfg.no_wait;
	ret = bpfman_link__detach_opts(ctx, cfg.link_id, &o);
	if (ret)
		ret = ctl_fail_hint(ctx, ret, "'bpfmanctl list links' shows the link IDs");
	bpfman_ctx_free(ctx);
	return ret;
}
