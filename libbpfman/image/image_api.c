// SPDX-License-Identifier: Apache-2.0
/* The public image API (include/bpfman/image.h): options, pull, the cache
 * (get, list, remove, prune) and the accessors of struct bpfman_image.
 * Loading is in image_load.c, building in image_build.c. */
#include "internal.h"
#include "image/pull.h"
#include "image/store.h"
#include "util/fsutil.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const policy_names[] = {
	[BPFMAN_PULL_ALWAYS] = "Always",
	[BPFMAN_PULL_IF_NOT_PRESENT] = "IfNotPresent",
	[BPFMAN_PULL_NEVER] = "Never",
};

const char *bpfman_pull_policy_name(enum bpfman_pull_policy policy)
{
	if ((unsigned)policy >= ARRAY_SIZE(policy_names))
		return NULL;
	return policy_names[policy];
}

int bpfman_pull_policy_from_name(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(policy_names); i++)
		if (!strcasecmp(name, policy_names[i]))
			return (int)i;
	return -1;
}

void bpfman_registry_opts_init(struct bpfman_registry_opts *opts, size_t sz)
{
	bpfman_opts_init(opts, sz);
}

void bpfman_pull_opts_init(struct bpfman_pull_opts *opts, size_t sz)
{
	bpfman_opts_init(opts, sz);
}

void bpfman_build_opts_init(struct bpfman_build_opts *opts, size_t sz)
{
	bpfman_opts_init(opts, sz);
}

int image_pull_opts_valid(struct bpfman_ctx *ctx, const struct bpfman_pull_opts *opts)
{
	const struct bpfman_registry_opts *reg = OPTS_GET(opts, registry, NULL);

	if (!OPTS_VALID(ctx, opts, bpfman_pull_opts) ||
	    !OPTS_VALID(ctx, reg, bpfman_registry_opts))
		return -EINVAL;
	if (!!OPTS_GET(reg, username, NULL) != !!OPTS_GET(reg, password, NULL))
		return bpfman_err(ctx, -EINVAL,
				  "registry credentials need both a username and a password (or neither)");
	return 0;
}

int bpfman_image__pull(struct bpfman_image **ret_image, struct bpfman_ctx *ctx,
		       const char *reference, const struct bpfman_pull_opts *opts)
{
	struct bpfman_image *img = NULL;
	int err;

	if (!ret_image)
		return bpfman_err(ctx, -EINVAL, "ret_image is required");
	if ((err = image_pull_opts_valid(ctx, opts)) ||
	    (err = image_pull(ctx, reference, opts, &img)))
		return err;
	*ret_image = img;
	return 0;
}

int bpfman_image__get(struct bpfman_image **ret_image, struct bpfman_ctx *ctx,
		      const char *reference)
{
	_cleanup_free_ char *name = NULL;
	struct bpfman_image *img = NULL;
	int err;

	if (!ret_image)
		return bpfman_err(ctx, -EINVAL, "ret_image is required");
	if ((err = image_cache_name(ctx, reference, &name)) ||
	    (err = image_read_cached(ctx, name, NULL, &img)))
		return err;
	*ret_image = img;
	return 0;
}

void bpfman_image_list__free(struct bpfman_image **images, size_t cnt)
{
	if (!images)
		return;
	for (size_t i = 0; i < cnt; i++)
		bpfman_image__free(images[i]);
	free(images);
}

int bpfman_image__list(struct bpfman_image ***ret_images, size_t *ret_cnt,
		       struct bpfman_ctx *ctx)
{
	const char *root = ctx->image_cache_dir;
	struct store_entry *entries = NULL;
	struct bpfman_image **imgs = NULL;
	size_t cnt = 0, n = 0;
	int err;

	if (!ret_images || !ret_cnt)
		return bpfman_err(ctx, -EINVAL, "ret_images and ret_cnt are required");
	/* Listing never creates the cache. */
	if (!path_exists(root)) {
		*ret_images = NULL;
		*ret_cnt = 0;
		return 0;
	}
	if ((err = store_list(ctx, root, &entries, &cnt)))
		return err;
	imgs = calloc(cnt ? cnt : 1, sizeof(*imgs));
	if (!imgs) {
		store_entries_free(entries, cnt);
		return -ENOMEM;
	}
	for (size_t i = 0; i < cnt; i++) {
		if (!entries[i].name)
			continue;
		/* An entry the cache cannot complete (a blob deleted by hand)
		 * is reported, not fatal: the others are still usable. */
		if (image_read_cached(ctx, entries[i].name, NULL, &imgs[n])) {
			pr_warn(ctx, "skipping cached image: %s", bpfman_errmsg(ctx));
			bpfman_err_clear(ctx);
			continue;
		}
		n++;
	}
	store_entries_free(entries, cnt);
	*ret_images = imgs;
	*ret_cnt = n;
	return 0;
}

int bpfman_image__remove(struct bpfman_ctx *ctx, const char *reference)
{
	_cleanup_free_ char *name = NULL;
	int err;

	if ((err = image_cache_name(ctx, reference, &name)))
		return err;
	err = path_exists(ctx->image_cache_dir) ? store_untag(ctx, ctx->image_cache_dir, name)
						: -ENOENT;
	if (err == -ENOENT)
		return bpfman_err(ctx, -ENOENT,
				  "image %s is not in the cache %s (the cached images are those bpfman_image__list returns)", name,
				  ctx->image_cache_dir);
	return err;
}

int bpfman_image__prune(struct bpfman_ctx *ctx, size_t *ret_blobs, uint64_t *ret_bytes)
{
	size_t blobs = 0;
	uint64_t bytes = 0;
	int err = 0;

	if (path_exists(ctx->image_cache_dir))
		err = store_prune(ctx, ctx->image_cache_dir, &blobs, &bytes);
	if (err)
		return err;
	if (ret_blobs)
		*ret_blobs = blobs;
	if (ret_bytes)
		*ret_bytes = bytes;
	return 0;
}

const char *bpfman_image__reference(const struct bpfman_image *image)
{
	return image->reference;
}

const char *bpfman_image__digest(const struct bpfman_image *image)
{
	return image->digest;
}

const char *bpfman_image__index_digest(const struct bpfman_image *image)
{
	return image->index_digest;
}

const char *bpfman_image__platform(const struct bpfman_image *image)
{
	return image->platform;
}

uint64_t bpfman_image__size(const struct bpfman_image *image)
{
	return image->size;
}

size_t bpfman_image__label_cnt(const struct bpfman_image *image)
{
	return image->config.labels_cnt;
}

const char *bpfman_image__label_key(const struct bpfman_image *image, size_t i)
{
	return i < image->config.labels_cnt ? image->config.label_keys[i] : NULL;
}

const char *bpfman_image__label_value(const struct bpfman_image *image, size_t i)
{
	return i < image->config.labels_cnt ? image->config.label_values[i] : NULL;
}

size_t bpfman_image__program_cnt(const struct bpfman_image *image)
{
	return image->config.programs_cnt;
}

const char *bpfman_image__program_name(const struct bpfman_image *image, size_t i)
{
	return i < image->config.programs_cnt ? image->config.programs[i].name : NULL;
}

enum bpfman_program_type bpfman_image__program_type(const struct bpfman_image *image, size_t i)
{
	return i < image->config.programs_cnt ? image->config.programs[i].type
					      : BPFMAN_PROG_TYPE_UNSPEC;
}

size_t bpfman_image__map_cnt(const struct bpfman_image *image)
{
	return image->config.maps_cnt;
}

const char *bpfman_image__map_name(const struct bpfman_image *image, size_t i)
{
	return i < image->config.maps_cnt ? image->config.maps[i].name : NULL;
}

const char *bpfman_image__map_type(const struct bpfman_image *image, size_t i)
{
	return i < image->config.maps_cnt ? image->config.maps[i].type : NULL;
}
