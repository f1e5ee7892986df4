/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl get applied [KIND[/NAME]]: what apply has made true on this
 * host, from the recorded state; -o yaml|json prints the per-node
 * BpfProgram objects. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd_apply.h"

enum { KEY_NODE_NAME = OPT_LONG(1) };

static const struct opt get_applied_opts[] = {
	OPT("node-name", KEY_NODE_NAME, OPT_ARG_ONE, "NAME",
	    "This node's name in status [default: node.name in the config file, else\n"
	    "the host name]."),
	OPT_OUTPUT_ENTRY('o'),
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec get_applied_spec = {
	.name = "get applied",
	.usage = "[KIND[/NAME]]",
	.summary =
		"Show what apply has made true on this host: one line per (object, attach\n"
		"point) with its condition, kernel program ID and link ID. -o yaml or\n"
		"-o json prints the status as the seed's per-node BpfProgram objects.",
	.opts = get_applied_opts,
	.examples = "bpfmanctl get applied\n"
		    "bpfmanctl get applied xdpprogram/xdp-pass-all-nodes -o yaml",
};

struct get_applied_cfg {
	char *what;
	const char *node_name;
	int positionals;
};

static int get_applied_opt(void *data, int key, const char *arg)
{
	struct get_applied_cfg *cfg = data;

	if (key == KEY_NODE_NAME) {
		cfg->node_name = arg;
		return 0;
	}
	if (key != OPT_KEY_POSITIONAL || cfg->positionals++)
		return usage_err("unexpected argument '%s'", arg);
	cfg->what = strdup(arg);
	return cfg->what ? 0 : CTL_EXIT_FAILED;
}

static void print_table(const struct bpfman_apply_result *res)
{
	size_t n = bpfman_apply_result__entry_cnt(res);

	if (!n) {
		printf("Nothing applied on this node.\n");
		return;
	}
	printf("%-44s %-28s %-10s %-8s %s\n", "OBJECT", "ATTACH POINT", "CONDITION", "PROGRAM",
	       "LINK");
	for (size_t i = 0; i < n; i++) {
		size_t o = bpfman_apply_result__entry_object(res, i);
		char kind[64], obj[256];

		apply_lower_kind(kind, sizeof(kind), bpfman_apply_result__object_kind(res, o));
		snprintf(obj, sizeof(obj), "%s/%s", kind, bpfman_apply_result__object_name(res, o));
		printf("%-44s %-28s %-10s %-8u %llu\n", obj,
		       bpfman_apply_result__entry_attach_point(res, i),
		       bpfman_apply_result__entry_condition(res, i),
		       bpfman_apply_result__entry_program_id(res, i),
		       (unsigned long long)bpfman_apply_result__entry_link_id(res, i));
	}
}

int cmd_get_applied(int argc, char **argv, struct ctl_global *g)
{
	struct get_applied_cfg cfg = { 0 };
	struct bpfman_apply_result *res = NULL;
	struct bpfman_ctx *ctx = NULL;
	char *name = NULL;
	int ret = opts_parse(&get_applied_spec, argc, argv, g, get_applied_opt, &cfg, NULL);

	if (ret)
		goto out;
	if (cfg.what && (name = strchr(cfg.what, '/')))
		*name++ = 0;
	ret = ctl_open(&ctx, g);
	if (ret)
		goto out;
	BPFMAN_OPTS(bpfman_apply_opts, opts, .node_name = cfg.node_name);
	ret = bpfman_apply__status(&res, ctx, cfg.what, name, &opts);
	if (ret) {
		ret = ctl_fail(ctx, ret);
		goto out;
	}
	if (g->output == CTL_OUTPUT_TABLE)
		print_table(res);
	else
		ret = apply_print_status(g, res);
out:
	bpfman_apply_result__free(res);
	bpfman_ctx_free(ctx);
	free(cfg.what);
	return ret;
}
