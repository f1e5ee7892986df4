// SPDX-License-Identifier: Apache-2.0
/* Bearer tokens (the distribution token spec, as Docker Hub, quay.io and
 * docker-registry's `auth: token` use it). Tokens are cached in memory
 * only, per process, keyed by realm, service, scope and a hash of the
 * credentials, so another caller with other credentials never receives a
 * token issued for someone else. */
#include "internal.h"
#include "image/auth.h"
#include "image/digest.h"
#include "image/registry_config.h"
#include "image/token.h"

#include <ctype.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A token is used until this many seconds before it expires. */
#define TOKEN_MARGIN 5
#define TOKEN_CACHE_SLOTS 16

void auth_challenge_clear(struct auth_challenge *c)
{
	free(c->scheme);
	free(c->realm);
	free(c->service);
	free(c->scope);
	free(c->error);
	memset(c, 0, sizeof(*c));
}

static bool is_tchar(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A token or quoted-string (RFC 9110) at p; *end after it. */
static char *read_value(const char *p, const char **end)
{
	char *out, *o;

	if (*p != '"') {
		const char *s = p;

		while (is_tchar(*p) || *p == '/' || *p == ':' || *p == '=')
			p++;
		*end = p;
		return p > s ? strndup(s, p - s) : NULL;
	}
	out = o = malloc(strlen(p) + 1);
	if (!out)
		return NULL;
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		*o++ = *p;
	}
	if (*p != '"') {
		free(out);
		return NULL;
	}
	*o = '\0';
	*end = p + 1;
	return out;
}

int auth_challenges_parse(const char *value, struct auth_challenge *ret,
			  size_t max, size_t *ret_cnt)
{
	const char *p = value;
	size_t n = 0;

	memset(ret, 0, max * sizeof(*ret));
	while (*p) {
		const char *s, *after;
		char *name, *v;

		p = skip_ows(p);
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		for (s = p; is_tchar(*p); p++)
			;
		if (p == s)
			goto bad;
		name = strndup(s, p - s);
		if (!name)
			goto oom;
		after = skip_ows(p);
		if (*after != '=') {
			/* A new challenge: "<scheme> ..." */
			if (n == max) {
				free(name);
				break;
			}
			ret[n++].scheme = name;
			continue;
		}
		if (!n) {
			free(name);
			goto bad;
		}
		v = read_value(skip_ows(after + 1), &p);
		if (!v) {
			free(name);
			goto bad;
		}
		if (!strcasecmp(name, "realm") && !ret[n - 1].realm)
			ret[n - 1].realm = TAKE_PTR(v);
		else if (!strcasecmp(name, "service") && !ret[n - 1].service)
			ret[n - 1].service = TAKE_PTR(v);
		else if (!strcasecmp(name, "scope") && !ret[n - 1].scope)
			ret[n - 1].scope = TAKE_PTR(v);
		else if (!strcasecmp(name, "error") && !ret[n - 1].error)
			ret[n - 1].error = TAKE_PTR(v);
		free(v);
		free(name);
		p = skip_ows(p);
		if (*p && *p != ',')
			goto bad;
	}
	*ret_cnt = n;
	return 0;
bad:
	for (size_t i = 0; i < n; i++)
		auth_challenge_clear(&ret[i]);
	return -EINVAL;
oom:
	for (size_t i = 0; i < n; i++)
		auth_challenge_clear(&ret[i]);
	return -ENOMEM;
}

struct cached_token {
	char *key;
	char *token;
	time_t expires;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cached_token cache[TOKEN_CACHE_SLOTS];

static void slot_clear(struct cached_token *t)
{
	free(t->key);
	if (t->token) {
		explicit_bzero(t->token, strlen(t->token));
		free(t->token);
	}
	memset(t, 0, sizeof(*t));
}

void token_cache_flush(void)
{
	pthread_mutex_lock(&cache_lock);
	for (size_t i = 0; i < TOKEN_CACHE_SLOTS; i++)
		slot_clear(&cache[i]);
	pthread_mutex_unlock(&cache_lock);
}

static char *cache_key(const struct auth_challenge *ch, const char *scope,
		       const struct registry_creds *creds)
{
	char hash[DIGEST_STR_SIZE];
	struct digest_stream d;

	digest_stream_init(&d);
	if (creds && creds->username) {
		digest_stream_update(&d, creds->username, strlen(creds->username) + 1);
		digest_stream_update(&d, str_or_empty(creds->password),
				     strlen(str_or_empty(creds->password)));
	}
	digest_stream_final(&d, hash);
	return str_printf("%s\n%s\n%s\n%s", ch->realm, str_or_empty(ch->service),
			  scope, hash);
}

static char *cache_get(const char *key, time_t *ret_expires)
{
	time_t now = time(NULL);
	char *tok = NULL;

	pthread_mutex_lock(&cache_lock);
	for (size_t i = 0; i < TOKEN_CACHE_SLOTS; i++) {
		if (!cache[i].key || strcmp(cache[i].key, key))
			continue;
		if (cache[i].expires > now) {
			tok = strdup(cache[i].token);
			*ret_expires = cache[i].expires;
		} else
			slot_clear(&cache[i]);
		break;
	}
	pthread_mutex_unlock(&cache_lock);
	return tok;
}

static void cache_put(const char *key, const char *token, time_t expires)
{
	struct cached_token *slot = NULL;

	pthread_mutex_lock(&cache_lock);
	for (size_t i = 0; i < TOKEN_CACHE_SLOTS && !slot; i++)
		if (cache[i].key && !strcmp(cache[i].key, key))
			slot = &cache[i];
	for (size_t i = 0; i < TOKEN_CACHE_SLOTS && !slot; i++)
		if (!cache[i].key)
			slot = &cache[i];
	/* Full: evict the token closest to expiry. */
	for (size_t i = 0; i < TOKEN_CACHE_SLOTS && !slot; i++)
		if (!slot || cache[i].expires < slot->expires)
			slot = &cache[i];
	if (!slot)
		slot = &cache[0];
	slot_clear(slot);
	slot->key = strdup(key);
	slot->token = strdup(token);
	slot->expires = expires;
	if (!slot->key || !slot->token)
		slot_clear(slot);
	pthread_mutex_unlock(&cache_lock);
}

static int realm_check(struct bpfman_ctx *ctx, const char *realm,
		       struct registry_settings *ret)
{
	_cleanup_free_ char *host = NULL;
	int err;

	if (strncasecmp(realm, "https://", 8) && strncasecmp(realm, "http://", 7))
		return bpfman_err(ctx, -EPROTO,
				  "the registry's token realm \"%s\" is not an http(s) URL; refusing it",
				  realm);
	host = http_url_authority(realm);
	if (!host)
		return bpfman_err(ctx, -EPROTO, "the registry's token realm \"%s\" has no host",
				  realm);
	if ((err = registry_settings_lookup(ctx, host, NULL, ret)))
		return err;
	if (!http_url_is_https(realm) && !ret->insecure) {
		registry_settings_clear(ret);
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_REGISTRY, -EPERM,
				  "the registry sends us for a token to %s over plain HTTP, but %s is not marked insecure; refusing to send credentials in the clear (mark it `insecure: true` under registries in the config if this is intended)",
				  realm, host);
	}
	return 0;
}

static int parse_token_response(struct bpfman_ctx *ctx, const char *realm,
				const struct http_response *r, char **ret_token,
				time_t *ret_expires)
{
	json_t *root, *tok, *exp;
	json_int_t lifetime = TOKEN_DEFAULT_LIFETIME;
	const char *t;

	root = json_loadb(r->body ? r->body : "", r->body_len, 0, NULL);
	if (!json_is_object(root)) {
		json_decref(root);
		return bpfman_err(ctx, -EPROTO,
				  "the token service %s answered with something that is not a JSON object",
				  realm);
	}
	tok = json_object_get(root, "token");
	if (!json_is_string(tok) || !json_string_length(tok))
		tok = json_object_get(root, "access_token");
	t = json_string_value(tok);
	if (!t || !t[0] || strlen(t) != json_string_length(tok)) {
		json_decref(root);
		return bpfman_err(ctx, -EPROTO,
				  "the token service %s returned no token (neither \"token\" nor \"access_token\")",
				  realm);
	}
	for (const char *c = t; *c; c++) {
		if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f) {
			json_decref(root);
			return bpfman_err(ctx, -EPROTO,
					  "the token service %s returned a token with characters not allowed in a header",
					  realm);
		}
	}
	exp = json_object_get(root, "expires_in");
	if (json_is_integer(exp) && json_integer_value(exp) > 0)
		lifetime = json_integer_value(exp);
	/* Clamp: a week is already more than any service grants. */
	if (lifetime > 7 * 24 * 3600)
		lifetime = 7 * 24 * 3600;
	*ret_token = strdup(t);
	json_decref(root);
	if (!*ret_token)
		return -ENOMEM;
	*ret_expires = time(NULL) + (time_t)lifetime -
		       (lifetime > 2 * TOKEN_MARGIN ? TOKEN_MARGIN : 0);
	return 0;
}

int token_get(struct bpfman_ctx *ctx, CURL *h, const struct auth_challenge *ch,
	      const char *scope, const struct registry_creds *creds, bool fresh,
	      char **ret_token, time_t *ret_expires)
{
	struct registry_settings rs = { 0 };
	struct http_response r = { 0 };
	struct http_tls tls;
	_cleanup_free_ char *key = NULL, *url = NULL, *svc = NULL, *sc = NULL;
	_cleanup_free_ char *cached = NULL, *errtext = NULL;
	char *basic = NULL;
	time_t expires = 0;
	int err;

	if (!ch->realm || !ch->realm[0])
		return bpfman_err(ctx, -EPROTO,
				  "the registry asked for a bearer token but named no realm to get it from");
	key = cache_key(ch, scope, creds);
	if (!key)
		return -ENOMEM;
	if (!fresh && (cached = cache_get(key, ret_expires))) {
		pr_debug(ctx, "reusing a cached token for %s", scope);
		*ret_token = TAKE_PTR(cached);
		return 0;
	}
	if ((err = realm_check(ctx, ch->realm, &rs)))
		return err;
	tls = registry_settings_tls(&rs);
	sc = http_escape(h, scope);
	svc = ch->service ? http_escape(h, ch->service) : NULL;
	url = str_printf("%s%sscope=%s%s%s", ch->realm, strchr(ch->realm, '?') ? "&" : "?",
			 str_or_empty(sc), svc ? "&service=" : "", svc ? svc : "");
	if (!sc || !url || (ch->service && !svc)) {
		registry_settings_clear(&rs);
		return -ENOMEM;
	}
	if (creds && creds->username && !(basic = http_basic_auth(creds->username, creds->password))) {
		registry_settings_clear(&rs);
		return -ENOMEM;
	}
	err = http_do(ctx, h,
		      &(struct http_request){
			      .method = "GET",
			      .url = url,
			      .accept = "application/json",
			      .authorization = basic,
			      .max_body = TOKEN_RESPONSE_MAX,
			      .tls = &tls,
		      },
		      &r);
	if (basic) {
		explicit_bzero(basic, strlen(basic));
		free(basic);
	}
	registry_settings_clear(&rs);
	if (err)
		return bpfman_err_prefix(ctx, err, "getting a registry token from %s", ch->realm);
	errtext = http_error_text(&r);
	if ((r.status == 401 || r.status == 403) && creds && creds->username) {
		err = bpfman_err_kind(ctx, BPFMAN_ERRKIND_AUTH, -EACCES,
				 "the token service %s refused the credentials of user %s (from %s) for %s (HTTP %ld%s%s); check the user name and password",
				 ch->realm, creds->username, str_or_empty(creds->source), scope,
				 r.status, errtext ? ": " : "", str_or_empty(errtext));
	} else if (r.status == 401 || r.status == 403) {
		err = bpfman_err_kind(ctx, BPFMAN_ERRKIND_AUTH, -EACCES,
				 "the token service %s refused anonymous access to %s (HTTP %ld%s%s); give credentials (username and password, or an auth file from `podman login`)",
				 ch->realm, scope, r.status, errtext ? ": " : "",
				 str_or_empty(errtext));
	} else if (r.status != 200) {
		err = bpfman_err(ctx, -EPROTO, "the token service %s answered HTTP %ld%s%s",
				 ch->realm, r.status, errtext ? ": " : "", str_or_empty(errtext));
	} else {
		err = parse_token_response(ctx, ch->realm, &r, ret_token, &expires);
		if (!err) {
			cache_put(key, *ret_token, expires);
			*ret_expires = expires;
		}
	}
	http_response_clear(&r);
	return err;
}
