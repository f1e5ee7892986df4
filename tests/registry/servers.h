/* SPDX-License-Identifier: Apache-2.0 */
/* Real registries for the registry tests, started through registry-start
 * (docker-registry, token-server.py, redirect-server.py), and what each
 * test needs around them: a context with its own config file, an
 * environment with no auth file of the machine's, a way to push a small
 * image with our client. */
#ifndef BPFMAN_TESTS_REGISTRY_SERVERS_H
#define BPFMAN_TESTS_REGISTRY_SERVERS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include <bpfman/bpfman.h>

#include "image/digest.h"
#include "image/reference.h"

struct registry_client;

struct server {
	char dir[PATH_MAX];
	char mode[16];
	char host[64];       /* 127.0.0.1:PORT */
	char url[96];
	char storage[PATH_MAX];
	char ca[PATH_MAX];
	char user[64];
	char pass[96];
	char token_stats[160];
	char other_host[64]; /* redirect: the other origin */
	char client_cert[PATH_MAX];
	char client_key[PATH_MAX];
	char log_url[160];
};

/* Starts MODE (plain, tls, token, redirect) in a new temp directory.
 * env: shell assignments for registry-start (REGISTRY_TEST_CERT_NAMES=...,
 * REGISTRY_TEST_CLIENT_CA=1, REGISTRY_TEST_TOKEN_LIFETIME=N) or NULL.
 * Exits the test program when it cannot. */
void server_start(struct server *s, const char *mode, const char *env);
void server_stop(struct server *s);
/* Stops every server started (also run at exit, so a failed assertion
 * in the parent leaves nothing behind). */
void servers_stop_all(void);

/* Per test: a temp dir used as HOME with every auth-file variable pointed
 * inside it, and a context whose config file holds `config_yaml`. Logs
 * are kept (all levels) for the assertions on what they may contain. */
struct test_env {
	char dir[PATH_MAX];
	char config[PATH_MAX + 32];
	struct bpfman_ctx *ctx;
	char *log;
	size_t log_len;
};
void env_open(struct test_env *e, const char *config_yaml_fmt, ...)
	__attribute__((format(printf, 2, 3)));
void env_close(struct test_env *e);
/* Writes text to dir/relpath (directories created). Returns the path. */
const char *env_write(struct test_env *e, const char *relpath, const char *text);

/* A reference to repository on s (tag may be NULL). */
void ref_init(struct image_ref *ref, const struct server *s, const char *repository,
	      const char *tag);

/* An OCI manifest with one config and one layer (both made from seed),
 * pushed with our client under tag. Digests returned. */
struct pushed_image {
	char manifest[DIGEST_STR_SIZE];
	char config[DIGEST_STR_SIZE];
	char layer[DIGEST_STR_SIZE];
	size_t manifest_len, config_len, layer_len;
};
void push_image(struct registry_client *c, const char *tag, const char *seed,
		struct pushed_image *ret);

/* GET url (TLS verified against ca when given); the body, malloc'ed. */
char *fetch_url(const char *url, const char *ca);
/* An integer field of a JSON object fetched from url. */
long fetch_json_int(const char *url, const char *ca, const char *field);

/* A free port in this suite's range nothing listens on. */
int free_port(void);

#define assert_msg_has(ctx, needle)                                            \
	ck_assert_msg(strstr(bpfman_errmsg(ctx), needle),                     \
		      "expected \"%s\" in: %s", needle, bpfman_errmsg(ctx))

#endif
