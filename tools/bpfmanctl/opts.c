/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One option table per command drives getopt_long and --help, so the two
 * cannot disagree. Values listed after an OPT_ARG_MANY flag
 * ("--programs a b -g X=01 Y=02") are handed to that flag's handler, as
 * bpfman's CLI accepts them, until the next option or "--". Only options
 * documented as lists are OPT_ARG_MANY: any other (--key FILE) takes one
 * value, so "--key k.pub IMAGE" leaves IMAGE positional.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, reallocarray, open_memstream */
#endif
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

#define HELP_COLUMN 30
#define HELP_WIDTH (80 - HELP_COLUMN)

int usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs("bpfmanctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CTL_EXIT_USAGE;
}

bool args_want_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	}
	return false;
}

static const struct opt *opt_by_key(const struct opt *opts, int key)
{
	for (; opts->name; opts++)
		if (opts->key == key)
			return opts;
	return NULL;
}

static bool is_short(int key)
{
	return key > ' ' && key < 127;
}

/* Prints help text from column HELP_COLUMN (the cursor is at column
 * `col`), word-wrapped to HELP_WIDTH; '\n' in the text starts a new line. */
static void print_help_text(int col, const char *h)
{
	int used = 0;

	if (col + 2 > HELP_COLUMN) {
		putchar('\n');
		col = 0;
	}
	printf("%*s", HELP_COLUMN - col, "");
	while (h && *h) {
		size_t len = strcspn(h, " \n");

		if (len) {
			if (used && used + 1 + (int)len > HELP_WIDTH) {
				printf("\n%*s", HELP_COLUMN, "");
				used = 0;
			}
			printf("%s%.*s", used ? " " : "", (int)len, h);
			used += (used ? 1 : 0) + (int)len;
			h += len;
		}
		if (*h == '\n' && h[1]) {
			printf("\n%*s", HELP_COLUMN, "");
			used = 0;
		}
		if (*h)
			h++;
	}
	putchar('\n');
}

static void print_flag(const struct opt *o)
{
	int n;

	if (is_short(o->key))
		n = printf("  -%c, --%s", o->key, o->name);
	else
		n = printf("      --%s", o->name);
	if (o->metavar)
		n += printf(" %s%s", o->metavar, o->arg == OPT_ARG_MANY ? "..." : "");
	print_help_text(n, o->help);
}

static void print_indented(const char *title, const char *text)
{
	printf("\n%s:\n", title);
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		int len = nl ? (int)(nl - text) : (int)strlen(text);
		printf("  %.*s\n", len, text);
		text = nl ? nl + 1 : NULL;
	}
}

void opts_help(const struct cmd_spec *spec)
{
	printf("Usage: bpfmanctl %s%s%s\n\n%s\n", spec->name,
	       *spec->name ? " " : "", spec->usage, spec->summary);
	if (spec->opts && spec->opts->name) {
		printf("\nOptions:\n");
		for (const struct opt *o = spec->opts; o->name; o++)
			print_flag(o);
	}
	if (spec->extra)
		printf("\n%s\n", spec->extra);
	print_indented("Examples", spec->examples);
	printf("\nExit status: 0 ok, 1 operation failed, 2 usage error, 3 not found,\n"
	       "4 permission denied, 5 busy or already exists, 6 rejected by the\n"
	       "verifier, 7 image refused, 8 registry credentials refused or needed.\n");
}

static void hint(const struct cmd_spec *spec)
{
	fprintf(stderr, "Try 'bpfmanctl %s%s--help'.\n", spec->name,
		*spec->name ? " " : "");
}

/* getopt_long's tables built from ours. */
struct getopt_tables {
	struct option *longopts;
	char *shortopts;
};

static int build_tables(struct getopt_tables *t, const struct cmd_spec *spec)
{
	size_t cnt = 0, s = 0;

	while (spec->opts && spec->opts[cnt].name)
		cnt++;
	t->longopts = calloc(cnt + 1, sizeof(*t->longopts));
	t->shortopts = calloc(3 * cnt + 3, 1);
	if (!t->longopts || !t->shortopts) {
		free(t->longopts);
		free(t->shortopts);
		return -ENOMEM;
	}
	/* '+': stop at the first positional; '-': hand positionals over in
	 * order (so values after a MANY flag can be told apart); ':' reports
	 * a missing value as ':' instead of printing. */
	t->shortopts[s++] = spec->stop_at_positional ? '+' : '-';
	t->shortopts[s++] = ':';
	for (size_t i = 0; i < cnt; i++) {
		const struct opt *o = &spec->opts[i];

		t->longopts[i] = (struct option){
			.name = o->name,
			.has_arg = o->arg == OPT_ARG_NONE ? no_argument
							  : required_argument,
			.val = o->key,
		};
		if (is_short(o->key)) {
			t->shortopts[s++] = (char)o->key;
			if (o->arg != OPT_ARG_NONE)
				t->shortopts[s++] = ':';
		}
	}
	return 0;
}

static int handle(const struct cmd_spec *spec, const struct opt *o,
		  const char *arg, struct ctl_global *g, opt_fn fn, void *cfg)
{
	switch (o->role) {
	case OPT_ROLE_HELP:
		opts_help(spec);
		return CTL_HELP_SHOWN;
	case OPT_ROLE_OUTPUT:
		return args_output(&g->output, arg);
	case OPT_ROLE_NORMAL:
		break;
	}
	return fn(cfg, o->key, arg);
}

static int parse_loop(const struct cmd_spec *spec, const struct getopt_tables *t,
		      int argc, char **argv, struct ctl_global *g, opt_fn fn,
		      void *cfg, int *ret_next)
{
	const struct opt *many = NULL; /* the MANY flag values may follow */
	int c, err;

	optind = 0; /* full re-initialisation: we parse several argvs */
	opterr = 0;
	while ((c = getopt_long(argc, argv, t->shortopts, t->longopts, NULL)) != -1) {
		const struct opt *o;

		if (c == 1) { /* a positional, in order ('-' mode) */
			err = many ? fn(cfg, many->key, optarg)
				   : fn(cfg, OPT_KEY_POSITIONAL, optarg);
			if (err)
				return err;
			continue;
		}
		if (c == '?') {
			if (optopt && is_short(optopt))
				return usage_err("unknown option '-%c'", optopt);
			return usage_err("unknown or ambiguous option '%s'",
					 argv[optind - 1]);
		}
		if (c == ':') {
			o = opt_by_key(spec->opts, optopt);
			if (!o)
				return usage_err("option '%s' needs a value",
						 argv[optind - 1]);
			return usage_err("option --%s needs a value: --%s %s",
					 o->name, o->name,
					 o->metavar ? o->metavar : "VALUE");
		}
		o = opt_by_key(spec->opts, c);
		if (!o)
			return usage_err("internal error: option key %d", c);
		many = o->arg == OPT_ARG_MANY ? o : NULL;
		err = handle(spec, o, optarg, g, fn, cfg);
		if (err)
			return err;
	}
	if (spec->stop_at_positional) {
		*ret_next = optind;
		return 0;
	}
	/* Whatever follows "--" is positional. */
	for (int i = optind; i < argc; i++) {
		err = fn(cfg, OPT_KEY_POSITIONAL, argv[i]);
		if (err)
			return err;
	}
	return 0;
}

int opts_parse(const struct cmd_spec *spec, int argc, char **argv,
	       struct ctl_global *g, opt_fn fn, void *cfg, int *ret_next)
{
	struct getopt_tables t;
	int err;

	if (build_tables(&t, spec))
		return usage_err("out of memory");
	err = parse_loop(spec, &t, argc, argv, g, fn, cfg, ret_next);
	free(t.longopts);
	free(t.shortopts);
	if (err == CTL_EXIT_USAGE)
		hint(spec);
	return err;
}
