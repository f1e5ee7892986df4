// SPDX-License-Identifier: Apache-2.0
/* Authentication against real servers: htpasswd basic auth, the bearer
 * token flow with token reuse counted at the token service, auth files in
 * every place podman and docker keep them, redirects that must not carry
 * credentials to another host, and secrets kept out of the logs. */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "servers.h"

#include "internal.h"
#include "image/auth.h"
#include "image/manifest.h"
#include "image/registry.h"

static struct server tls, token, redir, short_token;

static void push_fixtures(void);

static int new_client(struct test_env *e, const struct server *s, const char *repo,
		      bool push, const char *user, const char *pass,
		      const char *auth_file, struct registry_client **ret)
{
	BPFMAN_OPTS(bpfman_registry_opts, o, .username = user, .password = pass,
		    .auth_file = auth_file);
	struct image_ref ref;
	int err;

	ref_init(&ref, s, repo, "latest");
	err = registry_client_new(e->ctx, &ref, &o, push, ret);
	image_ref_clear(&ref);
	return err;
}

static struct registry_client *client(struct test_env *e, const struct server *s,
				      const char *repo, bool push,
				      const char *user, const char *pass)
{
	struct registry_client *c = NULL;
	int err = new_client(e, s, repo, push, user, pass, NULL, &c);

	ck_assert_msg(err == 0, "registry_client_new: %s", bpfman_errmsg(e->ctx));
	return c;
}

static int pull_manifest(struct registry_client *c, const char *tag)
{
	void *buf = NULL;
	size_t len;
	char digest[DIGEST_STR_SIZE];
	int err = registry_get_manifest(c, tag, MT_OCI_MANIFEST, &buf, &len, NULL, digest);

	free(buf);
	return err;
}

static void b64(const char *in, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)in, (int)strlen(in));
}

/* A secret (password, user:password in base64, a bearer token) must never
 * reach the log callback, even at DEBUG. */
static void assert_log_clean(const struct test_env *e, const struct server *s)
{
	char plain[256], enc[400];

	ck_assert_ptr_nonnull(e->log); /* DEBUG logs were produced */
	ck_assert_msg(!strstr(e->log, s->pass), "password in log:\n%s", e->log);
	snprintf(plain, sizeof(plain), "%s:%s", s->user, s->pass);
	b64(plain, enc);
	ck_assert_msg(!strstr(e->log, enc), "basic credentials in log:\n%s", e->log);
	ck_assert_msg(!strstr(e->log, "Bearer ey"), "token in log:\n%s", e->log);
}

#define TLS_CONFIG "registries:\n  - location: \"%s\"\n    ca_file: %s\n"

START_TEST(basic_auth)
{
	struct test_env e;
	struct registry_client *c;
	struct pushed_image img;

	env_open(&e, TLS_CONFIG, tls.host, tls.ca);
	c = client(&e, &tls, "basic/app", true, tls.user, tls.pass);
	push_image(c, "v1", "basic", &img);
	ck_assert_int_eq(pull_manifest(c, "v1"), 0);
	registry_client_free(c);
	assert_log_clean(&e, &tls);

	c = client(&e, &tls, "basic/app", false, tls.user, "wrong-password");
	ck_assert_int_eq(pull_manifest(c, "v1"), -EACCES);
	assert_msg_has(e.ctx, "refused the credentials of user tester (from explicit credentials)");
	assert_msg_has(e.ctx, "401");
	registry_client_free(c);

	c = client(&e, &tls, "basic/app", false, NULL, NULL);
	ck_assert_int_eq(pull_manifest(c, "v1"), -EACCES);
	assert_msg_has(e.ctx, "requires credentials");
	assert_msg_has(e.ctx, "podman login");
	registry_client_free(c);
	env_close(&e);
}
END_TEST

START_TEST(token_flow_and_reuse)
{
	struct test_env e;
	struct registry_client *c, *c2;
	struct pushed_image img;
	long n0, n;

	env_open(&e, "registry_tls:\n  ca_file: %s\n", token.ca);
	n0 = fetch_json_int(token.token_stats, token.ca, "token_requests");

	c = client(&e, &token, "tokens/app", true, token.user, token.pass);
	push_image(c, "v1", "tokens", &img);
	ck_assert_int_eq(pull_manifest(c, "v1"), 0);
	n = fetch_json_int(token.token_stats, token.ca, "token_requests");
	ck_assert_msg(n == n0 + 1, "one client, many requests: %ld token requests", n - n0);

	/* Another client of this process with the same credentials and scope
	 * reuses the token. */
	c2 = client(&e, &token, "tokens/app", true, token.user, token.pass);
	ck_assert_int_eq(pull_manifest(c2, "v1"), 0);
	ck_assert_int_eq(fetch_json_int(token.token_stats, token.ca, "token_requests"), n);
	registry_client_free(c2);
	registry_client_free(c);

	/* Another scope (pull only) needs its own token, once. */
	c = client(&e, &token, "tokens/app", false, token.user, token.pass);
	ck_assert_int_eq(pull_manifest(c, "v1"), 0);
	ck_assert_int_eq(pull_manifest(c, "v1"), 0);
	registry_client_free(c);
	ck_assert_int_eq(fetch_json_int(token.token_stats, token.ca, "token_requests"), n + 1);
	assert_log_clean(&e, &token);

	/* Other credentials never get the cached token. */
	c = client(&e, &token, "tokens/app", false, token.user, "wrong-password");
	ck_assert_int_eq(pull_manifest(c, "v1"), -EACCES);
	assert_msg_has(e.ctx, "token service");
	assert_msg_has(e.ctx, "refused the credentials of user tester");
	registry_client_free(c);
	ck_assert_int_eq(fetch_json_int(token.token_stats, token.ca, "token_requests"), n + 2);

	/* Anonymous: a token that grants nothing, then the registry says no. */
	c = client(&e, &token, "tokens/app", false, NULL, NULL);
	ck_assert_int_eq(pull_manifest(c, "v1"), -EACCES);
	assert_msg_has(e.ctx, "refused anonymous access");
	registry_client_free(c);
	env_close(&e);
}
END_TEST

/* How public registries serve bytecode images: an anonymous token for
 * pull, fetched without any credentials. */
START_TEST(token_anonymous_public_pull)
{
	struct test_env e;
	struct registry_client *c;
	struct pushed_image img;
	long n0, creds0;

	env_open(&e, "registry_tls:\n  ca_file: %s\n", token.ca);
	c = client(&e, &token, "public/app", true, token.user, token.pass);
	push_image(c, "v1", "public", &img);
	registry_client_free(c);

	n0 = fetch_json_int(token.token_stats, token.ca, "token_requests");
	creds0 = fetch_json_int(token.token_stats, token.ca, "with_credentials");
	c = client(&e, &token, "public/app", false, NULL, NULL);
	ck_assert_msg(pull_manifest(c, "v1") == 0, "%s", bpfman_errmsg(e.ctx));
	ck_assert_int_eq(registry_blob_exists(c, img.layer), 1);
	registry_client_free(c);
	ck_assert_int_eq(fetch_json_int(token.token_stats, token.ca, "token_requests"), n0 + 1);
	ck_assert_int_eq(fetch_json_int(token.token_stats, token.ca, "with_credentials"), creds0);

	/* Pushing is still refused to anonymous callers. */
	c = client(&e, &token, "public/app", true, NULL, NULL);
	ck_assert_int_eq(registry_push_blob(c, "x", 1,
					    "sha256:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"),
			 -EACCES);
	registry_client_free(c);
	env_close(&e);
}
END_TEST

START_TEST(token_realm_needs_tls_trust)
{
	struct test_env e;
	struct registry_client *c;

	/* The registry's CA for the registry only: the token service's
	 * certificate (same CA, other host:port) is then not trusted. */
	env_open(&e, TLS_CONFIG, token.host, token.ca);
	c = client(&e, &token, "tokens/app", false, token.user, token.pass);
	ck_assert_int_eq(pull_manifest(c, "v1"), -EPERM);
	assert_msg_has(e.ctx, "getting a registry token from https://127.0.0.1:");
	assert_msg_has(e.ctx, "cannot verify the certificate");
	registry_client_free(c);
	env_close(&e);
}
END_TEST

static char *auth_json(const char *key, const char *user, const char *pass, bool legacy)
{
	char plain[256], enc[400], *out = NULL;

	snprintf(plain, sizeof(plain), "%s:%s", user, pass);
	b64(plain, enc);
	ck_assert_int_ge(asprintf(&out, legacy ? "{\"%s\":{\"auth\":\"%s\",\"email\":\"\"}}"
					       : "{\"auths\":{\"%s\":{\"auth\":\"%s\"}}}",
				  key, enc), 0);
	return out;
}

/* Pulls with credentials found only in relpath (after `setup` env vars);
 * checks success with the right password and a sentence naming the file
 * with a wrong one. */
static void check_location(const char *what, const char *relpath, const char *env_name,
			   const char *env_rel, bool legacy)
{
	for (int wrong = 0; wrong < 2; wrong++) {
		struct test_env e;
		struct registry_client *c;
		char *json, envval[PATH_MAX + 64];
		const char *path;
		int err;

		env_open(&e, TLS_CONFIG, tls.host, tls.ca);
		json = auth_json(tls.host, tls.user, wrong ? "not-the-password" : tls.pass, legacy);
		path = env_write(&e, relpath, json);
		free(json);
		if (env_name) {
			snprintf(envval, sizeof(envval), "%s/%s", e.dir, env_rel);
			setenv(env_name, envval, 1);
		}
		c = client(&e, &tls, "authfile/app", false, NULL, NULL);
		err = pull_manifest(c, "v1");
		if (!wrong) {
			ck_assert_msg(err == 0, "%s: %d %s", what, err,
				      bpfman_errmsg(e.ctx));
			ck_assert_msg(strstr(e.log, path), "%s: %s not named in log:\n%s", what,
				      path, e.log);
		} else {
			ck_assert_msg(err == -EACCES, "%s: %d %s", what, err, bpfman_errmsg(e.ctx));
			assert_msg_has(e.ctx, path);
		}
		registry_client_free(c);
		if (env_name)
			unsetenv(env_name);
		env_close(&e);
	}
}

START_TEST(auth_file_locations)
{
	check_location("REGISTRY_AUTH_FILE", "elsewhere/auth.json", "REGISTRY_AUTH_FILE",
		       "elsewhere/auth.json", false);
	check_location("XDG_RUNTIME_DIR", "run/containers/auth.json", NULL, NULL, false);
	check_location("XDG_CONFIG_HOME", "xdg/containers/auth.json", "XDG_CONFIG_HOME", "xdg", false);
	check_location("~/.config", "home/.config/containers/auth.json", NULL, NULL, false);
	check_location("DOCKER_CONFIG", "dockercfg/config.json", "DOCKER_CONFIG", "dockercfg", false);
	check_location("~/.docker", "home/.docker/config.json", NULL, NULL, false);
	check_location("~/.dockercfg", "home/.dockercfg", NULL, NULL, true);
}
END_TEST

START_TEST(auth_file_order_and_keys)
{
	struct test_env e;
	struct registry_client *c;
	char *good, *bad, key[160];
	const char *path;

	/* The containers file comes before docker's: its wrong password wins. */
	env_open(&e, TLS_CONFIG, tls.host, tls.ca);
	good = auth_json(tls.host, tls.user, tls.pass, false);
	bad = auth_json(tls.host, tls.user, "stale-password", false);
	env_write(&e, "home/.docker/config.json", good);
	path = env_write(&e, "run/containers/auth.json", bad);
	c = client(&e, &tls, "order/app", false, NULL, NULL);
	ck_assert_int_eq(pull_manifest(c, "v1"), -EACCES);
	assert_msg_has(e.ctx, path);
	registry_client_free(c);
	free(good);
	free(bad);
	env_close(&e);

	/* Within a file the most specific key wins: host/ns/repo over host. */
	env_open(&e, TLS_CONFIG, tls.host, tls.ca);
	{
		char plain[256], encg[400], encb[400], *json = NULL;

		snprintf(plain, sizeof(plain), "%s:%s", tls.user, tls.pass);
		b64(plain, encg);
		snprintf(plain, sizeof(plain), "%s:%s", tls.user, "host-wide-wrong");
		b64(plain, encb);
		snprintf(key, sizeof(key), "%s/order/app", tls.host);
		ck_assert_int_ge(asprintf(&json, "{\"auths\":{\"%s\":{\"auth\":\"%s\"},\"%s\":{\"auth\":\"%s\"}}}",
					  tls.host, encb, key, encg), 0);
		env_write(&e, "run/containers/auth.json", json);
		free(json);
	}
	c = client(&e, &tls, "order/app", false, NULL, NULL);
	ck_assert_msg(pull_manifest(c, "v1") == 0, "%s", bpfman_errmsg(e.ctx));
	registry_client_free(c);
	c = client(&e, &tls, "order/other", false, NULL, NULL);
	ck_assert_int_eq(pull_manifest(c, "v1"), -EACCES);
	registry_client_free(c);
	env_close(&e);

	/* An explicit auth_file replaces the search; a missing one is named. */
	env_open(&e, TLS_CONFIG, tls.host, tls.ca);
	good = auth_json(tls.host, tls.user, tls.pass, false);
	path = env_write(&e, "explicit.json", good);
	free(good);
	{
		struct registry_client *x = NULL;
		char missing[PATH_MAX + 16];

		ck_assert_int_eq(new_client(&e, &tls, "order/app", false, NULL, NULL, path, &x), 0);
		ck_assert_msg(pull_manifest(x, "v1") == 0, "%s", bpfman_errmsg(e.ctx));
		registry_client_free(x);
		snprintf(missing, sizeof(missing), "%s/missing.json", e.dir);
		ck_assert_int_eq(new_client(&e, &tls, "order/app", false, NULL, NULL, missing, &x), -ENOENT);
		assert_msg_has(e.ctx, "does not exist");
	}
	env_close(&e);
}
END_TEST

START_TEST(auth_file_docker_hub_and_helpers)
{
	struct test_env e;
	struct registry_creds cr = { 0 };
	struct registry_client *c;
	char *json;
	char plain[128], enc[200], buf[1024];

	/* docker login writes Docker Hub as a v1 URL. */
	env_open(&e, "\n");
	snprintf(plain, sizeof(plain), "hubuser:hubpass");
	b64(plain, enc);
	snprintf(buf, sizeof(buf), "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"%s\"}}}", enc);
	env_write(&e, "home/.docker/config.json", buf);
	ck_assert_int_eq(auth_lookup(e.ctx, "docker.io", "library/alpine", NULL, NULL, NULL, &cr), 0);
	ck_assert_str_eq(cr.username, "hubuser");
	ck_assert_str_eq(cr.password, "hubpass");
	registry_creds_clear(&cr);
	env_close(&e);

	/* A credential helper is named but not run; a warning says so. */
	env_open(&e, TLS_CONFIG, tls.host, tls.ca);
	ck_assert_int_ge(asprintf(&json, "{\"auths\":{},\"credHelpers\":{\"%s\":\"secretservice\"}}",
				  tls.host), 0);
	env_write(&e, "home/.docker/config.json", json);
	free(json);
	c = client(&e, &tls, "helpers/app", false, NULL, NULL);
	ck_assert_int_eq(pull_manifest(c, "v1"), -EACCES);
	ck_assert_msg(strstr(e.log, "credential helpers are not supported"), "%s", e.log);
	registry_client_free(c);
	env_close(&e);

	/* A broken file is an error naming it, not a silent skip. */
	env_open(&e, TLS_CONFIG, tls.host, tls.ca);
	env_write(&e, "run/containers/auth.json", "{\"auths\": ");
	ck_assert_int_eq(auth_lookup(e.ctx, tls.host, "x/y", NULL, NULL, NULL, &cr), -EINVAL);
	assert_msg_has(e.ctx, "run/containers/auth.json is not a JSON object");
	env_close(&e);
}
END_TEST

/* Pull secrets held in memory (the Kubernetes agent's): the same keys and
 * precedence as auth files, the legacy .dockercfg form, sentences naming
 * the secret. */
START_TEST(auth_text_pull_secrets)
{
	struct test_env e;
	struct registry_creds cr = { 0 };
	char plain[128], enc[200], buf[1024];

	env_open(&e, "\n");
	snprintf(plain, sizeof(plain), "u1:p1");
	b64(plain, enc);
	snprintf(buf, sizeof(buf),
		 "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"%s\"},"
		 "\"127.0.0.1:5000/team\":{\"username\":\"u2\",\"password\":\"p2\"}}}", enc);
	ck_assert_int_eq(auth_lookup_text(e.ctx, "the Secret ns/a", buf, false, "127.0.0.1:5000",
					  "other/app", &cr), 0);
	ck_assert_str_eq(cr.username, "u1");
	ck_assert_str_eq(cr.password, "p1");
	registry_creds_clear(&cr);
	/* the most specific key wins */
	ck_assert_int_eq(auth_lookup_text(e.ctx, "the Secret ns/a", buf, false, "127.0.0.1:5000",
					  "team/app", &cr), 0);
	ck_assert_str_eq(cr.username, "u2");
	registry_creds_clear(&cr);
	/* another registry: nothing, not an error */
	ck_assert_int_eq(auth_lookup_text(e.ctx, "the Secret ns/a", buf, false, "quay.io", "x/y",
					  &cr), 0);
	ck_assert_ptr_null(cr.username);
	/* .dockercfg: the map itself; a URL key */
	snprintf(buf, sizeof(buf), "{\"https://127.0.0.1:5000\":{\"auth\":\"%s\"}}", enc);
	ck_assert_int_eq(auth_lookup_text(e.ctx, "the Secret ns/b", buf, true, "127.0.0.1:5000",
					  "x/y", &cr), 0);
	ck_assert_str_eq(cr.username, "u1");
	registry_creds_clear(&cr);
	/* broken text and a broken entry name the secret */
	ck_assert_int_eq(auth_lookup_text(e.ctx, "the Secret ns/c", "{\"auths\": ", false,
					  "127.0.0.1:5000", "x/y", &cr), -EINVAL);
	assert_msg_has(e.ctx, "the Secret ns/c is not a JSON object");
	ck_assert_int_eq(auth_lookup_text(e.ctx, "the Secret ns/d",
					  "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"!!\"}}}", false,
					  "127.0.0.1:5000", "x/y", &cr), -EINVAL);
	assert_msg_has(e.ctx, "the Secret ns/d has an entry");
	env_close(&e);
}
END_TEST

START_TEST(token_renewed_after_expiry)
{
	struct test_env e;
	struct registry_client *c;
	struct pushed_image img;
	long n0;

	/* expires_in 11: used until 5 s before, so for 6 s. The registry
	 * itself would still accept it (60 s leeway): only our expiry
	 * accounting makes the client ask again. */
	env_open(&e, "registry_tls:\n  ca_file: %s\n", short_token.ca);
	c = client(&e, &short_token, "short/app", true, short_token.user, short_token.pass);
	push_image(c, "v1", "short", &img);
	n0 = fetch_json_int(short_token.token_stats, short_token.ca, "token_requests");
	ck_assert_int_eq(pull_manifest(c, "v1"), 0);
	ck_assert_int_eq(fetch_json_int(short_token.token_stats, short_token.ca, "token_requests"), n0);
	sleep(7);
	ck_assert_int_eq(pull_manifest(c, "v1"), 0);
	ck_assert_int_eq(fetch_json_int(short_token.token_stats, short_token.ca, "token_requests"), n0 + 1);
	registry_client_free(c);
	env_close(&e);
}
END_TEST

static json_t *redirect_log(void)
{
	char *body = fetch_url(redir.log_url, NULL);
	json_t *log = json_loads(body, 0, NULL);

	ck_assert_msg(json_is_array(log), "bad log %s", body);
	free(body);
	return log;
}

/* Whether a request for path reached listener with Authorization. */
static int saw(json_t *log, const char *listener, const char *path)
{
	size_t i;
	json_t *r;
	int found = -1;

	json_array_foreach(log, i, r) {
		if (!strcmp(json_string_value(json_object_get(r, "listener")), listener) &&
		    strstr(json_string_value(json_object_get(r, "path")), path))
			found = json_is_true(json_object_get(r, "authorization"));
	}
	return found;
}

#define REDIRECT_BLOB "redirected content\n"

START_TEST(redirect_drops_credentials)
{
	struct test_env e;
	struct registry_client *c;
	char digest[DIGEST_STR_SIZE];
	void *buf = NULL;
	size_t len = 0;
	json_t *log;

	digest_buf(REDIRECT_BLOB, strlen(REDIRECT_BLOB), digest);
	env_open(&e, "registries:\n  - location: \"%s\"\n    insecure: true\n"
		     "  - location: \"%s\"\n    insecure: true\n",
		 redir.host, redir.other_host);
	c = client(&e, &redir, "away/app", false, "someone", "redirect-secret");
	ck_assert_msg(registry_get_blob(c, digest, 1024, &buf, &len) == 0, "%s", bpfman_errmsg(e.ctx));
	ck_assert_uint_eq(len, strlen(REDIRECT_BLOB));
	free(buf);
	registry_client_free(c);

	/* Same origin: the credentials follow. */
	c = client(&e, &redir, "same/app", false, "someone", "redirect-secret");
	ck_assert_msg(registry_get_blob(c, digest, 1024, &buf, &len) == 0, "%s", bpfman_errmsg(e.ctx));
	free(buf);
	registry_client_free(c);

	log = redirect_log();
	ck_assert_int_eq(saw(log, "origin", "/v2/away/app/blobs/"), 1);
	ck_assert_int_eq(saw(log, "other", "/v2/away/app/blobs/"), 0);
	ck_assert_int_eq(saw(log, "origin", "/v2/landed/app/blobs/"), 1);
	json_decref(log);
	ck_assert_msg(!strstr(e.log, "redirect-secret"), "%s", e.log);
	env_close(&e);

	/* A redirect to plain HTTP on a host not marked insecure is refused. */
	env_open(&e, "registries:\n  - location: \"%s\"\n    insecure: true\n", redir.host);
	c = client(&e, &redir, "refused/app", false, "someone", "redirect-secret");
	ck_assert_int_eq(registry_get_blob(c, digest, 1024, &buf, &len), -EPERM);
	assert_msg_has(e.ctx, "over plain HTTP");
	assert_msg_has(e.ctx, redir.other_host);
	registry_client_free(c);
	env_close(&e);
}
END_TEST

/* A registry that breaks the rules: every answer refused with a sentence. */
START_TEST(misbehaving_registry)
{
	struct test_env e;
	struct registry_client *c;
	char digest[DIGEST_STR_SIZE];
	const char *zero = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
	void *buf = NULL;
	size_t len = 0;
	bool supported;
	json_t *log;
	int err;

	env_open(&e, "registries:\n  - location: \"%s\"\n    insecure: true\n", redir.host);
	c = client(&e, &redir, "misbehave/huge", false, NULL, NULL);
	ck_assert_int_eq(registry_get_manifest(c, "v1", MT_OCI_MANIFEST, &buf, &len, NULL, digest), -EMSGSIZE);
	assert_msg_has(e.ctx, "larger than 4194304 bytes");
	registry_client_free(c);

	c = client(&e, &redir, "misbehave/liar", false, NULL, NULL);
	ck_assert_int_eq(registry_get_manifest(c, "v1", MT_OCI_MANIFEST, &buf, &len, NULL, digest), -EBADMSG);
	assert_msg_has(e.ctx, "says manifest v1 has digest sha256:0000");
	registry_client_free(c);

	c = client(&e, &redir, "misbehave/nodigest", false, NULL, NULL);
	ck_assert_int_eq(registry_head_manifest(c, "v1", MT_OCI_MANIFEST, digest, NULL), -ENOTSUP);
	ck_assert_int_eq(registry_get_manifest(c, "v1", MT_OCI_MANIFEST, &buf, &len, NULL, digest), 0);
	free(buf);
	/* Asked by digest, answered with other bytes. */
	ck_assert_int_eq(registry_get_manifest(c, zero, MT_OCI_MANIFEST, &buf, &len, NULL, digest), -EBADMSG);
	assert_msg_has(e.ctx, "other content than asked for");
	registry_client_free(c);

	c = client(&e, &redir, "misbehave/loop", false, NULL, NULL);
	ck_assert_int_eq(registry_get_manifest(c, "v1", MT_OCI_MANIFEST, &buf, &len, NULL, digest), -ELOOP);
	assert_msg_has(e.ctx, "more than 5 times");
	registry_client_free(c);

	c = client(&e, &redir, "misbehave/refok", false, NULL, NULL);
	err = registry_referrers(c, zero, "application/vnd.dev.sigstore.bundle.v0.3+json", &supported,
				 &buf, &len);
	ck_assert_msg(err == 0, "%s", bpfman_errmsg(e.ctx));
	ck_assert(supported);
	ck_assert(strstr(buf, "\"manifests\":[]"));
	free(buf);
	registry_client_free(c);
	log = redirect_log();
	ck_assert_int_eq(saw(log, "origin", "artifactType=application%2Fvnd.dev.sigstore.bundle.v0.3%2Bjson"), 0);
	json_decref(log);

	c = client(&e, &redir, "misbehave/refjson", false, NULL, NULL);
	ck_assert_int_eq(registry_referrers(c, zero, NULL, &supported, &buf, &len), -EPROTO);
	assert_msg_has(e.ctx, "not an OCI image index");
	registry_client_free(c);
	env_close(&e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("registry-auth");
	TCase *tc = tcase_create("auth");

	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, push_fixtures, NULL);
	tcase_add_test(tc, basic_auth);
	tcase_add_test(tc, token_flow_and_reuse);
	tcase_add_test(tc, token_anonymous_public_pull);
	tcase_add_test(tc, token_realm_needs_tls_trust);
	tcase_add_test(tc, token_renewed_after_expiry);
	tcase_add_test(tc, auth_file_locations);
	tcase_add_test(tc, auth_file_order_and_keys);
	tcase_add_test(tc, auth_file_docker_hub_and_helpers);
	tcase_add_test(tc, auth_text_pull_secrets);
	tcase_add_test(tc, redirect_drops_credentials);
	tcase_add_test(tc, misbehaving_registry);
	suite_add_tcase(s, tc);
	return s;
}

/* Something to pull in the tls registry for the auth-file tests, pushed
 * once in the parent (an unchecked fixture, so assertions are reported). */
static void push_fixtures(void)
{
	struct test_env e;
	struct registry_client *c = NULL;
	struct pushed_image img;
	struct image_ref ref;
	BPFMAN_OPTS(bpfman_registry_opts, o, .username = tls.user, .password = tls.pass);
	const char *repos[] = { "authfile/app", "order/app", "order/other", "helpers/app" };

	env_open(&e, TLS_CONFIG, tls.host, tls.ca);
	for (size_t i = 0; i < sizeof(repos) / sizeof(repos[0]); i++) {
		ref_init(&ref, &tls, repos[i], "v1");
		ck_assert_msg(registry_client_new(e.ctx, &ref, &o, true, &c) == 0, "setup: %s",
			      bpfman_errmsg(e.ctx));
		push_image(c, "v1", repos[i], &img);
		registry_client_free(c);
		image_ref_clear(&ref);
	}
	env_close(&e);
}

int main(void)
{
	Suite *s;
	SRunner *sr;
	int failed;

	server_start(&tls, "tls", NULL);
	server_start(&token, "token", NULL);
	server_start(&redir, "redirect", NULL);
	server_start(&short_token, "token", "REGISTRY_TEST_TOKEN_LIFETIME=11");
	s = suite();
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	servers_stop_all();
	return failed ? 1 : 0;
}
