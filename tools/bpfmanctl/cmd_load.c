/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl load file: load programs from an ELF object. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, reallocarray, open_memstream */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "output.h"

enum {
	KEY_PROGRAMS = OPT_LONG(1),
	KEY_MAP_OWNER_ID,
};

static const struct opt load_file_opts[] = {
	OPT("path", 'p', OPT_ARG_ONE, "PATH",
	  "Required: the ELF object file (bytecode).\n"
	  "Example: --path /usr/share/bpf/counter.bpf.o"),
	OPT("programs", KEY_PROGRAMS, OPT_ARG_MANY, "TYPE:FUNC[:ATTACH_FUNC]",
	  "Required: program type and function to load; several "
	  "after one flag or by repeating it. fentry and fexit "
	  "also name the kernel function they attach to.\n"
	  "TYPE: xdp, tc, tcx, tracepoint, kprobe, kretprobe, "
	  "uprobe, uretprobe, fentry, fexit.\n"
	  "Example: --programs xdp:xdp_stats kprobe:kprobe_counter\n"
	  "Example: --programs fentry:test_fentry:do_unlinkat"),
	OPT("global", 'g', OPT_ARG_MANY, "NAME=HEX",
	  "Set a global variable (.rodata/.data/.bss) to these "
	  "bytes before loading; HEX may start with 0x. The "
	  "caller supplies size and endianness.\n"
	  "Example: -g GLOBAL_u8=01 GLOBAL_u32=0A0B0C0D"),
	OPT("metadata", 'm', OPT_ARG_MANY, "KEY=VALUE",
	  "Metadata to record with the programs (also comma "
	  "separated), used to select them in list.\n"
	  "Example: --metadata owner=acme"),
	OPT("application", 'a', OPT_ARG_ONE, "NAME",
	  "Group the programs under this application name.\n"
	  "Example: --application TestEbpfApp"),
	OPT("map-owner-id", KEY_MAP_OWNER_ID, OPT_ARG_ONE, "ID",
	  "Share the maps of this already loaded program instead "
	  "of creating new ones. Example: --map-owner-id 63178"),
	OPT_OUTPUT_ENTRY('o'),
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec load_file_spec = {
	.name = "load file",
	.usage = "-p PATH --programs TYPE:FUNC[:ATTACH]... [OPTIONS]",
	.summary =
		"Load programs from a local ELF object: verify, pin and record them. All or\n"
		"nothing: on failure nothing stays loaded. Prints the loaded programs like\n"
		"'get program' (json/yaml: a list).",
	.opts = load_file_opts,
	.examples =
		"bpfmanctl load file -p counter.bpf.o --programs tracepoint:count_getpid\n"
		"bpfmanctl load file -p xdp.o --programs xdp:pass -g GLOBAL_u8=01 -m owner=x\n"
		"bpfmanctl load file -p fentry.o --programs fentry:test_fentry:do_unlinkat",
};

static const struct opt load_opts[] = {
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec load_spec = {
	.name = "load",
	.usage = "file [OPTIONS]",
	.summary =
		"Load eBPF programs.\n"
		"\n"
		"Subcommands:\n"
		"  file    Load programs from a local ELF object file.\n"
		"  image   (bpfman's OCI image load; not available: libbpfman has no\n"
		"          image API yet, exit status 2.)",
	.opts = load_opts,
	.examples = "bpfmanctl load file -p counter.bpf.o --programs tracepoint:count_getpid",
};

struct load_cfg {
	const char *path;
	struct str_vec programs;
	struct global_vec globals;
	struct kv_vec metadata;
	const char *application;
	uint32_t map_owner_id;
};

static int load_opt(void *data, int key, const char *arg)
{
	struct load_cfg *cfg = data;
	int err;

	switch (key) {
	case 'p':
		cfg->path = arg;
		return 0;
	case KEY_PROGRAMS:
		err = args_program_spec(arg);
		return err ? err : str_vec_push(&cfg->programs, arg);
	case 'g':
		return args_global(&cfg->globals, arg);
	case 'm':
		return args_kv_list(&cfg->metadata, arg, "--metadata");
	case 'a':
		if (!*arg)
			return usage_err("invalid --application '': expected a name");
		cfg->application = arg;
		return 0;
	case KEY_MAP_OWNER_ID:
		return args_u32_id(&cfg->map_owner_id, arg, "--map-owner-id");
	default:
		return usage_err("unexpected argument '%s'", arg);
	}
}

static int parse_load_file(struct load_cfg *cfg, int argc, char **argv,
			   struct ctl_global *g)
{
	int err = opts_parse(&load_file_spec, argc, argv, g, load_opt, cfg, NULL);

	if (err)
		return err;
	if (!cfg->path)
		err = usage_err("missing --path PATH (the ELF object to load)");
	else if (!cfg->programs.n)
		err = usage_err("missing --programs TYPE:FUNC[:ATTACH_FUNC], "
				"e.g. --programs tracepoint:count_getpid");
	if (err)
		fprintf(stderr, "Try 'bpfmanctl load file --help'.\n");
	return err;
}

static int operate_load_file(const struct load_cfg *cfg, struct ctl_global *g)
{
	struct bpfman_ctx *ctx = NULL;
	struct bpfman_program **progs = NULL;
	size_t cnt = 0;
	int err, ret;

	BPFMAN_OPTS(bpfman_load_opts, opts,
		    .programs = cfg->programs.v,
		    .programs_cnt = cfg->programs.n,
		    .globals = cfg->globals.v,
		    .globals_cnt = cfg->globals.n,
		    .metadata = cfg->metadata.v,
		    .metadata_cnt = cfg->metadata.n,
		    .application = cfg->application,
		    .map_owner_id = cfg->map_owner_id);

	ret = ctl_open(&ctx, g);
	if (ret)
		return ret;
	err = bpfman_program__load_file(&progs, &cnt, ctx, cfg->path, &opts);
	if (err) {
		ret = ctl_fail(ctx, err);
	} else {
		print_programs(g, progs, cnt, false);
		bpfman_program_list__free(progs, cnt);
	}
	bpfman_ctx_free(ctx);
	return ret;
}

int cmd_load(int argc, char **argv, struct ctl_global *g)
{
	struct load_cfg cfg = { 0 };
	int ret;

	if (argc < 2 || argv[1][0] == '-') {
		/* "load", "load --help" */
		ret = opts_parse(&load_spec, argc, argv, g, load_opt, &cfg, NULL);
		if (ret)
			return ret;
		usage_err("missing subcommand: load file");
		fprintf(stderr, "Try 'bpfmanctl load --help'.\n");
		return CTL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "image")) {
		if (args_want_help(argc - 1, argv + 1)) {
			opts_help(&load_spec);
			return CTL_HELP_SHOWN;
		}
		return usage_err("'load image' is not supported: libbpfman has no "
				 "OCI image API yet; use 'load file'");
	}
	if (strcmp(argv[1], "file")) {
		usage_err("unknown subcommand 'load %s': expected 'load file'", argv[1]);
		fprintf(stderr, "Try 'bpfmanctl load --help'.\n");
		return CTL_EXIT_USAGE;
	}
	ret = parse_load_file(&cfg, argc - 1, argv + 1, g);
	if (!ret)
		ret = operate_load_file(&cfg, g);
	str_vec_free(&cfg.programs);
	global_vec_free(&cfg.globals);
	kv_vec_free(&cfg.metadata);
	return ret;
}
