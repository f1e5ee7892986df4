// SPDX-License-Identifier: Apache-2.0
/* The `registries` list of the config file:
 *
 *   registries:
 *     - location: 127.0.0.1:5000/team   # host[:port][/repository prefix]
 *       insecure: true                  # plain HTTP (never otherwise)
 *       ca_file: /etc/bpfman/ca.pem     # added to the system CAs
 *       client_cert: /etc/bpfman/c.pem  # mutual TLS (both or neither)
 *       client_key: /etc/bpfman/c.key
 *   registry_tls:
 *     ca_file: /etc/bpfman/extra-ca.pem # for every registry
 *
 * Checked strictly every time it is read: a typo must not silently turn
 * TLS verification into something else. */
#include "internal.h"
#include "config.h"
#include "image/registry_config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void registry_settings_clear(struct registry_settings *s)
{
	free(s->location);
	free(s->ca_file);
	free(s->client_cert);
	free(s->client_key);
	memset(s, 0, sizeof(*s));
}

struct http_tls registry_settings_tls(const struct registry_settings *s)
{
	return (struct http_tls){
		.ca_file = s->ca_file,
		.client_cert = s->client_cert,
		.client_key = s->client_key,
	};
}

static int check_path(struct bpfman_ctx *ctx, const char *key, json_t *v,
		      const char **ret)
{
	const char *s = json_string_value(v);

	if (!v || json_is_null(v)) {
		*ret = NULL;
		return 0;
	}
	if (!s || s[0] != '/')
		return config_err(ctx, -EINVAL, key, "must be an absolute path");
	*ret = s;
	return 0;
}

static bool location_valid(const char *loc)
{
	if (!loc[0] || loc[0] == '/' || strstr(loc, "://") || strstr(loc, "//"))
		return false;
	if (loc[strlen(loc) - 1] == '/')
		return false;
	for (const char *p = loc; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '@' || *p == '\\')
			return false;
	return true;
}

/* location "host[:port][/prefix]" matches host and repository when the
 * host parts are equal (case-insensitive) and the prefix, if any, is the
 * repository or a path above it. */
static bool location_matches(const char *loc, const char *host,
			     const char *repository)
{
	const char *slash = strchr(loc, '/');
	size_t hlen = slash ? (size_t)(slash - loc) : strlen(loc);
	size_t plen;

	if (strlen(host) != hlen || strncasecmp(loc, host, hlen))
		return false;
	if (!slash)
		return true;
	if (!repository)
		return false;
	plen = strlen(slash + 1);
	return !strncmp(repository, slash + 1, plen) &&
	       (repository[plen] == '\0' || repository[plen] == '/');
}

static int check_entry(struct bpfman_ctx *ctx, size_t i, json_t *e)
{
	static const char *const known[] = { "location", "insecure", "ca_file",
					     "client_cert", "client_key" };
	const char *key, *path;
	json_t *v;
	char kp[64];
	int err;

	if (!json_is_object(e))
		return config_err(ctx, -EINVAL, "registries",
				  "entry %zu must be a mapping with a location", i);
	json_object_foreach(e, key, v) {
		bool ok = false;

		for (size_t k = 0; k < ARRAY_SIZE(known); k++)
			ok |= !strcmp(key, known[k]);
		if (!ok) {
			snprintf(kp, sizeof(kp), "registries[%zu]", i);
			return config_err(ctx, -EINVAL, kp,
					  "unknown key '%s' (known: location, insecure, ca_file, client_cert, client_key)",
					  key);
		}
	}
	snprintf(kp, sizeof(kp), "registries[%zu].location", i);
	v = json_object_get(e, "location");
	if (!json_is_string(v) || !location_valid(json_string_value(v)))
		return config_err(ctx, -EINVAL, kp,
				  "must be a string host[:port][/repository], without a scheme or trailing slash");
	snprintf(kp, sizeof(kp), "registries[%zu].insecure", i);
	v = json_object_get(e, "insecure");
	if (v && !json_is_boolean(v))
		return config_err(ctx, -EINVAL, kp, "must be true or false");
	snprintf(kp, sizeof(kp), "registries[%zu].ca_file", i);
	if ((err = check_path(ctx, kp, json_object_get(e, "ca_file"), &path)))
		return err;
	snprintf(kp, sizeof(kp), "registries[%zu].client_cert", i);
	if ((err = check_path(ctx, kp, json_object_get(e, "client_cert"), &path)))
		return err;
	snprintf(kp, sizeof(kp), "registries[%zu].client_key", i);
	if ((err = check_path(ctx, kp, json_object_get(e, "client_key"), &path)))
		return err;
	if (!json_object_get(e, "client_cert") != !json_object_get(e, "client_key")) {
		snprintf(kp, sizeof(kp), "registries[%zu]", i);
		return config_err(ctx, -EINVAL, kp,
				  "client_cert and client_key go together: give both or neither");
	}
	return 0;
}

static int dup_opt(json_t *v, char **ret)
{
	const char *s = json_string_value(v);

	*ret = NULL;
	if (!s)
		return 0;
	*ret = strdup(s);
	return *ret ? 0 : -ENOMEM;
}

int registry_settings_lookup(struct bpfman_ctx *ctx, const char *host,
			     const char *repository,
			     struct registry_settings *ret)
{
	struct registry_settings s = { 0 };
	json_t *root, *list, *tls, *e, *best = NULL;
	const char *global_ca = NULL, *key;
	size_t i, best_len = 0;
	int err;

	if ((err = config_root(ctx, &root)))
		return err;
	list = json_object_get(root, "registries");
	if (list && !json_is_null(list) && !json_is_array(list))
		return config_err(ctx, -EINVAL, "registries",
				  "must be a list of entries (- location: host[:port])");
	json_array_foreach(list, i, e) {
		const char *loc;

		if ((err = check_entry(ctx, i, e)))
			return err;
		loc = json_string_value(json_object_get(e, "location"));
		for (size_t j = 0; j < i; j++) {
			const char *other = json_string_value(
				json_object_get(json_array_get(list, j), "location"));

			if (!strcasecmp(loc, other)) {
				char kp[64];

				snprintf(kp, sizeof(kp), "registries[%zu].location", i);
				return config_err(ctx, -EINVAL, kp,
						  "'%s' is already listed at registries[%zu]; merge the two entries",
						  loc, j);
			}
		}
		if (location_matches(loc, host, repository) && strlen(loc) > best_len) {
			best = e;
			best_len = strlen(loc);
		}
	}

	if ((err = config_section(ctx, "registry_tls", &tls)))
		return err;
	json_object_foreach(tls, key, e) {
		if (strcmp(key, "ca_file"))
			return config_err(ctx, -EINVAL, "registry_tls",
					  "unknown key '%s' (known: ca_file)", key);
	}
	if (tls && (err = check_path(ctx, "registry_tls.ca_file",
				     json_object_get(tls, "ca_file"), &global_ca)))
		return err;

	if (best) {
		s.insecure = json_is_true(json_object_get(best, "insecure"));
		if (dup_opt(json_object_get(best, "location"), &s.location) ||
		    dup_opt(json_object_get(best, "ca_file"), &s.ca_file) ||
		    dup_opt(json_object_get(best, "client_cert"), &s.client_cert) ||
		    dup_opt(json_object_get(best, "client_key"), &s.client_key)) {
			registry_settings_clear(&s);
			return -ENOMEM;
		}
	}
	if (!s.ca_file && global_ca && !(s.ca_file = strdup(global_ca))) {
		registry_settings_clear(&s);
		return -ENOMEM;
	}
	*ret = s;
	return 0;
}
