/* SPDX-License-Identifier: Apache-2.0 */
/* libbpf prints through one process-wide callback. While a libbpfman call
 * works with libbpf, its messages (verifier logs among them) are captured
 * for that thread so they can end up in bpfman_errmsg(), and forwarded to
 * the context's log at DEBUG. Outside our calls, messages go to whatever
 * callback the application had installed. */
#ifndef BPFMAN_LIBBPF_GLUE_H
#define BPFMAN_LIBBPF_GLUE_H

#include <stdbool.h>
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

/* A text for a negative errno that may be one of libbpf's own codes
 * (LIBBPF_ERRNO__FORMAT is 4001, which strerror() calls "Unknown error
 * 4001"): libbpf's words for those, strerror()'s for the others. */
const char *libbpf_err_text(int err, char *buf, size_t len);

/* Records why libbpf could not open the object `what` (a path or a name)
 * and returns a real negative errno: a malformed object becomes
 * "WHAT is not a valid BPF ELF object: <libbpf's words>" with
 * BPFMAN_ERRKIND_BAD_OBJECT, never a bare libbpf code. */
int libbpf_open_failed(struct bpfman_ctx *ctx, const struct libbpf_capture *cap,
		       int err, const char *what);

/* Records why bpf_object__load() failed for `what` ("prog.o (func)") and
 * returns a real negative errno, classified: the verifier's rejection
 * (its log was captured) is BPFMAN_ERRKIND_VERIFIER with the log; an EPERM
 * or EACCES without a log is BPFMAN_ERRKIND_PERMISSION only when this
 * process lacks CAP_BPF and CAP_SYS_ADMIN, and otherwise a kernel that
 * does not allow the program (BPFMAN_ERRKIND_UNSUPPORTED). */
int libbpf_load_failed(struct bpfman_ctx *ctx, const struct libbpf_capture *cap,
		       int err, const char *what);

/* True when this process has CAP_BPF or CAP_SYS_ADMIN in effect. */
bool process_can_bpf(void);

#endif
