/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl load-from-file | load-from-image: bpfman's older one-step
 * grammar (bpfctl and bpfman before the load/attach split), kept as an
 * alias for 'load file|image' followed by 'attach':
 *   load-from-image [-n NAME] [-g NAME=HEX...] -i IMAGE TYPE [attach options]
 *   load-from-file -p PATH -n NAME [-g ...] TYPE [attach options]
 * TYPE and its options are exactly attach's; kprobe and uprobe also take
 * the old -r/--retprobe, fentry and fexit the old -f/--fn-name. If the
 * attach fails, the program just loaded is unloaded again. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "attach_cli.h"
#include "image_cli.h"
#include "output.h"

enum {
	KEY_MAP_OWNER_ID = OPT_LONG(1),
};

#define ONE_STEP_COMMON_OPTS                                                   \
	OPT("name", 'n', OPT_ARG_ONE, "FUNC",                                  \
	  "The program's function name (the entry point in the object)."),     \
	OPT("global", 'g', OPT_ARG_MANY, "NAME=HEX",                           \
	  "Set global variables before loading, as for 'load file'.\n"        \
	  "Example: -g GLOBAL_u8=01"),                                         \
	OPT("metadata", 'm', OPT_ARG_MANY, "KEY=VALUE",                        \
	  "Metadata to record with the program."),                             \
	OPT("map-owner-id", KEY_MAP_OWNER_ID, OPT_ARG_ONE, "ID",               \
	  "Share the maps of this already loaded program."),                   \
	OPT_OUTPUT_ENTRY('o'),                                                 \
	OPT_HELP_ENTRY,                                                        \
	OPT_END

#define ONE_STEP_EXTRA                                                         \
	"TYPE is xdp, tc, tcx, tracepoint, kprobe, uprobe, fentry or fexit, with\n" \
	"the options 'bpfmanctl attach ID TYPE --help' lists; kprobe and uprobe\n" \
	"also take -r/--retprobe, fentry and fexit -f/--fn-name FUNC (the kernel\n" \
	"function). Same as 'load' and then 'attach' (doc/compat.md); if the\n" \
	"attach fails the program is unloaded again. Prints the program."

static const struct opt from_file_opts[] = {
	OPT("path", 'p', OPT_ARG_ONE, "PATH", "Required: the ELF object file."),
	ONE_STEP_COMMON_OPTS,
};

static const struct opt from_image_opts[] = {
	OPT("image-url", 'i', OPT_ARG_ONE, "REFERENCE",
	  "Required: the bytecode image."),
	OPT("pull-policy", 'p', OPT_ARG_ONE, "POLICY",
	  "Always, IfNotPresent (default) or Never."),
	OPT("registry-auth", 'r', OPT_ARG_ONE, "BASE64",
	  "Credentials: base64 of USER:PASSWORD."),
	ONE_STEP_COMMON_OPTS,
};

static const struct cmd_spec from_file_spec = {
	.name = "load-from-file",
	.usage = "-p PATH -n FUNC [OPTIONS] TYPE [ATTACH OPTIONS]",
	.summary = "Load one program from an ELF object and attach it (bpfman's older grammar).",
	.opts = from_file_opts,
	.extra = ONE_STEP_EXTRA,
	.examples =
		"bpfmanctl load-from-file -p xdp_pass.o -n pass xdp -i eth0 -p 100\n"
		"bpfmanctl load-from-file -p tp.o -n count \\\n"
		"    tracepoint -t syscalls/sys_enter_getpid",
	.stop_at_positional = true,
};

static const struct cmd_spec from_image_spec = {
	.name = "load-from-image",
	.usage = "-i IMAGE [OPTIONS] TYPE [ATTACH OPTIONS]",
	.summary =
		"Pull a bytecode image, load its program and attach it (bpfman's older\n"
		"grammar). Without -n the image's labels name the program; it must hold one.",
	.opts = from_image_opts,
	.extra = ONE_STEP_EXTRA,
	.examples =
		"bpfmanctl load-from-image -g GLOBAL_u8=01 \\\n"
		"    -i quay.io/bpfman-bytecode/xdp_pass:latest xdp -i eth0 -p 100",
	.stop_at_positional = true,
};

struct one_step {
	bool image_mode;
	const char *path, *image, *name, *fn_name;
	enum bpfman_pull_policy policy;
	struct registry_cli reg;
	struct global_vec globals;
	struct kv_vec metadata;
	uint32_t map_owner_id;
	bool retprobe;
	int last_many; /* -g or -m: bare NAME=VALUE words after it are more values */
	struct attach_cfg *attach;
	char *spec;
};

static int one_step_opt(void *data, int key, const char *arg)
{
	struct one_step *c = data;

	c->last_many = 0;
	switch (key) {
	case 'p':
		if (c->image_mode)
			return args_pull_policy(&c->policy, arg);
		c->path = arg;
		return 0;
	case 'i':
		c->image = arg;
		return 0;
	case 'r':
		return args_registry_auth(&c->reg, arg);
	case 'n':
		c->name = arg;
		return 0;
	case 'g':
		c->last_many = 'g';
		return args_global(&c->globals, arg);
	case 'm':
		c->last_many = 'm';
		return args_kv_list(&c->metadata, arg, "--metadata");
	case KEY_MAP_OWNER_ID:
		return args_u32_id(&c->map_owner_id, arg, "--map-owner-id");
	default:
		return usage_err("unexpected argument '%s'", arg);
	}
}

/* Removes the old grammar's load-time options from the attach part:
 * -r/--retprobe (kprobe, uprobe) and -f/--fn-name (fentry, fexit). */
static int take_load_time_opts(struct one_step *c, int *argc, char **argv)
{
	bool tracing = !strcmp(argv[0], "fentry") || !strcmp(argv[0], "fexit");
	bool probe = !strcmp(argv[0], "kprobe") || !strcmp(argv[0], "uprobe");
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		if (probe && (!strcmp(argv[i], "-r") || !strcmp(argv[i], "--retprobe"))) {
			c->retprobe = true;
			continue;
		}
		if (tracing && (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--fn-name"))) {
			if (i + 1 >= *argc)
				return usage_err("option --fn-name needs a value: --fn-name FUNC");
			c->fn_name = argv[++i];
			continue;
		}
		argv[out++] = argv[i];
	}
	*argc = out;
	return 0;
}

static int parse_one_step(struct one_step *c, int argc, char **argv, struct ctl_global *g)
{
	const struct cmd_spec *spec = c->image_mode ? &from_image_spec : &from_file_spec;
	int next = argc, err;
	const char *type;

	err = opts_parse(spec, argc, argv, g, one_step_opt, c, &next);
	if (err)
		return err;
	/* "-g A=01 B=02 xdp": getopt stops at B=02, which is a value. */
	for (; next < argc && c->last_many && strchr(argv[next], '='); next++) {
		int keep = c->last_many;

		if ((err = one_step_opt(c, keep, argv[next])))
			return err;
		c->last_many = keep;
	}
	if (c->image_mode ? !c->image : !c->path)
		err = usage_err(c->image_mode ? "missing -i/--image-url IMAGE"
					      : "missing -p/--path PATH");
	else if (!c->image_mode && !c->name)
		err = usage_err("missing -n/--name FUNC (the function to load)");
	else if (next >= argc)
		err = usage_err("missing TYPE: xdp, tc, tcx, tracepoint, kprobe, uprobe, fentry "
				"or fexit, with its attach options");
	if (err) {
		fprintf(stderr, "Try 'bpfmanctl %s --help'.\n", spec->name);
		return err;
	}
	argc -= next;
	argv += next;
	if ((err = take_load_time_opts(c, &argc, argv)))
		return err;
	c->attach = attach_cli_parse(argc, argv, g, c->image_mode ? "bpfmanctl load-from-image" : "bpfmanctl load-from-file", &err);
	if (!c->attach)
		return err;
	type = argv[0];
	if (c->retprobe)
		type = !strcmp(type, "kprobe") ? "kretprobe" : "uretprobe";
	if (c->name && asprintf(&c->spec, "%s:%s%s%s", type, c->name,
				c->fn_name ? ":" : "", c->fn_name ? c->fn_name : "") < 0)
		return usage_err("out of memory");
	return 0;
}

static void unload_quietly(struct bpfman_ctx *ctx, struct bpfman_program **progs, size_t cnt)
{
	for (size_t i = 0; i < cnt; i++)
		bpfman_program__unload(ctx, bpfman_program__id(progs[i]), NULL);
}

/* The image's labels chose the program: exactly one, of the TYPE given. */
static int check_loaded(const struct one_step *c, struct bpfman_program **progs, size_t cnt)
{
	enum bpfman_program_type want = attach_cli_type(c->attach);

	if (cnt != 1) {
		fprintf(stderr, "bpfmanctl: error: %s holds %zu programs; name the one to attach with -n FUNC\n",
			c->image, cnt);
		return CTL_EXIT_FAILED;
	}
	if (bpfman_program__type(progs[0]) != want) {
		fprintf(stderr, "bpfmanctl: error: %s holds %s program '%s', not a %s program; use 'bpfmanctl load-from-image -i %s %s ...'\n",
			c->image, bpfman_program_type_name(bpfman_program__type(progs[0])),
			bpfman_program__name(progs[0]), bpfman_program_type_name(want), c->image,
			bpfman_program_type_name(bpfman_program__type(progs[0])));
		return CTL_EXIT_FAILED;
	}
	return 0;
}

static int operate_one_step(struct one_step *c, struct ctl_global *g)
{
	const char *programs[1] = { c->spec };
	struct bpfman_program **progs = NULL, *prog = NULL;
	struct bpfman_ctx *ctx = NULL;
	uint64_t link_id = 0;
	size_t cnt = 0;
	int err, ret;

	BPFMAN_OPTS(bpfman_load_opts, opts,
		    .programs = c->spec ? programs : NULL,
		    .programs_cnt = c->spec ? 1 : 0,
		    .globals = c->globals.v,
		    .globals_cnt = c->globals.n,
		    .metadata = c->metadata.v,
		    .metadata_cnt = c->metadata.n,
		    .map_owner_id = c->map_owner_id);

	if ((ret = ctl_open(&ctx, g)))
		return ret;
	if (c->image_mode) {
		BPFMAN_OPTS(bpfman_pull_opts, pull, .policy = c->policy,
			    .registry = registry_cli_opts(&c->reg));

		err = bpfman_program__load_image(&progs, &cnt, ctx, c->image, &opts, &pull);
		registry_cli_done(&c->reg);
	} else {
		err = bpfman_program__load_file(&progs, &cnt, ctx, c->path, &opts);
	}
	if (err) {
		ret = ctl_fail(ctx, err);
		goto out;
	}
	if (!c->spec && (ret = check_loaded(c, progs, cnt))) {
		unload_quietly(ctx, progs, cnt);
		goto out;
	}
	err = attach_cli_call(ctx, c->attach, bpfman_program__id(progs[0]), &link_id);
	if (err) {
		ret = ctl_fail(ctx, err);
		unload_quietly(ctx, progs, cnt);
		goto out;
	}
	/* Read back so the output shows the link. */
	if (bpfman_program__get(&prog, ctx, bpfman_program__id(progs[0])) == 0) {
		print_programs(g, &prog, 1, true);
		bpfman_program__free(prog);
	} else {
		print_programs(g, progs, 1, true);
	}
out:
	bpfman_program_list__free(progs, cnt);
	bpfman_ctx_free(ctx);
	return ret;
}

static int run_one_step(bool image_mode, int argc, char **argv, struct ctl_global *g)
{
	struct one_step c = { .image_mode = image_mode, .policy = BPFMAN_PULL_IF_NOT_PRESENT };
	int ret = parse_one_step(&c, argc, argv, g);

	if (!ret)
		ret = operate_one_step(&c, g);
	attach_cli_free(c.attach);
	registry_cli_free(&c.reg);
	global_vec_free(&c.globals);
	kv_vec_free(&c.metadata);
	free(c.spec);
	return ret;
}

int cmd_load_from_file(int argc, char **argv, struct ctl_global *g)
{
	return run_one_step(false, argc, argv, g);
}

int cmd_load_from_image(int argc, char **argv, struct ctl_global *g)
{
	return run_one_step(true, argc, argv, g);
}
