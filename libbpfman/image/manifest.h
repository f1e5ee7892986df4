/* SPDX-License-Identifier: Apache-2.0 */
/* OCI and Docker schema2 manifests and indexes (untrusted input: every
 * field checked). Owner: manifest.c. */
#ifndef BPFMAN_IMAGE_MANIFEST_H
#define BPFMAN_IMAGE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bpfman_ctx;

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define MT_OCI_LAYER_TAR "application/vnd.oci.image.layer.v1.tar"
#define MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define MT_OCI_EMPTY "application/vnd.oci.empty.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MT_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"

/* Manifests larger than this are refused before parsing (the OCI
 * distribution spec lets registries refuse above 4 MiB). */
#define MANIFEST_MAX_SIZE (4u << 20)

enum manifest_kind {
	MANIFEST_OCI_INDEX,
	MANIFEST_DOCKER_LIST,
	MANIFEST_OCI,
	MANIFEST_DOCKER,
};

struct descriptor {
	char *media_type;
	char *digest;       /* validated sha256:<hex> */
	uint64_t size;
	char *platform;     /* "os/arch[/variant]" from an index entry, else NULL */
	char *artifact_type;
	/* annotations as a flat key/value array (may be empty) */
	char **annotation_keys;
	char **annotation_values;
	size_t annotations_cnt;
};

struct manifest {
	enum manifest_kind kind;
	/* index / list */
	struct descriptor *manifests;
	size_t manifests_cnt;
	/* manifest */
	struct descriptor config;
	struct descriptor *layers;
	size_t layers_cnt;
	/* both (OCI 1.1) */
	char *artifact_type;
	struct descriptor *subject; /* NULL when absent */
	char **annotation_keys;
	char **annotation_values;
	size_t annotations_cnt;
};

/* The Accept header listing every kind above. */
const char *manifest_accept(void);
/* content_type may be NULL (then mediaType in the body decides); when both
 * are present they must agree. */
int manifest_parse(struct bpfman_ctx *ctx, const char *content_type,
		   const void *buf, size_t len, struct manifest *ret);
void manifest_clear(struct manifest *m);
/* An image layout's index.json: an OCI index with room for many more
 * entries than a registry's (the cache lists every pulled reference). */
int manifest_parse_layout_index(struct bpfman_ctx *ctx, const void *buf, size_t len,
				struct manifest *ret);
/* The descriptor as OCI JSON (platform split back into an object), for
 * writing manifests and index.json. NULL on allocation failure. */
struct json_t *descriptor_json(const struct descriptor *d);
/* An annotation's value, or NULL. */
const char *descriptor_annotation(const struct descriptor *d, const char *key);
void descriptor_clear(struct descriptor *d);
int descriptor_copy(struct descriptor *dst, const struct descriptor *src);
/* For _cleanup_(). */
static inline void manifest_clearp(struct manifest *m)
{
	manifest_clear(m);
}

static inline void descriptor_clearp(struct descriptor *d)
{
	descriptor_clear(d);
}

bool manifest_is_index(const struct manifest *m);
/* Chooses the entry for platform ("os/arch[/variant]"; NULL = this host);
 * -ENOENT names the platforms the index has. */
int manifest_pick_platform(struct bpfman_ctx *ctx, const struct manifest *index,
			   const char *platform, const struct descriptor **ret);
/* This host's platform, e.g. "linux/amd64", "linux/arm64/v8". */
const char *host_platform(void);
/* -EINVAL with a sentence unless platform is "os/arch[/variant]", each part
 * lower-case letters, digits and '_' (linux/amd64, linux/arm64/v8). */
int platform_validate(struct bpfman_ctx *ctx, const char *platform);
/* Whether an image for platform `have` serves a request for `want`, by the
 * rules an index entry is picked with (a missing variant fits any). */
bool platform_satisfies(const char *have, const char *want);

#endif
