/* SPDX-License-Identifier: Apache-2.0 */
/* Image references as container tools write them (doc/images.md):
 * [registry[:port]/]repository[:tag][@sha256:hex]. Owner: reference.c. */
#ifndef BPFMAN_IMAGE_REFERENCE_H
#define BPFMAN_IMAGE_REFERENCE_H

struct bpfman_ctx;

struct image_ref {
	char *registry;   /* "docker.io", "quay.io", "127.0.0.1:5000" */
	char *api_host;   /* where the API lives: registry-1.docker.io for docker.io */
	char *repository; /* "library/alpine", "bpfman-bytecode/xdp_pass" */
	char *tag;        /* "latest" when neither tag nor digest was given; NULL with digest only */
	char *digest;     /* "sha256:<64 hex>" or NULL */
};

/* Strict: rejects upper-case repositories, bad tags, digests that are not
 * sha256:<64 lower-case hex>, empty parts; the sentence says which part. */
int image_ref_parse(struct bpfman_ctx *ctx, const char *text, struct image_ref *ret);
void image_ref_clear(struct image_ref *ref);
/* For _cleanup_(image_ref_clearp). */
static inline void image_ref_clearp(struct image_ref *r)
{
	image_ref_clear(r);
}
/* "registry/repository[:tag][@digest]", malloc'ed; the cache's key. */
char *image_ref_string(const struct image_ref *ref);
/* "registry/repository" (policy scopes, signature identities). */
char *image_ref_repo_string(const struct image_ref *ref);

#endif
