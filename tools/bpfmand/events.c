/* SPDX-License-Identifier: Apache-2.0 */
/* Watch streams fed from libbpfman's change feed (events.h). The RPC
 * handlers publish nothing themselves: the library records their changes
 * like anyone else's, and the commit wakes the inotify source here. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "events.h"
#include "manager.pb-c.h"
#include "server.h"

/* Events read from the library per round; more rounds follow at once. */
#define BATCH 512

static uint8_t *frame_event(const Libbpfman__V1__Event *ev, size_t *ret_len)
{
	size_t n = libbpfman__v1__event__get_packed_size(ev);
	uint8_t *buf = malloc(GRPC_PREFIX_LEN + n);

	if (!buf)
		return NULL;
	grpc_frame_prefix(buf, n);
	libbpfman__v1__event__pack(ev, buf + GRPC_PREFIX_LEN);
	*ret_len = GRPC_PREFIX_LEN + n;
	return buf;
}

/* Sends one event (to one stream, or every watcher when s is NULL). */
static void send_event(struct server *srv, struct h2_stream *s, const Libbpfman__V1__Event *ev)
{
	size_t len = 0;
	uint8_t *buf = frame_event(ev, &len);

	if (!buf) {
		/* Out of memory: a stream must not silently skip one. */
		h2_watch_fail(srv, s, "the server ran out of memory sending an event; watch again with after_seq");
		return;
	}
	if (s)
		h2_watch_send(s, ev->seq, ev->owner, buf, len);
	else
		h2_publish(srv, ev->seq, ev->owner, buf, len);
	free(buf);
}

static void send_resync(struct server *srv, struct h2_stream *s, uint64_t after, uint64_t last)
{
	Libbpfman__V1__Event ev = LIBBPFMAN__V1__EVENT__INIT;
	char msg[200];

	snprintf(msg, sizeof(msg),
		 after > last ? "cursor %llu is beyond the newest event %llu (another or a replaced state database): re-read the state"
			      : "events after %llu were pruned before they were sent: re-read the state",
		 (unsigned long long)after, (unsigned long long)last);
	ev.kind = LIBBPFMAN__V1__EVENT__KIND__RESYNC;
	ev.message = msg;
	send_event(srv, s, &ev);
}

/* Sends the events after *cursor, at most up to `until` (0: all), and
 * advances *cursor. Returns false when nothing more is to be read now. */
static bool send_batch(struct server *srv, struct h2_stream *s, uint64_t *cursor, uint64_t until)
{
	struct bpfman_events *evs = NULL;
	size_t n;
	bool more;

	if (bpfman_events__read(&evs, srv->ctx, *cursor, BATCH)) {
		fprintf(stderr, "bpfmand: reading the change feed: %s\n", bpfman_errmsg(srv->ctx));
		return false;
	}
	if (bpfman_events__gap(evs)) {
		send_resync(srv, s, *cursor, bpfman_events__last_seq(evs));
		/* Continue from what is kept (behind), or from the newest
		 * (a cursor ahead of a replaced database). */
		if (*cursor > bpfman_events__last_seq(evs))
			*cursor = bpfman_events__last_seq(evs);
		if (until && *cursor > until)
			*cursor = until;
	}
	n = bpfman_events__cnt(evs);
	for (size_t i = 0; i < n; i++) {
		Libbpfman__V1__Event ev = LIBBPFMAN__V1__EVENT__INIT;
		uint64_t seq = bpfman_events__seq(evs, i);

		if (until && seq > until) {
			n = 0; /* the rest is the broadcast's */
			break;
		}
		ev.kind = (Libbpfman__V1__Event__Kind)bpfman_events__kind(evs, i);
		ev.program_id = bpfman_events__program_id(evs, i);
		ev.link_id = bpfman_events__link_id(evs, i);
		ev.message = (char *)bpfman_events__message(evs, i);
		ev.time_unix_nano = bpfman_events__time_ns(evs, i);
		ev.seq = seq;
		ev.old_program_id = bpfman_events__old_program_id(evs, i);
		ev.owner = (char *)(bpfman_events__owner(evs, i) ? bpfman_events__owner(evs, i) : "");
		send_event(srv, s, &ev);
		*cursor = seq;
	}
	more = n == BATCH && (!until || *cursor < until);
	bpfman_events__free(evs);
	return more;
}

void events_pump(struct server *srv)
{
	char buf[4096];

	if (srv->feed_fd < 0)
		return;
	/* Drained first: a commit after this read wakes us again. */
	while (read(srv->feed_fd, buf, sizeof(buf)) > 0)
		;
	/* With no stream to send to, reading and encoding the feed after
	 * every commit would be the daemon's only work between a client's
	 * Load and its Attach; the cursor is caught up when a Watch opens. */
	if (!srv->watchers) {
		srv->feed_behind = true;
		return;
	}
	/* Still behind with a watcher only when catching up failed as it
	 * opened: it started from the old cursor, so the broadcast goes
	 * on from there. */
	srv->feed_behind = false;
	while (send_batch(srv, NULL, &srv->feed_seq, 0))
		;
}

uint64_t events_cursor(struct server *srv)
{
	uint64_t last;

	if (!srv->feed_behind)
		return srv->feed_seq;
	/* Single-threaded: a commit after this read wakes the feed's
	 * source, and the broadcast sends it. On failure the old cursor
	 * stays, and the stream gets what the feed holds past it. */
	if (bpfman_events_last_seq(&last, srv->ctx)) {
		fprintf(stderr, "bpfmand: reading the change feed: %s\n", bpfman_errmsg(srv->ctx));
		return srv->feed_seq;
	}
	srv->feed_seq = last;
	srv->feed_behind = false;
	return last;
}

static void on_feed(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	events_pump(w->data);
}

int events_start(struct server *srv)
{
	int fd = -1;

	/* Checked once here, so a daemon that could never serve a Watch
	 * says so at start; the descriptor itself is only held while a
	 * stream is open (events_watch_open). */
	srv->feed_fd = -1;
	if (bpfman_events_last_seq(&srv->feed_seq, srv->ctx) || bpfman_events_fd(&fd, srv->ctx)) {
		fprintf(stderr, "bpfmand: error: the change feed: %s\n", bpfman_errmsg(srv->ctx));
		return -1;
	}
	close(fd);
	srv->feed_behind = true;
	return 0;
}

int events_watch_open(struct server *srv, const char **why)
{
	if (srv->feed_fd >= 0)
		return 0;
	/* Opened before the cursor is read (events_cursor), so a commit
	 * between the two still wakes the broadcast. */
	if (bpfman_events_fd(&srv->feed_fd, srv->ctx)) {
		srv->feed_fd = -1;
		*why = bpfman_errmsg(srv->ctx);
		return -1;
	}
	ev_io_init(&srv->feed_io, on_feed, srv->feed_fd, EV_READ);
	srv->feed_io.data = srv;
	ev_io_start(srv->loop, &srv->feed_io);
	srv->feed_behind = true;
	return 0;
}

void events_watch_closed(struct server *srv)
{
	/* Without a stream, every commit (the daemon's own included) would
	 * still wake the loop and queue inotify events: let the feed go
	 * until the next Watch catches the cursor up. */
	if (srv->watchers || srv->feed_fd < 0)
		return;
	ev_io_stop(srv->loop, &srv->feed_io);
	close(srv->feed_fd);
	srv->feed_fd = -1;
	srv->feed_behind = true;
}

void events_stop(struct server *srv)
{
	if (srv->feed_fd < 0)
		return;
	ev_io_stop(srv->loop, &srv->feed_io);
	close(srv->feed_fd);
	srv->feed_fd = -1;
}

bool events_watch_request(const struct grpc_call *call, const uint8_t *body, size_t len,
			  bool *ret_has_after, uint64_t *ret_after, char **ret_owner,
			  const char **why)
{
	Libbpfman__V1__WatchRequest *in;
	const uint8_t *msg;
	size_t msg_len;
	char me[1100];
	bool ok = true;

	*ret_has_after = false;
	*ret_after = 0;
	*ret_owner = NULL;
	if (!len) /* no message at all: the defaults */
		return true;
	if (grpc_frame_unary(body, len, GRPC_MAX_MESSAGE, &msg, &msg_len, why) != GRPC_OK)
		return false;
	in = libbpfman__v1__watch_request__unpack(NULL, msg_len, msg);
	if (!in) {
		*why = "cannot decode the request as Libbpfman__V1__WatchRequest";
		return false;
	}
	*ret_has_after = in->_after_seq_case != 0;
	*ret_after = in->after_seq;
	/* The owner filter, as ListPrograms has it (svc_manager.c). */
	if (in->mine && in->_owner_case) {
		*why = "the WatchRequest sets both mine and owner: give one (mine is the caller's own owner string)";
		ok = false;
	} else if (in->mine) {
		grpc_identity_name(call, me, sizeof(me));
		if (!*me) {
			*why = "Watch with mine: the caller has no identity a program could be recorded under";
			ok = false;
		}
	}
	if (ok && (in->mine || in->_owner_case) &&
	    !(*ret_owner = strdup(in->mine ? me : in->owner))) {
		*why = "the server ran out of memory";
		ok = false;
	}
	libbpfman__v1__watch_request__free_unpacked(in, NULL);
	return ok;
}

uint64_t events_replay(struct server *srv, struct h2_stream *s, uint64_t after)
{
	uint64_t cursor = after;

	/* A cursor ahead of ours is the library's to judge: ahead of the
	 * feed is a gap (RESYNC, and the stream goes on from our cursor);
	 * otherwise the broadcast brings what is newer, skipping what this
	 * stream has seen (h2_publish). */
	if (after >= srv->feed_seq) {
		if (after > srv->feed_seq)
			send_batch(srv, s, &cursor, srv->feed_seq);
		return cursor;
	}
	while (send_batch(srv, s, &cursor, srv->feed_seq) && h2_watch_open(s))
		;
	return cursor;
}
