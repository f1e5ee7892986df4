// SPDX-License-Identifier: Apache-2.0
/* Logging goes only to the caller's callback; the library never prints. */
#include "internal.h"

#include <stdio.h>

void bpfman_log(struct bpfman_ctx *ctx, enum bpfman_log_level level,
		const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	if (!ctx || !ctx->log_fn || level > ctx->log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->log_fn(level, buf, ctx->log_user_data);
}

void bpfman_ctx_set_log(struct bpfman_ctx *ctx, bpfman_log_fn fn,
			void *user_data, enum bpfman_log_level level)
{
	ctx->log_fn = fn;
	ctx->log_user_data = user_data;
	ctx->log_level = level;
}
