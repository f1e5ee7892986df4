/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl load file|image: load programs from an ELF object or from an
 * OCI bytecode image. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, reallocarray, open_memstream */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "image_cli.h"
#include "output.h"

enum {
	KEY_PROGRAMS = OPT_LONG(1),
	KEY_MAP_OWNER_ID,
	KEY_AUTHFILE,
};

/* Options 'load file' and 'load image' share, after their own. */
#define LOAD_COMMON_OPTS                                                       \
	OPT("global", 'g', OPT_ARG_MANY, "NAME=HEX",                           \
	  "Set a global variable (.rodata/.data/.bss) to these "               \
	  "bytes before loading; HEX may start with 0x. The "                  \
	  "caller supplies size and endianness.\n"                             \
	  "Example: -g GLOBAL_u8=01 GLOBAL_u32=0A0B0C0D"),                     \
	OPT("metadata", 'm', OPT_ARG_MANY, "KEY=VALUE",                        \
	  "Metadata to record with the programs (also comma "                  \
	  "separated), used to select them in list.\n"                         \
	  "Example: --metadata owner=acme"),                                   \
	OPT("application", 'a', OPT_ARG_ONE, "NAME",                           \
	  "Group the programs under this application name.\n"                  \
	  "Example: --application TestEbpfApp"),                               \
	OPT("map-owner-id", KEY_MAP_OWNER_ID, OPT_ARG_ONE, "ID",               \
	  "Share the maps of this already loaded program instead "             \
	  "of creating new ones. Example: --map-owner-id 63178"),              \
	OPT_OUTPUT_ENTRY('o'),                                                 \
	OPT_HELP_ENTRY,                                                        \
	OPT_END

static const struct opt load_file_opts[] = {
	OPT("path", 'p', OPT_ARG_ONE, "PATH",
	  "Required: the ELF object file (bytecode).\n"
	  "Example: --path /usr/share/bpf/counter.bpf.o"),
	OPT("programs", KEY_PROGRAMS, OPT_ARG_MANY, "TYPE:FUNC[:ATTACH_FUNC]",
	  "Required: program type and function to load; several "
	  "after one flag or by repeating it. fentry and fexit "
	  "also name the kernel function they attach to; lsm "
	  "may name its hook (else its section does: lsm/HOOK).\n"
	  "TYPE: xdp, tc, tcx, tracepoint, kprobe, kretprobe, "
	  "uprobe, uretprobe, fentry, fexit, lsm.\n"
	  "Example: --programs xdp:xdp_stats kprobe:kprobe_counter\n"
	  "Example: --programs fentry:test_fentry:do_unlinkat"),
	LOAD_COMMON_OPTS,
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

static const struct opt load_image_opts[] = {
	OPT("image-url", 'i', OPT_ARG_ONE, "REFERENCE",
	  "Required: the bytecode image, as [registry/]repository[:tag]\n"
	  "[@sha256:digest]. Example: -i quay.io/bpfman-bytecode/xdp_pass:latest"),
	OPT("registry-auth", 'r', OPT_ARG_ONE, "BASE64", REGISTRY_AUTH_HELP),
	OPT_REGISTRY_AUTH_FILE_ENTRY,
	OPT("authfile", KEY_AUTHFILE, OPT_ARG_ONE, "FILE",
	  "An auth file to use instead of the usual search."),
	OPT("pull-policy", 'p', OPT_ARG_ONE, "POLICY",
	  "Always, IfNotPresent (default) or Never; see 'image pull --help'."),
	OPT("programs", KEY_PROGRAMS, OPT_ARG_MANY, "TYPE:FUNC[:ATTACH_FUNC]",
	  "Programs to load, as for 'load file'. Default: every program the\n"
	  "image's io.ebpf.programs label names, with the type it gives."),
	LOAD_COMMON_OPTS,
};

static const struct cmd_spec load_image_spec = {
	.name = "load image",
	.usage = "-i REFERENCE [--programs TYPE:FUNC...] [OPTIONS]",
	.summary =
		"Pull a bytecode image under the pull policy (every digest checked) and\n"
		"load its programs from the image cache, as 'load file' does. 'get\n"
		"program' shows the image and its manifest digest.",
	.opts = load_image_opts,
	.examples =
		"bpfmanctl load image -i quay.io/bpfman-bytecode/xdp_pass:latest\n"
		"bpfmanctl load image -i 127.0.0.1:5000/counter:v1 -p Always \\\n"
		"    --programs tracepoint:count_getpid",
};

static const struct opt load_opts[] = {
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec load_spec = {
	.name = "load",
	.usage = "file|image [OPTIONS]",
	.summary =
		"Load eBPF programs.\n"
		"\n"
		"Subcommands:\n"
		"  file    Load programs from a local ELF object file.\n"
		"  image   Load programs from an OCI bytecode image.",
	.opts = load_opts,
	.examples = "bpfmanctl load file -p counter.bpf.o --programs tracepoint:count_getpid",
};

struct load_cfg {
	const char *path;
	const char *image;
	enum bpfman_pull_policy policy;
	struct registry_cli reg;
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

static int load_image_opt(void *data, int key, const char *arg)
{
	struct load_cfg *cfg = data;

	switch (key) {
	case 'i':
		if (!*arg)
			return usage_err("empty --image-url");
		cfg->image = arg;
		return 0;
	case KEY_REGISTRY_AUTH_FILE:
		return args_registry_auth_file(&cfg->reg, arg);
	case 'r':
		return args_registry_auth(&cfg->reg, arg);
	case KEY_AUTHFILE:
		cfg->reg.auth_file = arg;
		return 0;
	case 'p':
		return args_pull_policy(&cfg->policy, arg);
	default:
		return load_opt(data, key, arg);
	}
}

static int parse_load_image(struct load_cfg *cfg, int argc, char **argv,
			    struct ctl_global *g)
{
	int err = opts_parse(&load_image_spec, argc, argv, g, load_image_opt, cfg, NULL);

	if (err)
		return err;
	if (!cfg->image) {
		usage_err("missing -i/--image-url REFERENCE (the bytecode image to load)");
		fprintf(stderr, "Try 'bpfmanctl load image --help'.\n");
		return CTL_EXIT_USAGE;
	}
	return 0;
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

static int operate_load(struct load_cfg *cfg, struct ctl_global *g)
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
	if (cfg->image) {
		BPFMAN_OPTS(bpfman_pull_opts, pull, .policy = cfg->policy,
			    .registry = registry_cli_opts(&cfg->reg));

		err = bpfman_program__load_image(&progs, &cnt, ctx, cfg->image, &opts, &pull);
		registry_cli_done(&cfg->reg);
	} else {
		err = bpfman_program__load_file(&progs, &cnt, ctx, cfg->path, &opts);
	}
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
	struct load_cfg cfg = { .policy = BPFMAN_PULL_IF_NOT_PRESENT };
	int ret;

	if (argc < 2 || argv[1][0] == '-') {
		/* "load", "load --help" */
		ret = opts_parse(&load_spec, argc, argv, g, load_opt, &cfg, NULL);
		if (ret)
			return ret;
		usage_err("missing subcommand: load file|image");
		fprintf(stderr, "Try 'bpfmanctl load --help'.\n");
		return CTL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "image")) {
		ret = parse_load_image(&cfg, argc - 1, argv + 1, g);
	} else if (!strcmp(argv[1], "file")) {
		ret = parse_load_file(&cfg, argc - 1, argv + 1, g);
	} else {
		usage_err("unknown subcommand 'load %s': expected 'load file' or 'load image'",
			  argv[1]);
		fprintf(stderr, "Try 'bpfmanctl load --help'.\n");
		return CTL_EXIT_USAGE;
	}
	if (!ret)
		ret = operate_load(&cfg, g);
	registry_cli_free(&cfg.reg);
	str_vec_free(&cfg.programs);
	global_vec_free(&cfg.globals);
	kv_vec_free(&cfg.metadata);
	return ret;
}
