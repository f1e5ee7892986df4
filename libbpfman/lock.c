// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "lock.h"

#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int bpfman_lock_open(struct bpfman_ctx *ctx)
{
	_cleanup_free_ char *path = str_printf("%s/lock", ctx->state_dir);

	if (!path)
		return -ENOMEM;
	ctx->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (ctx->lock_fd < 0)
		return bpfman_err(ctx, -errno, "cannot open lock file %s: %s",
				  path, strerror(errno));
	return 0;
}

static int take(struct bpfman_ctx *ctx, int how)
{
	if (ctx->lock_depth++ > 0)
		return 0;
	while (flock(ctx->lock_fd, how) < 0) {
		if (errno == EINTR)
			continue;
		ctx->lock_depth--;
		if (errno == EWOULDBLOCK)
			return -EWOULDBLOCK;
		return bpfman_err(ctx, -errno, "cannot lock %s/lock: %s",
				  ctx->state_dir, strerror(errno));
	}
	return 0;
}

int bpfman_lock(struct bpfman_ctx *ctx)
{
	return take(ctx, LOCK_EX);
}

int bpfman_trylock(struct bpfman_ctx *ctx)
{
	return take(ctx, LOCK_EX | LOCK_NB);
}

void bpfman_unlock(struct bpfman_ctx *ctx)
{
	if (ctx->lock_depth > 0 && --ctx->lock_depth == 0)
		flock(ctx->lock_fd, LOCK_UN);
}

void bpfman_unlockp(struct bpfman_ctx **ctx)
{
	if (*ctx)
		bpfman_unlock(*ctx);
}
