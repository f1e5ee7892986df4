/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl list programs | list links. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, reallocarray, open_memstream */
#endif
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "output.h"

enum {
	KEY_APPLICATION = OPT_LONG(1),
	KEY_PROGRAM_ID,
	KEY_OWNER,
};

#define O_PROGRAM_TYPE(WHAT)                                                   \
	OPT("program-type", 'p', OPT_ARG_ONE, "TYPE",                            \
	  "Only " WHAT " of this type: xdp, tc, tcx, tracepoint,\n"            \
	  "kprobe, uprobe, fentry, fexit, lsm, or one of bpfman's\n"           \
	  "kernel type names (probe, tracing, sched-cls, ext...).")
#define O_SELECTOR                                                             \
	OPT("metadata-selector", 'm', OPT_ARG_MANY, "KEY=VALUE",                 \
	  "Only entries whose metadata holds every given pair\n"               \
	  "(also comma separated). Example: -m owner=acme")
#define O_APPLICATION                                                          \
	OPT("application", KEY_APPLICATION, OPT_ARG_ONE, "NAME",                 \
	  "Only entries of this application.")
#define O_OWNER(WHAT)                                                          \
	OPT("owner", KEY_OWNER, OPT_ARG_ONE, "OWNER",                            \
	  "Only " WHAT " whose owner (who loaded it through bpfmand: "         \
	  "uid:N or cert:SUBJECT) is exactly OWNER; '' for those "             \
	  "without one.")

static const struct opt programs_opts[] = {
	OPT("all", 'a', OPT_ARG_NONE, NULL,
	  "Also list programs bpfman does not manage (read from "
	  "the kernel; Managed column says which)."),
	O_PROGRAM_TYPE("programs"), O_SELECTOR, O_APPLICATION, O_OWNER("programs"),
	OPT_OUTPUT_ENTRY('o'), OPT_HELP_ENTRY, OPT_END,
};

static const struct opt links_opts[] = {
	OPT("program-id", KEY_PROGRAM_ID, OPT_ARG_ONE, "ID",
	  "Only links of this program."),
	O_PROGRAM_TYPE("links"), O_SELECTOR, O_APPLICATION, O_OWNER("links of programs"),
	OPT_OUTPUT_ENTRY('o'), OPT_HELP_ENTRY, OPT_END,
};

static const struct cmd_spec programs_spec = {
	.name = "list programs",
	.usage = "[OPTIONS]",
	.summary = "List the programs bpfman manages (with --all, every program in the kernel),\n"
		   "sorted by ID. json/yaml print every field, as 'get program' does.",
	.opts = programs_opts,
	.examples = "bpfmanctl list programs\n"
		    "bpfmanctl list programs --all -p tracepoint\n"
		    "bpfmanctl list programs -m owner=acme --application demo -o json\n"
		    "bpfmanctl list programs --owner uid:1000",
};

static const struct cmd_spec links_spec = {
	.name = "list links",
	.usage = "[OPTIONS]",
	.summary = "List the links bpfman manages, sorted by link ID.",
	.opts = links_opts,
	.examples = "bpfmanctl list links\nbpfmanctl list links --program-id 4321 -o yaml",
};

static const struct opt list_opts[] = {
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec list_spec = {
	.name = "list",
	.usage = "programs|links [OPTIONS]",
	.summary = "List programs or links.\n"
		   "\n"
		   "Subcommands:\n"
		   "  programs  Programs (--all: also those bpfman does not manage).\n"
		   "  links     Links (attachments).",
	.opts = list_opts,
	.examples = "bpfmanctl list programs --all\nbpfmanctl list links",
};

struct list_cfg {
	bool links;
	bool all;
	struct type_filter type;
	struct kv_vec selector;
	const char *application;
	const char *owner;
	uint32_t program_id;
};

static int list_opt(void *data, int key, const char *arg)
{
	struct list_cfg *cfg = data;

	switch (key) {
	case 'a':
		cfg->all = true;
		return 0;
	case 'p':
		return args_type_filter(&cfg->type, arg);
	case 'm':
		return args_kv_list(&cfg->selector, arg, "--metadata-selector");
	case KEY_APPLICATION:
		cfg->application = arg;
		return 0;
	case KEY_OWNER:
		cfg->owner = arg;
		return 0;
	case KEY_PROGRAM_ID:
		return args_u32_id(&cfg->program_id, arg, "--program-id");
	default:
		return usage_err("unexpected argument '%s'", arg);
	}
}

static int parse_list(struct list_cfg *cfg, int argc, char **argv,
		      struct ctl_global *g)
{
	const struct cmd_spec *spec;
	int err;

	if (argc < 2 || argv[1][0] == '-') {
		err = opts_parse(&list_spec, argc, argv, g, list_opt, cfg, NULL);
		if (err)
			return err;
		usage_err("missing subcommand: list programs or list links");
		fprintf(stderr, "Try 'bpfmanctl list --help'.\n");
		return CTL_EXIT_USAGE;
	}
	/* bpfman also accepts the singular forms. */
	if (!strcmp(argv[1], "programs") || !strcmp(argv[1], "program")) {
		spec = &programs_spec;
	} else if (!strcmp(argv[1], "links") || !strcmp(argv[1], "link")) {
		spec = &links_spec;
		cfg->links = true;
	} else {
		usage_err("unknown subcommand 'list %s': expected programs or links",
			  argv[1]);
		fprintf(stderr, "Try 'bpfmanctl list --help'.\n");
		return CTL_EXIT_USAGE;
	}
	return opts_parse(spec, argc - 1, argv + 1, g, list_opt, cfg, NULL);
}

static int operate_list(const struct list_cfg *cfg, struct ctl_global *g)
{
	struct bpfman_ctx *ctx;
	size_t cnt = 0;
	int ret;

	BPFMAN_OPTS(bpfman_list_opts, opts,
		    .all = cfg->all,
		    .type = cfg->type.type,
		    .match_metadata = cfg->selector.v,
		    .match_metadata_cnt = cfg->selector.n,
		    .application = cfg->application,
		    .program_id = cfg->program_id,
		    .kernel_type = cfg->type.kernel,
		    .owner = cfg->owner);

	ret = ctl_open(&ctx, g);
	if (ret)
		return ret;
	if (cfg->links) {
		struct bpfman_link **links = NULL;

		ret = bpfman_link__list(&links, &cnt, ctx, &opts);
		if (!ret) {
			print_link_list(g, links, cnt);
			bpfman_link_list__free(links, cnt);
		}
	} else {
		struct bpfman_program **progs = NULL;

		ret = bpfman_program__list(&progs, &cnt, ctx, &opts);
		if (!ret) {
			print_program_list(g, progs, cnt, cfg->all);
			bpfman_program_list__free(progs, cnt);
		}
	}
	if (ret)
		ret = ctl_fail(ctx, ret);
	bpfman_ctx_free(ctx);
	return ret;
}

int cmd_list(int argc, char **argv, struct ctl_global *g)
{
	struct list_cfg cfg = { 0 };
	int ret = parse_list(&cfg, argc, argv, g);

	if (!ret)
		ret = operate_list(&cfg, g);
	kv_vec_free(&cfg.selector);
	return ret;
}
