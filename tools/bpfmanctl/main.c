/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bpfmanctl: global options, then one command (cmd_<verb>.c). Daemonless:
 * every command opens its own libbpfman context.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, reallocarray, open_memstream */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "bpfmanctl.h"
#include "term_escape.h"

enum {
	KEY_STATE_DIR = OPT_LONG(1),
	KEY_BPFFS_ROOT,
	KEY_RUNTIME_DIR,
	KEY_IMAGE_CACHE_DIR,
	KEY_CONFIG,
	KEY_VERSION,
	KEY_ALLOW_SHARED_DIRS,
};

static const struct opt global_opts[] = {
	OPT("state-dir", KEY_STATE_DIR, OPT_ARG_ONE, "DIR",
	  "State database and kept bytecode [env BPFMAN_STATE_DIR; "
	  "default /var/lib/bpfman]."),
	OPT("bpffs-root", KEY_BPFFS_ROOT, OPT_ARG_ONE, "DIR",
	  "bpffs directory for pins [env BPFMAN_BPFFS_ROOT; "
	  "default /sys/fs/bpf/bpfman]."),
	OPT("runtime-dir", KEY_RUNTIME_DIR, OPT_ARG_ONE, "DIR",
	  "Locks and sockets [env BPFMAN_RUNTIME_DIR; default /run/bpfman]."),
	OPT("image-cache-dir", KEY_IMAGE_CACHE_DIR, OPT_ARG_ONE, "DIR",
	  "Bytecode image cache, an OCI layout [env BPFMAN_IMAGE_CACHE_DIR; "
	  "default /var/cache/bpfman]."),
	OPT("config", KEY_CONFIG, OPT_ARG_ONE, "FILE",
	  "Config file [default /etc/bpfman/bpfman.yaml]."),
	OPT("allow-shared-dirs", KEY_ALLOW_SHARED_DIRS, OPT_ARG_NONE, NULL,
	  "Accept a state dir, bpffs root or image cache owned by another user "
	  "or writable by group/others (refused by default; doc/safety.md) "
	  "[env BPFMAN_ALLOW_SHARED_DIRS=1]."),
	OPT_OUTPUT_ENTRY('o'),
	OPT("verbose", 'v', OPT_ARG_NONE, NULL,
	  "More library messages on stderr: -v info, -vv debug "
	  "(default: warnings and errors)."),
	OPT("version", KEY_VERSION, OPT_ARG_NONE, NULL, "Show the version and exit."),
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec global_spec = {
	.name = "",
	.usage = "[GLOBAL OPTIONS] COMMAND [ARGS...]",
	.summary =
		"Load, attach, list and manage eBPF programs through libbpfman, without a\n"
		"daemon (needs root or CAP_BPF and CAP_SYS_ADMIN).\n"
		"\n"
		"Commands:\n"
		"  load file     Load programs from a local ELF object file.\n"
		"  load image    Load programs from an OCI bytecode image.\n"
		"  attach        Attach a loaded program to a hook (xdp, tc, tcx, tracepoint,\n"
		"                kprobe, uprobe, fentry, fexit).\n"
		"  detach        Detach a link.\n"
		"  update        Change an XDP/TC link's priority or proceed-on in place.\n"
		"  chain         Show what runs at an interface's XDP/TC/TCX hook, in order.\n"
		"  unload        Unload a program and detach its links.\n"
		"  list          List programs or links.\n"
		"  get           Show one program or link in detail.\n"
		"  restore       Re-create recorded programs and links after a reboot.\n"
		"  reconcile     Repair what a crash left half done.\n"
		"  events        Print the change feed: every change recorded, in order.\n"
		"  image         Pull, inspect, list, remove, prune, build and push\n"
		"                bytecode images.\n"
		"  apply -f      Make bpfman.io/v1alpha1 documents (XdpProgram, ...) true\n"
		"                on this host; diff -f shows the plan, delete -f removes.\n"
		"  help COMMAND  Same as COMMAND --help.\n"
		"  load-from-file, load-from-image\n"
		"                bpfman's older one-step grammar: load and attach.\n"
		"\n"
		"Global options go before the command; -o/--output also works after it.",
	.opts = global_opts,
	.examples =
		"bpfmanctl load file -p counter.bpf.o --programs tracepoint:count_getpid\n"
		"bpfmanctl attach 4321 tracepoint -t syscalls/sys_enter_getpid\n"
		"bpfmanctl -o json list programs\n"
		"BPFMAN_STATE_DIR=/tmp/s bpfmanctl list links",
	.stop_at_positional = true,
};

struct command {
	const char *name;
	ctl_cmd_fn fn;
};

static const struct command commands[] = {
	{ "load", cmd_load },
	{ "attach", cmd_attach },
	{ "detach", cmd_detach },
	{ "update", cmd_update },
	{ "chain", cmd_chain },
	{ "unload", cmd_unload },
	{ "list", cmd_list },
	{ "get", cmd_get },
	{ "restore", cmd_restore },
	{ "reconcile", cmd_reconcile },
	{ "events", cmd_events },
	{ "image", cmd_image },
	{ "load-from-file", cmd_load_from_file },
	{ "load-from-image", cmd_load_from_image },
	{ "apply", cmd_apply },
	{ "diff", cmd_diff },
	{ "delete", cmd_delete },
	{ NULL, NULL },
};

static int global_opt(void *cfg, int key, const char *arg)
{
	struct ctl_global *g = cfg;

	switch (key) {
	case KEY_STATE_DIR:
		g->state_dir = arg;
		break;
	case KEY_BPFFS_ROOT:
		g->bpffs_root = arg;
		break;
	case KEY_RUNTIME_DIR:
		g->runtime_dir = arg;
		break;
	case KEY_IMAGE_CACHE_DIR:
		g->image_cache_dir = arg;
		break;
	case KEY_CONFIG:
		g->config_path = arg;
		break;
	case KEY_ALLOW_SHARED_DIRS:
		g->allow_shared_dirs = true;
		break;
	case 'v':
		g->verbose++;
		break;
	case KEY_VERSION:
		printf("bpfmanctl %s (libbpfman %s)\n", BPFMAN_VERSION_STRING,
		       bpfman_version_string());
		return CTL_HELP_SHOWN;
	default:
		return usage_err("unexpected argument '%s'", arg);
	}
	return 0;
}

static const char *env_or_null(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static void log_to_stderr(enum bpfman_log_level level, const char *msg,
			  void *user_data)
{
	static const char *const names[] = {
		[BPFMAN_LOG_ERROR] = "error",
		[BPFMAN_LOG_WARN] = "warning",
		[BPFMAN_LOG_INFO] = "info",
		[BPFMAN_LOG_DEBUG] = "debug",
	};
	const char *name = (unsigned)level <= BPFMAN_LOG_DEBUG ? names[level] : "log";

	(void)user_data;
	fprintf(stderr, "bpfmanctl: %s: ", name);
	term_fputs(msg, stderr); /* names from images and the kernel */
	fputc('\n', stderr);
}

int ctl_exit_code(enum bpfman_errkind kind, int err)
{
	if (!err)
		return CTL_EXIT_OK;
	switch (kind) {
	case BPFMAN_ERRKIND_NOT_FOUND:
		return CTL_EXIT_NOT_FOUND;
	case BPFMAN_ERRKIND_PERMISSION:
		return CTL_EXIT_PERMISSION;
	case BPFMAN_ERRKIND_BUSY:
		return CTL_EXIT_BUSY;
	case BPFMAN_ERRKIND_VERIFIER:
		return CTL_EXIT_VERIFIER;
	case BPFMAN_ERRKIND_IMAGE_REFUSED:
		return CTL_EXIT_IMAGE;
	case BPFMAN_ERRKIND_AUTH:
		return CTL_EXIT_AUTH;
	case BPFMAN_ERRKIND_NONE:
		break; /* a failure the library left no sentence for */
	default:
		return CTL_EXIT_FAILED;
	}
	switch (-err) {
	case ENOENT:
		return CTL_EXIT_NOT_FOUND;
	case EBUSY:
	case EEXIST:
		return CTL_EXIT_BUSY;
	default:
		return CTL_EXIT_FAILED;
	}
}

int ctl_fail(struct bpfman_ctx *ctx, int err)
{
	const char *msg = bpfman_errmsg(ctx);
	enum bpfman_errkind kind = bpfman_errkind(ctx);

	if (!msg || !*msg)
		msg = strerror(err < 0 ? -err : err);
	fputs("bpfmanctl: error: ", stderr);
	term_fputs(msg, stderr);
	fputc('\n', stderr);
	/* The library names fields and calls; the hint in our own terms. */
	if (kind == BPFMAN_ERRKIND_PERMISSION && geteuid() != 0)
		fprintf(stderr, "bpfmanctl: hint: run as root, or with CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN and CAP_SYS_ADMIN\n");
	return ctl_exit_code(kind, err);
}

int ctl_fail_hint(struct bpfman_ctx *ctx, int err, const char *not_found_hint)
{
	int ret = ctl_fail(ctx, err);

	if (ret == CTL_EXIT_NOT_FOUND && not_found_hint)
		fprintf(stderr, "bpfmanctl: hint: %s\n", not_found_hint);
	return ret;
}

int ctl_open(struct bpfman_ctx **ret_ctx, const struct ctl_global *g)
{
	int level = BPFMAN_LOG_WARN + g->verbose;
	int err;

	BPFMAN_OPTS(bpfman_ctx_opts, opts,
		    .state_dir = g->state_dir,
		    .bpffs_root = g->bpffs_root,
		    .runtime_dir = g->runtime_dir,
		    .image_cache_dir = g->image_cache_dir,
		    .config_path = g->config_path,
		    .allow_shared_dirs = g->allow_shared_dirs,
		    .log_fn = log_to_stderr,
		    .log_level = level > BPFMAN_LOG_DEBUG ? BPFMAN_LOG_DEBUG
							  : (enum bpfman_log_level)level);

	err = bpfman_ctx_new(ret_ctx, &opts);
	if (err)
		return ctl_fail(NULL, err);
	return 0;
}

/* "help load file" -> "load file --help". */
static int run_help(int argc, char **argv, struct ctl_global *g)
{
	char **args;
	int ret;

	if (argc < 2) {
		opts_help(&global_spec);
		return CTL_EXIT_OK;
	}
	for (const struct command *c = commands; c->name; c++) {
		if (strcmp(c->name, argv[1]))
			continue;
		args = calloc((size_t)argc + 1, sizeof(*args));
		if (!args)
			return CTL_EXIT_FAILED;
		memcpy(args, argv + 1, (size_t)(argc - 1) * sizeof(*args));
		args[argc - 1] = (char *)"--help";
		ret = c->fn(argc, args, g);
		free(args);
		return ret == CTL_HELP_SHOWN ? CTL_EXIT_OK : ret;
	}
	usage_err("unknown command '%s'", argv[1]);
	fprintf(stderr, "Try 'bpfmanctl --help'.\n");
	return CTL_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	struct ctl_global g = {
		.state_dir = env_or_null("BPFMAN_STATE_DIR"),
		.bpffs_root = env_or_null("BPFMAN_BPFFS_ROOT"),
		.runtime_dir = env_or_null("BPFMAN_RUNTIME_DIR"),
		.image_cache_dir = env_or_null("BPFMAN_IMAGE_CACHE_DIR"),
		.allow_shared_dirs = env_or_null("BPFMAN_ALLOW_SHARED_DIRS") &&
				     strcmp(getenv("BPFMAN_ALLOW_SHARED_DIRS"), "0"),
	};
	int next = 0, err;

	term_escape_stdout();
	err = opts_parse(&global_spec, argc, argv, &g, global_opt, &g, &next);
	if (err == CTL_HELP_SHOWN)
		return CTL_EXIT_OK;
	if (err)
		return err;
	if (next >= argc) {
		usage_err("missing command");
		fprintf(stderr, "Try 'bpfmanctl --help'.\n");
		return CTL_EXIT_USAGE;
	}
	if (!strcmp(argv[next], "help"))
		return run_help(argc - next, argv + next, &g);
	for (const struct command *c = commands; c->name; c++) {
		if (!strcmp(c->name, argv[next])) {
			err = c->fn(argc - next, argv + next, &g);
			return err == CTL_HELP_SHOWN ? CTL_EXIT_OK : err;
		}
	}
	usage_err("unknown command '%s'", argv[next]);
	fprintf(stderr, "Try 'bpfmanctl --help'.\n");
	return CTL_EXIT_USAGE;
}
