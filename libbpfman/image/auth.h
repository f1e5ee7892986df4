/* SPDX-License-Identifier: Apache-2.0 */
/* Registry credentials: explicit, or from the auth files podman, skopeo
 * and docker write, searched in their order (doc/images.md). Credentials
 * live only in memory and are wiped when cleared. Owner: auth.c. */
#ifndef BPFMAN_IMAGE_AUTH_H
#define BPFMAN_IMAGE_AUTH_H

#include <stdbool.h>

struct bpfman_ctx;

struct registry_creds {
	char *username; /* NULL: anonymous */
	char *password;
	char *source;   /* "explicit credentials" or the auth file's path */
};

/* Finds credentials for registry ("docker.io", "127.0.0.1:5000") and
 * repository. Explicit username wins; then auth_file alone when given;
 * else the usual search. Nothing found is success with username NULL.
 * A file that exists but cannot be parsed is an error naming it. */
int auth_lookup(struct bpfman_ctx *ctx, const char *registry,
		const char *repository, const char *username,
		const char *password, const char *auth_file,
		struct registry_creds *ret);
void registry_creds_clear(struct registry_creds *c);

/* The same lookup in auth-file text held in memory (a Kubernetes pull
 * Secret's .dockerconfigjson, or with legacy its .dockercfg, whose whole
 * object is the "auths" map). `what` names the text in sentences ("the
 * Secret bpfman/regcred"). Nothing found is success with username NULL. */
int auth_lookup_text(struct bpfman_ctx *ctx, const char *what, const char *text, bool legacy,
		     const char *registry, const char *repository, struct registry_creds *ret);

/* The files searched, in order, for the current environment (for docs
 * and error messages): malloc'ed NULL-terminated array. */
char **auth_search_paths(void);
void auth_paths_free(char **paths);

#endif
