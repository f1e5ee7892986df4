/* SPDX-License-Identifier: Apache-2.0 */
/* The bearer-token flow of the distribution API: parse a WWW-Authenticate
 * challenge, ask the token service named by its realm for a token with
 * our scope (basic credentials when we have them), and reuse tokens until
 * they expire, across clients of the same process. Owner: token.c. */
#ifndef BPFMAN_IMAGE_TOKEN_H
#define BPFMAN_IMAGE_TOKEN_H

#include <stdbool.h>
#include <time.h>

#include "image/http.h"

struct bpfman_ctx;
struct registry_creds;

/* Largest token response we read. */
#define TOKEN_RESPONSE_MAX (256u << 10)
/* expires_in when the service sends none (the token spec's default). */
#define TOKEN_DEFAULT_LIFETIME 60

struct auth_challenge {
	char *scheme;  /* "Bearer", "Basic" (as sent) */
	char *realm;
	char *service;
	char *scope;
	char *error;   /* e.g. "insufficient_scope" */
};

/* Parses the challenges of one header value ("Bearer realm=...,
 * service=..., Basic realm=..."); up to max. Unknown parameters are
 * ignored; a malformed value gives -EINVAL. */
int auth_challenges_parse(const char *value, struct auth_challenge *ret,
			  size_t max, size_t *ret_cnt);
void auth_challenge_clear(struct auth_challenge *c);

/* Gets a token for scope from ch->realm (reusing a cached one that is
 * still valid unless `fresh`). creds may be anonymous. The realm must be
 * https, or http on a host the config marks insecure. *ret_expires is
 * when the caller must stop using it. */
int token_get(struct bpfman_ctx *ctx, CURL *h, const struct auth_challenge *ch,
	      const char *scope, const struct registry_creds *creds, bool fresh,
	      char **ret_token, time_t *ret_expires);
/* Drops the cached tokens (tests). */
void token_cache_flush(void);

#endif
