/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Command-line parsing shared by every command: one option table per command
 * feeds both getopt_long and --help, plus strict value parsers (ids, numbers,
 * KEY=VALUE, NAME=HEX, program specs, types). Every parser prints a message
 * that names the bad value and the expected form, and returns CTL_EXIT_USAGE.
 */
#ifndef BPFMANCTL_ARGS_H
#define BPFMANCTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfmanctl.h"

enum opt_arg {
	OPT_ARG_NONE = 0,
	OPT_ARG_ONE,  /* exactly one value: -x V, --xx V, --xx=V */
	OPT_ARG_MANY, /* one or more: repeat the flag, or list values after it */
};

enum opt_role {
	OPT_ROLE_NORMAL = 0,
	OPT_ROLE_HELP,   /* handled by opts_parse: prints help */
	OPT_ROLE_OUTPUT, /* handled by opts_parse: sets ctl_global.output */
};

/* Keys: a short option letter, or OPT_LONG(n) for long-only options. */
#define OPT_LONG(n) (256 + (n))
/* Key passed to the handler for a positional argument. */
#define OPT_KEY_POSITIONAL 1

struct opt {
	const char *name;    /* long name without "--" */
	int key;             /* short letter or OPT_LONG(n) */
	enum opt_arg arg;
	const char *metavar; /* shown in help, e.g. "PATH" */
	const char *help;    /* may hold '\n' for more lines */
	enum opt_role role;
};

/* A normal table entry: OPT(name, key, arg, metavar, help). */
#define OPT(NAME, KEY, ARG, METAVAR, HELP)                                    \
	{ NAME, KEY, ARG, METAVAR, HELP, OPT_ROLE_NORMAL }
#define OPT_HELP_ENTRY                                                         \
	{ "help", 'h', OPT_ARG_NONE, NULL, "Show this help and exit.",         \
	  OPT_ROLE_HELP }
/* key: 'o', or OPT_LONG(...) where -o means something else (--offset). */
#define OPT_OUTPUT_ENTRY(key)                                                  \
	{ "output", (key), OPT_ARG_ONE, "FORMAT",                              \
	  "Output format: table (default), json or yaml.", OPT_ROLE_OUTPUT }
#define OPT_END { NULL, 0, OPT_ARG_NONE, NULL, NULL, OPT_ROLE_NORMAL }

/* Everything --help shows for one command. */
struct cmd_spec {
	const char *name;     /* "load file" */
	const char *usage;    /* after "bpfmanctl <name> " */
	const char *summary;  /* what it does; may hold '\n' */
	const struct opt *opts;
	const char *extra;    /* optional paragraph after the options */
	const char *examples; /* one example per line, at least one */
	/* Stop at the first positional (main: the subcommand name). */
	bool stop_at_positional;
};

/* Called for each option (key from the table) and each positional
 * (OPT_KEY_POSITIONAL); returns 0 or CTL_EXIT_USAGE (message printed). */
typedef int (*opt_fn)(void *cfg, int key, const char *arg);

/* Parses argv[1..] against spec->opts. Returns 0, CTL_EXIT_USAGE (message
 * and a "Try --help" hint printed) or CTL_HELP_SHOWN. With
 * stop_at_positional, *ret_next is the index of the first positional. */
int opts_parse(const struct cmd_spec *spec, int argc, char **argv,
	       struct ctl_global *g, opt_fn fn, void *cfg, int *ret_next);
void opts_help(const struct cmd_spec *spec);
/* Prints "bpfmanctl: <msg>" and returns CTL_EXIT_USAGE. */
int usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* True when argv[1..] holds -h or --help (before any "--"). */
bool args_want_help(int argc, char **argv);

/* Growable arrays of parsed values; free with the matching _free. */
struct kv_vec {
	struct bpfman_kv *v;
	size_t n;
};
struct global_vec {
	struct bpfman_global_data *v;
	size_t n;
};
struct str_vec {
	const char **v;
	size_t n;
};
void kv_vec_free(struct kv_vec *kv);
void global_vec_free(struct global_vec *gv);
void str_vec_free(struct str_vec *sv);
int str_vec_push(struct str_vec *sv, const char *s);

/* Unsigned number in [min, max]; decimal, or also 0x-hex when allow_hex.
 * `what` names the value in messages ("program ID"). */
int args_uint(uint64_t *ret, const char *s, const char *what, uint64_t min,
	      uint64_t max, bool allow_hex);
int args_u32_id(uint32_t *ret, const char *s, const char *what);
int args_u64_id(uint64_t *ret, const char *s, const char *what);
int args_int32(int32_t *ret, const char *s, const char *what, int32_t min);
/* KEY=VALUE, several separated by ',' like bpfman; key non-empty. */
int args_kv_list(struct kv_vec *kv, const char *s, const char *flag);
/* NAME=HEX with optional 0x; an even number of hex digits, at least two. */
int args_global(struct global_vec *gv, const char *s);
/* TYPE:FUNC[:ATTACH_FUNC]; ATTACH_FUNC required for fentry/fexit only. */
int args_program_spec(const char *s);
int args_output(enum ctl_output *ret, const char *s);
int args_direction(enum bpfman_direction *ret, const char *s);

/* --program-type for list: a libbpfman type (passed to the library), or one
 * of bpfman's kernel program type names (filtered here, by kernel type). */
struct type_filter {
	enum bpfman_program_type type; /* UNSPEC when kernel is used */
	const char *kernel;            /* libbpf name ("kprobe"), or NULL */
};
int args_type_filter(struct type_filter *ret, const char *s);
/* The kernel type name a program of this libbpfman type usually has. */
const char *args_kernel_type_of(enum bpfman_program_type type);

#endif /* BPFMANCTL_ARGS_H */
