// SPDX-License-Identifier: Apache-2.0
/* Opening and closing a context: paths, directories, database, reconcile. */
#include "internal.h"
#include "config.h"
#include "db.h"
#include "kernel_info_cache.h"
#include "lock.h"
#include "owned.h"
#include "owner_claim.h"
#include "reconcile.h"
#include "util/fsutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_STATE_DIR "/var/lib/bpfman"
#define DEFAULT_BPFFS_ROOT "/sys/fs/bpf/bpfman"
#define DEFAULT_RUNTIME_DIR "/run/bpfman"
#define DEFAULT_IMAGE_CACHE_DIR "/var/cache/bpfman"
#define DEFAULT_CONFIG_PATH "/etc/bpfman/bpfman.yaml"

static int dup_path(struct bpfman_ctx *ctx, char **dst, const char *val,
		    const char *fallback, const char *what)
{
	const char *p = str_empty(val) ? fallback : val;
	size_t len = strlen(p);

	if (p[0] != '/')
		return bpfman_err(ctx, -EINVAL,
				  "%s '%s' is not an absolute path; give a path starting with '/'",
				  what, p);
	while (len > 1 && p[len - 1] == '/')
		len--;
	*dst = strndup(p, len);
	return *dst ? 0 : -ENOMEM;
}

/* A config file may be named relative to the caller's working directory
 * (`--config ./bpfman.yaml`); it is resolved once, here, so that the
 * context's config_path is absolute whatever the process does later. The
 * directories stay absolute-only: they are roots the library writes to. */
static int dup_config_path(struct bpfman_ctx *ctx, const char *val)
{
	_cleanup_free_ char *cwd = NULL, *abs = NULL;

	if (str_empty(val) || val[0] == '/')
		return dup_path(ctx, &ctx->config_path, val, DEFAULT_CONFIG_PATH, "config_path");
	cwd = getcwd(NULL, 0);
	if (!cwd)
		return bpfman_err(ctx, -errno,
				  "config_path '%s' is relative and the working directory cannot be read (%s); give an absolute path",
				  val, strerror(errno));
	abs = str_printf("%s/%s", strcmp(cwd, "/") ? cwd : "", val);
	if (!abs)
		return -ENOMEM;
	return dup_path(ctx, &ctx->config_path, abs, DEFAULT_CONFIG_PATH, "config_path");
}

static void read_boot_id(struct bpfman_ctx *ctx)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

	ctx->boot_id[0] = '\0';
	if (!f)
		return;
	if (fgets(ctx->boot_id, sizeof(ctx->boot_id), f))
		ctx->boot_id[strcspn(ctx->boot_id, "\n")] = '\0';
	fclose(f);
}

static int prepare_dirs(struct bpfman_ctx *ctx)
{
	_cleanup_free_ char *parent = NULL;
	char *slash;
	int err;

	err = mkdir_p(ctx->state_dir, 0700);
	if (err)
		return bpfman_err(ctx, err, "cannot create state directory %s: %s",
				  ctx->state_dir, strerror(-err));
	if ((err = owned_dir_check(ctx, ctx->state_dir, "state_dir")))
		return err;
	err = mkdir_p(ctx->runtime_dir, 0755);
	if (err)
		return bpfman_err(ctx, err, "cannot create runtime directory %s: %s",
				  ctx->runtime_dir, strerror(-err));

	/* Pins can only live on a bpf file system; say how to get one rather
	 * than letting every load fail with a bare EPERM later. */
	parent = strdup(ctx->bpffs_root);
	if (!parent)
		return -ENOMEM;
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	if (!is_bpffs(parent) && !is_bpffs(ctx->bpffs_root))
		return bpfman_err(ctx, -ENOTSUP,
				  "%s is not on a bpf file system; mount one with 'mount -t bpf bpf /sys/fs/bpf' or choose another bpffs_root",
				  parent);
	err = mkdir_p(ctx->bpffs_root, 0700);
	if (err)
		return bpfman_err(ctx, err, "cannot create bpffs directory %s: %s",
				  ctx->bpffs_root, strerror(-err));
	if ((err = owned_dir_check(ctx, ctx->bpffs_root, "bpffs_root")))
		return err;
	if (!is_bpffs(ctx->bpffs_root))
		return bpfman_err(ctx, -ENOTSUP,
				  "bpffs_root %s is not on a bpf file system; mount one with 'mount -t bpf bpf /sys/fs/bpf' or choose another bpffs_root",
				  ctx->bpffs_root);
	/* The image cache is created on first use (image/store.c checks it
	 * then); one that exists already is checked now. */
	return owned_dir_check(ctx, ctx->image_cache_dir, "image_cache_dir");
}

/* Opens a context; on failure hands the dying context's sentence to
 * *ret_errmsg (NULL when even that allocation failed) and its kind to
 * *ret_kind (when not NULL). No thread-local
 * state is touched, so callers that hop threads between calls (Go) get
 * the sentence of their own failure. */
static int ctx_open(struct bpfman_ctx **ret_ctx, char **ret_errmsg,
		    enum bpfman_errkind *ret_kind, const struct bpfman_ctx_opts *opts)
{
	struct bpfman_ctx *ctx;
	int err;

	*ret_errmsg = NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		*ret_errmsg = strdup("out of memory");
		return -ENOMEM;
	}
	ctx->lock_fd = -1;
	ctx->errmsg = strdup("");
	if (!OPTS_VALID(ctx, opts, bpfman_ctx_opts)) {
		err = -EINVAL;
		goto fail;
	}
	ctx->log_fn = OPTS_GET(opts, log_fn, NULL);
	ctx->log_user_data = OPTS_GET(opts, log_user_data, NULL);
	ctx->log_level = OPTS_GET(opts, log_level, BPFMAN_LOG_ERROR);
	ctx->allow_shared_dirs = OPTS_GET(opts, allow_shared_dirs, false);

	if ((err = dup_path(ctx, &ctx->state_dir, OPTS_GET(opts, state_dir, NULL),
			    DEFAULT_STATE_DIR, "state_dir")) ||
	    (err = dup_path(ctx, &ctx->bpffs_root, OPTS_GET(opts, bpffs_root, NULL),
			    DEFAULT_BPFFS_ROOT, "bpffs_root")) ||
	    (err = dup_path(ctx, &ctx->runtime_dir, OPTS_GET(opts, runtime_dir, NULL),
			    DEFAULT_RUNTIME_DIR, "runtime_dir")) ||
	    (err = dup_path(ctx, &ctx->image_cache_dir,
			    OPTS_GET(opts, image_cache_dir, NULL),
			    DEFAULT_IMAGE_CACHE_DIR, "image_cache_dir")) ||
	    (err = dup_config_path(ctx, OPTS_GET(opts, config_path, NULL))))
		goto fail;
	ctx->db_path = str_printf("%s/state.db", ctx->state_dir);
	if (!ctx->errmsg || !ctx->db_path) {
		err = bpfman_err(ctx, -ENOMEM, "out of memory");
		goto fail;
	}
	read_boot_id(ctx);

	err = prepare_dirs(ctx);
	if (err)
		goto fail;
	err = bpfman_lock_open(ctx);
	if (err)
		goto fail;
	err = bpfman_db_open(ctx);
	if (err)
		goto fail;
	err = owner_claim(ctx);
	if (err)
		goto fail;
	err = bpfman_reconcile_on_open(ctx);
	if (err)
		goto fail;

	bpfman_err_clear(ctx);
	*ret_ctx = ctx;
	return 0;
fail:
	/* The context dies here; its sentence moves to the caller. */
	if (str_empty(ctx->errmsg))
		bpfman_err(ctx, err, "cannot open the context: %s", strerror(-err));
	if (ret_kind)
		*ret_kind = bpfman_errkind(ctx);
	*ret_errmsg = ctx->errmsg;
	ctx->errmsg = NULL;
	bpfman_ctx_free(ctx);
	errno = -err;
	return err;
}

int bpfman_ctx_new_err(struct bpfman_ctx **ret_ctx, char **ret_errmsg,
		       const struct bpfman_ctx_opts *opts)
{
	char *msg = NULL;
	int err;

	if (ret_errmsg)
		*ret_errmsg = NULL;
	if (!ret_ctx) {
		if (ret_errmsg)
			*ret_errmsg = strdup("bpfman_ctx_new_err: ret_ctx is NULL");
		errno = EINVAL;
		return -EINVAL;
	}
	err = ctx_open(ret_ctx, &msg, NULL, opts);
	if (err && ret_errmsg)
		*ret_errmsg = msg;
	else
		free(msg);
	if (err)
		errno = -err;
	return err;
}

int bpfman_ctx_new(struct bpfman_ctx **ret_ctx, const struct bpfman_ctx_opts *opts)
{
	_cleanup_free_ char *msg = NULL;
	enum bpfman_errkind kind = BPFMAN_ERRKIND_OTHER;
	int err;

	if (!ret_ctx)
		return bpfman_err(NULL, -EINVAL, "bpfman_ctx_new: ret_ctx is NULL");
	err = ctx_open(ret_ctx, &msg, &kind, opts);
	if (err)
		/* C callers read it with bpfman_errmsg(NULL) on this thread. */
		bpfman_err_kind(NULL, kind, err, "%s", msg ? msg : "out of memory");
	return err;
}

void bpfman_ctx_free(struct bpfman_ctx *ctx)
{
	if (!ctx)
		return;
	bpfman_db_close(ctx);
	kinfo_cache_free(ctx->kinfo_cache);
	if (ctx->lock_fd >= 0)
		close(ctx->lock_fd);
	free(ctx->state_dir);
	free(ctx->bpffs_root);
	free(ctx->runtime_dir);
	free(ctx->image_cache_dir);
	config_free(ctx);
	free(ctx->config_path);
	free(ctx->db_path);
	free(ctx->errmsg);
	free(ctx);
}

const char *bpfman_ctx_state_dir(const struct bpfman_ctx *ctx)
{
	return ctx->state_dir;
}

const char *bpfman_ctx_bpffs_root(const struct bpfman_ctx *ctx)
{
	return ctx->bpffs_root;
}

const char *bpfman_ctx_runtime_dir(const struct bpfman_ctx *ctx)
{
	return ctx->runtime_dir;
}

const char *bpfman_ctx_image_cache_dir(const struct bpfman_ctx *ctx)
{
	return ctx->image_cache_dir;
}

const char *bpfman_ctx_config_path(const struct bpfman_ctx *ctx)
{
	return ctx->config_path;
}
