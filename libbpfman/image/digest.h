/* SPDX-License-Identifier: Apache-2.0 */
/* SHA-256 content digests in OCI form, "sha256:<64 lower-case hex>".
 * Owner: digest.c. */
#ifndef BPFMAN_IMAGE_DIGEST_H
#define BPFMAN_IMAGE_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dlopen_crypto.h"

#define DIGEST_STR_SIZE 72 /* "sha256:" + 64 + NUL */

struct digest_stream {
	SHA256_CTX sha;
	uint64_t bytes;
};

bool digest_valid(const char *digest);
void digest_stream_init(struct digest_stream *s);
void digest_stream_update(struct digest_stream *s, const void *buf, size_t len);
void digest_stream_final(struct digest_stream *s, char out[DIGEST_STR_SIZE]);
void digest_buf(const void *buf, size_t len, char out[DIGEST_STR_SIZE]);
/* The 64 hex digits after "sha256:" (digest must be valid). */
const char *digest_hex(const char *digest);

#endif
