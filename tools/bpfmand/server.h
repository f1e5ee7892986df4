/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bpfmand's server: one libev loop in one thread, one libbpfman context.
 * RPCs run to completion one at a time (the library serialises mutations
 * anyway, and one context is used by one thread at a time, doc/abi.md);
 * HTTP/2 framing, flow control and many connections are interleaved by the
 * loop. See doc/architecture.md, "bpfmand".
 */
#ifndef BPFMAND_SERVER_H
#define BPFMAND_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <ev.h>

#include <bpfman/bpfman.h>

#include "grpc_frame.h"

struct tls_ctx;

#define PEER_MAX_GROUPS 64
#define PEER_MAX_SANS 8

/* Who is calling (authorization and logs). */
struct peer {
	bool has_cred; /* unix socket: SO_PEERCRED, SO_PEERGROUPS */
	pid_t pid;
	uid_t uid;
	gid_t gid;
	uint32_t groups[PEER_MAX_GROUPS];
	size_t groups_cnt;
	/* TLS: the verified client certificate */
	char subject[256];
	char sans[PEER_MAX_SANS][128];
	size_t sans_cnt;
	char desc[300]; /* "uid 1000 gid 1000 pid 42" for messages */
};

/* One unary call being answered. A handler fills either resp (a framed
 * message, via grpc_call_reply) or status + message. */
struct grpc_call {
	struct server *srv;
	const struct peer *peer;
	enum grpc_status status;
	char *message;
	uint8_t *resp;
	size_t resp_len;
};

typedef void (*grpc_unary_fn)(struct grpc_call *call, const uint8_t *req,
			      size_t len);

struct grpc_method {
	const char *path; /* /bpfman.v1.Bpfman/Load */
	/* Checked before the handler runs (handlers check limits that depend
	 * on the request, grpc_authorize). */
	enum bpfman_role role;
	/* Unary: called once with the request. Streaming (bidirectional):
	 * called for each request message as it arrives, each reply is sent
	 * at once, and the stream ends OK when the client half-closes (or
	 * with the first error). */
	grpc_unary_fn unary;
	bool streaming;
	/* Server-streaming Watch: the stream stays open and receives what
	 * h2_publish() sends, until the client cancels or the server drains. */
	bool watch;
};

struct server_limits {
	uint32_t max_streams;     /* per connection, SETTINGS_MAX_CONCURRENT_STREAMS */
	uint32_t max_conns;       /* accepted connections at once */
	uint64_t handshake_usec;  /* first request must arrive within */
	uint64_t idle_usec;       /* a connection with no traffic is closed after */
	uint64_t exit_idle_usec;  /* socket-activated: exit after this long with no connection; 0 never */
};

struct h2_conn;
struct h2_stream;

struct server {
	struct ev_loop *loop;
	struct bpfman_ctx *ctx;
	const struct grpc_method *const *services; /* NULL-terminated tables */
	struct server_limits limits;
	struct h2_conn *conns;
	unsigned conn_cnt;
	bool draining; /* SIGTERM: finish what was asked, accept nothing */
	bool socket_activated;
	ev_timer exit_idle; /* started when the last connection closes */
	struct h2_stream *watchers; /* open Watch streams */
	/* The library's change feed (events.c): its descriptor, and the
	 * newest event sent to the watchers. */
	int feed_fd;
	ev_io feed_io;
	uint64_t feed_seq;
	bool feed_behind; /* feed_seq not advanced: no watcher was open */
	ev_timer trim; /* malloc_trim once calls have stopped (main.c) */
	ev_signal sigterm, sigint;
};

/* (Re)starts a one-shot timer usec from now. From now, not from the loop's
 * cached time: a call may have run for a while since the loop woke. */
static inline void server_timer_arm(struct server *srv, ev_timer *t, uint64_t usec)
{
	ev_timer_stop(srv->loop, t);
	ev_now_update(srv->loop);
	ev_timer_set(t, (ev_tstamp)usec / 1e6, 0.);
	ev_timer_start(srv->loop, t);
}

/* Decodes a request message with protobuf-c's generated unpack function;
 * NULL (and the call failed INVALID_ARGUMENT) when it does not decode. */
#define UNPACK(call, type, fn, req, len)                                       \
	({                                                                     \
		type *_m = fn(NULL, len, req);                                 \
		if (!_m)                                                       \
			grpc_call_error(call, GRPC_INVALID_ARGUMENT,           \
					"cannot decode the request as " #type); \
		_m;                                                            \
	})

/* main.c: after each call; a quiet second later the heap is trimmed. */
void server_call_done(struct server *srv);

/* grpc_server.c */
void grpc_call_reply(struct grpc_call *call, const void *protobuf_msg);
void grpc_call_error(struct grpc_call *call, enum grpc_status status,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The library's failure: status from the errno, message its sentence. */
void grpc_call_fail(struct grpc_call *call, int err);
/* Asks the library whether the caller may do this; false (with the call
 * failed PERMISSION_DENIED and the library's sentence) when not. */
bool grpc_authorize(struct grpc_call *call, const char *operation,
		    enum bpfman_role role, enum bpfman_program_type type,
		    const char *iface, const char *image);
/* An operate-role operation on a recorded program (program_id) or link
 * (link_id): the library applies the owner rule and the rule's limits to
 * its row, as well as to type and iface (the hook of an Attach; else
 * UNSPEC/NULL). */
bool grpc_authorize_target(struct grpc_call *call, const char *operation,
			   enum bpfman_program_type type, const char *iface,
			   uint32_t program_id, uint64_t link_id);
/* The caller's bpfman_identity_name, recorded as the owner of what it
 * loads; "" when it has none. */
void grpc_identity_name(const struct grpc_call *call, char *buf, size_t size);
const struct grpc_method *grpc_find_method(const struct server *srv,
					   const char *path, size_t len);
/* Runs one complete unary request body against a method (or a NULL method
 * for an unknown path) and leaves the outcome in *call. */
void grpc_dispatch(struct grpc_call *call, const struct grpc_method *m,
		   const uint8_t *body, size_t len);

/* h2_conn.c: takes over an accepted, non-blocking socket. */
int h2_conn_start(struct server *srv, int fd, struct tls_ctx *tls);
/* Hands received bytes to a connection (on_io, and the fuzzer); 0, or a
 * negative errno when the connection was closed (and freed). */
int h2_conn_feed(struct h2_conn *c, const uint8_t *data, size_t len);
void h2_conn_close_all(struct server *srv);
/* Queues one framed event of owner ("" for none) on every open Watch
 * stream that has not had event seq yet and watches that owner's or every
 * event (seq 0: every stream). */
void h2_publish(struct server *srv, uint64_t seq, const char *owner, const uint8_t *msg,
		 size_t len);
/* The same for one stream; a stream too far behind is ended. */
void h2_watch_send(struct h2_stream *s, uint64_t seq, const char *owner, const uint8_t *msg,
		   size_t len);
bool h2_watch_open(const struct h2_stream *s);
/* Ends one Watch stream (or, s NULL, all) with INTERNAL and why. */
void h2_watch_fail(struct server *srv, struct h2_stream *s, const char *why);
/* Sends GOAWAY everywhere; connections close once their streams are done. */
void h2_conn_drain_all(struct server *srv);
void server_conn_closed(struct server *srv);

/* listen.c */
/* tls: required for tcp: addresses (mutual TLS), unused for unix: */
int listen_add(struct server *srv, const char *address, struct tls_ctx *tls);
int listen_inherited(struct server *srv, int *ret_cnt);
void listen_close_all(void);

/* services */
extern const struct grpc_method svc_bpfman_methods[];
extern const struct grpc_method svc_health_methods[];
extern const struct grpc_method svc_reflection_methods[];
extern const struct grpc_method svc_manager_methods[];

#endif
