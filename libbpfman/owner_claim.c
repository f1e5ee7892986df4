// SPDX-License-Identifier: Apache-2.0
/* The claim of a bpffs root by one state directory (owner_claim.h). */
#include "internal.h"
#include "owner_claim.h"
#include "util/beneath.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#define CLAIM_PREFIX "libbpfman-state-dir:"

/* Reads the claim: 0 with *ret_len set, -ENOENT without one, -EINVAL when
 * "owner" is something else than our link. */
static int read_claim(int root_fd, char *buf, size_t size)
{
	ssize_t n = readlinkat(root_fd, OWNER_CLAIM_NAME, buf, size - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

int owner_claim(struct bpfman_ctx *ctx)
{
	_cleanup_free_ char *mine = str_printf(CLAIM_PREFIX "%s:%s", ctx->identity, ctx->state_dir);
	_cleanup_close_ int root_fd = -1;
	char buf[PATH_MAX + 64];
	const char *id, *path;
	size_t id_len;
	int err;

	if (!mine)
		return -ENOMEM;
	root_fd = beneath_root_open(ctx->bpffs_root);
	if (root_fd < 0)
		return bpfman_err(ctx, root_fd, "cannot open bpffs root %s: %s", ctx->bpffs_root,
				  strerror(-root_fd));
	err = read_claim(root_fd, buf, sizeof(buf));
	if (err == -ENOENT) {
		if (!symlinkat(mine, root_fd, OWNER_CLAIM_NAME))
			return 0;
		if (errno != EEXIST)
			return bpfman_err(ctx, -errno,
					  "cannot record in %s/%s that this bpffs root belongs to state directory %s: %s",
					  ctx->bpffs_root, OWNER_CLAIM_NAME, ctx->state_dir,
					  strerror(errno));
		err = read_claim(root_fd, buf, sizeof(buf)); /* another opener won */
	}
	if (err == -EINVAL || (!err && strncmp(buf, CLAIM_PREFIX, strlen(CLAIM_PREFIX))))
		return bpfman_err(ctx, -EBUSY,
				  "%s/%s is not libbpfman's claim of the bpffs root (a symbolic link naming a state directory): move it away, or give another bpffs_root",
				  ctx->bpffs_root, OWNER_CLAIM_NAME);
	if (err)
		return bpfman_err(ctx, err, "cannot read %s/%s: %s", ctx->bpffs_root,
				  OWNER_CLAIM_NAME, strerror(-err));
	id = buf + strlen(CLAIM_PREFIX);
	path = strchr(id, ':');
	id_len = path ? (size_t)(path - id) : strlen(id);
	path = path ? path + 1 : "(unknown)";
	if (id_len == strlen(ctx->identity) && !strncmp(id, ctx->identity, id_len))
		return 0;
	return bpfman_err(ctx, -EBUSY,
			  "bpffs root %s belongs to state directory %s (identity %.*s), so state directory %s (identity %s) cannot use it: two state directories on one bpffs root would remove each other's pins; give this one its own bpffs_root, or, if %s is gone for good and nothing of it is left under %s, remove the claim %s/%s",
			  ctx->bpffs_root, path, (int)id_len, id, ctx->state_dir, ctx->identity,
			  path, ctx->bpffs_root, ctx->bpffs_root, OWNER_CLAIM_NAME);
}
