/* SPDX-License-Identifier: Apache-2.0 */
/* An OCI image layout on disk (blobs/sha256/<hex>, index.json, oci-layout):
 * the shared cache under image_cache_dir, and image build's output. Safe
 * for many processes at once: blobs are written to a temporary file,
 * checked, then renamed (content addressed, so racing writers agree), and
 * index.json is rewritten under a flock. Owner: store.c. */
#ifndef BPFMAN_IMAGE_STORE_H
#define BPFMAN_IMAGE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "manifest.h"

struct bpfman_ctx;

/* Creates the layout if missing. */
int store_init(struct bpfman_ctx *ctx, const char *root);
/* The image cache holds what was pulled with credentials: a cache root that
 * does not exist yet is created mode 0700 (an administrator may open it to
 * a group: doc/images.md); an existing one open to others is used, with a
 * warning that says how to close it. */
int store_make_private(struct bpfman_ctx *ctx, const char *root);
char *store_blob_path(const char *root, const char *digest);
/* True when the blob exists with this size (size 0: any). */
bool store_has_blob(const char *root, const char *digest, uint64_t size);

struct blob_writer;
/* expected_digest/size may be NULL/0 when unknown (image build). Writes
 * past expected_size fail with -EMSGSIZE at once. */
int store_blob_begin(struct bpfman_ctx *ctx, const char *root,
		     const char *expected_digest, uint64_t expected_size,
		     struct blob_writer **ret);
int store_blob_write(struct bpfman_ctx *ctx, struct blob_writer *w,
		     const void *buf, size_t len);
/* Checks size and digest, then renames into place; frees w. -EBADMSG on a
 * digest mismatch, with both digests in the sentence. */
int store_blob_commit(struct bpfman_ctx *ctx, struct blob_writer *w,
		      char ret_digest[72]);
void store_blob_abort(struct blob_writer *w);
int store_put_blob(struct bpfman_ctx *ctx, const char *root, const void *buf,
		   size_t len, char ret_digest[72]);
/* Reads a blob, re-checking its digest, refusing it above max_len. */
int store_read_blob(struct bpfman_ctx *ctx, const char *root, const char *digest,
		    size_t max_len, void **ret_buf, size_t *ret_len);

/* index.json entries; name is the annotation
 * org.opencontainers.image.ref.name (our normalised reference). */
int store_tag(struct bpfman_ctx *ctx, const char *root, const char *name,
	      const struct descriptor *desc);
int store_resolve(struct bpfman_ctx *ctx, const char *root, const char *name,
		  struct descriptor *ret);
int store_untag(struct bpfman_ctx *ctx, const char *root, const char *name);
struct store_entry {
	char *name; /* NULL for an entry without a ref.name annotation */
	struct descriptor desc;
};
int store_list(struct bpfman_ctx *ctx, const char *root,
	       struct store_entry **ret, size_t *ret_cnt);
void store_entries_free(struct store_entry *e, size_t cnt);
/* A shared hold on the store (flock on <root>/use.lock) that keeps
 * store_prune from running: take it before writing the first blob of a
 * pull or build and release it after store_tag, so blobs written but not
 * yet tagged are not pruned. Returns an fd (>= 0) or -errno. Never call
 * store_prune while holding one (it would wait for itself). */
int store_hold(struct bpfman_ctx *ctx, const char *root);
void store_release(int hold_fd);
/* Deletes blobs not reachable from index.json (manifests, indexes and
 * their configs and layers), and extracted ELFs in <root>/bytecode/<hex>.o
 * whose layer blob <hex> is not reachable. */
/* Waits for holds (store_hold, blob writers) to end, and removes what
 * killed writers left in <root>/tmp. ret_bytes counts extracted ELFs too. */
int store_prune(struct bpfman_ctx *ctx, const char *root,
		size_t *ret_blobs, uint64_t *ret_bytes);

#endif
