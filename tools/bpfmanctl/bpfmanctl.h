/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bpfmanctl: what every command shares. Each command parses its whole
 * command line into its own config struct first (cmd_<verb>.c, parse_*),
 * and only then opens a context and calls libbpfman (operate_*), so a usage
 * error never touches the library.
 */
#ifndef BPFMANCTL_H
#define BPFMANCTL_H

#include <stdbool.h>

#include <bpfman/bpfman.h>

/* Exit codes scripts can rely on (doc/bpfmanctl.md, --help). */
enum ctl_exit {
	CTL_EXIT_OK = 0,
	CTL_EXIT_FAILED = 1,     /* the library reported a failure */
	CTL_EXIT_USAGE = 2,      /* bad flags or arguments; library untouched */
	CTL_EXIT_NOT_FOUND = 3,  /* BPFMAN_ERRKIND_NOT_FOUND */
	CTL_EXIT_PERMISSION = 4, /* BPFMAN_ERRKIND_PERMISSION: privilege */
	CTL_EXIT_BUSY = 5,       /* BPFMAN_ERRKIND_BUSY */
	CTL_EXIT_VERIFIER = 6,   /* BPFMAN_ERRKIND_VERIFIER */
	CTL_EXIT_IMAGE = 7,      /* BPFMAN_ERRKIND_IMAGE_REFUSED */
	CTL_EXIT_AUTH = 8,       /* BPFMAN_ERRKIND_AUTH */
};

/* Returned by parsers when --help was printed: the command exits 0. */
#define CTL_HELP_SHOWN (-1)

enum ctl_output {
	CTL_OUTPUT_TABLE = 0,
	CTL_OUTPUT_JSON,
	CTL_OUTPUT_YAML,
};

/* Options that come before the subcommand (and -o after it). */
struct ctl_global {
	const char *state_dir;
	const char *bpffs_root;
	const char *runtime_dir;
	const char *image_cache_dir;
	const char *config_path;
	enum ctl_output output;
	int verbose;
	bool allow_shared_dirs; /* --allow-shared-dirs, BPFMAN_ALLOW_SHARED_DIRS */
};

/* A command's entry point: argv[0] is the command's own name. */
typedef int (*ctl_cmd_fn)(int argc, char **argv, struct ctl_global *g);

int cmd_load(int argc, char **argv, struct ctl_global *g);
int cmd_attach(int argc, char **argv, struct ctl_global *g);
int cmd_detach(int argc, char **argv, struct ctl_global *g);
int cmd_update(int argc, char **argv, struct ctl_global *g);
int cmd_chain(int argc, char **argv, struct ctl_global *g);
int cmd_unload(int argc, char **argv, struct ctl_global *g);
int cmd_list(int argc, char **argv, struct ctl_global *g);
int cmd_get(int argc, char **argv, struct ctl_global *g);
int cmd_restore(int argc, char **argv, struct ctl_global *g);
int cmd_reconcile(int argc, char **argv, struct ctl_global *g);
int cmd_events(int argc, char **argv, struct ctl_global *g);
int cmd_image(int argc, char **argv, struct ctl_global *g);
int cmd_load_from_file(int argc, char **argv, struct ctl_global *g);
int cmd_load_from_image(int argc, char **argv, struct ctl_global *g);
/* cmd_apply.c: apply, diff, delete -f (declarative, doc/apply.md). */
int cmd_apply(int argc, char **argv, struct ctl_global *g);
int cmd_diff(int argc, char **argv, struct ctl_global *g);
int cmd_delete(int argc, char **argv, struct ctl_global *g);

/* main.c: opens a context from the global options; on failure prints the
 * library's sentence and returns the exit code, else 0. */
int ctl_open(struct bpfman_ctx **ret_ctx, const struct ctl_global *g);
/* main.c: prints "bpfmanctl: error: <errmsg>" for a failed call (err is the
 * negative errno it returned) and returns the matching exit code. */
int ctl_fail(struct bpfman_ctx *ctx, int err);
/* ctl_fail(), then, when the failure is "not found", a hint in bpfmanctl's
 * own terms (the library's sentence names no command). */
int ctl_fail_hint(struct bpfman_ctx *ctx, int err, const char *not_found_hint);
/* Exit code for a failure of kind `kind` (bpfman_errkind()); err, the
 * negative errno, decides only when the library gave no kind. */
int ctl_exit_code(enum bpfman_errkind kind, int err);

#endif /* BPFMANCTL_H */
