/* SPDX-License-Identifier: Apache-2.0 */
/* One HTTP exchange over a libcurl easy handle, the way a registry client
 * needs it: no automatic redirects (the caller decides whether credentials
 * may follow), bounded response bodies, the headers the distribution API
 * uses captured, TLS always verified, and transport failures turned into
 * sentences that say what to fix. Owner: http.c. */
#ifndef BPFMAN_IMAGE_HTTP_H
#define BPFMAN_IMAGE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpfman/image.h>

struct bpfman_ctx;
typedef void CURL;

/* Error bodies (JSON errors[]) are read up to this size, the rest dropped. */
#define HTTP_ERROR_BODY_MAX (64u << 10)
/* Most headers of one name we keep (WWW-Authenticate can repeat). */
#define HTTP_MAX_CHALLENGES 4

/* TLS material for one host (paths, borrowed). */
struct http_tls {
	const char *ca_file;     /* added to the system's CAs */
	const char *client_cert; /* PEM, for mutual TLS */
	const char *client_key;
};

/* Receives 2xx bodies when set; a negative return aborts the transfer and
 * becomes http_do's return (the sink leaves its own sentence). */
typedef int (*http_sink_fn)(void *user, const void *buf, size_t len);

struct http_request {
	const char *method; /* GET, HEAD, POST, PUT */
	const char *url;
	const char *accept;
	const char *content_type;
	/* Whole header value ("Basic ...", "Bearer ..."); never logged. */
	const char *authorization;
	const void *body;
	size_t body_len;
	/* 2xx bodies above this fail with -EMSGSIZE (ignored with a sink). */
	size_t max_body;
	http_sink_fn sink;
	void *sink_user;
	const struct http_tls *tls;
	bpfman_progress_fn progress;
	void *progress_user_data;
	const char *what; /* names the transfer for progress */
};

struct http_response {
	long status;
	char *body; /* NUL-terminated; NULL when empty or streamed */
	size_t body_len;
	char *content_type;
	char *docker_content_digest;
	char *location;
	char *www_authenticate[HTTP_MAX_CHALLENGES];
	size_t www_authenticate_cnt;
	int64_t content_length; /* -1 when absent */
};

/* A handle for one client; connections are reused between requests. */
CURL *http_handle_new(struct bpfman_ctx *ctx);
void http_handle_free(CURL *h);

/* Performs one request. Returns 0 with the response filled for any HTTP
 * status (the caller judges it); <0 with a sentence when no response came
 * (connection, TLS, limits, sink errors). */
int http_do(struct bpfman_ctx *ctx, CURL *h, const struct http_request *req,
	    struct http_response *ret);
void http_response_clear(struct http_response *r);

/* "host[:port]" of an http(s) URL, malloc'ed; NULL if it has none. */
char *http_url_authority(const char *url);
/* True for an https:// URL. */
bool http_url_is_https(const char *url);
/* url resolved against base (Location headers may be relative). */
char *http_url_resolve(const char *base, const char *url);
/* Same scheme, host and port: credentials may be sent to both. */
bool http_same_origin(const char *a, const char *b);
/* Percent-encodes s for a query value, malloc'ed. */
char *http_escape(CURL *h, const char *s);

/* The registry's own words from a JSON error body ({"errors": [{"code",
 * "message", "detail"}]}) as "CODE: message; ..." or, for another body,
 * its first line; NULL when there is nothing useful. */
char *http_error_text(const struct http_response *r);

/* "Basic <base64(user:password)>", malloc'ed (free with care). */
char *http_basic_auth(const char *username, const char *password);

#endif
