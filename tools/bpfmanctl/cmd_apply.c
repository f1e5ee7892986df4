/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl apply|diff|delete -f FILE|DIR|- : the library's declarative
 * apply (doc/apply.md) with kubectl's habits: several -f, "-" for stdin,
 * one line per object, exit status 1 when any object failed. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd_apply.h"

enum { KEY_NODE_NAME = OPT_LONG(1), KEY_NODE_LABEL };

static const struct opt apply_opts[] = {
	OPT("filename", 'f', OPT_ARG_MANY, "FILE",
	    "Documents to apply: a file (several documents separated by ---), a\n"
	    "directory (its *.yaml, *.yml and *.json files), or - for standard input.\n"
	    "Repeat for more."),
	OPT("node-name", KEY_NODE_NAME, OPT_ARG_ONE, "NAME",
	    "This node's name in status [default: node.name in the config file, else\n"
	    "the host name]."),
	OPT("node-label", KEY_NODE_LABEL, OPT_ARG_MANY, "KEY=VALUE",
	    "This node's labels for spec.nodeselector, replacing node.labels of the\n"
	    "config file."),
	OPT_OUTPUT_ENTRY('o'),
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec apply_spec = {
	.name = "apply",
	.usage = "-f FILE|DIR|- [-f ...] [--node-label KEY=VALUE...]",
	.summary =
		"Make the documents' programs true on this host: load, attach, update in\n"
		"place, detach and unload only what differs from what these objects own\n"
		"now. Applying the same documents again changes nothing. Prints one line\n"
		"per object (created, configured, unchanged, not selected); with -o yaml\n"
		"or -o json the status as the per-node BpfProgram objects. Exit status 1\n"
		"when any object failed (the others are applied).",
	.opts = apply_opts,
	.examples = "bpfmanctl apply -f xdp-pass.yaml\n"
		    "cat programs.yaml | bpfmanctl apply -f -\n"
		    "bpfmanctl apply -f manifests/ -o yaml",
};

static const struct cmd_spec diff_spec = {
	.name = "diff",
	.usage = "-f FILE|DIR|- [-f ...] [--node-label KEY=VALUE...]",
	.summary =
		"Show what apply would do, one line per action (load, attach, update,\n"
		"detach, unload, keep), and change nothing. Exit status 1 when an object\n"
		"could not be planned.",
	.opts = apply_opts,
	.examples = "bpfmanctl diff -f xdp-pass.yaml",
};

static const struct cmd_spec delete_spec = {
	.name = "delete",
	.usage = "-f FILE|DIR|- [-f ...]",
	.summary =
		"Detach and unload everything the documents' objects own (only kind and\n"
		"metadata.name matter). Prints one line per object (deleted, or not found).",
	.opts = apply_opts,
	.examples = "bpfmanctl delete -f xdp-pass.yaml",
};

static int apply_opt(void *data, int key, const char *arg)
{
	struct apply_cfg *cfg = data;

	switch (key) {
	case 'f':
		return str_vec_push(&cfg->files, arg) ? CTL_EXIT_USAGE : 0;
	case KEY_NODE_NAME:
		cfg->node_name = arg;
		return 0;
	case KEY_NODE_LABEL:
		cfg->labels_set = true;
		return args_kv_list(&cfg->labels, arg, "--node-label");
	default:
		return usage_err("unexpected argument '%s'", arg);
	}
}

void apply_cfg_opts(const struct apply_cfg *cfg, struct bpfman_apply_opts *opts)
{
	bpfman_apply_opts_init(opts, sizeof(*opts));
	opts->node_name = cfg->node_name;
	opts->node_labels = cfg->labels.v;
	opts->node_labels_cnt = cfg->labels.n;
	opts->node_labels_set = cfg->labels_set;
}

/* "XdpProgram" -> "xdpprogram", as kubectl names resources. */
void apply_lower_kind(char *out, size_t sz, const char *kind)
{
	size_t i = 0;

	for (; kind[i] && i + 1 < sz; i++)
		out[i] = (char)(kind[i] >= 'A' && kind[i] <= 'Z' ? kind[i] - 'A' + 'a' : kind[i]);
	out[i] = 0;
}

static void print_objects(const struct bpfman_apply_result *res)
{
	for (size_t i = 0; i < bpfman_apply_result__object_cnt(res); i++) {
		char kind[64];

		apply_lower_kind(kind, sizeof(kind), bpfman_apply_result__object_kind(res, i));
		if (bpfman_apply_result__object_outcome(res, i) == BPFMAN_APPLY_FAILED)
			fprintf(stderr, "bpfmanctl: error: %s/%s: %s\n", kind,
				bpfman_apply_result__object_name(res, i),
				bpfman_apply_result__object_message(res, i));
		else
			printf("%s/%s %s\n", kind, bpfman_apply_result__object_name(res, i),
			       bpfman_apply_outcome_name(bpfman_apply_result__object_outcome(res, i)));
	}
}

static void print_plan(const struct bpfman_apply_result *res)
{
	for (size_t i = 0; i < bpfman_apply_result__action_cnt(res); i++) {
		size_t o = bpfman_apply_result__action_object(res, i);
		const char *ap = bpfman_apply_result__action_attach_point(res, i);
		const char *detail = bpfman_apply_result__action_detail(res, i);
		char kind[64];

		apply_lower_kind(kind, sizeof(kind), bpfman_apply_result__object_kind(res, o));
		printf("%s/%s: %s%s%s%s%s\n", kind, bpfman_apply_result__object_name(res, o),
		       bpfman_apply_verb_name(bpfman_apply_result__action_verb(res, i)),
		       *ap ? " " : "", ap, *detail ? ": " : "", detail);
	}
	for (size_t i = 0; i < bpfman_apply_result__object_cnt(res); i++) {
		char kind[64];

		apply_lower_kind(kind, sizeof(kind), bpfman_apply_result__object_kind(res, i));
		if (bpfman_apply_result__object_outcome(res, i) == BPFMAN_APPLY_FAILED)
			fprintf(stderr, "bpfmanctl: error: %s/%s: %s\n", kind,
				bpfman_apply_result__object_name(res, i),
				bpfman_apply_result__object_message(res, i));
		else if (bpfman_apply_result__object_outcome(res, i) == BPFMAN_APPLY_NOT_SELECTED)
			printf("%s/%s: not selected on this node\n", kind,
			       bpfman_apply_result__object_name(res, i));
	}
}

int apply_print_status(const struct ctl_global *g, const struct bpfman_apply_result *res)
{
	char *text = NULL;
	int err = bpfman_apply_result__render(&text, res, g->output == CTL_OUTPUT_JSON
								  ? BPFMAN_RENDER_JSON
								  : BPFMAN_RENDER_YAML);

	if (err) {
		fprintf(stderr, "bpfmanctl: error: cannot render status: %s\n", strerror(-err));
		return CTL_EXIT_FAILED;
	}
	fputs(text, stdout);
	if (g->output == CTL_OUTPUT_JSON)
		putchar('\n');
	free(text);
	return 0;
}

static int run_apply(int argc, char **argv, struct ctl_global *g, const struct cmd_spec *spec)
{
	struct apply_cfg cfg = { 0 };
	struct bpfman_manifest *m = NULL;
	struct bpfman_apply_result *res = NULL;
	struct bpfman_ctx *ctx = NULL;
	struct bpfman_apply_opts opts;
	int ret = opts_parse(spec, argc, argv, g, apply_opt, &cfg, NULL);

	if (ret)
		goto out;
	if (!cfg.files.n) {
		usage_err("missing -f FILE (a file, a directory or - for standard input)");
		fprintf(stderr, "Try 'bpfmanctl %s --help'.\n", spec->name);
		ret = CTL_EXIT_USAGE;
		goto out;
	}
	ret = ctl_open(&ctx, g);
	if (ret)
		goto out;
	if (bpfman_manifest__new(&m)) {
		ret = CTL_EXIT_FAILED;
		goto out;
	}
	for (size_t i = 0; i < cfg.files.n; i++) {
		ret = bpfman_manifest__add_file(m, ctx, cfg.files.v[i]);
		if (ret) {
			ret = ctl_fail(ctx, ret);
			goto out;
		}
	}
	apply_cfg_opts(&cfg, &opts);
	if (spec == &apply_spec)
		ret = bpfman_apply__run(&res, ctx, m, &opts);
	else if (spec == &diff_spec)
		ret = bpfman_apply__plan(&res, ctx, m, &opts);
	else
		ret = bpfman_apply__delete(&res, ctx, m, &opts);
	if (ret) {
		ret = ctl_fail(ctx, ret);
		goto out;
	}
	if (spec == &diff_spec)
		print_plan(res);
	else if (g->output != CTL_OUTPUT_TABLE)
		ret = apply_print_status(g, res);
	else
		print_objects(res);
	if (!ret && bpfman_apply_result__failures(res))
		ret = CTL_EXIT_FAILED;
out:
	bpfman_apply_result__free(res);
	bpfman_manifest__free(m);
	bpfman_ctx_free(ctx);
	str_vec_free(&cfg.files);
	kv_vec_free(&cfg.labels);
	return ret;
}

int cmd_apply(int argc, char **argv, struct ctl_global *g)
{
	return run_apply(argc, argv, g, &apply_spec);
}

int cmd_diff(int argc, char **argv, struct ctl_global *g)
{
	return run_apply(argc, argv, g, &diff_spec);
}

int cmd_delete(int argc, char **argv, struct ctl_global *g)
{
	return run_apply(argc, argv, g, &delete_spec);
}
