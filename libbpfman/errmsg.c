// SPDX-License-Identifier: Apache-2.0
/* The one sentence per context that says why the last call failed. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Failures of bpfman_ctx_new() happen before a context exists. */
static __thread char *thread_errmsg;

static char **errmsg_slot(struct bpfman_ctx *ctx)
{
	return ctx ? &ctx->errmsg : &thread_errmsg;
}

static void set_msg(struct bpfman_ctx *ctx, char *msg)
{
	char **slot = errmsg_slot(ctx);

	if (!msg)
		return; /* out of memory: keep the previous sentence */
	free(*slot);
	*slot = msg;
}

int bpfman_err(struct bpfman_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_msg(ctx, str_vprintf(fmt, ap));
	va_end(ap);
	if (ctx)
		pr_debug(ctx, "error: %s", ctx->errmsg);
	err = err < 0 ? -err : err;
	errno = err;
	return -err;
}

int bpfman_err_prefix(struct bpfman_ctx *ctx, int err, const char *fmt, ...)
{
	char **slot = errmsg_slot(ctx);
	_cleanup_free_ char *prefix = NULL;
	va_list ap;

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
}

const char *bpfman_errmsg(const struct bpfman_ctx *ctx)
{
	const char *msg = ctx ? ctx->errmsg : thread_errmsg;

	return msg ? msg : "";
}
