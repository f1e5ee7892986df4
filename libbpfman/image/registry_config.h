/* SPDX-License-Identifier: Apache-2.0 */
/* Per-registry transport settings from the config file's `registries`
 * list and `registry_tls` mapping (doc/images.md, "Registries, TLS and
 * authentication"). Owner: registry_config.c. */
#ifndef BPFMAN_IMAGE_REGISTRY_CONFIG_H
#define BPFMAN_IMAGE_REGISTRY_CONFIG_H

#include <stdbool.h>

#include "image/http.h"

struct bpfman_ctx;

struct registry_settings {
	char *location;    /* the entry that matched, NULL for none */
	bool insecure;     /* plain HTTP allowed */
	char *ca_file;     /* entry's, else registry_tls.ca_file */
	char *client_cert;
	char *client_key;
};

/* Checks the whole section (strictly; every problem is a config_err
 * naming the key) and returns the settings for host ("host[:port]") and
 * repository (NULL matches only entries without a path): the longest
 * matching location wins. No match gives defaults (TLS verified). */
int registry_settings_lookup(struct bpfman_ctx *ctx, const char *host,
			     const char *repository,
			     struct registry_settings *ret);
void registry_settings_clear(struct registry_settings *s);
/* The TLS view of settings (borrowed pointers). */
struct http_tls registry_settings_tls(const struct registry_settings *s);

#endif
