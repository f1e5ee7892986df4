/* SPDX-License-Identifier: Apache-2.0 */
/* libbpfman.v1.Manager/Watch: the library's change feed (bpfman/event.h)
 * forwarded to every open Watch stream. The daemon keeps one cursor; while
 * a stream is open, an inotify source on the feed's descriptor wakes it
 * after any process commits a change on the same state directory, the
 * daemon's own RPCs included, so each change reaches each watcher exactly
 * once. */
#ifndef BPFMAND_EVENTS_H
#define BPFMAND_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct server;
struct h2_stream;

/* Checks the feed can be read and watched; -1 (and a message on stderr)
 * when it cannot. */
int events_start(struct server *srv);
void events_stop(struct server *srv);
/* A Watch stream is opening: holds the feed's inotify descriptor while
 * any stream is open, so a daemon nobody watches is not woken by every
 * commit. -1 with *why set when the descriptor cannot be had. */
int events_watch_open(struct server *srv, const char **why);
/* A Watch stream has gone: the last one lets the descriptor go. */
void events_watch_closed(struct server *srv);
/* Sends what the feed holds past the cursor to every watcher (the inotify
 * source calls it; SIGTERM calls it once more before ending the streams). */
void events_pump(struct server *srv);
/* The cursor a new Watch stream starts from (the newest event), brought up
 * to date first when no watcher kept it moving. */
uint64_t events_cursor(struct server *srv);

struct grpc_call;

/* A Watch request's body (a framed WatchRequest) from call's peer: false
 * with *why set when it does not decode or asks for what cannot be.
 * *ret_owner: the owner whose events alone the stream gets (owner, or the
 * caller's own for mine), malloc'd; NULL for every event. */
bool events_watch_request(const struct grpc_call *call, const uint8_t *body, size_t len,
			  bool *ret_has_after, uint64_t *ret_after, char **ret_owner,
			  const char **why);
/* A new watcher that asked to resume: sends it the events after `after`
 * up to the daemon's cursor (newer ones come through events_pump), or a
 * RESYNC event when some of them are gone. Returns the seq the stream has
 * seen now: events after it are the broadcast's to send. */
uint64_t events_replay(struct server *srv, struct h2_stream *s, uint64_t after);

#endif
