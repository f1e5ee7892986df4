// SPDX-License-Identifier: Apache-2.0
/* The one sentence per context that says why the last call failed. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Failures of bpfman_ctx_new() happen before a context exists. */
static __thread char *thread_errmsg;
static __thread enum bpfman_errkind thread_errkind;

static char **errmsg_slot(struct bpfman_ctx *ctx)
{
	return ctx ? &ctx->errmsg : &thread_errmsg;
}

static enum bpfman_errkind *errkind_slot(struct bpfman_ctx *ctx)
{
	return ctx ? &ctx->errkind : &thread_errkind;
}

static void set_msg(struct bpfman_ctx *ctx, char *msg)
{
	char **slot = errmsg_slot(ctx);

	if (!msg)
		return; /* out of memory: keep the previous sentence */
	free(*slot);
	*slot = msg;
}

enum bpfman_errkind bpfman_errkind_of(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return BPFMAN_ERRKIND_NONE;
	case ENOENT:
	case ENODEV: /* no such interface */
	case ENXIO:
	case ESRCH:  /* no such kernel function or hook */
		return BPFMAN_ERRKIND_NOT_FOUND;
	case EPERM:
	case EACCES:
		return BPFMAN_ERRKIND_PERMISSION;
	case EBUSY:
	case EEXIST:
		return BPFMAN_ERRKIND_BUSY;
	case EINVAL:
	case ERANGE:
	case E2BIG:
	case ENAMETOOLONG:
		return BPFMAN_ERRKIND_INVALID;
	case ENOEXEC:
		return BPFMAN_ERRKIND_BAD_OBJECT;
	case ENOTSUP:
		return BPFMAN_ERRKIND_UNSUPPORTED;
	case EBADMSG: /* the image code's "malformed or hostile content" */
		return BPFMAN_ERRKIND_IMAGE_REFUSED;
	case ECONNREFUSED:
	case ECONNRESET:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case ETIMEDOUT:
		return BPFMAN_ERRKIND_REGISTRY;
	default:
		return BPFMAN_ERRKIND_OTHER;
	}
}

static int set_err(struct bpfman_ctx *ctx, enum bpfman_errkind kind, int err,
		   const char *fmt, va_list ap)
{
	set_msg(ctx, str_vprintf(fmt, ap));
	*errkind_slot(ctx) = kind;
	if (ctx)
		pr_debug(ctx, "error: %s", ctx->errmsg);
	err = err < 0 ? -err : err;
	errno = err;
	return -err;
}

int bpfman_err(struct bpfman_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = set_err(ctx, bpfman_errkind_of(err), err, fmt, ap);
	va_end(ap);
	return err;
}

int bpfman_err_kind(struct bpfman_ctx *ctx, enum bpfman_errkind kind, int err,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = set_err(ctx, kind, err, fmt, ap);
	va_end(ap);
	return err;
}

int bpfman_err_prefix(struct bpfman_ctx *ctx, int err, const char *fmt, ...)
{
	char **slot = errmsg_slot(ctx);
	_cleanup_free_ char *prefix = NULL;
	va_list ap;

	/* The failure underneath keeps its kind (a refused layer stays a
	 * refused image when the caller adds which image it was); with no
	 * failure underneath, err says what kind this is. */
	if (str_empty(*slot) || *errkind_slot(ctx) == BPFMAN_ERRKIND_NONE)
		*errkind_slot(ctx) = bpfman_errkind_of(err);
	va_start(ap, fmt);
	prefix = str_vprintf(fmt, ap);
	va_end(ap);
	if (prefix)
		set_msg(ctx, str_printf("%s: %s", prefix, str_or_empty(*slot)));
	err = err < 0 ? -err : err;
	errno = err;
	return -err;
}

void bpfman_err_clear(struct bpfman_ctx *ctx)
{
	char **slot = errmsg_slot(ctx);

	if (*slot)
		(*slot)[0] = '\0';
	*errkind_slot(ctx) = BPFMAN_ERRKIND_NONE;
}

const char *bpfman_errmsg(const struct bpfman_ctx *ctx)
{
	const char *msg = ctx ? ctx->errmsg : thread_errmsg;

	return msg ? msg : "";
}

enum bpfman_errkind bpfman_errkind(const struct bpfman_ctx *ctx)
{
	const char *msg = ctx ? ctx->errmsg : thread_errmsg;

	if (!msg || !*msg)
		return BPFMAN_ERRKIND_NONE;
	return ctx ? ctx->errkind : thread_errkind;
}

const char *bpfman_errkind_name(enum bpfman_errkind kind)
{
	static const char *const names[] = {
		[BPFMAN_ERRKIND_NONE] = "none",
		[BPFMAN_ERRKIND_OTHER] = "other",
		[BPFMAN_ERRKIND_INVALID] = "invalid",
		[BPFMAN_ERRKIND_NOT_FOUND] = "not-found",
		[BPFMAN_ERRKIND_PERMISSION] = "permission",
		[BPFMAN_ERRKIND_BUSY] = "busy",
		[BPFMAN_ERRKIND_VERIFIER] = "verifier",
		[BPFMAN_ERRKIND_IMAGE_REFUSED] = "image-refused",
		[BPFMAN_ERRKIND_BAD_OBJECT] = "bad-object",
		[BPFMAN_ERRKIND_UNSUPPORTED] = "unsupported",
		[BPFMAN_ERRKIND_AUTH] = "auth",
		[BPFMAN_ERRKIND_REGISTRY] = "registry",
	};

	if ((unsigned)kind < sizeof(names) / sizeof(names[0]) && names[kind])
		return names[kind];
	return "other";
}
