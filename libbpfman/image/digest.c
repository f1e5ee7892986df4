// SPDX-License-Identifier: Apache-2.0
/* SHA-256 digests in OCI form. OpenSSL's low-level SHA256_* functions are
 * deprecated in 3.0, but EVP's first digest costs more than a whole CLI
 * load (see bytecode.c); blobs are hashed on every pull and read. */
#include "image/digest.h"
#include "util/strutil.h"

#include <string.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

bool digest_valid(const char *digest)
{
	if (!digest || strncmp(digest, "sha256:", 7))
		return false;
	for (size_t i = 0; i < 64; i++) {
		char c = digest[7 + i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return digest[7 + 64] == '\0';
}

void digest_stream_init(struct digest_stream *s)
{
	SHA256_Init(&s->sha);
	s->bytes = 0;
}

void digest_stream_update(struct digest_stream *s, const void *buf, size_t len)
{
	SHA256_Update(&s->sha, buf, len);
	s->bytes += len;
}

void digest_stream_final(struct digest_stream *s, char out[DIGEST_STR_SIZE])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256_Final(md, &s->sha);
	memcpy(out, "sha256:", 7);
	hex_encode(md, sizeof(md), out + 7);
}

void digest_buf(const void *buf, size_t len, char out[DIGEST_STR_SIZE])
{
	struct digest_stream s;

	digest_stream_init(&s);
	digest_stream_update(&s, buf, len);
	digest_stream_final(&s, out);
}

#pragma GCC diagnostic pop

const char *digest_hex(const char *digest)
{
	return digest + 7;
}
