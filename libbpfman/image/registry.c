// SPDX-License-Identifier: Apache-2.0
/* A client for one repository on an OCI distribution registry. Every
 * request goes through client_request(), which adds credentials (basic or
 * bearer, learnt from the first 401 challenge), follows redirects itself
 * (dropping credentials when a redirect leaves the registry's origin and
 * refusing plain HTTP to hosts not marked insecure), and turns registry
 * error bodies into sentences. */
#include "internal.h"
#include "image/auth.h"
#include "image/digest.h"
#include "image/http.h"
#include "image/registry.h"
#include "image/registry_config.h"
#include "image/store.h"
#include "image/token.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Redirect hops we follow for one request. */
#define REGISTRY_MAX_REDIRECTS 5

enum auth_scheme {
	AUTH_NONE,   /* anonymous until the registry says otherwise */
	AUTH_BASIC,
	AUTH_BEARER,
};

struct registry_client {
	struct bpfman_ctx *ctx;
	CURL *h;
	char *registry;    /* as the reference names it */
	char *repository;
	char *base;        /* "https://host[:port]" of the API */
	struct registry_settings settings;
	struct registry_creds creds;
	bool push;
	enum auth_scheme scheme;
	struct auth_challenge challenge; /* the bearer challenge we answer */
	char *authorization;            /* header value for the registry's origin */
	time_t token_expires;           /* bearer: when to get another */
	bpfman_progress_fn progress;
	void *progress_user_data;
};

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void registry_client_free(struct registry_client *c)
{
	if (!c)
		return;
	http_handle_free(c->h);
	free(c->registry);
	free(c->repository);
	free(c->base);
	registry_settings_clear(&c->settings);
	registry_creds_clear(&c->creds);
	auth_challenge_clear(&c->challenge);
	wipe_free(c->authorization);
	free(c);
}

int registry_client_new(struct bpfman_ctx *ctx, const struct image_ref *ref,
			const struct bpfman_registry_opts *opts, bool push,
			struct registry_client **ret)
{
	struct registry_client *c;
	const char *host;
	int err;

	if (opts && !OPTS_VALID(ctx, opts, bpfman_registry_opts))
		return -EINVAL;
	if (!ref || !ref->registry || !ref->repository)
		return bpfman_err(ctx, -EINVAL, "no registry or repository in the image reference");
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->ctx = ctx;
	c->push = push;
	c->progress = OPTS_GET(opts, progress, NULL);
	c->progress_user_data = OPTS_GET(opts, progress_user_data, NULL);
	host = ref->api_host ? ref->api_host : ref->registry;
	c->registry = strdup(ref->registry);
	c->repository = strdup(ref->repository);
	if (!c->registry || !c->repository) {
		err = -ENOMEM;
		goto fail;
	}
	if ((err = registry_settings_lookup(ctx, ref->registry, ref->repository, &c->settings)))
		goto fail;
	/* Plain HTTP only where the config says so; never as a fallback. */
	c->base = str_printf("%s://%s", c->settings.insecure ? "http" : "https", host);
	if (!c->base) {
		err = -ENOMEM;
		goto fail;
	}
	if ((err = auth_lookup(ctx, ref->registry, ref->repository,
			       OPTS_GET(opts, username, NULL), OPTS_GET(opts, password, NULL),
			       OPTS_GET(opts, auth_file, NULL), &c->creds)))
		goto fail;
	c->h = http_handle_new(ctx);
	if (!c->h) {
		err = -ENOMEM;
		goto fail;
	}
	*ret = c;
	return 0;
fail:
	registry_client_free(c);
	return err;
}

/* The scope we ask tokens for. */
static char *client_scope(const struct registry_client *c)
{
	return str_printf("repository:%s:%s", c->repository, c->push ? "pull,push" : "pull");
}

static int set_bearer(struct registry_client *c, bool fresh)
{
	_cleanup_free_ char *scope = client_scope(c);
	char *token = NULL;
	int err;

	if (!scope)
		return -ENOMEM;
	err = token_get(c->ctx, c->h, &c->challenge, scope, &c->creds, fresh, &token,
			&c->token_expires);
	if (err)
		return err;
	wipe_free(c->authorization);
	c->authorization = str_printf("Bearer %s", token);
	wipe_free(token);
	return c->authorization ? 0 : -ENOMEM;
}

/* Answers a 401: picks the challenge we can meet and prepares the header.
 * -EACCES with a sentence when we cannot. */
static int handle_challenge(struct registry_client *c, const struct http_response *r,
			    bool already_tried)
{
	struct auth_challenge ch[4];
	_cleanup_free_ char *errtext = http_error_text(r);
	struct auth_challenge *bearer = NULL, *basic = NULL;
	size_t cnt = 0;
	int err = 0;

	for (size_t i = 0; i < r->www_authenticate_cnt; i++) {
		size_t n = 0;

		if (auth_challenges_parse(r->www_authenticate[i], ch + cnt,
					  ARRAY_SIZE(ch) - cnt, &n) == 0)
			cnt += n;
	}
	for (size_t i = 0; i < cnt; i++) {
		if (!strcasecmp(ch[i].scheme, "Bearer") && !bearer)
			bearer = &ch[i];
		else if (!strcasecmp(ch[i].scheme, "Basic") && !basic)
			basic = &ch[i];
	}

	if (already_tried) {
		if (c->creds.username)
			err = bpfman_err_kind(c->ctx, BPFMAN_ERRKIND_AUTH, -EACCES,
					 "the registry %s refused the credentials of user %s (from %s) for %s (HTTP 401%s%s); check the user name and password",
					 c->registry, c->creds.username, c->creds.source,
					 c->repository, errtext ? ": " : "", str_or_empty(errtext));
		else
			err = bpfman_err_kind(c->ctx, BPFMAN_ERRKIND_AUTH, -EACCES,
					 "the registry %s refused anonymous access to %s (HTTP 401%s%s); give credentials (username and password, or an auth file from `podman login`)",
					 c->registry, c->repository, errtext ? ": " : "",
					 str_or_empty(errtext));
	} else if (bearer) {
		auth_challenge_clear(&c->challenge);
		c->challenge = *bearer;
		memset(bearer, 0, sizeof(*bearer));
		c->scheme = AUTH_BEARER;
		err = set_bearer(c, c->authorization != NULL);
	} else if (basic && c->creds.username) {
		c->scheme = AUTH_BASIC;
		wipe_free(c->authorization);
		c->authorization = http_basic_auth(c->creds.username, c->creds.password);
		err = c->authorization ? 0 : -ENOMEM;
	} else if (basic) {
		err = bpfman_err_kind(c->ctx, BPFMAN_ERRKIND_AUTH, -EACCES,
				 "the registry %s requires credentials for %s (HTTP 401%s%s) and none were found; pass a username and password or log in with `podman login %s` (auth files: doc/images.md)",
				 c->registry, c->repository, errtext ? ": " : "",
				 str_or_empty(errtext), c->registry);
	} else {
		err = bpfman_err_kind(c->ctx, BPFMAN_ERRKIND_AUTH, -EACCES,
				 "the registry %s answered HTTP 401 for %s without a Basic or Bearer challenge we can answer%s%s",
				 c->registry, c->repository, errtext ? ": " : "",
				 str_or_empty(errtext));
	}
	for (size_t i = 0; i < cnt; i++)
		auth_challenge_clear(&ch[i]);
	return err;
}

static bool is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 ||
	       status == 307 || status == 308;
}

/* Follows redirects from url. Credentials go only to the registry's own
 * origin; each hop's TLS settings come from the config for its host.
 * *ret_final_url (initialised by the caller) is where the answer came from. */
static int do_hops(struct registry_client *c, const struct http_request *in,
		   struct http_response *r, char **ret_final_url)
{
	struct http_request req = *in;
	_cleanup_free_ char *url = strdup(in->url);
	int err;

	if (!url)
		return -ENOMEM;
	for (int hop = 0;; hop++) {
		struct registry_settings hs = { 0 };
		struct http_tls tls;
		_cleanup_free_ char *host = http_url_authority(url);
		bool own = http_same_origin(url, c->base);
		char *next;

		if (!host)
			return bpfman_err(c->ctx, -EPROTO, "the registry %s sent us to a Location that is not a URL",
					  c->registry);
		if (own) {
			tls = registry_settings_tls(&c->settings);
		} else {
			if ((err = registry_settings_lookup(c->ctx, host, NULL, &hs)))
				return err;
			if (!http_url_is_https(url) && !hs.insecure) {
				registry_settings_clear(&hs);
				return bpfman_err_kind(c->ctx, BPFMAN_ERRKIND_REGISTRY, -EPERM,
						  "the registry %s redirected to %s over plain HTTP, but %s is not marked insecure; refusing it (mark it `insecure: true` under registries in the config if this is intended)",
						  c->registry, host, host);
			}
			tls = registry_settings_tls(&hs);
		}
		req.url = url;
		req.tls = &tls;
		/* Never across origins: a redirect to storage must not carry
		 * the user's registry credentials. */
		req.authorization = own ? in->authorization : NULL;
		err = http_do(c->ctx, c->h, &req, r);
		registry_settings_clear(&hs);
		if (err)
			return err;
		if (!is_redirect(r->status) || !r->location)
			break;
		if (hop == REGISTRY_MAX_REDIRECTS) {
			http_response_clear(r);
			return bpfman_err(c->ctx, -ELOOP,
					  "the registry %s redirected us more than %d times; giving up",
					  c->registry, REGISTRY_MAX_REDIRECTS);
		}
		next = http_url_resolve(url, r->location);
		if (!next) {
			err = bpfman_err(c->ctx, -EPROTO, "the registry %s sent an unusable Location header",
					 c->registry);
			http_response_clear(r);
			return err;
		}
		{
			_cleanup_free_ char *shown = http_url_for_log(next);

			pr_debug(c->ctx, "redirected to %s%s", str_or_empty(shown),
				 http_same_origin(next, c->base) ? "" : " (without credentials)");
		}
		free(url);
		url = next;
		/* 303 turns any method into GET. */
		if (r->status == 303 && strcmp(req.method, "HEAD")) {
			req.method = "GET";
			req.body = NULL;
			req.body_len = 0;
		}
		http_response_clear(r);
	}
	if (ret_final_url) {
		free(*ret_final_url); /* from an earlier, refused attempt */
		*ret_final_url = TAKE_PTR(url);
	}
	return 0;
}

/* One API request with authentication: on a 401 answer the challenge
 * and try once more (once more again if a cached token was stale). */
static int client_request(struct registry_client *c, struct http_request *req,
			  struct http_response *r, char **ret_final_url)
{
	bool tried = false, fresh_tried = false, had_auth;
	int err;

	/* A long-lived client outlives its token: renew it before use. */
	if (c->scheme == AUTH_BEARER && time(NULL) >= c->token_expires &&
	    (err = set_bearer(c, false)))
		return err;
	for (;;) {
		req->authorization = c->authorization;
		err = do_hops(c, req, r, ret_final_url);
		if (err)
			return err;
		if (r->status != 401)
			return 0;
		if (c->scheme == AUTH_BEARER && tried && !fresh_tried) {
			/* A cached token may have been revoked: get a new one. */
			fresh_tried = true;
			http_response_clear(r);
			if ((err = set_bearer(c, true)))
				return err;
			continue;
		}
		had_auth = c->authorization != NULL;
		err = handle_challenge(c, r, tried);
		http_response_clear(r);
		if (err)
			return err;
		tried = true;
		/* A token we already replaced is not worth replacing again. */
		fresh_tried = c->scheme == AUTH_BEARER && had_auth;
	}
}

static char *api_url(const struct registry_client *c, const char *kind,
		     const char *reference)
{
	return str_printf("%s/v2/%s/%s/%s", c->base, c->repository, kind, reference);
}

/* The sentence for an unexpected status. */
static int status_err(struct registry_client *c, const struct http_response *r,
		      const char *what)
{
	_cleanup_free_ char *text = http_error_text(r);
	const char *sep = text ? ": " : "";
	int err;

	switch (r->status) {
	case 404:
		err = -ENOENT;
		return bpfman_err(c->ctx, err,
				  "%s was not found in %s/%s (HTTP 404%s%s); check the repository name and tag",
				  what, c->registry, c->repository, sep, str_or_empty(text));
	case 401:
	case 403:
		return bpfman_err_kind(c->ctx, BPFMAN_ERRKIND_AUTH, -EACCES,
				  "the registry %s denied access to %s in %s (HTTP %ld%s%s); check that these credentials may %s this repository",
				  c->registry, what, c->repository, r->status, sep,
				  str_or_empty(text), c->push ? "push to" : "pull from");
	case 429:
		return bpfman_err(c->ctx, -EAGAIN,
				  "the registry %s is rate limiting us (HTTP 429%s%s); retry later",
				  c->registry, sep, str_or_empty(text));
	default:
		err = r->status >= 500 ? -EIO : -EPROTO;
		return bpfman_err(c->ctx, err, "the registry %s answered HTTP %ld for %s in %s%s%s",
				  c->registry, r->status, what, c->repository, sep,
				  str_or_empty(text));
	}
}

static bool reference_is_digest(const char *reference)
{
	return !strncmp(reference, "sha256:", 7) || strchr(reference, ':');
}

/* Docker-Content-Digest, when sent as sha256, must name what we got. */
static int check_digest_header(struct registry_client *c, const struct http_response *r,
			       const char *expected, const char *what)
{
	const char *h = r->docker_content_digest;

	if (!h || strncmp(h, "sha256:", 7))
		return 0;
	if (strcmp(h, expected))
		return bpfman_err(c->ctx, -EBADMSG,
				  "the registry %s says %s has digest %s but its content has digest %s; refusing it",
				  c->registry, what, h, expected);
	return 0;
}

int registry_get_manifest(struct registry_client *c, const char *reference,
			  const char *accept, void **ret_buf, size_t *ret_len,
			  char **ret_content_type, char ret_digest[72])
{
	_cleanup_free_ char *url = api_url(c, "manifests", reference);
	_cleanup_free_ char *what = str_printf("manifest %s", reference);
	struct http_response r = { 0 };
	struct http_request req = {
		.method = "GET",
		.accept = accept,
		.max_body = MANIFEST_MAX_SIZE,
		.progress = c->progress,
		.progress_user_data = c->progress_user_data,
		.what = "manifest",
	};
	char digest[DIGEST_STR_SIZE];
	int err;

	if (!url || !what)
		return -ENOMEM;
	if (reference_is_digest(reference) && !digest_valid(reference))
		return bpfman_err(c->ctx, -EINVAL, "\"%s\" is not a sha256 digest", reference);
	req.url = url;
	if ((err = client_request(c, &req, &r, NULL)))
		return err == -EMSGSIZE
			? bpfman_err(c->ctx, err,
				     "the manifest %s of %s/%s is larger than %u bytes; refusing it",
				     reference, c->registry, c->repository, MANIFEST_MAX_SIZE)
			: err;
	if (r.status != 200) {
		err = status_err(c, &r, what);
		http_response_clear(&r);
		return err;
	}
	if (!r.body_len) {
		http_response_clear(&r);
		return bpfman_err(c->ctx, -EPROTO, "the registry %s sent an empty manifest for %s",
				  c->registry, reference);
	}
	digest_buf(r.body, r.body_len, digest);
	if (reference_is_digest(reference) && strcmp(reference, digest)) {
		http_response_clear(&r);
		return bpfman_err(c->ctx, -EBADMSG,
				  "the manifest %s from %s/%s has digest %s: the registry sent other content than asked for; refusing it",
				  reference, c->registry, c->repository, digest);
	}
	if ((err = check_digest_header(c, &r, digest, what))) {
		http_response_clear(&r);
		return err;
	}
	if (ret_content_type) {
		*ret_content_type = r.content_type ? strdup(r.content_type) : NULL;
		if (r.content_type && !*ret_content_type) {
			http_response_clear(&r);
			return -ENOMEM;
		}
	}
	memcpy(ret_digest, digest, DIGEST_STR_SIZE);
	*ret_len = r.body_len;
	*ret_buf = TAKE_PTR(r.body);
	http_response_clear(&r);
	return 0;
}

int registry_head_manifest(struct registry_client *c, const char *reference,
			   const char *accept, char ret_digest[72],
			   char **ret_content_type)
{
	_cleanup_free_ char *url = api_url(c, "manifests", reference);
	_cleanup_free_ char *what = str_printf("manifest %s", reference);
	struct http_response r = { 0 };
	struct http_request req = { .method = "HEAD", .accept = accept };
	int err;

	if (!url || !what)
		return -ENOMEM;
	req.url = url;
	if ((err = client_request(c, &req, &r, NULL)))
		return err;
	if (r.status != 200) {
		err = status_err(c, &r, what);
		http_response_clear(&r);
		return err;
	}
	if (!r.docker_content_digest || !digest_valid(r.docker_content_digest)) {
		http_response_clear(&r);
		return -ENOTSUP; /* the caller GETs and hashes instead */
	}
	if (reference_is_digest(reference) && strcmp(reference, r.docker_content_digest)) {
		err = bpfman_err(c->ctx, -EBADMSG,
				 "the registry %s answered a HEAD for %s with digest %s; refusing it",
				 c->registry, reference, r.docker_content_digest);
		http_response_clear(&r);
		return err;
	}
	if (ret_content_type) {
		*ret_content_type = r.content_type ? strdup(r.content_type) : NULL;
		if (r.content_type && !*ret_content_type) {
			http_response_clear(&r);
			return -ENOMEM;
		}
	}
	snprintf(ret_digest, DIGEST_STR_SIZE, "%s", r.docker_content_digest);
	http_response_clear(&r);
	return 0;
}

struct blob_sink {
	struct registry_client *c;
	struct blob_writer *w;
	const char *what;
	uint64_t done, total;
};

static int blob_sink_write(void *user, const void *buf, size_t len)
{
	struct blob_sink *s = user;
	int err = store_blob_write(s->c->ctx, s->w, buf, len);

	if (err)
		return err;
	s->done += len;
	if (s->c->progress)
		s->c->progress(s->what, s->done, s->total, s->c->progress_user_data);
	return 0;
}

int registry_fetch_blob(struct registry_client *c, const char *root,
			const struct descriptor *desc)
{
	_cleanup_free_ char *url = NULL, *what = NULL;
	struct http_response r = { 0 };
	struct blob_sink sink = { .c = c, .total = desc->size };
	char got[DIGEST_STR_SIZE];
	int err;

	if (!desc->digest || !digest_valid(desc->digest))
		return bpfman_err(c->ctx, -EINVAL, "blob descriptor without a valid sha256 digest");
	if (store_has_blob(root, desc->digest, desc->size))
		return 0;
	url = api_url(c, "blobs", desc->digest);
	what = str_printf("blob %.19s", desc->digest);
	if (!url || !what)
		return -ENOMEM;
	sink.what = what;
	if ((err = store_blob_begin(c->ctx, root, desc->digest, desc->size, &sink.w)))
		return err;
	err = client_request(c,
			     &(struct http_request){
				     .method = "GET",
				     .url = url,
				     .sink = blob_sink_write,
				     .sink_user = &sink,
			     },
			     &r, NULL);
	if (!err && r.status != 200)
		err = status_err(c, &r, what);
	if (!err && r.content_length >= 0 && (uint64_t)r.content_length != desc->size)
		err = bpfman_err(c->ctx, -EBADMSG,
				 "the registry %s sent %" PRId64 " bytes for %s, whose descriptor says %" PRIu64 " bytes; refusing it",
				 c->registry, r.content_length, desc->digest, desc->size);
	if (!err)
		err = check_digest_header(c, &r, desc->digest, what);
	http_response_clear(&r);
	if (err) {
		if (err == -EMSGSIZE)
			err = bpfman_err_prefix(c->ctx, err,
						"the registry %s sent more than the %" PRIu64 " bytes the descriptor of %s allows",
						c->registry, desc->size, desc->digest);
		store_blob_abort(sink.w);
		return err;
	}
	if ((err = store_blob_commit(c->ctx, sink.w, got)))
		return bpfman_err_prefix(c->ctx, err, "blob from %s/%s", c->registry, c->repository);
	return 0;
}

int registry_get_blob(struct registry_client *c, const char *digest,
		      size_t max_len, void **ret_buf, size_t *ret_len)
{
	_cleanup_free_ char *url = NULL, *what = NULL;
	struct http_response r = { 0 };
	struct http_request req = { .method = "GET", .max_body = max_len };
	char got[DIGEST_STR_SIZE];
	int err;

	if (!digest_valid(digest))
		return bpfman_err(c->ctx, -EINVAL, "\"%s\" is not a sha256 digest", digest);
	url = api_url(c, "blobs", digest);
	what = str_printf("blob %s", digest);
	if (!url || !what)
		return -ENOMEM;
	req.url = url;
	if ((err = client_request(c, &req, &r, NULL)))
		return err == -EMSGSIZE
			? bpfman_err(c->ctx, err, "the blob %s in %s/%s is larger than %zu bytes; refusing it",
				     digest, c->registry, c->repository, max_len)
			: err;
	if (r.status != 200) {
		err = status_err(c, &r, what);
		http_response_clear(&r);
		return err;
	}
	digest_buf(r.body ? r.body : "", r.body_len, got);
	if (strcmp(got, digest)) {
		http_response_clear(&r);
		return bpfman_err(c->ctx, -EBADMSG,
				  "the blob %s from %s/%s has digest %s: it was altered; refusing it",
				  digest, c->registry, c->repository, got);
	}
	*ret_len = r.body_len;
	*ret_buf = r.body ? TAKE_PTR(r.body) : calloc(1, 1);
	http_response_clear(&r);
	return *ret_buf ? 0 : -ENOMEM;
}

int registry_blob_exists(struct registry_client *c, const char *digest)
{
	_cleanup_free_ char *url = NULL, *what = NULL;
	struct http_response r = { 0 };
	struct http_request req = { .method = "HEAD" };
	int err;

	if (!digest_valid(digest))
		return bpfman_err(c->ctx, -EINVAL, "\"%s\" is not a sha256 digest", digest);
	url = api_url(c, "blobs", digest);
	what = str_printf("blob %s", digest);
	if (!url || !what)
		return -ENOMEM;
	req.url = url;
	if ((err = client_request(c, &req, &r, NULL)))
		return err;
	err = r.status == 200 ? 1 : r.status == 404 ? 0 : status_err(c, &r, what);
	http_response_clear(&r);
	return err;
}

int registry_push_blob(struct registry_client *c, const void *buf, size_t len,
		       const char *digest)
{
	_cleanup_free_ char *url = NULL, *final = NULL, *put = NULL, *what = NULL;
	_cleanup_free_ char *start_url = NULL;
	struct http_response r = { 0 };
	char got[DIGEST_STR_SIZE];
	int err;

	if (!digest_valid(digest))
		return bpfman_err(c->ctx, -EINVAL, "\"%s\" is not a sha256 digest", digest);
	digest_buf(buf, len, got);
	if (strcmp(got, digest))
		return bpfman_err(c->ctx, -EINVAL, "the blob to push has digest %s, not %s",
				  got, digest);
	err = registry_blob_exists(c, digest);
	if (err < 0)
		return err;
	if (err == 1)
		return 0;
	what = str_printf("upload of %s", digest);
	start_url = str_printf("%s/v2/%s/blobs/uploads/", c->base, c->repository);
	if (!what || !start_url)
		return -ENOMEM;
	/* Monolithic upload: POST opens a session, PUT ?digest= closes it. */
	if ((err = client_request(c, &(struct http_request){ .method = "POST", .url = start_url },
				  &r, &final)))
		return err;
	if (r.status != 202 || !r.location) {
		err = r.status == 202
			? bpfman_err(c->ctx, -EPROTO, "the registry %s opened an upload without a Location",
				     c->registry)
			: status_err(c, &r, what);
		http_response_clear(&r);
		return err;
	}
	url = http_url_resolve(final, r.location);
	http_response_clear(&r);
	if (!url)
		return bpfman_err(c->ctx, -EPROTO, "the registry %s gave an unusable upload Location",
				  c->registry);
	put = str_printf("%s%sdigest=%s", url, strchr(url, '?') ? "&" : "?", digest);
	if (!put)
		return -ENOMEM;
	err = client_request(c,
			     &(struct http_request){
				     .method = "PUT",
				     .url = put,
				     .content_type = "application/octet-stream",
				     .body = buf,
				     .body_len = len,
				     .progress = c->progress,
				     .progress_user_data = c->progress_user_data,
				     .what = what,
			     },
			     &r, NULL);
	if (err)
		return err;
	if (r.status != 201)
		err = status_err(c, &r, what);
	else
		err = check_digest_header(c, &r, digest, what);
	http_response_clear(&r);
	return err;
}

int registry_put_manifest(struct registry_client *c, const char *reference,
			  const char *media_type, const void *buf, size_t len)
{
	_cleanup_free_ char *url = api_url(c, "manifests", reference);
	_cleanup_free_ char *what = str_printf("manifest %s", reference);
	struct http_response r = { 0 };
	char digest[DIGEST_STR_SIZE];
	int err;

	if (!url || !what)
		return -ENOMEM;
	if (len > MANIFEST_MAX_SIZE)
		return bpfman_err_kind(c->ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EMSGSIZE, "the manifest is larger than %u bytes",
				  MANIFEST_MAX_SIZE);
	digest_buf(buf, len, digest);
	if (reference_is_digest(reference) && strcmp(reference, digest))
		return bpfman_err(c->ctx, -EINVAL, "the manifest to push has digest %s, not %s",
				  digest, reference);
	err = client_request(c,
			     &(struct http_request){
				     .method = "PUT",
				     .url = url,
				     .content_type = media_type,
				     .body = buf,
				     .body_len = len,
			     },
			     &r, NULL);
	if (err)
		return err;
	if (r.status != 201 && r.status != 200)
		err = status_err(c, &r, what);
	else
		err = check_digest_header(c, &r, digest, what);
	http_response_clear(&r);
	return err;
}

int registry_referrers(struct registry_client *c, const char *digest,
		       const char *artifact_type, bool *ret_supported,
		       void **ret_buf, size_t *ret_len)
{
	_cleanup_free_ char *url = NULL, *at = NULL, *what = NULL;
	struct http_response r = { 0 };
	struct http_request req = {
		.method = "GET",
		.accept = MT_OCI_INDEX,
		.max_body = MANIFEST_MAX_SIZE,
	};
	int err;

	*ret_supported = false;
	if (!digest_valid(digest))
		return bpfman_err(c->ctx, -EINVAL, "\"%s\" is not a sha256 digest", digest);
	if (artifact_type && !(at = http_escape(c->h, artifact_type)))
		return -ENOMEM;
	url = str_printf("%s/v2/%s/referrers/%s%s%s", c->base, c->repository, digest,
			 at ? "?artifactType=" : "", at ? at : "");
	what = str_printf("referrers of %s", digest);
	if (!url || !what)
		return -ENOMEM;
	req.url = url;
	if ((err = client_request(c, &req, &r, NULL)))
		return err;
	/* The OCI distribution spec: 404 means no referrers API; fall back to
	 * the sha256-<hex> tag scheme. */
	if (r.status == 404) {
		http_response_clear(&r);
		*ret_buf = NULL;
		*ret_len = 0;
		return 0;
	}
	if (r.status != 200) {
		err = status_err(c, &r, what);
		http_response_clear(&r);
		return err;
	}
	if (!r.content_type || strncmp(r.content_type, MT_OCI_INDEX, strlen(MT_OCI_INDEX))) {
		err = bpfman_err(c->ctx, -EPROTO,
				 "the registry %s answered the referrers of %s with %s, not an OCI image index",
				 c->registry, digest, r.content_type ? r.content_type : "no Content-Type");
		http_response_clear(&r);
		return err;
	}
	*ret_supported = true;
	*ret_len = r.body_len;
	*ret_buf = r.body ? TAKE_PTR(r.body) : strdup("");
	http_response_clear(&r);
	return *ret_buf ? 0 : -ENOMEM;
}
