/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Nothing bpfmanctl prints may drive the terminal. Names and values come
 * from images, the kernel and other programs' metadata (a map name, a
 * label, an application name written by another tool) and may hold ESC
 * sequences that retitle the window, hide text or rewrite the screen.
 * JSON and YAML escape control characters themselves; everything else
 * (tables, library sentences) passes through here. A control character
 * other than newline and tab, DEL, and a C1 control (U+0080-U+009F,
 * UTF-8 C2 80-9F) is written as \xNN or \u00NN.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* fopencookie */
#endif
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "term_escape.h"

struct esc_state {
	int fd;
	bool pending_c2; /* the last byte written was 0xC2 (held back) */
};

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Escapes buf into out (at most 6 bytes per input byte); returns length. */
static size_t escape(struct esc_state *st, const unsigned char *buf, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = buf[i];

		if (st->pending_c2) {
			st->pending_c2 = false;
			if (c >= 0x80 && c <= 0x9f) {
				o += (size_t)sprintf(out + o, "\\u%04x", c);
				continue;
			}
			out[o++] = (char)0xc2;
		}
		if (c == 0xc2) {
			st->pending_c2 = true;
		} else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
			o += (size_t)sprintf(out + o, "\\x%02x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	return o;
}

static ssize_t esc_write(void *cookie, const char *buf, size_t len)
{
	struct esc_state *st = cookie;
	/* One write() for one buffer, as stdio would have done: a reader that
	 * stops early (grep -q) then sees the same pipe behaviour as before. */
	char *out = len < SIZE_MAX / 6 ? malloc(6 * len + 1) : NULL;
	size_t n;

	if (!out)
		return -1;
	n = escape(st, (const unsigned char *)buf, len, out);
	if (write_all(st->fd, out, n)) {
		free(out);
		return -1;
	}
	free(out);
	return (ssize_t)len;
}

static int esc_close(void *cookie)
{
	struct esc_state *st = cookie;

	if (st->pending_c2)
		write_all(st->fd, "\xc2", 1);
	st->pending_c2 = false;
	return 0;
}

void term_escape_stdout(void)
{
	static struct esc_state st = { .fd = STDOUT_FILENO };
	cookie_io_functions_t io = { .write = esc_write, .close = esc_close };
	FILE *f;

	fflush(stdout);
	f = fopencookie(&st, "w", io);
	if (!f)
		return; /* out of memory: plain stdout, as before */
	/* As stdout was: line buffered on a terminal, so that it keeps its
	 * order with what goes to stderr. */
	setvbuf(f, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
	stdout = f; /* glibc lets a program replace its stdout */
}

void term_fputs(const char *s, FILE *f)
{
	struct esc_state st = { .fd = -1 };
	char out[6 * 512 + 1];
	size_t len = strlen(s);

	for (size_t done = 0; done < len;) {
		size_t chunk = len - done > 512 ? 512 : len - done;
		size_t n = escape(&st, (const unsigned char *)s + done, chunk, out);

		fwrite(out, 1, n, f);
		done += chunk;
	}
	if (st.pending_c2)
		fputc(0xc2, f);
}
