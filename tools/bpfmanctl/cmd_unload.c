/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl unload <PROGRAM_ID> [--force]: detach all links and unload. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, reallocarray, open_memstream */
#endif
#include <stdio.h>

#include "args.h"

enum { KEY_FORCE = OPT_LONG(1) };

static const struct opt unload_opts[] = {
	OPT("force", KEY_FORCE, OPT_ARG_NONE, NULL,
	  "Unload a map owner even while other programs share "
	  "its maps (the maps stay until their last user goes)."),
	OPT_OUTPUT_ENTRY('o'),
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec unload_spec = {
	.name = "unload",
	.usage = "PROGRAM_ID [--force]",
	.summary =
		"Detach every link of a managed program, then unload it and remove its\n"
		"pins and records. Prints nothing on success.",
	.opts = unload_opts,
	.examples = "bpfmanctl unload 4321\nbpfmanctl unload 4321 --force",
};

struct unload_cfg {
	uint32_t prog_id;
	int positionals;
	bool force;
};

static int unload_opt(void *data, int key, const char *arg)
{
	struct unload_cfg *cfg = data;

	if (key == KEY_FORCE) {
		cfg->force = true;
		return 0;
	}
	if (key != OPT_KEY_POSITIONAL || cfg->positionals++)
		return usage_err("unexpected argument '%s'", arg);
	return args_u32_id(&cfg->prog_id, arg, "PROGRAM_ID");
}

int cmd_unload(int argc, char **argv, struct ctl_global *g)
{
	struct unload_cfg cfg = { 0 };
	struct bpfman_ctx *ctx;
	int ret = opts_parse(&unload_spec, argc, argv, g, unload_opt, &cfg, NULL);

	if (ret)
		return ret;
	if (!cfg.positionals) {
		usage_err("missing PROGRAM_ID");
		fprintf(stderr, "Try 'bpfmanctl unload --help'.\n");
		return CTL_EXIT_USAGE;
	}
	BPFMAN_OPTS(bpfman_unload_opts, opts, .force = cfg.force);
	ret = ctl_open(&ctx, g);
	if (ret)
		return ret;
	ret = bpfman_program__unload(ctx, cfg.prog_id, &opts);
	if (ret)
		ret = ctl_fail_hint(ctx, ret, "'bpfmanctl list programs' shows the program IDs");
	bpfman_ctx_free(ctx);
	return ret;
}
