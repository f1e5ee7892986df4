/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl detach <LINK_ID>: detach one link. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, reallocarray, open_memstream */
#endif
#include <stdio.h>

#include "args.h"

static const struct opt detach_opts[] = {
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
	.examples = "bpfmanctl detach 7",
};

struct detach_cfg {
	uint64_t link_id;
	int positionals;
};

static int detach_opt(void *data, int key, const char *arg)
{
	struct detach_cfg *cfg = data;

	if (key != OPT_KEY_POSITIONAL || cfg->positionals++)
		return usage_err("unexpected argument '%s'", arg);
	return args_u64_id(&cfg->link_id, arg, "LINK_ID");
}

int cmd_detach(int argc, char **argv, struct ctl_global *g)
{
	struct detach_cfg cfg = { 0 };
	struct bpfman_ctx *ctx;
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
	ret = bpfman_link__detach(ctx, cfg.link_id);
	if (ret)
		ret = ctl_fail_hint(ctx, ret, "'bpfmanctl list links' shows the link IDs");
	bpfman_ctx_free(ctx);
	return ret;
}
