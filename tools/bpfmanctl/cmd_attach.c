/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl attach <PROGRAM_ID> <TYPE> ...: attach a loaded program. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, reallocarray, open_memstream */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "output.h"
#include "proceed_on.h"
#include "attach_cli.h"

enum {
	KEY_PROCEED_ON = OPT_LONG(1),
	KEY_OUTPUT_LONG,
};

/* Option table entries, shared by the per-type tables below. */
#define O_IFACE                                                                \
	OPT("iface", 'i', OPT_ARG_ONE, "IFACE",                                  \
	  "Required: interface to attach to. Example: -i eth0")
#define O_PRIORITY                                                             \
	OPT("priority", 'p', OPT_ARG_ONE, "N",                                   \
	  "Required: priority in the chain, 0-1000; lower runs first.")
#define O_DIRECTION                                                            \
	OPT("direction", 'd', OPT_ARG_ONE, "DIR",                                \
	  "Required: ingress or egress.")
#define O_NETNS                                                                \
	OPT("netns", 'n', OPT_ARG_ONE, "PATH",                                   \
	  "Network namespace file of the interface.\n"                         \
	  "Example: -n /var/run/netns/bpfman-test")
#define O_METADATA                                                             \
	OPT("metadata", 'm', OPT_ARG_MANY, "KEY=VALUE",                          \
	  "Metadata to record with the link (also comma\n"                     \
	  "separated). Example: --metadata owner=acme")
#define O_CONTAINER_PID                                                        \
	OPT("container-pid", 'c', OPT_ARG_ONE, "PID",                            \
	  "Not supported (bpfman does not support it either).")

static const struct opt xdp_opts[] = {
	O_IFACE, O_PRIORITY,
	OPT("proceed-on", KEY_PROCEED_ON, OPT_ARG_MANY, "ACTION",
	  "Go on to the next program in the chain when this one "
	  "returns ACTION; repeat or list several.\n"
	  "ACTION: aborted, drop, pass, tx, redirect, "
	  "dispatcher_return. Default: pass, dispatcher_return."),
	O_NETNS, O_METADATA, OPT_OUTPUT_ENTRY('o'), OPT_HELP_ENTRY, OPT_END,
};

static const struct opt tc_opts[] = {
	O_DIRECTION, O_IFACE, O_PRIORITY,
	OPT("proceed-on", KEY_PROCEED_ON, OPT_ARG_MANY, "ACTION",
	  "Go on to the next program in the chain when this one "
	  "returns ACTION; repeat or list several.\n"
	  "ACTION: unspec, ok, reclassify, shot, pipe, stolen, "
	  "queued, repeat, redirect, trap, dispatcher_return.\n"
	  "Default: pipe, dispatcher_return."),
	O_NETNS, O_METADATA, OPT_OUTPUT_ENTRY('o'), OPT_HELP_ENTRY, OPT_END,
};

static const struct opt tcx_opts[] = {
	O_DIRECTION, O_IFACE, O_PRIORITY, O_NETNS, O_METADATA,
	OPT_OUTPUT_ENTRY('o'), OPT_HELP_ENTRY, OPT_END,
};

static const struct opt tracepoint_opts[] = {
	OPT("tracepoint", 't', OPT_ARG_ONE, "GROUP/NAME",
	  "Required: the tracepoint.\n"
	  "Example: --tracepoint sched/sched_switch"),
	O_METADATA, OPT_OUTPUT_ENTRY('o'), OPT_HELP_ENTRY, OPT_END,
};

/* -o is --offset here, as in bpfman; the output format is --output only. */
static const struct opt kprobe_opts[] = {
	OPT("fn-name", 'f', OPT_ARG_ONE, "FUNC",
	  "Required: kernel function to probe."),
	OPT("offset", 'o', OPT_ARG_ONE, "OFFSET",
	  "Offset from the function start (decimal or 0x-hex); "
	  "not for kretprobes."),
	O_CONTAINER_PID, O_METADATA, OPT_OUTPUT_ENTRY(KEY_OUTPUT_LONG),
	OPT_HELP_ENTRY, OPT_END,
};

static const struct opt uprobe_opts[] = {
	OPT("target", 't', OPT_ARG_ONE, "TARGET",
	  "Required: library name or path of a binary or "
	  "library. Example: --target libc"),
	OPT("fn-name", 'f', OPT_ARG_ONE, "FUNC",
	  "Function to probe; without it the offset counts from "
	  "the start of the file."),
	OPT("offset", 'o', OPT_ARG_ONE, "OFFSET",
	  "Offset from the function (or file) start; decimal "
	  "or 0x-hex."),
	OPT("pid", 'p', OPT_ARG_ONE, "PID",
	  "Only for this process; default: all processes."),
	O_CONTAINER_PID, O_METADATA, OPT_OUTPUT_ENTRY(KEY_OUTPUT_LONG),
	OPT_HELP_ENTRY, OPT_END,
};

static const struct opt fentry_opts[] = {
	O_METADATA, OPT_OUTPUT_ENTRY('o'), OPT_HELP_ENTRY, OPT_END,
};

#define SPEC(NAME, USAGE, SUMMARY, OPTS, EXAMPLES)                             \
	{ .name = "attach PROGRAM_ID " NAME, .usage = USAGE,                   \
	  .summary = SUMMARY "\nPrints the new link like 'get link'.",         \
	  .opts = OPTS, .examples = EXAMPLES }

struct attach_kind {
	const char *name;
	enum bpfman_program_type type;
	struct cmd_spec spec;
};

static const struct attach_kind kinds[] = {
	{ "xdp", BPFMAN_PROG_TYPE_XDP,
	  SPEC("xdp", "-i IFACE -p PRIORITY [OPTIONS]",
	       "Attach an XDP program to an interface, in priority order with the\n"
	       "other XDP programs there (libxdp dispatcher).",
	       xdp_opts,
	       "bpfmanctl attach 4321 xdp -i eth0 -p 50\n"
	       "bpfmanctl attach 4321 xdp -i eth0 -p 50 --proceed-on pass drop") },
	{ "tc", BPFMAN_PROG_TYPE_TC,
	  SPEC("tc", "-d DIR -i IFACE -p PRIORITY [OPTIONS]",
	       "Attach a TC program to an interface's ingress or egress, in priority\n"
	       "order with the other TC programs there.",
	       tc_opts,
	       "bpfmanctl attach 4321 tc -d ingress -i eth0 -p 40 --proceed-on ok pipe") },
	{ "tcx", BPFMAN_PROG_TYPE_TCX,
	  SPEC("tcx", "-d DIR -i IFACE -p PRIORITY [OPTIONS]",
	       "Attach a TCX program (kernel 6.6 or later) to an interface's ingress\n"
	       "or egress; priority orders it among our other TCX programs.",
	       tcx_opts, "bpfmanctl attach 4321 tcx -d egress -i eth0 -p 100") },
	{ "tracepoint", BPFMAN_PROG_TYPE_TRACEPOINT,
	  SPEC("tracepoint", "-t GROUP/NAME [OPTIONS]",
	       "Attach a tracepoint program.", tracepoint_opts,
	       "bpfmanctl attach 4321 tracepoint -t syscalls/sys_enter_getpid") },
	{ "kprobe", BPFMAN_PROG_TYPE_KPROBE,
	  SPEC("kprobe", "-f FUNC [OPTIONS]",
	       "Attach a kprobe or kretprobe program to a kernel function.",
	       kprobe_opts, "bpfmanctl attach 4321 kprobe -f do_unlinkat") },
	{ "uprobe", BPFMAN_PROG_TYPE_UPROBE,
	  SPEC("uprobe", "-t TARGET [-f FUNC] [OPTIONS]",
	       "Attach a uprobe or uretprobe program to a user-space function.",
	       uprobe_opts,
	       "bpfmanctl attach 4321 uprobe -t libc -f malloc\n"
	       "bpfmanctl attach 4321 uprobe -t /usr/bin/bash -f readline --pid 1234") },
	{ "fentry", BPFMAN_PROG_TYPE_FENTRY,
	  SPEC("fentry", "[OPTIONS]",
	       "Attach an fentry program to the function named at load time.",
	       fentry_opts, "bpfmanctl attach 4321 fentry") },
	{ "fexit", BPFMAN_PROG_TYPE_FEXIT,
	  SPEC("fexit", "[OPTIONS]",
	       "Attach an fexit program to the function named at load time.",
	       fentry_opts, "bpfmanctl attach 4321 fexit -m owner=acme") },
	{ "lsm", BPFMAN_PROG_TYPE_LSM,
	  SPEC("lsm", "[OPTIONS]",
	       "Attach an LSM program to the hook named at load time (lsm:FUNC:HOOK\n"
	       "or its section, lsm/HOOK). The kernel must run the BPF LSM: 'bpf' in\n"
	       "/sys/kernel/security/lsm (boot parameter lsm=...,bpf).",
	       fentry_opts, "bpfmanctl attach 4321 lsm") },
	{ NULL, BPFMAN_PROG_TYPE_UNSPEC, { 0 } },
};

static const struct opt attach_opts[] = {
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec attach_spec = {
	.name = "attach",
	.usage = "PROGRAM_ID TYPE [OPTIONS]",
	.summary =
		"Attach a loaded program to a hook; TYPE must match the program's type.\n"
		"\n"
		"Types:\n"
		"  xdp         -i IFACE -p PRIORITY [--proceed-on ACTION...] [-n NETNS]\n"
		"  tc          -d DIR -i IFACE -p PRIORITY [--proceed-on ACTION...] [-n NETNS]\n"
		"  tcx         -d DIR -i IFACE -p PRIORITY [-n NETNS]\n"
		"  tracepoint  -t GROUP/NAME\n"
		"  kprobe      -f FUNC [-o OFFSET]\n"
		"  uprobe      -t TARGET [-f FUNC] [-o OFFSET] [-p PID]\n"
		"  fentry, fexit, lsm\n"
		"All take -m KEY=VALUE. See 'bpfmanctl attach ID TYPE --help'.",
	.opts = attach_opts,
	.examples =
		"bpfmanctl attach 4321 tracepoint -t syscalls/sys_enter_getpid\n"
		"bpfmanctl attach 4321 xdp --help",
};

struct attach_cfg {
	const struct attach_kind *kind;
	uint32_t prog_id;
	const char *tracepoint, *fn_name, *target, *iface, *netns;
	uint64_t offset;
	int32_t pid, priority;
	bool have_priority;
	uint32_t proceed_on;
	enum bpfman_direction direction;
	struct kv_vec metadata;
};

static int attach_opt(void *data, int key, const char *arg)
{
	struct attach_cfg *cfg = data;
	enum bpfman_program_type t = cfg->kind->type;
	uint64_t v;
	int err;

	switch (key) {
	case 't':
		if (t == BPFMAN_PROG_TYPE_UPROBE)
			cfg->target = arg;
		else
			cfg->tracepoint = arg;
		return 0;
	case 'f':
		cfg->fn_name = arg;
		return 0;
	case 'o':
		return args_uint(&cfg->offset, arg, "--offset", 0, UINT64_MAX, true);
	case 'p':
		if (t == BPFMAN_PROG_TYPE_UPROBE)
			return args_int32(&cfg->pid, arg, "--pid", 1);
		err = args_uint(&v, arg, "--priority", 0, 1000, false);
		cfg->priority = (int32_t)v;
		cfg->have_priority = !err;
		return err;
	case 'c':
		return usage_err("--container-pid is not supported (bpfman does not "
				 "support it either); use --pid for uprobes");
	case 'i':
		cfg->iface = arg;
		return 0;
	case 'd':
		return args_direction(&cfg->direction, arg);
	case 'n':
		cfg->netns = arg;
		return 0;
	case KEY_PROCEED_ON:
		return proceed_on_parse(&cfg->proceed_on, t, arg);
	case 'm':
		return args_kv_list(&cfg->metadata, arg, "--metadata");
	default:
		return usage_err("unexpected argument '%s'", arg);
	}
}

static const struct attach_kind *kind_by_name(const char *name)
{
	for (const struct attach_kind *k = kinds; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

static int check_tracepoint(const char *tp)
{
	const char *slash = strchr(tp, '/');

	if (!slash || slash == tp || !slash[1] || strchr(slash + 1, '/'))
		return usage_err("invalid --tracepoint '%s': expected GROUP/NAME, "
				 "e.g. sched/sched_switch", tp);
	return 0;
}

/* What each type requires, after all options were read. */
static int check_required(const struct attach_cfg *cfg)
{
	switch (cfg->kind->type) {
	case BPFMAN_PROG_TYPE_TRACEPOINT:
		if (!cfg->tracepoint)
			return usage_err("missing --tracepoint GROUP/NAME");
		return check_tracepoint(cfg->tracepoint);
	case BPFMAN_PROG_TYPE_KPROBE:
		return cfg->fn_name ? 0 : usage_err("missing --fn-name FUNC");
	case BPFMAN_PROG_TYPE_UPROBE:
		return cfg->target ? 0 : usage_err("missing --target TARGET");
	case BPFMAN_PROG_TYPE_TC:
	case BPFMAN_PROG_TYPE_TCX:
		if (cfg->direction == BPFMAN_DIRECTION_UNSPEC)
			return usage_err("missing --direction ingress|egress");
		__attribute__((fallthrough));
	case BPFMAN_PROG_TYPE_XDP:
		if (!cfg->iface)
			return usage_err("missing --iface IFACE");
		if (!cfg->have_priority)
			return usage_err("missing --priority N (0-1000)");
		return 0;
	default:
		return 0;
	}
}

static int parse_attach(struct attach_cfg *cfg, int argc, char **argv,
			struct ctl_global *g)
{
	int err;

	/* --help anywhere: the help of the TYPE named ("attach 5 xdp --help",
	 * "attach xdp --help", "attach PROGRAM_ID xdp --help"), else attach's. */
	if (args_want_help(argc, argv)) {
		const struct attach_kind *k = argc > 1 ? kind_by_name(argv[1]) : NULL;

		if (!k && argc > 2)
			k = kind_by_name(argv[2]);
		opts_help(k ? &k->spec : &attach_spec);
		return CTL_HELP_SHOWN;
	}
	if (argc < 2 || argv[1][0] == '-') {
		err = opts_parse(&attach_spec, argc, argv, g, attach_opt, cfg, NULL);
		if (err)
			return err;
		usage_err("missing PROGRAM_ID and TYPE");
		fprintf(stderr, "Try 'bpfmanctl attach --help'.\n");
		return CTL_EXIT_USAGE;
	}
	err = args_u32_id(&cfg->prog_id, argv[1], "PROGRAM_ID");
	if (!err && argc < 3) {
		err = usage_err("missing TYPE after the program ID: xdp, tc, tcx, "
				"tracepoint, kprobe, uprobe, fentry, fexit or lsm");
	}
	if (!err) {
		cfg->kind = kind_by_name(argv[2]);
		if (!cfg->kind)
			err = usage_err("invalid attach type '%s': expected xdp, tc, tcx, "
					"tracepoint, kprobe, uprobe, fentry, fexit or lsm", argv[2]);
	}
	if (err) {
		fprintf(stderr, "Try 'bpfmanctl attach --help'.\n");
		return err;
	}
	err = opts_parse(&cfg->kind->spec, argc - 2, argv + 2, g, attach_opt, cfg, NULL);
	if (!err && (err = check_required(cfg)))
		fprintf(stderr, "Try 'bpfmanctl attach %s %s --help'.\n", argv[1], argv[2]);
	return err;
}

/* The kind of hook follows from the program's type in the library; the
 * TYPE word on the command line must agree with it. */
static int check_program_type(struct bpfman_ctx *ctx, const struct attach_cfg *cfg)
{
	struct bpfman_program *prog = NULL;
	enum bpfman_program_type t;
	int err = bpfman_program__get(&prog, ctx, cfg->prog_id);

	if (err)
		return ctl_fail(ctx, err);
	t = bpfman_program__type(prog);
	if (!bpfman_program__managed(prog)) {
		err = CTL_EXIT_FAILED;
		fprintf(stderr, "bpfmanctl: error: program %u is not managed by "
			"bpfman; load it with 'bpfmanctl load file' first\n",
			cfg->prog_id);
	} else if (t != cfg->kind->type) {
		err = CTL_EXIT_FAILED;
		fprintf(stderr, "bpfmanctl: error: program %u is a %s program; use "
			"'bpfmanctl attach %u %s ...'\n", cfg->prog_id,
			bpfman_program_type_name(t), cfg->prog_id,
			bpfman_program_type_name(t));
	}
	bpfman_program__free(prog);
	return err;
}

static void print_bare_link_id(const struct ctl_global *g, uint64_t id)
{
	if (g->output == CTL_OUTPUT_JSON)
		printf("{\n  \"id\": %llu\n}\n", (unsigned long long)id);
	else if (g->output == CTL_OUTPUT_YAML)
		printf("id: %llu\n", (unsigned long long)id);
	else
		printf(" Link ID: %llu\n", (unsigned long long)id);
}

/* The library call, shared with load-from-file/-image (attach_cli.h). */
static int attach_call(struct bpfman_ctx *ctx, const struct attach_cfg *cfg,
		       uint32_t prog_id, uint64_t *link_id)
{
	BPFMAN_OPTS(bpfman_attach_opts, opts,
		    .tracepoint = cfg->tracepoint,
		    .fn_name = cfg->fn_name,
		    .offset = cfg->offset,
		    .target = cfg->target,
		    .pid = cfg->pid,
		    .iface = cfg->iface,
		    .priority = cfg->priority,
		    .proceed_on = cfg->proceed_on,
		    .direction = cfg->direction,
		    .netns = cfg->netns,
		    .metadata = cfg->metadata.v,
		    .metadata_cnt = cfg->metadata.n);

	return bpfman_program__attach(link_id, ctx, prog_id, &opts);
}

static int operate_attach(const struct attach_cfg *cfg, struct ctl_global *g)
{
	struct bpfman_ctx *ctx = NULL;
	struct bpfman_link *link = NULL;
	uint64_t link_id = 0;
	int err, ret;

	BPFMAN_OPTS(bpfman_attach_opts, opts,
		    .tracepoint = cfg->tracepoint,
		    .fn_name = cfg->fn_name,
		    .offset = cfg->offset,
		    .target = cfg->target,
		    .pid = cfg->pid,
		    .iface = cfg->iface,
		    .priority = cfg->priority,
		    .proceed_on = cfg->proceed_on,
		    .direction = cfg->direction,
		    .netns = cfg->netns,
		    .metadata = cfg->metadata.v,
		    .metadata_cnt = cfg->metadata.n);

	ret = ctl_open(&ctx, g);
	if (ret)
		return ret;
	ret = check_program_type(ctx, cfg);
	if (ret)
		goto out;
	err = bpfman_program__attach(&link_id, ctx, cfg->prog_id, &opts);
	if (err) {
		ret = ctl_fail(ctx, err);
		goto out;
	}
	err = bpfman_link__get(&link, ctx, link_id);
	if (err) {
		/* Attached; only reading it back failed. */
		fprintf(stderr, "bpfmanctl: warning: attached as link %llu, but "
			"reading it back failed: %s\n", (unsigned long long)link_id,
			bpfman_errmsg(ctx));
		print_bare_link_id(g, link_id);
		goto out;
	}
	print_link(g, link);
	bpfman_link__free(link);
out:
	bpfman_ctx_free(ctx);
	return ret;
}

int cmd_attach(int argc, char **argv, struct ctl_global *g)
{
	struct attach_cfg cfg = { .kind = &kinds[0] };
	int ret = parse_attach(&cfg, argc, argv, g);

	if (!ret)
		ret = operate_attach(&cfg, g);
	kv_vec_free(&cfg.metadata);
	return ret;
}

/* attach_cli.h: "TYPE [OPTIONS]" of bpfman's older one-step commands
 * (load-from-file, load-from-image), parsed by the same tables. */
struct attach_cfg *attach_cli_parse(int argc, char **argv, struct ctl_global *g,
				    const char *try_cmd, int *ret)
{
	struct attach_cfg *cfg = calloc(1, sizeof(*cfg));

	*ret = CTL_EXIT_FAILED;
	if (!cfg)
		return NULL;
	cfg->kind = argc > 0 ? kind_by_name(argv[0]) : NULL;
	if (!cfg->kind) {
		*ret = usage_err("%s '%s': expected xdp, tc, tcx, tracepoint, kprobe, uprobe, "
				 "fentry or fexit", argc > 0 ? "invalid program type" :
				 "missing program type", argc > 0 ? argv[0] : "");
	} else if (!(*ret = opts_parse(&cfg->kind->spec, argc, argv, g, attach_opt, cfg,
				       NULL))) {
		*ret = check_required(cfg);
	}
	if (*ret && *ret != CTL_HELP_SHOWN)
		fprintf(stderr, "Try '%s --help'.\n", try_cmd);
	if (*ret) {
		attach_cli_free(cfg);
		return NULL;
	}
	return cfg;
}

enum bpfman_program_type attach_cli_type(const struct attach_cfg *cfg)
{
	return cfg->kind->type;
}

int attach_cli_call(struct bpfman_ctx *ctx, const struct attach_cfg *cfg, uint32_t prog_id,
		    uint64_t *link_id)
{
	return attach_call(ctx, cfg, prog_id, link_id);
}

void attach_cli_free(struct attach_cfg *cfg)
{
	if (!cfg)
		return;
	kv_vec_free(&cfg->metadata);
	free(cfg);
}
