// SPDX-License-Identifier: Apache-2.0
/* HTTP exchanges for the registry client (libcurl). Redirects are never
 * followed here: the registry client follows them itself so that it can
 * drop credentials when a redirect leaves the registry's host. */
#include "internal.h"
#include "image/http.h"
#include "dlopen_libs.h"
#include "dlopen_crypto.h"

#include <ctype.h>
#include <curl/curl.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* A transfer that moves less than 1 byte/s for this long is dead. */
#define HTTP_STALL_SECONDS 60L
#define HTTP_CONNECT_SECONDS 30L
/* Headers longer than this are not ours to keep. */
#define HTTP_HEADER_MAX 8192

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;

static void global_init(void)
{
	global_rc = sym_curl_global_init(CURL_GLOBAL_DEFAULT);
}

CURL *http_handle_new(struct bpfman_ctx *ctx)
{
	CURL *h;

	if (dlopen_curl(ctx))
		return NULL;
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK) {
		bpfman_err(ctx, -EIO, "cannot initialise libcurl: %s",
			   sym_curl_easy_strerror(global_rc));
		return NULL;
	}
	h = sym_curl_easy_init();
	if (!h)
		bpfman_err(ctx, -ENOMEM, "cannot create a libcurl handle: out of memory");
	return h;
}

void http_handle_free(CURL *h)
{
	if (h)
		sym_curl_easy_cleanup(h);
}

void http_response_clear(struct http_response *r)
{
	free(r->body);
	free(r->content_type);
	free(r->docker_content_digest);
	free(r->location);
	for (size_t i = 0; i < r->www_authenticate_cnt; i++)
		free(r->www_authenticate[i]);
	memset(r, 0, sizeof(*r));
	r->content_length = -1;
}

struct transfer {
	struct bpfman_ctx *ctx;
	CURL *h;
	const struct http_request *req;
	struct http_response *resp;
	size_t cap;
	int sink_err;
	bool too_big;
};

static bool status_ok(long status)
{
	return status >= 200 && status < 300;
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
	struct transfer *t = user;
	size_t len = size * n;
	long status = 0;
	size_t limit;
	char *nb;

	sym_curl_easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &status);
	if (status_ok(status) && t->req->sink) {
		int err = t->req->sink(t->req->sink_user, data, len);

		if (err < 0) {
			t->sink_err = err;
			return 0; /* CURLE_WRITE_ERROR */
		}
		return len;
	}
	limit = status_ok(status) ? t->req->max_body : HTTP_ERROR_BODY_MAX;
	if (t->resp->body_len + len > limit) {
		if (!status_ok(status))
			return len; /* keep the head of an error body */
		t->too_big = true;
		return 0;
	}
	if (t->resp->body_len + len + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;

		while (cap < t->resp->body_len + len + 1)
			cap *= 2;
		nb = realloc(t->resp->body, cap);
		if (!nb) {
			t->sink_err = -ENOMEM;
			return 0;
		}
		t->resp->body = nb;
		t->cap = cap;
	}
	memcpy(t->resp->body + t->resp->body_len, data, len);
	t->resp->body_len += len;
	t->resp->body[t->resp->body_len] = '\0';
	return len;
}

static char *header_value(const char *line, size_t len, const char *name)
{
	size_t nlen = strlen(name);
	const char *v, *end = line + len;

	if (len <= nlen || strncasecmp(line, name, nlen) || line[nlen] != ':')
		return NULL;
	v = line + nlen + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' ||
			   end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return strndup(v, end - v);
}

static void keep(char **slot, char *v)
{
	if (!v)
		return;
	free(*slot);
	*slot = v;
}

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
	struct transfer *t = user;
	struct http_response *r = t->resp;
	size_t len = size * n;
	char *v;

	if (len > HTTP_HEADER_MAX)
		return len;
	/* A new status line (after 100 Continue): forget what came before. */
	if (len > 5 && !strncmp(data, "HTTP/", 5)) {
		long status = r->status;

		http_response_clear(r);
		r->status = status;
		return len;
	}
	keep(&r->content_type, header_value(data, len, "Content-Type"));
	keep(&r->docker_content_digest, header_value(data, len, "Docker-Content-Digest"));
	keep(&r->location, header_value(data, len, "Location"));
	if ((v = header_value(data, len, "Content-Length"))) {
		uint64_t cl;

		if (!parse_u64(v, INT64_MAX, &cl))
			r->content_length = (int64_t)cl;
		free(v);
	}
	if ((v = header_value(data, len, "WWW-Authenticate"))) {
		if (r->www_authenticate_cnt < HTTP_MAX_CHALLENGES)
			r->www_authenticate[r->www_authenticate_cnt++] = v;
		else
			free(v);
	}
	return len;
}

static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	struct transfer *t = user;
	const struct http_request *req = t->req;

	if (req->body_len)
		req->progress(req->what ? req->what : "upload", (uint64_t)ulnow,
			      (uint64_t)ultotal, req->progress_user_data);
	else if (dlnow || dltotal)
		req->progress(req->what ? req->what : "download", (uint64_t)dlnow,
			      (uint64_t)dltotal, req->progress_user_data);
	return 0;
}

/* The ca_file is added to OpenSSL's default store rather than replacing
 * it (CURLOPT_CAINFO would), so a private registry CA does not make
 * public registries unverifiable. */
static CURLcode add_ca_file(CURL *h, void *sslctx, void *user)
{
	const char *ca_file = user;

	(void)h;
	if (SSL_CTX_load_verify_locations(sslctx, ca_file, NULL) != 1)
		return CURLE_SSL_CACERT_BADFILE;
	return CURLE_OK;
}

static int set_tls(struct bpfman_ctx *ctx, CURL *h, const struct http_tls *tls)
{
	sym_curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	sym_curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (!tls)
		return 0;
	if (tls->ca_file) {
		if (access(tls->ca_file, R_OK))
			return bpfman_err(ctx, -errno,
					  "cannot read the CA file %s: %s; fix ca_file in the registries section of the config (doc/images.md)",
					  tls->ca_file, strerror(errno));
		if (sym_curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, add_ca_file) != CURLE_OK)
			return bpfman_err(ctx, -ENOTSUP,
					  "this libcurl cannot add a CA file to its TLS context (it needs the OpenSSL backend)");
		sym_curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, (void *)tls->ca_file);
	}
	if (tls->client_cert) {
		sym_curl_easy_setopt(h, CURLOPT_SSLCERT, tls->client_cert);
		sym_curl_easy_setopt(h, CURLOPT_SSLKEY, tls->client_key);
	}
	return 0;
}

/* What went wrong before any HTTP response, and what to do about it. */
static int transport_err(struct bpfman_ctx *ctx, const struct http_request *req,
			 CURLcode rc, const char *detail)
{
	_cleanup_free_ char *host = http_url_authority(req->url);
	_cleanup_free_ char *shown = http_url_for_log(req->url);
	const char *u = shown ? shown : "(URL)";
	const char *h = host ? host : u;
	const char *d = detail[0] ? detail : sym_curl_easy_strerror(rc);

	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		return bpfman_err(ctx, -EHOSTUNREACH,
				  "cannot resolve the registry host %s (%s); check the image reference and DNS",
				  h, d);
	case CURLE_COULDNT_CONNECT:
		return bpfman_err(ctx, -ECONNREFUSED,
				  "cannot connect to the registry %s (%s); check that it is running and that the address and port in the reference are right",
				  h, d);
	case CURLE_OPERATION_TIMEDOUT:
		return bpfman_err(ctx, -ETIMEDOUT,
				  "the registry %s did not answer in time (%s); check the network or retry",
				  h, d);
	case CURLE_PEER_FAILED_VERIFICATION:
		if (strstr(d, "subject name") || strstr(d, "does not match") ||
		    strstr(d, "no alternative certificate"))
			return bpfman_err_kind(ctx, BPFMAN_ERRKIND_REGISTRY, -EPERM,
					  "TLS: the certificate of %s is not valid for the name %s (%s); use the host name or address the certificate was issued for, or reissue the certificate with this name in its subjectAltName",
					  h, h, d);
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_REGISTRY, -EPERM,
				  "TLS: cannot verify the certificate of %s (%s); if the registry uses a private CA, name its certificate with ca_file for this registry in the registries section of the config (doc/images.md)",
				  h, d);
	case CURLE_SSL_CACERT_BADFILE:
		return bpfman_err(ctx, -EINVAL,
				  "TLS: the CA file for %s could not be loaded (%s); ca_file must be a PEM file of certificates",
				  h, d);
	case CURLE_SSL_CERTPROBLEM:
		return bpfman_err(ctx, -EINVAL,
				  "TLS: the client certificate or key for %s could not be used (%s); check client_cert and client_key in the registries section of the config",
				  h, d);
	case CURLE_SSL_CONNECT_ERROR:
		if (strstr(d, "wrong version number") || strstr(d, "packet length too long"))
			return bpfman_err(ctx, -EPROTO,
					  "TLS handshake with %s failed (%s): it does not seem to speak TLS; if this registry serves plain HTTP, mark it `insecure: true` in the registries section of the config (doc/images.md)",
					  h, d);
		return bpfman_err(ctx, -EPROTO,
				  "TLS handshake with %s failed (%s); check the registry's TLS setup and, for mutual TLS, client_cert and client_key",
				  h, d);
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		/* A registry that wants a client certificate refuses it with a
		 * TLS alert after the handshake (TLS 1.3); what curl reports
		 * then varies, so say it whenever we sent none. */
		if (http_url_is_https(req->url) && !(req->tls && req->tls->client_cert))
			return bpfman_err(ctx, -EIO,
					  "the connection to %s broke during %s %s (%s); if the registry requires TLS client certificates, set client_cert and client_key for it in the registries section of the config (doc/images.md), otherwise retry or check the network",
					  h, req->method, u, d);
		return bpfman_err(ctx, -EIO, "the connection to %s broke during %s %s (%s); retry, or check the network",
				  h, req->method, u, d);
	case CURLE_UNSUPPORTED_PROTOCOL:
		return bpfman_err(ctx, -EPROTO,
				  "refusing the URL %s: only http and https are allowed", u);
	default:
		return bpfman_err(ctx, -EIO, "%s %s failed: %s", req->method, u, d);
	}
}

int http_do(struct bpfman_ctx *ctx, CURL *h, const struct http_request *req,
	    struct http_response *ret)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers = NULL;
	_cleanup_free_ char *accept = NULL, *ctype = NULL, *auth = NULL, *shown = NULL;
	struct transfer t = { .ctx = ctx, .h = h, .req = req, .resp = ret };
	CURLcode rc;
	int err;

	memset(ret, 0, sizeof(*ret));
	ret->content_length = -1;
	sym_curl_easy_reset(h);
	sym_curl_easy_setopt(h, CURLOPT_URL, req->url);
	sym_curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	sym_curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	sym_curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	sym_curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	sym_curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, HTTP_CONNECT_SECONDS);
	sym_curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	sym_curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, HTTP_STALL_SECONDS);
	sym_curl_easy_setopt(h, CURLOPT_USERAGENT, "libbpfman/" BPFMAN_VERSION_STRING);
	/* Identity only: a compressed body would not hash to its digest. */
	sym_curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, NULL);
	sym_curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	sym_curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
	sym_curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	sym_curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
	if (req->progress) {
		sym_curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
		sym_curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
		sym_curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	}
	if ((err = set_tls(ctx, h, req->tls)))
		return err;

	if (!strcmp(req->method, "HEAD")) {
		sym_curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (!strcmp(req->method, "POST") || !strcmp(req->method, "PUT")) {
		sym_curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
		sym_curl_easy_setopt(h, CURLOPT_POST, 1L);
		sym_curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
		sym_curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
	} else if (strcmp(req->method, "GET")) {
		sym_curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
	}

	/* Registries do not need 100-continue; it only costs a round trip. */
	headers = sym_curl_slist_append(headers, "Expect:");
	if (req->accept && (accept = str_printf("Accept: %s", req->accept)))
		headers = sym_curl_slist_append(headers, accept);
	if (req->content_type && (ctype = str_printf("Content-Type: %s", req->content_type)))
		headers = sym_curl_slist_append(headers, ctype);
	else if (req->body)
		headers = sym_curl_slist_append(headers, "Content-Type:");
	if (req->authorization &&
	    (auth = str_printf("Authorization: %s", req->authorization)))
		headers = sym_curl_slist_append(headers, auth);
	sym_curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);

	shown = http_url_for_log(req->url);
	pr_debug(ctx, "HTTP %s %s%s", req->method, str_or_empty(shown),
		 req->authorization ? " (Authorization: <redacted>)" : "");
	rc = sym_curl_easy_perform(h);
	sym_curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	sym_curl_slist_free_all(headers);
	if (auth) /* the header copy held a secret */
		explicit_bzero(auth, strlen(auth));

	if (t.sink_err) {
		http_response_clear(ret);
		return t.sink_err == -ENOMEM ? bpfman_err(ctx, -ENOMEM, "out of memory reading %s", str_or_empty(shown))
					     : t.sink_err;
	}
	if (t.too_big) {
		_cleanup_free_ char *host = http_url_authority(req->url);

		http_response_clear(ret);
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EMSGSIZE,
				  "the response to %s %s from %s is larger than the %zu bytes allowed; refusing it",
				  req->method, str_or_empty(shown), str_or_empty(host), req->max_body);
	}
	if (rc != CURLE_OK) {
		http_response_clear(ret);
		return transport_err(ctx, req, rc, errbuf);
	}
	sym_curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &ret->status);
	pr_debug(ctx, "HTTP %s %s -> %ld", req->method, str_or_empty(shown), ret->status);
	return 0;
}

/* URL helpers are called before any handle exists: open libcurl here too
 * (a failure reads as an unparseable URL; the next handle says why). */
static CURLU *url_new(void)
{
	return dlopen_curl(NULL) ? NULL : sym_curl_url();
}

char *http_url_for_log(const char *url)
{
	const char *q = strchr(url, '?');

	return q ? str_printf("%.*s?...", (int)(q - url), url) : strdup(url);
}

char *http_url_authority(const char *url)
{
	CURLU *u = url_new();
	char *host = NULL, *port = NULL, *out = NULL;

	if (!u)
		return NULL;
	if (sym_curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    sym_curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		if (sym_curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK)
			out = str_printf("%s:%s", host, port);
		else
			out = strdup(host);
	}
	sym_curl_free(host);
	sym_curl_free(port);
	sym_curl_url_cleanup(u);
	return out;
}

bool http_url_is_https(const char *url)
{
	return !strncasecmp(url, "https://", 8);
}

char *http_url_resolve(const char *base, const char *url)
{
	CURLU *u = url_new();
	char *full = NULL, *out = NULL;

	if (!u)
		return NULL;
	/* Setting a relative URL on a handle holding base resolves it. */
	if (sym_curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
	    sym_curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    sym_curl_url_get(u, CURLUPART_URL, &full, 0) == CURLUE_OK)
		out = strdup(full);
	sym_curl_free(full);
	sym_curl_url_cleanup(u);
	return out;
}

static char *url_origin(const char *url)
{
	CURLU *u = url_new();
	char *scheme = NULL, *host = NULL, *port = NULL, *out = NULL;

	if (!u)
		return NULL;
	if (sym_curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    sym_curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    sym_curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    sym_curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		for (char *p = host; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		out = str_printf("%s://%s:%s", scheme, host, port);
	}
	sym_curl_free(scheme);
	sym_curl_free(host);
	sym_curl_free(port);
	sym_curl_url_cleanup(u);
	return out;
}

bool http_same_origin(const char *a, const char *b)
{
	_cleanup_free_ char *oa = url_origin(a), *ob = url_origin(b);

	return oa && ob && !strcasecmp(oa, ob);
}

char *http_escape(CURL *h, const char *s)
{
	char *e = sym_curl_easy_escape(h, s, 0);
	char *out = e ? strdup(e) : NULL;

	sym_curl_free(e);
	return out;
}

static char *first_line(const char *body, size_t len)
{
	size_t n = 0;

	while (n < len && n < 200 && body[n] != '\n' && body[n] != '\r')
		n++;
	while (n && (body[n - 1] == ' ' || body[n - 1] == '\t'))
		n--;
	if (!n)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)body[i] < 0x20 || (unsigned char)body[i] == 0x7f)
			return NULL; /* binary: not worth quoting */
	return strndup(body, n);
}

char *http_error_text(const struct http_response *r)
{
	json_t *root, *errors, *e;
	char *out = NULL;
	size_t i;

	if (!r->body || !r->body_len)
		return NULL;
	root = json_loadb(r->body, r->body_len, 0, NULL);
	errors = root ? json_object_get(root, "errors") : NULL;
	if (!json_is_array(errors) || !json_array_size(errors)) {
		json_decref(root);
		return first_line(r->body, r->body_len);
	}
	json_array_foreach(errors, i, e) {
		const char *code = json_string_value(json_object_get(e, "code"));
		const char *msg = json_string_value(json_object_get(e, "message"));
		char *next;

		if (i >= 4)
			break;
		next = str_printf("%s%s%s%s%s", out ? out : "", out ? "; " : "",
				  code ? code : "", code && msg ? ": " : "",
				  msg ? msg : "");
		free(out);
		out = next;
		if (!out)
			break;
	}
	json_decref(root);
	if (out && !out[0]) {
		free(out);
		out = NULL;
	}
	return out;
}

char *http_basic_auth(const char *username, const char *password)
{
	_cleanup_free_ char *plain = str_printf("%s:%s", username, str_or_empty(password));
	size_t len, enc_len;
	char *out;

	if (!plain)
		return NULL;
	len = strlen(plain);
	enc_len = 4 * ((len + 2) / 3);
	out = malloc(sizeof("Basic ") + enc_len);
	if (out) {
		memcpy(out, "Basic ", 6);
		EVP_EncodeBlock((unsigned char *)out + 6, (unsigned char *)plain, (int)len);
	}
	explicit_bzero(plain, len);
	return out;
}
