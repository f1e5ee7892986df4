/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl restore / reconcile: bring the kernel back in line with state. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, reallocarray, open_memstream */
#endif
#include <stdio.h>

#include "args.h"
#include "output.h"

static const struct opt state_opts[] = {
	OPT_OUTPUT_ENTRY('o'),
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec restore_spec = {
	.name = "restore",
	.usage = "[-o FORMAT]",
	.summary =
		"After a reboot, reload every recorded program from its kept bytecode and\n"
		"re-attach its links (same link IDs; program IDs change). Items already in\n"
		"the kernel are left alone, so running it twice is harmless. Prints one\n"
		"line per item: kind, old ID -> new ID, ok or the error. Exit status 1 when\n"
		"any item failed (the others are still restored).",
	.opts = state_opts,
	.examples = "bpfmanctl restore\nbpfmanctl restore -o json",
};

static const struct cmd_spec reconcile_spec = {
	.name = "reconcile",
	.usage = "[-o FORMAT]",
	.summary =
		"Compare the records with the kernel and bpffs and repair what a crash\n"
		"left half done (records without kernel objects, pins without records,\n"
		"interrupted operations), then print what was repaired. Opening the\n"
		"state already reconciles: those repairs appear as warnings on stderr.",
	.opts = state_opts,
	.examples = "bpfmanctl reconcile\nbpfmanctl -v reconcile -o yaml",
};

static int state_opt(void *data, int key, const char *arg)
{
	(void)data;
	(void)key;
	return usage_err("unexpected argument '%s'", arg);
}

typedef int (*report_fn)(struct bpfman_report **ret_report,
			 struct bpfman_ctx *ctx);

static int run_report(const struct cmd_spec *spec, report_fn fn,
		      const char *empty, int argc, char **argv,
		      struct ctl_global *g)
{
	struct bpfman_report *report = NULL;
	struct bpfman_ctx *ctx;
	int ret = opts_parse(spec, argc, argv, g, state_opt, NULL, NULL);

	if (ret)
		return ret;
	ret = ctl_open(&ctx, g);
	if (ret)
		return ret;
	ret = fn(&report, ctx);
	if (ret) {
		ret = ctl_fail(ctx, ret);
	} else {
		print_report(g, report, empty);
		if (bpfman_report__failures(report))
			ret = CTL_EXIT_FAILED;
		bpfman_report__free(report);
	}
	bpfman_ctx_free(ctx);
	return ret;
}

int cmd_restore(int argc, char **argv, struct ctl_global *g)
{
	return run_report(&restore_spec, bpfman_restore, "Nothing to restore.",
			  argc, argv, g);
}

int cmd_reconcile(int argc, char **argv, struct ctl_global *g)
{
	return run_report(&reconcile_spec, bpfman_reconcile, "Nothing to repair.",
			  argc, argv, g);
}
