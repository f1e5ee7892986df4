// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "libbpf_glue.h"

#include <bpf/libbpf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Verifier logs can be megabytes; keep the whole thing up to this. */
#define CAPTURE_MAX (16u << 20)

static __thread struct libbpf_capture *current;
static libbpf_print_fn_t previous_print;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;

/* libbpf hands us its format string: not a literal by nature. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static int glue_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	struct libbpf_capture *cap = current;
	char *msg;
	size_t n;

	if (!cap)
		return previous_print ? previous_print(level, fmt, ap) : 0;
	msg = str_vprintf(fmt, ap);
	if (!msg)
		return 0;
	n = strlen(msg);
	if (level != LIBBPF_DEBUG && cap->len + n < CAPTURE_MAX) {
		char *grown = realloc(cap->buf, cap->len + n + 1);

		if (grown) {
			memcpy(grown + cap->len, msg, n + 1);
			cap->buf = grown;
			cap->len += n;
		}
	}
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	bpfman_log(cap->ctx, BPFMAN_LOG_DEBUG, "%s", msg);
	free(msg);
	return 0;
}

static void install(void)
{
	previous_print = libbpf_set_print(glue_print);
	/* libbpf_set_print returns the old callback, which may be libbpf's
	 * default (prints to stderr); keep it only for callers outside us. */
}

void libbpf_capture_begin(struct libbpf_capture *cap, struct bpfman_ctx *ctx)
{
	pthread_once(&install_once, install);
	memset(cap, 0, sizeof(*cap));
	cap->ctx = ctx;
	cap->prev = current;
	current = cap;
}

void libbpf_capture_end(struct libbpf_capture *cap)
{
	if (current == cap)
		current = cap->prev;
	free(cap->buf);
	cap->buf = NULL;
	cap->len = 0;
}

const char *libbpf_capture_text(const struct libbpf_capture *cap)
{
	return cap->buf ? cap->buf : "";
}
