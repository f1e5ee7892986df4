/* SPDX-License-Identifier: Apache-2.0 */
/* Registry flags and the progress bar for the image commands. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* explicit_bzero */
#endif
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "image_cli.h"

static int b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Standard or URL-safe base64, padding optional; NULL when malformed or
 * when the text holds a NUL byte. */
static char *b64_decode(const char *s)
{
	size_t len = strlen(s), n = 0;
	char *out = malloc(len / 4 * 3 + 4);
	uint32_t acc = 0;
	int bits = 0;
	const char *p;

	if (!out)
		return NULL;
	for (p = s; *p && *p != '='; p++) {
		int v = b64_value((unsigned char)*p);

		if (v < 0)
			goto bad;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)(acc >> bits & 0xff);
		}
	}
	while (*p == '=')
		p++;
	if (*p || memchr(out, '\0', n))
		goto bad;
	out[n] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

/* Takes ownership of plain ("USER:PASSWORD"); `from` names the source. */
static int set_credentials(struct registry_cli *r, char *plain, const char *from)
{
	char *colon = plain ? strchr(plain, ':') : NULL;

	if (!colon || colon == plain) {
		if (plain)
			explicit_bzero(plain, strlen(plain));
		free(plain);
		return usage_err("invalid credentials in %s: expected USER:PASSWORD "
				 "with a non-empty USER", from);
	}
	*colon = '\0';
	registry_cli_free(r);
	r->username = plain;
	r->password = strdup(colon + 1);
	explicit_bzero(colon + 1, strlen(colon + 1));
	return r->password ? 0 : usage_err("out of memory");
}

/* The first line of f, without its newline; NULL when empty or too long. */
static char *read_first_line(FILE *f)
{
	char buf[4096];
	size_t len;
	char *line;

	if (!fgets(buf, sizeof(buf), f))
		return NULL;
	len = strcspn(buf, "\r\n");
	if (len == strlen(buf) && !feof(f)) { /* no newline in 4 KiB */
		explicit_bzero(buf, sizeof(buf));
		return NULL;
	}
	buf[len] = '\0';
	line = strdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return line;
}

int args_registry_auth(struct registry_cli *r, const char *arg)
{
	char *plain;

	if (!strcmp(arg, "-"))
		return set_credentials(r, read_first_line(stdin), "stdin (-r -)");
	plain = b64_decode(arg);
	if (!plain || !strchr(plain, ':') || plain[0] == ':') {
		free(plain);
		return usage_err("invalid --registry-auth: expected base64 of USER:PASSWORD, "
				 "e.g. --registry-auth-file FILE holding USER:PASSWORD, or -r - "
				 "with USER:PASSWORD on stdin");
	}
	fprintf(stderr, "bpfmanctl: warning: -r/--registry-auth puts credentials on the "
		"command line, where other users can read them (ps, /proc/PID/cmdline); "
		"use --registry-auth-file FILE or -r - (stdin)\n");
	return set_credentials(r, plain, "--registry-auth");
}

int args_registry_auth_file(struct registry_cli *r, const char *path)
{
	FILE *f = fopen(path, "re");
	struct stat st;
	char *line;

	if (!f)
		return usage_err("cannot read --registry-auth-file %s: %s", path, strerror(errno));
	if (!fstat(fileno(f), &st) && (st.st_mode & 0077))
		fprintf(stderr, "bpfmanctl: warning: %s holds registry credentials but other "
			"users may read it (mode %04o); chmod 600 %s\n", path,
			(unsigned)(st.st_mode & 07777), path);
	line = read_first_line(f);
	fclose(f);
	return set_credentials(r, line, path);
}

int args_pull_policy(enum bpfman_pull_policy *ret, const char *arg)
{
	int p = bpfman_pull_policy_from_name(arg);

	if (p < 0)
		return usage_err("invalid --pull-policy '%s': expected Always, IfNotPresent or Never",
				 arg);
	*ret = (enum bpfman_pull_policy)p;
	return 0;
}

/* Whether a progress line is on screen (one command, one line). */
static int bar_drawn;

static void progress(const char *what, uint64_t done, uint64_t total, void *user_data)
{
	(void)user_data;
	if (total)
		fprintf(stderr, "\r%-40.40s %10llu / %llu bytes (%3u%%)", what,
			(unsigned long long)done, (unsigned long long)total,
			(unsigned)(done * 100 / total));
	else
		fprintf(stderr, "\r%-40.40s %10llu bytes", what, (unsigned long long)done);
	bar_drawn = 1;
}

const struct bpfman_registry_opts *registry_cli_opts(struct registry_cli *r)
{
	bpfman_registry_opts_init(&r->opts, sizeof(r->opts));
	r->opts.username = r->username;
	r->opts.password = r->password;
	r->opts.auth_file = r->auth_file;
	if (isatty(STDERR_FILENO))
		r->opts.progress = progress;
	return &r->opts;
}

void registry_cli_done(struct registry_cli *r)
{
	(void)r;
	if (bar_drawn)
		fputc('\n', stderr);
	bar_drawn = 0;
}

void registry_cli_free(struct registry_cli *r)
{
	if (r->password)
		explicit_bzero(r->password, strlen(r->password));
	free(r->username);
	free(r->password);
	r->username = r->password = NULL;
}
