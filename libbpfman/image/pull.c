// SPDX-License-Identifier: Apache-2.0
/* Pull orchestration: reference -> (index ->) manifest -> config + layer
 * blobs in the cache -> extracted ELF -> tag. The registry client, the
 * store and the parsers check every digest and size; this file decides
 * what to fetch under the pull policy and in which order, so that nothing
 * is tagged before all of it is in place. */
#include "internal.h"
#include "owned.h"
#include "image/digest.h"
#include "image/elf_info.h"
#include "image/layer.h"
#include "image/manifest.h"
#include "image/pull.h"
#include "image/reference.h"
#include "image/registry.h"
#include "image/store.h"
#include "sign/enforce.h"
#include "util/fsutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A gzip'ed tar of one ELF is never much larger than the ELF itself. */
#define LAYER_BLOB_MAX_SIZE ((uint64_t)LAYER_ELF_MAX_SIZE * 2)

int image_cache_name(struct bpfman_ctx *ctx, const char *reference, char **ret)
{
	struct image_ref ref = { 0 };
	int err;

	if (str_empty(reference))
		return bpfman_err(ctx, -EINVAL,
				  "no image reference given; write one as [registry/]repository[:tag][@sha256:digest], e.g. quay.io/bpfman-bytecode/xdp_pass:latest");
	if ((err = image_ref_parse(ctx, reference, &ref)))
		return err;
	*ret = image_ref_string(&ref);
	image_ref_clear(&ref);
	return *ret ? 0 : -ENOMEM;
}

char *image_elf_path(struct bpfman_ctx *ctx, const char *layer_digest)
{
	return str_printf("%s/bytecode/%s.o", ctx->image_cache_dir, digest_hex(layer_digest));
}

void bpfman_image__free(struct bpfman_image *image)
{
	if (!image)
		return;
	free(image->reference);
	free(image->digest);
	free(image->index_digest);
	free(image->platform);
	free(image->layer_digest);
	free(image->elf_path);
	image_config_clear(&image->config);
	free(image);
}

static void store_releasep(int *fd)
{
	if (*fd >= 0)
		store_release(*fd);
}

/* Writes the ELF to <cache>/bytecode/<hex>.o through a temporary file and a
 * rename, so concurrent pulls of one image each write a whole file and the
 * last rename wins with identical content. */
static int write_elf(struct bpfman_ctx *ctx, const char *path, const void *elf, size_t len)
{
	_cleanup_free_ char *dir = str_printf("%s/bytecode", ctx->image_cache_dir);
	/* In the store's tmp/, which image prune empties of what a killed
	 * pull leaves. */
	_cleanup_free_ char *tmpdir = str_printf("%s/tmp", ctx->image_cache_dir);
	_cleanup_free_ char *tmp = str_printf("%s/tmp/elf-XXXXXX", ctx->image_cache_dir);
	_cleanup_close_ int fd = -1;
	const char *p = elf;
	int err;

	if (!dir || !tmpdir || !tmp)
		return -ENOMEM;
	for (const char *d = dir; d; d = d == dir ? tmpdir : NULL)
		if ((err = mkdir_p(d, 0755)))
			return bpfman_err(ctx, err,
					  "cannot create %s: %s; check that the image cache is writable",
					  d, strerror(-err));
	/* A unique name: threads of one process may pull at once too. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd >= 0 && fchmod(fd, 0644)) {
		err = -errno;
		owned_remove(ctx, OWNED_CACHE, tmp, "tmp/", 0, NULL);
		return bpfman_err(ctx, err, "cannot set the mode of %s: %s", tmp, strerror(-err));
	}
	if (fd < 0)
		return bpfman_err(ctx, -errno, "cannot create %s: %s; check that the image cache is writable",
				  tmp, strerror(errno));
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			err = -errno;
			owned_remove(ctx, OWNED_CACHE, tmp, "tmp/", 0, NULL);
			return bpfman_err(ctx, err, "cannot write %s: %s", tmp, strerror(-err));
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) || rename(tmp, path)) {
		err = -errno;
		owned_remove(ctx, OWNED_CACHE, tmp, "tmp/", 0, NULL);
		return bpfman_err(ctx, err, "cannot put the extracted bytecode at %s: %s", path,
				  strerror(-err));
	}
	return 0;
}

/* The layer's ELF at <cache>/bytecode/<hex>.o, extracted once. */
static int extract_elf(struct bpfman_ctx *ctx, const char *root, const char *layer_digest,
		       const char *filename, const char *elf_path)
{
	_cleanup_free_ char *blob = NULL;
	_cleanup_free_ void *elf = NULL;
	size_t len = 0;
	int err;

	if (path_exists(elf_path))
		return 0;
	blob = store_blob_path(root, layer_digest);
	if (!blob)
		return -ENOMEM;
	/* Its sentence names the blob (and so the layer digest). */
	if ((err = layer_read_elf_file(ctx, blob, filename, &elf, &len)))
		return err;
	if (len < 4 || memcmp(elf, "\177ELF", 4))
		return bpfman_err(ctx, -ENOEXEC,
				  "layer %s holds no ELF object; a bytecode image's layer carries the BPF object (.o) built by clang",
				  layer_digest);
	return write_elf(ctx, elf_path, elf, len);
}

static bool has_unresolved_types(const struct image_config *c)
{
	for (size_t i = 0; i < c->programs_cnt; i++)
		if (c->programs[i].type == BPFMAN_PROG_TYPE_UNSPEC)
			return true;
	return false;
}

/* Checks that the programs the labels name are in the ELF with a fitting
 * section, and settles the types Rust bpfman labelled by kernel type
 * ("probe", "tracing"). */
static int resolve_types(struct bpfman_ctx *ctx, struct bpfman_image *img)
{
	_cleanup_close_ int fd = open(img->elf_path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *elf = NULL;
	struct stat st;
	size_t got = 0;

	if (fd < 0 || fstat(fd, &st))
		return bpfman_err(ctx, -errno, "cannot read %s: %s", img->elf_path, strerror(errno));
	if (st.st_size <= 0 || (uint64_t)st.st_size > LAYER_ELF_MAX_SIZE)
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EMSGSIZE, "%s has %lld bytes; remove it and pull again",
				  img->elf_path, (long long)st.st_size);
	elf = malloc((size_t)st.st_size);
	if (!elf)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, elf + got, (size_t)st.st_size - got);

		if (n <= 0)
			return bpfman_err(ctx, n ? -errno : -EIO, "cannot read %s", img->elf_path);
		got += (size_t)n;
	}
	return elf_resolve_types(ctx, &img->config, elf, got);
}

/* A blob the manifest needs: from the cache, else (with a client) from the
 * registry. Without a client a missing blob means an incomplete cache. */
static int need_blob(struct bpfman_ctx *ctx, const char *root, struct registry_client *c,
		     const struct descriptor *d, const char *what)
{
	if (store_has_blob(root, d->digest, d->size))
		return 0;
	if (!c)
		return bpfman_err(ctx, -ENOENT,
				  "the image cache %s lacks the %s blob %s; pull the image again (policy Always or IfNotPresent)",
				  root, what, d->digest);
	return registry_fetch_blob(c, root, d);
}

/* A child manifest of an index, by digest, checked against the index's
 * size for it; kept in the cache. */
static int need_manifest(struct bpfman_ctx *ctx, const char *root, struct registry_client *c,
			 const struct descriptor *d, void **ret_buf, size_t *ret_len,
			 char **ret_type)
{
	_cleanup_free_ void *buf = NULL;
	_cleanup_free_ char *type = NULL;
	char digest[DIGEST_STR_SIZE];
	size_t len = 0;
	int err;

	if (d->size > MANIFEST_MAX_SIZE)
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EMSGSIZE,
				  "the index names manifest %s of %llu bytes, above the %u-byte limit; the image is malformed",
				  d->digest, (unsigned long long)d->size, MANIFEST_MAX_SIZE);
	if (!store_has_blob(root, d->digest, d->size)) {
		if (!c)
			return bpfman_err(ctx, -ENOENT,
					  "the image cache %s lacks manifest %s; pull the image again",
					  root, d->digest);
		if ((err = registry_get_manifest(c, d->digest, manifest_accept(), &buf, &len,
						 &type, digest)))
			return err;
		if (len != d->size || strcmp(digest, d->digest))
			return bpfman_err(ctx, -EBADMSG,
					  "manifest %s: the index says %llu bytes, the registry sent %zu bytes with digest %s; the registry or the image is corrupt",
					  d->digest, (unsigned long long)d->size, len, digest);
		if ((err = store_put_blob(ctx, root, buf, len, digest)))
			return err;
	} else if ((err = store_read_blob(ctx, root, d->digest, MANIFEST_MAX_SIZE, &buf, &len))) {
		return err;
	}
	if (!type && d->media_type && !(type = strdup(d->media_type)))
		return -ENOMEM;
	*ret_buf = TAKE_PTR(buf);
	*ret_len = len;
	*ret_type = TAKE_PTR(type);
	return 0;
}

static bool layer_type_ok(const char *mt)
{
	return mt && (!strcmp(mt, MT_OCI_LAYER_GZIP) || !strcmp(mt, MT_OCI_LAYER_TAR) ||
		      !strcmp(mt, MT_OCI_LAYER_ZSTD) || !strcmp(mt, MT_DOCKER_LAYER_GZIP));
}

static bool config_type_ok(const char *mt)
{
	return mt && (!strcmp(mt, MT_OCI_CONFIG) || !strcmp(mt, MT_DOCKER_CONFIG));
}

/* Given the top manifest or index (already in the cache), makes sure the
 * chosen platform's manifest, config, layer and extracted ELF are in the
 * cache (fetching through c when it is not NULL), and describes them. */
static int complete_image(struct bpfman_ctx *ctx, const char *root, struct registry_client *c,
			  const char *name, const struct descriptor *top, const void *top_buf,
			  size_t top_len, const char *platform, struct bpfman_image **ret)
{
	_cleanup_(manifest_clearp) struct manifest index = { 0 };
	_cleanup_(manifest_clearp) struct manifest m = { 0 };
	_cleanup_(image_freep) struct bpfman_image *img = NULL;
	_cleanup_free_ void *child_buf = NULL, *config = NULL;
	_cleanup_free_ char *child_type = NULL;
	const struct descriptor *layer;
	size_t config_len = 0, manifest_len = top_len;
	int err;

	img = calloc(1, sizeof(*img));
	if (!img || !(img->reference = strdup(name)))
		return -ENOMEM;
	if ((err = manifest_parse(ctx, top->media_type, top_buf, top_len, &index)))
		return bpfman_err_prefix(ctx, err, "image %s", name);
	if (manifest_is_index(&index)) {
		const struct descriptor *pick = NULL;

		if ((err = manifest_pick_platform(ctx, &index, platform, &pick)))
			return bpfman_err_prefix(ctx, err, "image %s", name);
		if ((err = need_manifest(ctx, root, c, pick, &child_buf, &manifest_len,
					 &child_type)))
			return err;
		if ((err = manifest_parse(ctx, child_type, child_buf, manifest_len, &m)))
			return bpfman_err_prefix(ctx, err, "image %s, manifest %s", name,
						 pick->digest);
		if (manifest_is_index(&m))
			return bpfman_err(ctx, -EBADMSG,
					  "image %s: index entry %s is another index; a bytecode image's index names manifests",
					  name, pick->digest);
		if (!(img->index_digest = strdup(top->digest)) ||
		    !(img->digest = strdup(pick->digest)) ||
		    (pick->platform && !(img->platform = strdup(pick->platform))))
			return -ENOMEM;
	} else {
		m = index;
		memset(&index, 0, sizeof(index));
		if (!(img->digest = strdup(top->digest)))
			return -ENOMEM;
	}

	if (m.layers_cnt != 1)
		return bpfman_err(ctx, -EBADMSG,
				  "image %s (manifest %s) has %zu layers; a bytecode image has exactly one, holding the BPF object",
				  name, img->digest, m.layers_cnt);
	layer = &m.layers[0];
	if (!config_type_ok(m.config.media_type))
		return bpfman_err(ctx, -EBADMSG,
				  "image %s: config media type '%s' is not an image config; is this a bpfman bytecode image?",
				  name, str_or_empty(m.config.media_type));
	if (!layer_type_ok(layer->media_type))
		return bpfman_err(ctx, -EBADMSG,
				  "image %s: layer media type '%s' is not a tar, tar+gzip or tar+zstd layer; is this a bpfman bytecode image?",
				  name, str_or_empty(layer->media_type));
	if (m.config.size > IMAGE_CONFIG_MAX_SIZE)
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EMSGSIZE,
				  "image %s: config of %llu bytes is above the %u-byte limit",
				  name, (unsigned long long)m.config.size, IMAGE_CONFIG_MAX_SIZE);
	if (layer->size > LAYER_BLOB_MAX_SIZE)
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EMSGSIZE,
				  "image %s: layer of %llu bytes is above the %llu-byte limit for bytecode",
				  name, (unsigned long long)layer->size,
				  (unsigned long long)LAYER_BLOB_MAX_SIZE);

	if ((err = need_blob(ctx, root, c, &m.config, "config")) ||
	    (err = store_read_blob(ctx, root, m.config.digest, IMAGE_CONFIG_MAX_SIZE, &config,
				   &config_len)))
		return err;
	if ((err = image_config_parse(ctx, config, config_len, &img->config)))
		return bpfman_err_prefix(ctx, err, "image %s", name);
	if ((err = need_blob(ctx, root, c, layer, "layer")))
		return err;
	if (!(img->layer_digest = strdup(layer->digest)) ||
	    !(img->elf_path = image_elf_path(ctx, layer->digest)))
		return -ENOMEM;
	if ((err = extract_elf(ctx, root, layer->digest, img->config.filename, img->elf_path)))
		return bpfman_err_prefix(ctx, err, "image %s", name);
	/* Checked on every pull from a registry; from the cache only when a
	 * type is still to be settled. */
	if ((c || has_unresolved_types(&img->config)) && (err = resolve_types(ctx, img)))
		return bpfman_err_prefix(ctx, err, "image %s", name);

	if (!img->platform) {
		const struct image_config *cf = &img->config;

		img->platform = cf->os && cf->architecture ?
			(cf->variant ? str_printf("%s/%s/%s", cf->os, cf->architecture, cf->variant)
				     : str_printf("%s/%s", cf->os, cf->architecture)) :
			strdup(platform ? platform : host_platform());
		if (!img->platform)
			return -ENOMEM;
	}
	img->size = manifest_len + m.config.size + layer->size;
	*ret = TAKE_PTR(img);
	return 0;
}

/* One manifest, no index to choose from: a platform the caller asked for
 * must be the one the image's config names, or the caller would run an
 * object built for another machine (endianness, architecture). */
static int check_single_platform(struct bpfman_ctx *ctx, const struct bpfman_image *img,
				 const char *platform)
{
	if (!platform || img->index_digest || !img->platform ||
	    platform_satisfies(img->platform, platform))
		return 0;
	return bpfman_err(ctx, -ENOENT,
			  "image %s is for platform %s (its config says so), not %s; it has one manifest and no index to pick another from: use an image built for %s, or ask for %s",
			  img->reference, img->platform, platform, platform, img->platform);
}

int image_read_cached(struct bpfman_ctx *ctx, const char *name, const char *platform,
		      struct bpfman_image **ret)
{
	_cleanup_(descriptor_clearp) struct descriptor top = { 0 };
	_cleanup_free_ void *buf = NULL;
	const char *root = ctx->image_cache_dir;
	size_t len = 0;
	int err;

	if (!path_exists(root))
		return bpfman_err(ctx, -ENOENT,
				  "image %s is not in the cache (%s does not exist); pull it first",
				  name, root);
	err = store_resolve(ctx, root, name, &top);
	if (err == -ENOENT)
		return bpfman_err(ctx, -ENOENT,
				  "image %s is not in the cache %s; pull it first",
				  name, root);
	if (err)
		return err;
	if ((err = store_read_blob(ctx, root, top.digest, MANIFEST_MAX_SIZE, &buf, &len)))
		return err;
	return complete_image(ctx, root, NULL, name, &top, buf, len,
			      platform ? platform : top.platform, ret);
}

/* The top manifest or index as the registry has it now, kept in the cache. */
static int fetch_top(struct bpfman_ctx *ctx, const char *root, struct registry_client *c,
		     const struct image_ref *ref, struct descriptor *ret_desc, void **ret_buf,
		     size_t *ret_len)
{
	_cleanup_free_ void *buf = NULL;
	_cleanup_free_ char *type = NULL;
	char digest[DIGEST_STR_SIZE], stored[DIGEST_STR_SIZE];
	size_t len = 0;
	int err;

	err = registry_get_manifest(c, ref->digest ? ref->digest : ref->tag, manifest_accept(),
				    &buf, &len, &type, digest);
	if (err)
		return err;
	if ((err = store_put_blob(ctx, root, buf, len, stored)))
		return err;
	if (strcmp(stored, digest))
		return bpfman_err(ctx, -EBADMSG, "manifest digest %s differs from the cached copy's %s",
				  digest, stored);
	if (!(ret_desc->digest = strdup(digest)) ||
	    (type && !(ret_desc->media_type = strdup(type))))
		return -ENOMEM;
	ret_desc->size = len;
	*ret_buf = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

/* The media type to record for the top blob when the registry sent none:
 * what the body says. */
static int fill_media_type(struct bpfman_ctx *ctx, struct descriptor *d, const void *buf,
			   size_t len)
{
	_cleanup_(manifest_clearp) struct manifest m = { 0 };
	static const char *const names[] = {
		[MANIFEST_OCI_INDEX] = MT_OCI_INDEX,
		[MANIFEST_DOCKER_LIST] = MT_DOCKER_LIST,
		[MANIFEST_OCI] = MT_OCI_MANIFEST,
		[MANIFEST_DOCKER] = MT_DOCKER_MANIFEST,
	};
	int err;

	if (d->media_type)
		return 0;
	if ((err = manifest_parse(ctx, NULL, buf, len, &m)))
		return err;
	d->media_type = strdup(names[m.kind]);
	return d->media_type ? 0 : -ENOMEM;
}

static int pull_network(struct bpfman_ctx *ctx, const struct image_ref *ref, const char *name,
			const struct descriptor *cached, const struct bpfman_pull_opts *opts,
			struct bpfman_image **ret)
{
	_cleanup_(registry_client_freep) struct registry_client *c = NULL;
	_cleanup_(descriptor_clearp) struct descriptor top = { 0 };
	_cleanup_(image_freep) struct bpfman_image *img = NULL;
	_cleanup_free_ void *buf = NULL;
	_cleanup_(store_releasep) int hold = -1;
	const char *root = ctx->image_cache_dir;
	const char *platform = OPTS_GET(opts, platform, NULL);
	size_t len = 0;
	int err;

	if ((err = registry_client_new(ctx, ref, OPTS_GET(opts, registry, NULL), false, &c)))
		return err;
	/* Keeps image prune from deleting blobs written before the tag. */
	hold = store_hold(ctx, root);
	if (hold < 0)
		return hold;

	/* Policy Always with a cached copy: ask only for the digest; when it
	 * is unchanged the cached blobs serve (fetched again only if gone). */
	if (cached) {
		char digest[DIGEST_STR_SIZE];
		_cleanup_free_ char *type = NULL;

		err = registry_head_manifest(c, ref->digest ? ref->digest : ref->tag,
					     manifest_accept(), digest, &type);
		if (!err && !strcmp(digest, cached->digest) &&
		    store_has_blob(root, cached->digest, cached->size)) {
			if ((err = descriptor_copy(&top, cached)) ||
			    (err = store_read_blob(ctx, root, top.digest, MANIFEST_MAX_SIZE, &buf,
						   &len)))
				return err;
		} else if (err && err != -ENOTSUP) {
			return err;
		}
	}
	if (!buf && (err = fetch_top(ctx, root, c, ref, &top, &buf, &len)))
		return err;
	if ((err = fill_media_type(ctx, &top, buf, len)))
		return bpfman_err_prefix(ctx, err, "image %s", name);

	/* The signature check goes here (wired at merge): c is the client,
	 * ref the parsed reference, top.digest the manifest digest the
	 * reference resolved to (the index's when it names an index). Every
	 * network pull passes here, also Always with an unchanged digest;
	 * nothing is tagged yet, so a refusal leaves no reference cached. */
	if ((err = signature_enforce(ctx, c, ref, top.digest)))
		return err;

	if ((err = complete_image(ctx, root, c, name, &top, buf, len, platform, &img)) ||
	    (err = check_single_platform(ctx, img, platform)))
		return err;
	/* Record the platform chosen so that reading the cache later picks
	 * the same manifest from an index. */
	free(top.platform);
	if (!(top.platform = strdup(img->platform)))
		return -ENOMEM;
	/* Unchanged (Always, same digest and platform): no rewrite. */
	if (!(cached && !strcmp(cached->digest, top.digest) && cached->platform &&
	      !strcmp(cached->platform, top.platform)) &&
	    (err = store_tag(ctx, root, name, &top)))
		return err;
	*ret = TAKE_PTR(img);
	return 0;
}

int image_pull(struct bpfman_ctx *ctx, const char *reference,
	       const struct bpfman_pull_opts *opts, struct bpfman_image **ret)
{
	_cleanup_(image_ref_clearp) struct image_ref ref = { 0 };
	_cleanup_(descriptor_clearp) struct descriptor cached = { 0 };
	_cleanup_free_ char *name = NULL;
	const char *root = ctx->image_cache_dir;
	enum bpfman_pull_policy policy = OPTS_GET(opts, policy, BPFMAN_PULL_ALWAYS);
	const char *platform = OPTS_GET(opts, platform, NULL);
	bool have = false;
	int err;

	if ((err = dlopen_crypto(ctx)))
		return err;

	if (str_empty(reference))
		return bpfman_err(ctx, -EINVAL,
				  "no image reference given; write one as [registry/]repository[:tag][@sha256:digest]");
	if (platform && (err = platform_validate(ctx, platform)))
		return err;
	if ((err = image_ref_parse(ctx, reference, &ref)))
		return err;
	if (!(name = image_ref_string(&ref)))
		return -ENOMEM;
	if (policy != BPFMAN_PULL_ALWAYS && policy != BPFMAN_PULL_IF_NOT_PRESENT &&
	    policy != BPFMAN_PULL_NEVER)
		return bpfman_err(ctx, -EINVAL, "unknown pull policy %d; use Always, IfNotPresent or Never",
				  (int)policy);
	/* Never and a cache hit need no layout to be created. */
	if (path_exists(root)) {
		err = store_resolve(ctx, root, name, &cached);
		if (err && err != -ENOENT)
			return err;
		have = !err;
		bpfman_err_clear(ctx);
	}

	if (policy == BPFMAN_PULL_NEVER && !have)
		return bpfman_err(ctx, -ENOENT,
				  "image %s is not in the cache %s and the pull policy is Never; pull it first or use the policy IfNotPresent",
				  name, root);
	if (have && policy != BPFMAN_PULL_ALWAYS) {
		/* A cached image is used only if the current signature policy
		 * already allowed this digest; otherwise ask the registry for
		 * its signatures, which Never forbids. */
		err = signature_cached_ok(ctx, &ref, cached.digest);
		if (err < 0)
			return err;
		if (!err && policy == BPFMAN_PULL_NEVER)
			return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EPERM,
					  "image %s (%s) in the cache was not checked under the current signature policy, and the pull policy Never forbids asking the registry; pull it with IfNotPresent or Always (doc/signatures.md)",
					  name, cached.digest);
		if (!err)
			return pull_network(ctx, &ref, name, &cached, opts, ret);
		/* This host's entry of an index, even when the last pull
		 * picked another platform (image get shows that one). */
		err = image_read_cached(ctx, name, platform ? platform : host_platform(), ret);
		if (!err && (err = check_single_platform(ctx, *ret, platform))) {
			bpfman_image__free(*ret);
			*ret = NULL;
			return err; /* the cached image is the registry's too */
		}
		/* IfNotPresent repairs a cache that lost a blob; Never cannot. */
		if (err != -ENOENT || policy == BPFMAN_PULL_NEVER)
			return err;
		pr_info(ctx, "%s", bpfman_errmsg(ctx));
		bpfman_err_clear(ctx);
	}
	if ((err = store_make_private(ctx, root)) || (err = store_init(ctx, root)))
		return err;
	return pull_network(ctx, &ref, name, have ? &cached : NULL, opts, ret);
}
