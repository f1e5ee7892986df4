/* SPDX-License-Identifier: Apache-2.0 */
/* libbpf prints through one process-wide callback. While a libbpfman call
 * works with libbpf, its messages (verifier logs among them) are captured
 * for that thread so they can end up in bpfman_errmsg(), and forwarded to
 * the context's log at DEBUG. Outside our calls, messages go to whatever
 * callback the application had installed. */
#ifndef BPFMAN_LIBBPF_GLUE_H
#define BPFMAN_LIBBPF_GLUE_H

#include <stddef.h>

struct bpfman_ctx;

struct libbpf_capture {
	struct bpfman_ctx *ctx;
	char *buf;
	size_t len;
	struct libbpf_capture *prev;
};

void libbpf_capture_begin(struct libbpf_capture *cap, struct bpfman_ctx *ctx);
/* Frees the buffer; call on every path (use _cleanup_(libbpf_capture_end)). */
void libbpf_capture_end(struct libbpf_capture *cap);
/* What libbpf said so far, "" if nothing. */
const char *libbpf_capture_text(const struct libbpf_capture *cap);

#endif
