/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl get program <ID> | get link <ID>. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, reallocarray, open_memstream */
#endif
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "output.h"
#include "cmd_apply.h"

static const struct opt get_opts[] = {
	OPT_OUTPUT_ENTRY('o'),
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec get_spec = {
	.name = "get",
	.usage = "program PROGRAM_ID | link LINK_ID | applied [KIND[/NAME]]",
	.summary =
		"Show one program or link in detail.\n"
		"\n"
		"Subcommands:\n"
		"  program ID  Our record of the program (\"Bpfman State\") and the\n"
		"              kernel's view (\"Kernel State\"). Programs bpfman does not\n"
		"              manage are shown from the kernel alone.\n"
		"  link ID     A link: its hook, position, kernel link and metadata.\n"
		"  applied     What apply -f made true here (get applied --help).",
	.opts = get_opts,
	.examples = "bpfmanctl get program 4321\nbpfmanctl -o json get link 7",
};

static const struct cmd_spec get_program_spec = {
	.name = "get program",
	.usage = "PROGRAM_ID",
	.summary =
		"Show a program: our record (\"Bpfman State\") then the kernel's view\n"
		"(\"Kernel State\"). Any program in the kernel can be shown; those bpfman\n"
		"does not manage have Managed: false.",
	.opts = get_opts,
	.examples = "bpfmanctl get program 4321\nbpfmanctl get program 4321 -o yaml",
};

static const struct cmd_spec get_link_spec = {
	.name = "get link",
	.usage = "LINK_ID",
	.summary = "Show a link: its program, hook, position, kernel link ID, pin and metadata.",
	.opts = get_opts,
	.examples = "bpfmanctl get link 7\nbpfmanctl get link 7 -o json",
};

struct get_cfg {
	bool link;
	uint64_t id;
	int positionals;
};

static int get_opt(void *data, int key, const char *arg)
{
	struct get_cfg *cfg = data;

	if (key != OPT_KEY_POSITIONAL || cfg->positionals++)
		return usage_err("unexpected argument '%s'", arg);
	if (cfg->link)
		return args_u64_id(&cfg->id, arg, "LINK_ID");
	uint32_t id;
	int err = args_u32_id(&id, arg, "PROGRAM_ID");

	cfg->id = id;
	return err;
}

static int parse_get(struct get_cfg *cfg, int argc, char **argv,
		     struct ctl_global *g)
{
	const struct cmd_spec *spec;
	int err;

	if (argc < 2 || argv[1][0] == '-') {
		err = opts_parse(&get_spec, argc, argv, g, get_opt, cfg, NULL);
		if (err)
			return err;
		usage_err("missing subcommand: get program ID or get link ID");
		fprintf(stderr, "Try 'bpfmanctl get --help'.\n");
		return CTL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "program")) {
		spec = &get_program_spec;
	} else if (!strcmp(argv[1], "link")) {
		spec = &get_link_spec;
		cfg->link = true;
	} else {
		usage_err("unknown subcommand 'get %s': expected program or link", argv[1]);
		fprintf(stderr, "Try 'bpfmanctl get --help'.\n");
		return CTL_EXIT_USAGE;
	}
	err = opts_parse(spec, argc - 1, argv + 1, g, get_opt, cfg, NULL);
	if (!err && !cfg->positionals) {
		usage_err("missing %s", cfg->link ? "LINK_ID" : "PROGRAM_ID");
		fprintf(stderr, "Try 'bpfmanctl %s --help'.\n", spec->name);
		err = CTL_EXIT_USAGE;
	}
	return err;
}

int cmd_get(int argc, char **argv, struct ctl_global *g)
{
	struct get_cfg cfg = { 0 };
	struct bpfman_ctx *ctx;
	int ret;

	if (argc >= 2 && !strcmp(argv[1], "applied"))
		return cmd_get_applied(argc - 1, argv + 1, g);
	ret = parse_get(&cfg, argc, argv, g);
	if (ret)
		return ret;
	ret = ctl_open(&ctx, g);
	if (ret)
		return ret;
	if (cfg.link) {
		struct bpfman_link *link = NULL;

		ret = bpfman_link__get(&link, ctx, cfg.id);
		if (!ret)
			print_link(g, link);
		bpfman_link__free(link);
	} else {
		struct bpfman_program *prog = NULL;

		ret = bpfman_program__get(&prog, ctx, (uint32_t)cfg.id);
		if (!ret)
			print_programs(g, &prog, 1, true);
		bpfman_program__free(prog);
	}
	if (ret)
		ret = ctl_fail(ctx, ret);
	bpfman_ctx_free(ctx);
	return ret;
}
