/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libbpfman: eBPF bytecode images (doc/images.md).
 *
 * Images are OCI images in bpfman's bytecode format: one tar+gzip layer
 * holding the ELF object, and config labels `io.ebpf.programs` and
 * `io.ebpf.maps` (JSON) naming what it holds. They are pulled over the OCI
 * distribution API into a content-addressed cache (an OCI image layout
 * under the context's image_cache_dir) shared by every process.
 */
#ifndef BPFMAN_IMAGE_H
#define BPFMAN_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "program.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Values match bpfman.v1's ImagePullPolicy. */
enum bpfman_pull_policy {
	BPFMAN_PULL_ALWAYS = 0,
	BPFMAN_PULL_IF_NOT_PRESENT = 1,
	BPFMAN_PULL_NEVER = 2,
};
BPFMAN_API const char *bpfman_pull_policy_name(enum bpfman_pull_policy policy);
/* "Always", "IfNotPresent", "Never" (case-insensitive); -1 when unknown. */
BPFMAN_API int bpfman_pull_policy_from_name(const char *name);

/* Called as bytes arrive or leave; total is 0 when unknown. `what` names
 * the blob ("manifest", "config", "layer sha256:ab12..."). Only valid
 * during the call. */
typedef void (*bpfman_progress_fn)(const char *what, uint64_t done,
				   uint64_t total, void *user_data);

/* How to reach a registry: credentials and progress reporting. */
struct bpfman_registry_opts {
	size_t sz;
	/* Explicit credentials; win over auth files. Never stored or logged. */
	const char *username;
	const char *password;
	/* An auth file to use instead of the usual search (doc/images.md). */
	const char *auth_file;
	bpfman_progress_fn progress;
	void *progress_user_data;
	size_t : 0;
};
BPFMAN_API void bpfman_registry_opts_init(struct bpfman_registry_opts *opts, size_t sz);

struct bpfman_pull_opts {
	size_t sz;
	enum bpfman_pull_policy policy; /* default ALWAYS (zero), as bpfman */
	const struct bpfman_registry_opts *registry;
	/* "os/arch[/variant]" to choose from an index; default this host's */
	const char *platform;
	size_t : 0;
};
BPFMAN_API void bpfman_pull_opts_init(struct bpfman_pull_opts *opts, size_t sz);

/* An image in the cache (opaque). */
struct bpfman_image;

/* Pulls `reference` (as container tools write it: [registry/]repo[:tag]
 * [@sha256:digest]) into the cache under the policy, checking every
 * digest and size, and enforcing the signature policy of the config file.
 * On success *ret_image describes what is cached (free it). */
BPFMAN_API int bpfman_image__pull(struct bpfman_image **ret_image,
				  struct bpfman_ctx *ctx, const char *reference,
				  const struct bpfman_pull_opts *opts);
/* Reads a cached image without touching the network; -ENOENT if absent. */
BPFMAN_API int bpfman_image__get(struct bpfman_image **ret_image,
				 struct bpfman_ctx *ctx, const char *reference);
BPFMAN_API int bpfman_image__list(struct bpfman_image ***ret_images,
				  size_t *ret_cnt, struct bpfman_ctx *ctx);
BPFMAN_API void bpfman_image_list__free(struct bpfman_image **images, size_t cnt);
BPFMAN_API void bpfman_image__free(struct bpfman_image *image);

/* Forgets a reference; its blobs stay until bpfman_image__prune. */
BPFMAN_API int bpfman_image__remove(struct bpfman_ctx *ctx, const char *reference);
/* Deletes blobs no cached reference uses. Either out-param may be NULL. */
BPFMAN_API int bpfman_image__prune(struct bpfman_ctx *ctx, size_t *ret_blobs,
				   uint64_t *ret_bytes);

/* Normalised reference, e.g. "quay.io/bpfman-bytecode/xdp_pass:latest". */
BPFMAN_API const char *bpfman_image__reference(const struct bpfman_image *image);
/* Digest of the manifest chosen for this platform, "sha256:<hex>". */
BPFMAN_API const char *bpfman_image__digest(const struct bpfman_image *image);
/* Digest of the index the reference named, or NULL when it named a manifest. */
BPFMAN_API const char *bpfman_image__index_digest(const struct bpfman_image *image);
BPFMAN_API const char *bpfman_image__platform(const struct bpfman_image *image);
/* Manifest + config + layers, in bytes. */
BPFMAN_API uint64_t bpfman_image__size(const struct bpfman_image *image);
BPFMAN_API size_t bpfman_image__label_cnt(const struct bpfman_image *image);
BPFMAN_API const char *bpfman_image__label_key(const struct bpfman_image *image, size_t i);
BPFMAN_API const char *bpfman_image__label_value(const struct bpfman_image *image, size_t i);
/* Programs named by the labels (io.ebpf.programs or the legacy ones). */
BPFMAN_API size_t bpfman_image__program_cnt(const struct bpfman_image *image);
BPFMAN_API const char *bpfman_image__program_name(const struct bpfman_image *image, size_t i);
BPFMAN_API enum bpfman_program_type bpfman_image__program_type(const struct bpfman_image *image, size_t i);
/* Maps named by io.ebpf.maps. */
BPFMAN_API size_t bpfman_image__map_cnt(const struct bpfman_image *image);
BPFMAN_API const char *bpfman_image__map_name(const struct bpfman_image *image, size_t i);
BPFMAN_API const char *bpfman_image__map_type(const struct bpfman_image *image, size_t i);

/* Pulls (under pull_opts) and loads. opts->programs may be empty: then
 * every program the labels name is loaded with the type they give. */
BPFMAN_API int bpfman_program__load_image(struct bpfman_program ***ret_progs,
					  size_t *ret_cnt,
					  struct bpfman_ctx *ctx,
					  const char *reference,
					  const struct bpfman_load_opts *opts,
					  const struct bpfman_pull_opts *pull_opts);

/* Image reference and manifest digest a program was loaded from
 * (bpfman_program__load_image); NULL for programs loaded from a file. */
BPFMAN_API const char *bpfman_program__image(const struct bpfman_program *prog);
BPFMAN_API const char *bpfman_program__image_digest(const struct bpfman_program *prog);

struct bpfman_build_opts {
	size_t sz;
	/* One ELF object per platform; platforms[i] is "os/arch[/variant]"
	 * for objects[i]. One object with platforms NULL means this host's
	 * platform and produces a plain manifest; several produce an index. */
	const char *const *objects;
	const char *const *platforms;
	size_t objects_cnt;
	/* Write an OCI image layout here (created if missing) ... */
	const char *layout_dir;
	/* ... and/or push to this reference. At least one of the two. */
	const char *push_reference;
	const struct bpfman_registry_opts *registry;
	/* Extra config labels; the io.ebpf.* labels are derived from the ELF. */
	const struct bpfman_kv *labels;
	size_t labels_cnt;
	size_t : 0;
};
BPFMAN_API void bpfman_build_opts_init(struct bpfman_build_opts *opts, size_t sz);

/* Builds a bytecode image without docker or podman. *ret_digest (free it)
 * is the digest of the top manifest or index. */
BPFMAN_API int bpfman_image__build(char **ret_digest, struct bpfman_ctx *ctx,
				   const struct bpfman_build_opts *opts);

#ifdef __cplusplus
}
#endif

#endif /* BPFMAN_IMAGE_H */
