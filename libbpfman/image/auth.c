// SPDX-License-Identifier: Apache-2.0
/* Credentials from auth files, in the order containers-auth.json(5) and
 * docker read them:
 *   $REGISTRY_AUTH_FILE, else ${XDG_RUNTIME_DIR}/containers/auth.json
 *     (/run/containers/<uid>/auth.json when XDG_RUNTIME_DIR is unset),
 *   ${XDG_CONFIG_HOME:-$HOME/.config}/containers/auth.json,
 *   ${DOCKER_CONFIG:-$HOME/.docker}/config.json,
 *   $HOME/.dockercfg (legacy: the "auths" map is the whole file).
 * Within a file the most specific key wins (registry/ns/repo before
 * registry/ns before registry); the first file with a match wins.
 * Credential helpers (credHelpers, credsStore) would mean running other
 * programs with our privileges: they are not supported, and a warning
 * says so when a file relies on one. */
#include "internal.h"
#include "image/auth.h"
#include "dlopen_crypto.h"

#include <fcntl.h>
#include <jansson.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* An auth file larger than this is not an auth file. */
#define AUTH_FILE_MAX (1u << 20)

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void registry_creds_clear(struct registry_creds *c)
{
	free(c->username);
	wipe_free(c->password);
	free(c->source);
	memset(c, 0, sizeof(*c));
}

static const char *home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && h[0])
		return h;
	pw = getpwuid(getuid());
	return pw ? pw->pw_dir : NULL;
}

static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] ? v : NULL;
}

char **auth_search_paths(void)
{
	char **p = calloc(6, sizeof(*p));
	const char *home = home_dir(), *v;
	size_t n = 0;

	if (!p)
		return NULL;
	if ((v = env_nonempty("REGISTRY_AUTH_FILE")))
		p[n++] = strdup(v);
	else if ((v = env_nonempty("XDG_RUNTIME_DIR")))
		p[n++] = str_printf("%s/containers/auth.json", v);
	else
		p[n++] = str_printf("/run/containers/%u/auth.json", (unsigned)getuid());
	if ((v = env_nonempty("XDG_CONFIG_HOME")))
		p[n++] = str_printf("%s/containers/auth.json", v);
	else if (home)
		p[n++] = str_printf("%s/.config/containers/auth.json", home);
	if ((v = env_nonempty("DOCKER_CONFIG")))
		p[n++] = str_printf("%s/config.json", v);
	else if (home)
		p[n++] = str_printf("%s/.docker/config.json", home);
	if (home)
		p[n++] = str_printf("%s/.dockercfg", home);
	for (size_t i = 0; i < n; i++) {
		if (!p[i]) {
			auth_paths_free(p);
			return NULL;
		}
	}
	return p;
}

void auth_paths_free(char **paths)
{
	if (!paths)
		return;
	for (char **p = paths; *p; p++)
		free(*p);
	free(paths);
}

/* -ENOENT when absent (not an error for the search). */
static int read_auth_file(struct bpfman_ctx *ctx, const char *path, json_t **ret)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	json_error_t jerr;
	struct stat st;
	ssize_t n;
	json_t *root;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return -ENOENT;
		return bpfman_err(ctx, -errno, "cannot read the auth file %s: %s",
				  path, strerror(errno));
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return bpfman_err(ctx, -EINVAL, "the auth file %s is not a regular file", path);
	if (st.st_size > AUTH_FILE_MAX)
		return bpfman_err(ctx, -EFBIG, "the auth file %s is larger than %u bytes; refusing it",
				  path, AUTH_FILE_MAX);
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	n = read(fd, buf, (size_t)st.st_size);
	if (n < 0)
		return bpfman_err(ctx, -errno, "cannot read the auth file %s: %s",
				  path, strerror(errno));
	root = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
	explicit_bzero(buf, (size_t)n);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		return bpfman_err(ctx, -EINVAL,
				  "the auth file %s is not a JSON object (line %d: %s); fix or remove it",
				  path, jerr.line, root ? "not an object" : jerr.text);
	}
	*ret = root;
	return 0;
}

/* docker.io has several spellings in auth files. */
static const char *canonical_host(const char *host, size_t len)
{
	static const char *const hub[] = { "docker.io", "index.docker.io",
					   "registry-1.docker.io", "registry.hub.docker.com" };

	for (size_t i = 0; i < ARRAY_SIZE(hub); i++)
		if (strlen(hub[i]) == len && !strncasecmp(host, hub[i], len))
			return "docker.io";
	return NULL;
}

/* A key as written ("https://index.docker.io/v1/", "quay.io/org",
 * "127.0.0.1:5000") in the form we compare: "host[/path]". Keys written as
 * URLs are docker's: their path is an API version, not a namespace. */
static char *normalise_key(const char *key)
{
	const char *p = key, *slash, *canon;
	bool url = false;
	size_t hlen;

	if (!strncasecmp(p, "https://", 8)) {
		p += 8;
		url = true;
	} else if (!strncasecmp(p, "http://", 7)) {
		p += 7;
		url = true;
	}
	slash = strchr(p, '/');
	hlen = slash ? (size_t)(slash - p) : strlen(p);
	if (!hlen)
		return NULL;
	canon = canonical_host(p, hlen);
	if (url || !slash || !slash[1])
		return canon ? strdup(canon) : strndup(p, hlen);
	return str_printf("%.*s%s", (int)(canon ? strlen(canon) : hlen),
			  canon ? canon : p, slash);
}

static int decode_auth(struct bpfman_ctx *ctx, const char *what, const char *source,
		       const char *key, const char *b64, struct registry_creds *ret)
{
	size_t len = strlen(b64), out_len;
	_cleanup_free_ unsigned char *out = NULL;
	char *colon;
	int n;

	if (!len || len % 4 || len > 64 * 1024)
		goto bad;
	out = malloc(len / 4 * 3 + 1);
	if (!out)
		return -ENOMEM;
	n = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)len);
	if (n < 0)
		goto bad;
	out_len = (size_t)n;
	if (b64[len - 1] == '=')
		out_len--;
	if (b64[len - 2] == '=')
		out_len--;
	out[out_len] = '\0';
	if (strlen((char *)out) != out_len || !(colon = strchr((char *)out, ':')) ||
	    colon == (char *)out) {
		explicit_bzero(out, out_len);
		goto bad;
	}
	*colon = '\0';
	ret->username = strdup((char *)out);
	ret->password = strdup(colon + 1);
	ret->source = strdup(source);
	explicit_bzero(out, out_len);
	if (!ret->username || !ret->password || !ret->source) {
		registry_creds_clear(ret);
		return -ENOMEM;
	}
	return 0;
bad:
	return bpfman_err(ctx, -EINVAL,
			  "%s has an entry \"%s\" whose auth is not base64 of user:password; log in again or fix the file",
			  what, key);
}

/* The candidates for registry/repository, most specific first. */
static int lookup_keys(const char *registry, const char *repository,
		       char ***ret, size_t *ret_cnt)
{
	_cleanup_free_ char *reg = normalise_key(registry);
	char **keys;
	size_t n = 0, max = 2;

	if (!reg)
		return -EINVAL;
	for (const char *p = repository; p && *p; p++)
		max += *p == '/';
	keys = calloc(max + 1, sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	if (repository && repository[0]) {
		_cleanup_free_ char *full = str_printf("%s/%s", reg, repository);
		char *cut;

		if (!full)
			goto oom;
		while (true) {
			if (!(keys[n++] = strdup(full)))
				goto oom;
			cut = strrchr(full, '/');
			if (!cut || (size_t)(cut - full) <= strlen(reg))
				break;
			*cut = '\0';
		}
	}
	if (!(keys[n++] = strdup(reg)))
		goto oom;
	*ret = keys;
	*ret_cnt = n;
	return 0;
oom:
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	return -ENOMEM;
}

static void keys_free(char **keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

/* 0 with ret filled, -ENOENT when root (an auth file's JSON, consumed) has
 * nothing for us. `what` names it in sentences ("the auth file PATH"),
 * `source` in the debug line saying where credentials came from. */
static int lookup_in_root(struct bpfman_ctx *ctx, const char *what, const char *source,
			  json_t *root, bool legacy, char **keys, size_t keys_cnt,
			  struct registry_creds *ret)
{
	json_t *auths, *v, *best = NULL, *helpers;
	const char *key, *best_key = NULL;
	const char *path = source;
	size_t best_rank = keys_cnt;
	int err;

	auths = legacy ? root : json_object_get(root, "auths");
	if (auths && !json_is_object(auths)) {
		json_decref(root);
		return bpfman_err(ctx, -EINVAL, "%s: \"auths\" must be an object", what);
	}
	json_object_foreach(auths, key, v) {
		_cleanup_free_ char *norm = normalise_key(key);

		for (size_t i = 0; norm && i < best_rank; i++) {
			if (!strcasecmp(norm, keys[i])) {
				best = v;
				best_key = key;
				best_rank = i;
				break;
			}
		}
	}
	helpers = legacy ? NULL : json_object_get(root, "credHelpers");
	json_object_foreach(helpers, key, v) {
		_cleanup_free_ char *norm = normalise_key(key);

		if (norm && !strcasecmp(norm, keys[keys_cnt - 1]))
			pr_warn(ctx, "%s names the credential helper \"%s\" for %s; credential helpers are not supported by libbpfman: pass the credentials explicitly or log in with `podman login` so they are stored in the file",
				path, str_or_empty(json_string_value(v)), key);
	}
	if (!best) {
		const char *store = legacy ? NULL :
			json_string_value(json_object_get(root, "credsStore"));

		if (store)
			pr_warn(ctx, "%s keeps credentials in the credential store \"%s\", which libbpfman does not support: pass the credentials explicitly or log in with `podman login`",
				path, store);
		json_decref(root);
		return -ENOENT;
	}
	if (!json_is_object(best)) {
		/* best_key lives in root: the sentence first, then the free */
		err = bpfman_err(ctx, -EINVAL, "%s: the entry \"%s\" must be an object",
				 what, best_key);
		json_decref(root);
		return err;
	}
	v = json_object_get(best, "auth");
	if (json_is_string(v) && json_string_length(v)) {
		err = decode_auth(ctx, what, source, best_key, json_string_value(v), ret);
	} else if (json_is_string(json_object_get(best, "username")) &&
		   json_is_string(json_object_get(best, "password"))) {
		ret->username = strdup(json_string_value(json_object_get(best, "username")));
		ret->password = strdup(json_string_value(json_object_get(best, "password")));
		ret->source = strdup(source);
		err = ret->username && ret->password && ret->source ? 0 : -ENOMEM;
		if (err)
			registry_creds_clear(ret);
	} else {
		if (json_object_get(best, "identitytoken"))
			pr_warn(ctx, "%s has only an identity token for %s; OAuth identity tokens are not supported: log in with a password",
				path, best_key);
		err = -ENOENT;
	}
	json_decref(root);
	return err;
}

static int lookup_in_file(struct bpfman_ctx *ctx, const char *path, bool legacy,
			  char **keys, size_t keys_cnt, struct registry_creds *ret)
{
	_cleanup_free_ char *what = str_printf("the auth file %s", path);
	json_t *root = NULL;
	int err;

	if (!what)
		return -ENOMEM;
	if ((err = read_auth_file(ctx, path, &root)))
		return err;
	return lookup_in_root(ctx, what, path, root, legacy, keys, keys_cnt, ret);
}

int auth_lookup_text(struct bpfman_ctx *ctx, const char *what, const char *text, bool legacy,
		     const char *registry, const char *repository, struct registry_creds *ret)
{
	char **keys = NULL;
	size_t keys_cnt = 0, len = strlen(text);
	json_error_t jerr;
	json_t *root;
	int err;

	memset(ret, 0, sizeof(*ret));
	if (len > AUTH_FILE_MAX)
		return bpfman_err(ctx, -EFBIG, "%s is larger than %u bytes; refusing it", what,
				  AUTH_FILE_MAX);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		return bpfman_err(ctx, -EINVAL, "%s is not a JSON object (line %d: %s); fix it",
				  what, jerr.line, root ? "not an object" : jerr.text);
	}
	if ((err = lookup_keys(registry, repository, &keys, &keys_cnt))) {
		json_decref(root);
		return err == -EINVAL ? bpfman_err(ctx, err, "empty registry name") : err;
	}
	err = lookup_in_root(ctx, what, what, root, legacy, keys, keys_cnt, ret);
	keys_free(keys, keys_cnt);
	return err == -ENOENT ? 0 : err;
}

int auth_lookup(struct bpfman_ctx *ctx, const char *registry,
		const char *repository, const char *username,
		const char *password, const char *auth_file,
		struct registry_creds *ret)
{
	struct registry_creds c = { 0 };
	char **keys = NULL, **paths = NULL;
	size_t keys_cnt = 0;
	int err;

	memset(ret, 0, sizeof(*ret));
	if (username && username[0]) {
		c.username = strdup(username);
		c.password = strdup(str_or_empty(password));
		c.source = strdup("explicit credentials");
		if (!c.username || !c.password || !c.source) {
			registry_creds_clear(&c);
			return -ENOMEM;
		}
		*ret = c;
		return 0;
	}
	if ((err = lookup_keys(registry, repository, &keys, &keys_cnt)))
		return err == -EINVAL ? bpfman_err(ctx, err, "empty registry name") : err;

	if (auth_file) {
		err = lookup_in_file(ctx, auth_file, false, keys, keys_cnt, &c);
		if (err == -ENOENT && access(auth_file, F_OK))
			err = bpfman_err(ctx, -ENOENT,
					 "the auth file %s does not exist; log in with `podman login --authfile %s %s` or name another file",
					 auth_file, auth_file, registry);
		else if (err == -ENOENT)
			err = 0; /* the file has nothing for this registry */
		goto out;
	}
	paths = auth_search_paths();
	if (!paths) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; paths[i]; i++) {
		static const char legacy_name[] = "/.dockercfg";
		size_t len = strlen(paths[i]), ll = sizeof(legacy_name) - 1;
		bool legacy = len >= ll && !strcmp(paths[i] + len - ll, legacy_name);

		err = lookup_in_file(ctx, paths[i], legacy, keys, keys_cnt, &c);
		if (err != -ENOENT)
			break;
		err = 0;
	}
out:
	auth_paths_free(paths);
	keys_free(keys, keys_cnt);
	if (err) {
		registry_creds_clear(&c);
		return err;
	}
	if (c.username)
		pr_debug(ctx, "credentials for %s from %s (user %s)", registry,
			 c.source, c.username);
	*ret = c;
	return 0;
}
