/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One HTTP/2 connection: nghttp2 does the protocol (framing, HPACK, flow
 * control, GOAWAY on protocol errors), libev tells us when the socket is
 * ready, and this file turns complete request streams into grpc_dispatch()
 * calls and their outcome into a response (headers, one message, trailers)
 * or a trailers-only error. A protocol error closes this connection only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <nghttp2/nghttp2.h>

#include "events.h"
#include "server.h"
#include "tls.h"

/* Request headers we accept at most (names + values), like gRPC's 16 KiB. */
#define MAX_HEADER_LIST 16384
/* Request bodies one connection may have buffered at once (all streams):
 * with --max-streams 100 a connection could otherwise pin 400 MiB. */
#define MAX_CONN_BUFFERED (16u * 1024 * 1024)
/* Frames nghttp2 hands us are gathered up to this much and written at
 * once: a unary reply (HEADERS, DATA, trailers) is one write and one
 * wake-up of the client instead of three. */
#define WBUF_CAP 65536
/* Replies queued on one Watch stream whose client does not read. */
#define MAX_WATCH_QUEUED (4u * 1024 * 1024)

struct h2_stream {
	struct h2_stream *next, *prev; /* the connection's open streams */
	struct h2_stream *wnext, *wprev; /* server's Watch streams */
	struct h2_conn *conn;
	bool watching;
	uint64_t seen_seq; /* Watch: the newest event sent (events.c) */
	char *owner_filter; /* Watch: only this owner's events; NULL: all */
	int32_t id;
	char path[256];
	size_t path_len;
	bool is_post, is_grpc, responded;
	bool reset_after_reply; /* answered before the request ended */
	/* streaming methods: replies go out as requests arrive */
	const struct grpc_method *method;
	bool headers_sent, client_done, ended;
	int64_t timeout_usec; /* -1: none */
	uint64_t start_usec;
	uint8_t *body;
	size_t len, cap;
	/* response message, sent by the data provider */
	uint8_t *out;
	size_t out_len, out_off;
	enum grpc_status status;
	char *message; /* percent-encoded */
};

struct h2_conn {
	struct server *srv;
	struct h2_conn *next, *prev;
	int fd;
	struct tls_conn *ssl; /* tcp: mutual TLS; NULL on unix sockets */
	bool handshake_done;
	ev_io io;
	ev_timer timer; /* header, then idle timeout */
	nghttp2_session *session;
	struct peer peer;
	struct h2_stream *stream_list; /* nghttp2_session_del does not close them */
	unsigned streams;
	size_t buffered; /* sum of the streams' body capacities */
	bool got_request;
	uint8_t *wbuf; /* frames not yet written (WBUF_CAP) */
	size_t wlen;
};

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void stream_free(struct h2_stream *s)
{
	if (!s)
		return;
	s->conn->buffered -= s->cap;
	if (s->watching) {
		if (s->wprev)
			s->wprev->wnext = s->wnext;
		else
			s->conn->srv->watchers = s->wnext;
		if (s->wnext)
			s->wnext->wprev = s->wprev;
		events_watch_closed(s->conn->srv);
	}
	free(s->body);
	free(s->out);
	free(s->message);
	free(s->owner_filter);
	free(s);
}

static void conn_free(struct h2_conn *c)
{
	struct server *srv = c->srv;

	if (c->prev)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	nghttp2_session_del(c->session);
	while (c->stream_list) {
		struct h2_stream *s = c->stream_list;

		c->stream_list = s->next;
		stream_free(s);
	}
	ev_io_stop(srv->loop, &c->io);
	ev_timer_stop(srv->loop, &c->timer);
	tls_conn_free(c->ssl);
	close(c->fd);
	free(c->wbuf);
	free(c);
	srv->conn_cnt--;
	server_conn_closed(srv);
}

#define NV(NAME, VALUE)                                                        \
	{ (uint8_t *)(NAME), (uint8_t *)(VALUE), sizeof(NAME) - 1,             \
	  strlen(VALUE), NGHTTP2_NV_FLAG_NO_COPY_NAME }

static int submit_status(nghttp2_session *session, struct h2_stream *s,
			 bool trailers_only)
{
	char code[12];
	nghttp2_nv nva[4];
	size_t n = 0;

	snprintf(code, sizeof(code), "%d", (int)s->status);
	if (trailers_only) {
		nva[n++] = (nghttp2_nv)NV(":status", "200");
		nva[n++] = (nghttp2_nv)NV("content-type", "application/grpc");
	}
	nva[n++] = (nghttp2_nv)NV("grpc-status", code);
	if (s->message && *s->message)
		nva[n++] = (nghttp2_nv)NV("grpc-message", s->message);
	/* nghttp2 copies values without NO_COPY_VALUE; code is on our stack. */
	if (trailers_only)
		return nghttp2_submit_response(session, s->id, nva, n, NULL);
	return nghttp2_submit_trailer(session, s->id, nva, n);
}

static ssize_t read_out(nghttp2_session *session, int32_t id, uint8_t *buf,
			size_t length, uint32_t *flags, nghttp2_data_source *src,
			void *user_data)
{
	struct h2_stream *s = src->ptr;
	size_t n = s->out_len - s->out_off;

	(void)user_data;
	(void)id;
	if (n > length)
		n = length;
	if (n)
		memcpy(buf, s->out + s->out_off, n);
	s->out_off += n;
	if (s->out_off == s->out_len && s->method && (s->method->streaming || s->method->watch) &&
	    !s->ended) {
		s->out_off = s->out_len = 0; /* all sent: reuse the buffer */
		return n ? (ssize_t)n : NGHTTP2_ERR_DEFERRED;
	}
	if (s->out_off == s->out_len) {
		/* The stream ends with the trailers, not with this DATA. */
		*flags |= NGHTTP2_DATA_FLAG_EOF | NGHTTP2_DATA_FLAG_NO_END_STREAM;
		if (submit_status(session, s, false))
			return NGHTTP2_ERR_CALLBACK_FAILURE;
	}
	return (ssize_t)n;
}

static void respond(struct h2_conn *c, struct h2_stream *s,
		    enum grpc_status status, const char *message,
		    uint8_t *resp, size_t resp_len)
{
	nghttp2_nv hdr[] = {
		NV(":status", "200"),
		NV("content-type", "application/grpc"),
	};
	nghttp2_data_provider prov = { .source.ptr = s, .read_callback = read_out };

	s->responded = true;
	s->status = status;
	if (message)
		s->message = grpc_percent_encode(message);
	if (status != GRPC_OK || !resp) {
		free(resp);
		if (status == GRPC_OK) /* a handler that replied nothing */
			s->status = GRPC_INTERNAL;
		submit_status(c->session, s, true);
		return;
	}
	s->out = resp;
	s->out_len = resp_len;
	nghttp2_submit_response(c->session, s->id, hdr, 2, &prov);
}

/* Streaming methods: queue one reply message, starting the response with
 * its headers on the first. */
static void stream_send(struct h2_conn *c, struct h2_stream *s,
			const uint8_t *msg, size_t len)
{
	nghttp2_nv hdr[] = {
		NV(":status", "200"),
		NV("content-type", "application/grpc"),
	};
	nghttp2_data_provider prov = { .source.ptr = s, .read_callback = read_out };
	uint8_t *b;

	b = realloc(s->out, s->out_len + len);
	if (!b)
		return;
	s->out = b;
	memcpy(s->out + s->out_len, msg, len);
	s->out_len += len;
	if (!s->headers_sent) {
		s->headers_sent = s->responded = true;
		s->status = GRPC_OK;
		nghttp2_submit_response(c->session, s->id, hdr, 2, &prov);
	} else {
		nghttp2_session_resume_data(c->session, s->id);
	}
}

/* Streaming methods: end with a status (trailers after the replies, or a
 * trailers-only response when none was sent). */
static void stream_end(struct h2_conn *c, struct h2_stream *s,
		       enum grpc_status status, const char *message)
{
	if (s->ended)
		return;
	s->ended = true;
	s->status = status;
	free(s->message);
	s->message = message ? grpc_percent_encode(message) : NULL;
	if (!s->headers_sent) {
		s->responded = true;
		submit_status(c->session, s, true);
		return;
	}
	nghttp2_session_resume_data(c->session, s->id);
}

/* Streaming methods: runs the handler on every complete message received
 * so far. */
static void stream_feed(struct h2_conn *c, struct h2_stream *s)
{
	size_t off = 0;

	while (!s->ended && s->len - off >= GRPC_PREFIX_LEN) {
		const uint8_t *p = s->body + off;
		uint32_t n = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 |
			     (uint32_t)p[3] << 8 | p[4];
		struct grpc_call call = { .srv = c->srv, .peer = &c->peer };
		const uint8_t *msg;
		const char *why;
		size_t msg_len;
		enum grpc_status st;

		if (n > GRPC_MAX_MESSAGE) {
			stream_end(c, s, GRPC_RESOURCE_EXHAUSTED,
				   "a request message is larger than the server's limit of 4 MiB");
			s->reset_after_reply = true;
			break;
		}
		if (s->len - off < GRPC_PREFIX_LEN + (size_t)n)
			break;
		st = grpc_frame_unary(p, GRPC_PREFIX_LEN + n, GRPC_MAX_MESSAGE, &msg, &msg_len, &why);
		if (st != GRPC_OK) {
			stream_end(c, s, st, why);
			break;
		}
		if (!s->method->role ||
		    grpc_authorize(&call, strrchr(s->method->path, '/') + 1, s->method->role,
				   BPFMAN_PROG_TYPE_UNSPEC, NULL, NULL))
			s->method->unary(&call, msg, msg_len);
		if (call.status != GRPC_OK || !call.resp)
			stream_end(c, s, call.status == GRPC_OK ? GRPC_INTERNAL : call.status,
				   call.message);
		else
			stream_send(c, s, call.resp, call.resp_len);
		free(call.resp);
		free(call.message);
		off += GRPC_PREFIX_LEN + n;
	}
	if (off) {
		memmove(s->body, s->body + off, s->len - off);
		s->len -= off;
	}
}

static void run_stream(struct h2_conn *c, struct h2_stream *s)
{
	struct grpc_call call = { .srv = c->srv, .peer = &c->peer };
	const struct grpc_method *m;

	if (!s->is_post || !s->is_grpc) {
		respond(c, s, GRPC_INTERNAL,
			"not a gRPC request: expected method POST and content-type application/grpc",
			NULL, 0);
		return;
	}
	m = grpc_find_method(c->srv, s->path, s->path_len);
	if (m && m->watch) {
		nghttp2_nv hdr[] = {
			NV(":status", "200"),
			NV("content-type", "application/grpc"),
		};
		nghttp2_data_provider prov = { .source.ptr = s, .read_callback = read_out };
		const char *why = NULL;
		uint64_t after = 0;
		bool resume = false;

		if (m->role && !grpc_authorize(&call, strrchr(m->path, '/') + 1, m->role,
					       BPFMAN_PROG_TYPE_UNSPEC, NULL, NULL)) {
			respond(c, s, call.status, call.message, NULL, 0);
			free(call.message);
			return;
		}
		if (c->srv->draining) {
			respond(c, s, GRPC_UNAVAILABLE, "the server is shutting down", NULL, 0);
			return;
		}
		if (!events_watch_request(&call, s->body, s->len, &resume, &after, &s->owner_filter,
					  &why)) {
			respond(c, s, GRPC_INVALID_ARGUMENT, why, NULL, 0);
			return;
		}
		if (events_watch_open(c->srv, &why)) {
			respond(c, s, GRPC_UNAVAILABLE, why, NULL, 0);
			return;
		}
		/* What the feed holds now goes to the streams already open;
		 * this one starts at the daemon's cursor, or replays from
		 * its own. */
		events_pump(c->srv);
		s->seen_seq = events_cursor(c->srv);
		if (resume)
			s->seen_seq = after;
		s->method = m;
		s->watching = true;
		s->wnext = c->srv->watchers;
		if (s->wnext)
			s->wnext->wprev = s;
		c->srv->watchers = s;
		s->headers_sent = s->responded = true;
		s->status = GRPC_OK;
		nghttp2_submit_response(c->session, s->id, hdr, 2, &prov);
		if (resume)
			s->seen_seq = events_replay(c->srv, s, after);
		return;
	}
	if (m && m->streaming) {
		s->method = m;
		s->client_done = true;
		stream_feed(c, s);
		if (s->len)
			stream_end(c, s, GRPC_INTERNAL, "the request stream ends inside a message");
		stream_end(c, s, GRPC_OK, NULL);
		return;
	}
	if (!m) {
		char *msg = NULL;

		if (asprintf(&msg, "unknown method %.*s", (int)s->path_len, s->path) < 0)
			msg = NULL;
		respond(c, s, GRPC_UNIMPLEMENTED, msg, NULL, 0);
		free(msg);
		return;
	}
	if (s->timeout_usec >= 0 &&
	    now_usec() - s->start_usec >= (uint64_t)s->timeout_usec) {
		respond(c, s, GRPC_DEADLINE_EXCEEDED,
			"the call's deadline (grpc-timeout) passed before the server could start it",
			NULL, 0);
		return;
	}
	grpc_dispatch(&call, m, s->body, s->len);
	/* The call ran to completion; a deadline that passed meanwhile is
	 * reported as such, as the client has given up waiting. */
	if (call.status == GRPC_OK && s->timeout_usec >= 0 &&
	    now_usec() - s->start_usec > (uint64_t)s->timeout_usec) {
		free(call.resp);
		call.resp = NULL;
		respond(c, s, GRPC_DEADLINE_EXCEEDED,
			"the call completed after its deadline (grpc-timeout); its effect stays",
			NULL, 0);
	} else {
		respond(c, s, call.status, call.message, call.resp, call.resp_len);
	}
	free(call.message);
}

static int on_begin_headers(nghttp2_session *session, const nghttp2_frame *frame,
			    void *user_data)
{
	struct h2_conn *c = user_data;
	struct h2_stream *s;

	if (frame->hd.type != NGHTTP2_HEADERS ||
	    frame->headers.cat != NGHTTP2_HCAT_REQUEST)
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
	s->id = frame->hd.stream_id;
	s->conn = c;
	s->timeout_usec = -1;
	s->next = c->stream_list;
	if (s->next)
		s->next->prev = s;
	c->stream_list = s;
	s->start_usec = now_usec();
	c->streams++;
	c->got_request = true;
	return nghttp2_session_set_stream_user_data(session, s->id, s);
}

static bool name_is(const uint8_t *name, size_t len, const char *want)
{
	return len == strlen(want) && !memcmp(name, want, len);
}

static int on_header(nghttp2_session *session, const nghttp2_frame *frame,
		     const uint8_t *name, size_t namelen, const uint8_t *value,
		     size_t valuelen, uint8_t flags, void *user_data)
{
	struct h2_stream *s = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id);

	(void)flags;
	(void)user_data;
	if (!s || frame->hd.type != NGHTTP2_HEADERS ||
	    frame->headers.cat != NGHTTP2_HCAT_REQUEST)
		return 0;
	if (name_is(name, namelen, ":path")) {
		if (valuelen >= sizeof(s->path))
			return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE; /* resets the stream */
		memcpy(s->path, value, valuelen);
		s->path_len = valuelen;
	} else if (name_is(name, namelen, ":method")) {
		s->is_post = name_is(value, valuelen, "POST");
	} else if (name_is(name, namelen, "content-type")) {
		/* "application/grpc", "application/grpc+proto", "...;charset" */
		s->is_grpc = valuelen >= 16 && !memcmp(value, "application/grpc", 16) &&
			     (valuelen == 16 || value[16] == '+' || value[16] == ';');
	} else if (name_is(name, namelen, "grpc-timeout")) {
		s->timeout_usec = grpc_timeout_usec((const char *)value, valuelen);
	}
	return 0;
}

static int on_data(nghttp2_session *session, uint8_t flags, int32_t id,
		   const uint8_t *data, size_t len, void *user_data)
{
	struct h2_conn *c = user_data;
	struct h2_stream *s = nghttp2_session_get_stream_user_data(session, id);
	size_t limit = GRPC_PREFIX_LEN + GRPC_MAX_MESSAGE;

	(void)flags;
	if (!s || (s->responded && !(s->method && !s->ended)))
		return 0;
	if (!s->method && s->is_post && s->is_grpc) {
		const struct grpc_method *m = grpc_find_method(c->srv, s->path, s->path_len);

		if (m && m->streaming)
			s->method = m;
	}
	if (s->method && s->len + len > limit) {
		stream_end(c, s, GRPC_RESOURCE_EXHAUSTED,
			   "a request message is larger than the server's limit of 4 MiB");
		s->reset_after_reply = true;
		return 0;
	}
	if (s->len + len > limit) {
		/* Answer now and stop reading: the body is never buffered
		 * beyond the limit. */
		respond(c, s, GRPC_RESOURCE_EXHAUSTED,
			"the request message is larger than the server's limit of 4 MiB",
			NULL, 0);
		c->buffered -= s->cap;
		/* RFC 9113 8.1: a response before the request is complete is
		 * followed by RST_STREAM(NO_ERROR), once the trailers are out
		 * (on_frame_send), so the client reads the status first. */
		s->reset_after_reply = true;
		free(s->body);
		s->body = NULL;
		s->len = s->cap = 0;
		return 0;
	}
	if (s->len + len > s->cap) {
		size_t cap = s->cap ? s->cap : 1024;
		uint8_t *b;

		while (cap < s->len + len)
			cap *= 2;
		if (cap > limit)
			cap = limit;
		if (c->buffered - s->cap + cap > MAX_CONN_BUFFERED) {
			respond(c, s, GRPC_RESOURCE_EXHAUSTED,
				"this connection has more request data buffered than the server allows (16 MiB); send fewer large calls at once",
				NULL, 0);
			s->reset_after_reply = true;
			c->buffered -= s->cap;
			free(s->body);
			s->body = NULL;
			s->len = s->cap = 0;
			return 0;
		}
		b = realloc(s->body, cap);
		if (!b)
			return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
		s->body = b;
		c->buffered += cap - s->cap;
		s->cap = cap;
	}
	memcpy(s->body + s->len, data, len);
	s->len += len;
	if (s->method)
		stream_feed(c, s);
	return 0;
}

static int on_frame_recv(nghttp2_session *session, const nghttp2_frame *frame,
			 void *user_data)
{
	struct h2_conn *c = user_data;
	struct h2_stream *s;

	if (frame->hd.type != NGHTTP2_DATA && frame->hd.type != NGHTTP2_HEADERS)
		return 0;
	if (!(frame->hd.flags & NGHTTP2_FLAG_END_STREAM))
		return 0;
	s = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id);
	if (s && (!s->responded || (s->method && !s->ended)))
		run_stream(c, s);
	return 0;
}

static int on_frame_send(nghttp2_session *session, const nghttp2_frame *frame,
			 void *user_data)
{
	struct h2_stream *s;

	(void)user_data;
	if (frame->hd.type != NGHTTP2_HEADERS || !(frame->hd.flags & NGHTTP2_FLAG_END_STREAM))
		return 0;
	s = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id);
	if (s && s->reset_after_reply)
		nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, s->id, NGHTTP2_NO_ERROR);
	return 0;
}

static int on_stream_close(nghttp2_session *session, int32_t id,
			   uint32_t error_code, void *user_data)
{
	struct h2_conn *c = user_data;
	struct h2_stream *s = nghttp2_session_get_stream_user_data(session, id);

	(void)error_code;
	if (s) {
		nghttp2_session_set_stream_user_data(session, id, NULL);
		if (s->prev)
			s->prev->next = s->next;
		else
			c->stream_list = s->next;
		if (s->next)
			s->next->prev = s->prev;
		stream_free(s);
		c->streams--;
	}
	return 0;
}

/* Bytes written (> 0), 0 when the socket is full, -1 when it failed. */
static ssize_t write_some(struct h2_conn *c, const uint8_t *data, size_t length)
{
	ssize_t n;

	if (c->ssl) {
		n = tls_conn_write(c->ssl, data, length);
		return n > 0 ? n : n == TLS_IO_FAILED ? -1 : 0;
	}
	n = send(c->fd, data, length, MSG_NOSIGNAL);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	return n;
}

/* Writes the gathered frames; 0 (all written, or the socket is full and
 * EV_WRITE will bring us back), -1 when the connection failed. */
static int wflush(struct h2_conn *c)
{
	while (c->wlen) {
		ssize_t n = write_some(c, c->wbuf, c->wlen);

		if (n < 0)
			return -1;
		if (!n)
			return 0;
		memmove(c->wbuf, c->wbuf + n, c->wlen - (size_t)n);
		c->wlen -= (size_t)n;
	}
	return 0;
}

static ssize_t on_send(nghttp2_session *session, const uint8_t *data,
		       size_t length, int flags, void *user_data)
{
	struct h2_conn *c = user_data;

	(void)session;
	(void)flags;
	if (!c->wbuf && !(c->wbuf = malloc(WBUF_CAP)))
		return NGHTTP2_ERR_CALLBACK_FAILURE;
	if (c->wlen + length > WBUF_CAP) {
		if (wflush(c))
			return NGHTTP2_ERR_CALLBACK_FAILURE;
		if (c->wlen)
			return NGHTTP2_ERR_WOULDBLOCK; /* full: EV_WRITE resumes */
		if (length > WBUF_CAP) {
			ssize_t n = write_some(c, data, length);

			return n < 0 ? NGHTTP2_ERR_CALLBACK_FAILURE : n ? n : NGHTTP2_ERR_WOULDBLOCK;
		}
	}
	memcpy(c->wbuf + c->wlen, data, length);
	c->wlen += length;
	return (ssize_t)length;
}

/* nghttp2_session_send, then the gathered frames out; non-zero when the
 * connection failed. */
static int session_send(struct h2_conn *c)
{
	int err = nghttp2_session_send(c->session);

	if (wflush(c))
		return -1;
	return err;
}

static void arm_timer(struct h2_conn *c)
{
	uint64_t usec = c->got_request ? c->srv->limits.idle_usec
				       : c->srv->limits.handshake_usec;

	server_timer_arm(c->srv, &c->timer, usec);
}

/* What the loop waits for on the socket: EV_READ, EV_WRITE or both. A
 * closed peer shows as readable (recv returns 0) or, when only writing, as
 * writable (the write fails). */
static void want_io(struct h2_conn *c, int events)
{
	if ((c->io.events & (EV_READ | EV_WRITE)) == events && ev_is_active(&c->io))
		return;
	ev_io_stop(c->srv->loop, &c->io);
	ev_io_set(&c->io, c->fd, events);
	ev_io_start(c->srv->loop, &c->io);
}

/* Sends what nghttp2 has queued and decides whether to go on; false when
 * the connection was closed (and freed). */
static bool pump(struct h2_conn *c)
{
	bool done;

	if (session_send(c)) {
		conn_free(c);
		return false;
	}
	done = !nghttp2_session_want_read(c->session) &&
	       !nghttp2_session_want_write(c->session) && !c->wlen;
	/* Draining: close once every accepted stream is answered and sent. */
	if (c->srv->draining && !c->streams && !nghttp2_session_want_write(c->session) &&
	    !c->wlen)
		done = true;
	if (done) {
		conn_free(c);
		return false;
	}
	want_io(c, EV_READ | (nghttp2_session_want_write(c->session) || c->wlen ? EV_WRITE : 0));
	return true;
}

int h2_conn_feed(struct h2_conn *c, const uint8_t *data, size_t len)
{
	/* A protocol error makes nghttp2 queue GOAWAY and return an error:
	 * send what we can, then close this connection only. */
	if (nghttp2_session_mem_recv(c->session, data, len) < 0) {
		session_send(c);
		conn_free(c);
		return -EPROTO;
	}
	arm_timer(c);
	return pump(c) ? 0 : -ECONNRESET;
}

/* Completes the TLS handshake; false when the connection was closed. A
 * refused client certificate is logged with OpenSSL's reason. */
static bool handshake(struct h2_conn *c)
{
	int r = tls_conn_handshake(c->ssl, &c->peer);

	if (r == TLS_IO_DONE) {
		c->handshake_done = true;
		return true;
	}
	if (r == TLS_IO_WANT_READ || r == TLS_IO_WANT_WRITE) {
		want_io(c, r == TLS_IO_WANT_READ ? EV_READ : EV_WRITE);
		return false; /* not yet: wait for the socket */
	}
	conn_free(c); /* refused: tls_conn_handshake said why */
	return false;
}

static void on_io(struct ev_loop *loop, ev_io *w, int revents)
{
	struct h2_conn *c = w->data;
	uint8_t buf[16384];
	int fd = c->fd;
	ssize_t n;

	(void)loop;
	if (c->ssl && !c->handshake_done) {
		if (!handshake(c))
			return;
		revents |= EV_READ; /* data may already sit in OpenSSL's buffer */
	}
	/* libev reports a hang-up or an error as readable (and writable). */
	if (revents & EV_READ) {
		if (c->ssl) {
			n = tls_conn_read(c->ssl, buf, sizeof(buf));
			if (n > 0) {
				h2_conn_feed(c, buf, (size_t)n);
				return;
			}
			if (n == TLS_IO_FAILED) {
				conn_free(c); /* closed, or a TLS error */
				return;
			}
			pump(c);
			return;
		}
		n = recv(fd, buf, sizeof(buf), 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			conn_free(c); /* the peer went away */
			return;
		}
		if (n > 0) {
			h2_conn_feed(c, buf, (size_t)n);
			return;
		}
	}
	pump(c);
}

void h2_conn_close_all(struct server *srv)
{
	while (srv->conns)
		conn_free(srv->conns);
}

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct h2_conn *c = w->data;

	(void)loop;
	(void)revents;
	/* A slow or silent client: say goodbye and close. */
	nghttp2_session_terminate_session(c->session, NGHTTP2_NO_ERROR);
	session_send(c);
	conn_free(c);
}

static void peer_from_socket(struct peer *p, int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (!getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) && cr.pid) {
		p->has_cred = true;
		p->pid = cr.pid;
		p->uid = cr.uid;
		p->gid = cr.gid;
		snprintf(p->desc, sizeof(p->desc), "uid %u gid %u pid %d",
			 (unsigned)cr.uid, (unsigned)cr.gid, (int)cr.pid);
		/* Supplementary groups of the peer (Linux >= 4.13). */
		gid_t g[PEER_MAX_GROUPS];
		socklen_t glen = sizeof(g);

		if (!getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &glen))
			for (size_t i = 0; i < glen / sizeof(gid_t); i++)
				p->groups[p->groups_cnt++] = g[i];
	} else {
		snprintf(p->desc, sizeof(p->desc), "an unidentified peer");
	}
}

int h2_conn_start(struct server *srv, int fd, struct tls_ctx *tls)
{
	nghttp2_session_callbacks *cb;
	nghttp2_settings_entry settings[] = {
		{ NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, srv->limits.max_streams },
		{ NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, MAX_HEADER_LIST },
	};
	nghttp2_option *opt;
	struct h2_conn *c;
	int err;

	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->srv = srv;
	c->fd = fd;
	peer_from_socket(&c->peer, fd);
	if (tls) {
		c->ssl = tls_conn_new(tls, fd);
		if (!c->ssl) {
			free(c);
			close(fd);
			return -ENOMEM;
		}
	}
	if ((err = nghttp2_session_callbacks_new(&cb))) {
		free(c);
		close(fd);
		return -ENOMEM;
	}
	nghttp2_session_callbacks_set_send_callback(cb, on_send);
	nghttp2_session_callbacks_set_on_begin_headers_callback(cb, on_begin_headers);
	nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame_recv);
	nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_stream_close);
	nghttp2_session_callbacks_set_on_frame_send_callback(cb, on_frame_send);
	nghttp2_option_new(&opt);
	/* Bound what one connection may make us hold. */
	nghttp2_option_set_max_deflate_dynamic_table_size(opt, 4096);
	nghttp2_option_set_max_send_header_block_length(opt, 65536);
	err = nghttp2_session_server_new2(&c->session, cb, c, opt);
	nghttp2_option_del(opt);
	nghttp2_session_callbacks_del(cb);
	if (err) {
		free(c);
		close(fd);
		return -ENOMEM;
	}
	c->next = srv->conns;
	if (c->next)
		c->next->prev = c;
	srv->conns = c;
	srv->conn_cnt++;
	nghttp2_submit_settings(c->session, NGHTTP2_FLAG_NONE, settings,
				sizeof(settings) / sizeof(settings[0]));
	ev_io_init(&c->io, on_io, fd, EV_READ | EV_WRITE);
	c->io.data = c;
	ev_io_start(srv->loop, &c->io);
	ev_init(&c->timer, on_timer);
	c->timer.data = c;
	server_timer_arm(srv, &c->timer, srv->limits.handshake_usec);
	return 0;
}

void h2_watch_send(struct h2_stream *s, uint64_t seq, const char *owner, const uint8_t *msg,
		   size_t len)
{
	/* seq 0 (RESYNC) always goes; an event this stream has had (it
	 * resumed from a cursor of its own) does not go twice; another
	 * owner's event is passed over (and counts as seen). */
	if (s->ended || (seq && seq <= s->seen_seq))
		return;
	if (seq && s->owner_filter && strcmp(s->owner_filter, owner)) {
		s->seen_seq = seq;
		return;
	}
	if (s->out_len - s->out_off + len > MAX_WATCH_QUEUED)
		stream_end(s->conn, s, GRPC_RESOURCE_EXHAUSTED,
			   "this Watch stream fell more than 4 MiB of events behind; read faster, or watch again with after_seq set to the last seq received");
	else
		stream_send(s->conn, s, msg, len);
	if (seq)
		s->seen_seq = seq;
	/* sent by the loop: pumping here could free what we walk */
	want_io(s->conn, EV_READ | EV_WRITE);
}

void h2_publish(struct server *srv, uint64_t seq, const char *owner, const uint8_t *msg,
		 size_t len)
{
	for (struct h2_stream *s = srv->watchers; s; s = s->wnext)
		h2_watch_send(s, seq, owner, msg, len);
}

bool h2_watch_open(const struct h2_stream *s)
{
	return !s->ended;
}

void h2_watch_fail(struct server *srv, struct h2_stream *s, const char *why)
{
	for (struct h2_stream *w = s ? s : srv->watchers; w; w = s ? NULL : w->wnext) {
		stream_end(w->conn, w, GRPC_INTERNAL, why);
		want_io(w->conn, EV_READ | EV_WRITE);
	}
}

void h2_conn_drain_all(struct server *srv)
{
	struct h2_conn *c = srv->conns, *next;

	for (struct h2_stream *s = srv->watchers; s; s = s->wnext)
		stream_end(s->conn, s, GRPC_OK, NULL);

	for (; c; c = next) {
		next = c->next;
		nghttp2_submit_goaway(c->session, NGHTTP2_FLAG_NONE,
				      nghttp2_session_get_last_proc_stream_id(c->session),
				      NGHTTP2_NO_ERROR, NULL, 0);
		pump(c);
	}
}
