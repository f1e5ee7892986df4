/* SPDX-License-Identifier: Apache-2.0 */
/* A client for one repository on an OCI distribution registry (libcurl):
 * TLS (verified; CA bundle from config), plain HTTP only for registries
 * the config marks insecure, anonymous / basic / bearer-token auth with
 * token reuse, credentials never sent across a redirect to another host.
 * Owner: registry.c (+ http.c, auth.c, token.c). */
#ifndef BPFMAN_IMAGE_REGISTRY_H
#define BPFMAN_IMAGE_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpfman/image.h>
#include "manifest.h"
#include "reference.h"

struct bpfman_ctx;
struct registry_client;

/* push: ask for push scope too. */
int registry_client_new(struct bpfman_ctx *ctx, const struct image_ref *ref,
			const struct bpfman_registry_opts *opts, bool push,
			struct registry_client **ret);
void registry_client_free(struct registry_client *c);

/* For _cleanup_(registry_client_freep). */
static inline void registry_client_freep(struct registry_client **c)
{
	registry_client_free(*c);
}

/* GET a manifest by tag or digest. The body is limited to
 * MANIFEST_MAX_SIZE; when `reference` is a digest the body must hash to
 * it. ret_digest is the body's digest. 404 -> -ENOENT naming the image. */
int registry_get_manifest(struct registry_client *c, const char *reference,
			  const char *accept, void **ret_buf, size_t *ret_len,
			  char **ret_content_type, char ret_digest[72]);
/* HEAD: the digest (Docker-Content-Digest) and type without the body;
 * -ENOTSUP when the registry sends no digest (caller falls back to GET). */
int registry_head_manifest(struct registry_client *c, const char *reference,
			   const char *accept, char ret_digest[72],
			   char **ret_content_type);
/* Streams a blob into the layout at root through SHA-256, checking size
 * and digest before it becomes visible. */
int registry_fetch_blob(struct registry_client *c, const char *root,
			const struct descriptor *desc);
int registry_get_blob(struct registry_client *c, const char *digest,
		      size_t max_len, void **ret_buf, size_t *ret_len);
/* 1 exists, 0 missing, <0 error. */
int registry_blob_exists(struct registry_client *c, const char *digest);
int registry_push_blob(struct registry_client *c, const void *buf, size_t len,
		       const char *digest);
int registry_put_manifest(struct registry_client *c, const char *reference,
			  const char *media_type, const void *buf, size_t len);
/* OCI 1.1 referrers of digest, an image index body. *ret_supported is
 * false (and 0 returned) when the registry has no referrers API, so the
 * caller falls back to the sha256-<hex> tag scheme. */
int registry_referrers(struct registry_client *c, const char *digest,
		       const char *artifact_type, bool *ret_supported,
		       void **ret_buf, size_t *ret_len);

#endif
