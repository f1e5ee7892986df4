// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "libbpf_glue.h"

#include <bpf/libbpf.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>
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

static bool libbpf_own(int err)
{
	err = err < 0 ? -err : err;
	return err >= __LIBBPF_ERRNO__START && err < __LIBBPF_ERRNO__END;
}

const char *libbpf_err_text(int err, char *buf, size_t len)
{
	err = err < 0 ? -err : err;
	if (libbpf_own(err) && libbpf_strerror(err, buf, len) == 0)
		return buf;
	snprintf(buf, len, "%s", strerror(err));
	return buf;
}

int libbpf_open_failed(struct bpfman_ctx *ctx, const struct libbpf_capture *cap,
		       int err, const char *what)
{
	char text[128];

	if (!err)
		err = -EINVAL;
	err = err < 0 ? err : -err;
	libbpf_err_text(err, text, sizeof(text));
	switch (-err) {
	case ENOENT:
	case EACCES:
	case EPERM:
	case ENOMEM:
	case EISDIR:
		/* The file, not its contents. */
		return bpfman_err(ctx, err, "cannot open BPF object %s: %s%s%s", what, text,
				  cap->len ? "\n" : "", libbpf_capture_text(cap));
	}
	return bpfman_err_kind(ctx, BPFMAN_ERRKIND_BAD_OBJECT, libbpf_own(err) ? -ENOEXEC : err,
			       "%s is not a valid BPF ELF object: %s%s%s", what, text,
			       cap->len ? "\n" : "", libbpf_capture_text(cap));
}

bool process_can_bpf(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data))
		return geteuid() == 0;
	for (int cap = 0; cap < 2; cap++) {
		int bit = cap ? 39 /* CAP_BPF */ : CAP_SYS_ADMIN;

		if (data[bit / 32].effective & (1u << (bit % 32)))
			return true;
	}
	return false;
}

/* libbpf prints the verifier's log between these lines; a refusal without
 * it (or with it empty) came from somewhere else than the verifier. */
static bool has_verifier_log(const struct libbpf_capture *cap)
{
	const char *begin = strstr(libbpf_capture_text(cap), "-- BEGIN PROG LOAD LOG --");
	const char *end;

	if (!begin)
		return false;
	begin += strlen("-- BEGIN PROG LOAD LOG --");
	end = strstr(begin, "-- END PROG LOAD LOG --");
	for (; *begin && begin != end; begin++)
		if (*begin != '\n' && *begin != ' ')
			return true;
	return false;
}

int libbpf_load_failed(struct bpfman_ctx *ctx, const struct libbpf_capture *cap,
		       int err, const char *what)
{
	const char *log = libbpf_capture_text(cap);
	char text[128];

	err = err < 0 ? err : -err;
	libbpf_err_text(err, text, sizeof(text));
	if (has_verifier_log(cap) || -err == LIBBPF_ERRNO__VERIFY || -err == LIBBPF_ERRNO__PROG2BIG)
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_VERIFIER,
				       libbpf_own(err) ? -EACCES : err,
				       "the verifier rejected %s: %s\n%s", what, text, log);
	if (-err == LIBBPF_ERRNO__PROGTYPE)
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_UNSUPPORTED, -EOPNOTSUPP,
				       "the kernel refused %s: %s\n%s", what, text, log);
	if (libbpf_own(err))
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_BAD_OBJECT, -ENOEXEC,
				       "%s is not a valid BPF ELF object: %s\n%s", what, text, log);
	if ((-err == EPERM || -err == EACCES) && process_can_bpf())
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_UNSUPPORTED, err,
				       "the kernel refused %s: %s, with no verifier log, although this process has CAP_BPF or CAP_SYS_ADMIN: the kernel does not allow this program here (lockdown, a security module, or no support for its type)\n%s",
				       what, text, log);
	return bpfman_err(ctx, err, "the kernel refused %s: %s\n%s", what, text, log);
}
