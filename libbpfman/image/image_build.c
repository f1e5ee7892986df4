// SPDX-License-Identifier: Apache-2.0
/* bpfman_image__build: image_build_into() writes the blobs into an OCI
 * layout (the caller's, or a temporary one for a push alone); this file
 * tags the layout and pushes: blobs first (those the registry lacks), then
 * the platform manifests by digest, then the top manifest or index by tag,
 * so a registry never holds a manifest whose blobs are missing. */
#include "internal.h"
#include "owned.h"
#include "image/build.h"
#include "image/digest.h"
#include "image/image_config.h"
#include "image/layer.h"
#include "image/manifest.h"
#include "image/reference.h"
#include "image/registry.h"
#include "image/store.h"
#include "util/fsutil.h"

#include <stdlib.h>
#include <string.h>

#define LAYER_BLOB_MAX_SIZE ((size_t)LAYER_ELF_MAX_SIZE * 2)

/* The temporary layout is <runtime_dir>/image-build-XXXXXX; removing it
 * needs the context, so the cleanup variable carries both. */
struct tmp_layout {
	struct bpfman_ctx *ctx;
	char *dir;
};

static void rm_tmp_layoutp(struct tmp_layout *t)
{
	if (t->dir) {
		owned_remove_under(t->ctx, t->ctx->runtime_dir, "runtime directory", false, t->dir,
				   "image-build-", OWNED_TREE, NULL);
		free(t->dir);
	}
}

static int push_blob(struct bpfman_ctx *ctx, struct registry_client *c, const char *root,
		     const struct descriptor *d, size_t max_len)
{
	_cleanup_free_ void *buf = NULL;
	size_t len = 0;
	int err = registry_blob_exists(c, d->digest);

	if (err < 0)
		return err;
	if (err == 1)
		return 0;
	if ((err = store_read_blob(ctx, root, d->digest, max_len, &buf, &len)))
		return err;
	return registry_push_blob(c, buf, len, d->digest);
}

/* Pushes a manifest's blobs, then the manifest under `tag_or_digest`. */
static int push_manifest(struct bpfman_ctx *ctx, struct registry_client *c, const char *root,
			 const struct descriptor *d, const char *tag_or_digest)
{
	_cleanup_(manifest_clearp) struct manifest m = { 0 };
	_cleanup_free_ void *buf = NULL;
	size_t len = 0;
	int err;

	if ((err = store_read_blob(ctx, root, d->digest, MANIFEST_MAX_SIZE, &buf, &len)) ||
	    (err = manifest_parse(ctx, d->media_type, buf, len, &m)))
		return err;
	if (manifest_is_index(&m)) {
		for (size_t i = 0; i < m.manifests_cnt; i++)
			if ((err = push_manifest(ctx, c, root, &m.manifests[i],
						 m.manifests[i].digest)))
				return err;
	} else {
		if ((err = push_blob(ctx, c, root, &m.config, IMAGE_CONFIG_MAX_SIZE)))
			return err;
		for (size_t i = 0; i < m.layers_cnt; i++)
			if ((err = push_blob(ctx, c, root, &m.layers[i], LAYER_BLOB_MAX_SIZE)))
				return err;
	}
	return registry_put_manifest(c, tag_or_digest, d->media_type, buf, len);
}

static int push_image(struct bpfman_ctx *ctx, const char *root, const struct descriptor *top,
		      const struct image_ref *ref, const struct bpfman_registry_opts *reg)
{
	_cleanup_(registry_client_freep) struct registry_client *c = NULL;
	int err;

	if ((err = registry_client_new(ctx, ref, reg, true, &c)))
		return err;
	err = push_manifest(ctx, c, root, top, ref->digest ? ref->digest : ref->tag);
	if (err)
		return bpfman_err_prefix(ctx, err, "pushing %s", ref->repository);
	return 0;
}

int bpfman_image__build(char **ret_digest, struct bpfman_ctx *ctx,
			const struct bpfman_build_opts *opts)
{
	_cleanup_(descriptor_clearp) struct descriptor top = { 0 };
	_cleanup_(image_ref_clearp) struct image_ref ref = { 0 };
	_cleanup_(rm_tmp_layoutp) struct tmp_layout tmp = { .ctx = ctx };
	const struct bpfman_registry_opts *reg;
	const char *const *objects, *const *platforms;
	const char *layout, *push;
	size_t cnt;
	char *digest;
	int err;

	if (!ret_digest)
		return bpfman_err(ctx, -EINVAL, "ret_digest is required");
	if (!OPTS_VALID(ctx, opts, bpfman_build_opts))
		return -EINVAL;
	reg = OPTS_GET(opts, registry, NULL);
	if (!OPTS_VALID(ctx, reg, bpfman_registry_opts))
		return -EINVAL;
	if ((err = dlopen_crypto(ctx)))
		return err;
	objects = OPTS_GET(opts, objects, NULL);
	platforms = OPTS_GET(opts, platforms, NULL);
	cnt = OPTS_GET(opts, objects_cnt, 0);
	layout = OPTS_GET(opts, layout_dir, NULL);
	push = OPTS_GET(opts, push_reference, NULL);
	if (!cnt || !objects)
		return bpfman_err(ctx, -EINVAL,
				  "no bytecode to build from; give at least one ELF object (objects)");
	if (cnt > 1 && !platforms)
		return bpfman_err(ctx, -EINVAL,
				  "%zu objects but no platforms; give each object its platform (platforms, e.g. linux/arm64)",
				  cnt);
	if (str_empty(layout) && str_empty(push))
		return bpfman_err(ctx, -EINVAL,
				  "nowhere to put the image; give an output layout directory and/or a reference to push to");
	if (!str_empty(push) && (err = image_ref_parse(ctx, push, &ref)))
		return err;

	if (str_empty(layout)) {
		_cleanup_free_ char *tmpl = str_printf("%s/image-build-XXXXXX", ctx->runtime_dir);

		if (!tmpl)
			return -ENOMEM;
		if ((err = mkdir_p(ctx->runtime_dir, 0755)) || !mkdtemp(tmpl))
			return bpfman_err(ctx, err ? err : -errno,
					  "cannot create a temporary layout under %s: %s; check the runtime directory",
					  ctx->runtime_dir, strerror(err ? -err : errno));
		layout = tmp.dir = TAKE_PTR(tmpl);
	}
	if ((err = image_build_into(ctx, layout, objects, platforms, cnt,
				    OPTS_GET(opts, labels, NULL), OPTS_GET(opts, labels_cnt, 0),
				    &top)))
		return err;
	if (!tmp.dir) {
		/* As skopeo names it: oci:DIR:TAG with TAG the push reference's
		 * tag, else "latest". */
		const char *name = ref.tag ? ref.tag : "latest";

		if ((err = store_tag(ctx, layout, name, &top)))
			return err;
	}
	if (!str_empty(push) && (err = push_image(ctx, layout, &top, &ref, reg)))
		return err;
	if (!(digest = strdup(top.digest)))
		return -ENOMEM;
	*ret_digest = digest;
	return 0;
}
