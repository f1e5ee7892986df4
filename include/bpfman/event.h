/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The change feed: every change to the recorded state (a program loaded or
 * unloaded, a link attached, detached or updated, a row repaired by
 * reconcile or re-created by restore) appends one event, numbered by a
 * sequence that only grows, in the same database transaction as the change
 * itself, whoever made it (this process, bpfmanctl, bpfmand, another
 * binding) — so a crash can neither lose an event nor announce a change
 * that did not happen. A reader keeps a cursor (the last seq it has seen),
 * reads what came after it, and waits for more on a file descriptor
 * without polling. doc/abi.md, "The change feed".
 */
#ifndef BPFMAN_EVENT_H
#define BPFMAN_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What an event says happened. The values are libbpfman.v1.Event.Kind's. */
enum bpfman_event_kind {
	BPFMAN_EVENT_LOADED = 1,   /* program_id loaded */
	BPFMAN_EVENT_ATTACHED = 2, /* link_id of program_id attached */
	BPFMAN_EVENT_DETACHED = 3, /* link_id of program_id detached */
	BPFMAN_EVENT_UNLOADED = 4, /* program_id unloaded */
	/* Reconcile removed a row a crash or someone else left behind: the
	 * link (link_id set) or program (link_id 0) is gone; message says why. */
	BPFMAN_EVENT_REPAIRED = 5,
	/* Restore re-created a program after a reboot under a new kernel ID
	 * (program_id; old_program_id is the ID it had), or re-attached link_id. */
	BPFMAN_EVENT_RESTORED = 6,
	BPFMAN_EVENT_UPDATED = 7,  /* link_id's priority or proceed-on changed */
};

/* Events read after a cursor: a batch with accessors by index, freed by
 * bpfman_events__free. */
struct bpfman_events;

/* Reads the events with seq > after_seq in seq order, at most max of them
 * (0: at most 1000); bpfman_events__cnt() < max means nothing more had been
 * recorded. after_seq 0 reads from the oldest event kept. Events are kept
 * for the last `events.keep` changes (config file, default 10000): when
 * some after after_seq were pruned already, or after_seq is beyond the
 * newest seq (the database was replaced), bpfman_events__gap() is true and
 * the caller must re-read the state (bpfman_program__list,
 * bpfman_link__list) instead of trusting its copy. Takes no lock. */
BPFMAN_API int bpfman_events__read(struct bpfman_events **ret_events, struct bpfman_ctx *ctx,
				   uint64_t after_seq, size_t max);
BPFMAN_API size_t bpfman_events__cnt(const struct bpfman_events *events);
/* True when events after the cursor were lost (see bpfman_events__read). */
BPFMAN_API bool bpfman_events__gap(const struct bpfman_events *events);
/* The newest seq recorded when the batch was read (0: none ever); the
 * cursor to continue from after a gap, once the state is re-read. */
BPFMAN_API uint64_t bpfman_events__last_seq(const struct bpfman_events *events);
BPFMAN_API uint64_t bpfman_events__seq(const struct bpfman_events *events, size_t i);
BPFMAN_API enum bpfman_event_kind bpfman_events__kind(const struct bpfman_events *events, size_t i);
/* Wall-clock time of the change, nanoseconds since the Unix epoch. */
BPFMAN_API uint64_t bpfman_events__time_ns(const struct bpfman_events *events, size_t i);
BPFMAN_API uint32_t bpfman_events__program_id(const struct bpfman_events *events, size_t i);
BPFMAN_API uint64_t bpfman_events__link_id(const struct bpfman_events *events, size_t i);
/* RESTORED programs: the ID before the reboot; otherwise 0. */
BPFMAN_API uint32_t bpfman_events__old_program_id(const struct bpfman_events *events, size_t i);
/* A sentence for people ("program 42 (count_getpid) loaded from ...");
 * never NULL. Borrowed from the batch. */
BPFMAN_API const char *bpfman_events__message(const struct bpfman_events *events, size_t i);
/* The owner of program_id when the change was recorded (what
 * bpfman_program__owner says: bpfmand's "uid:N" / "cert:<subject>"), so a
 * reader can tell whose program an event is about even after it is
 * unloaded; NULL when it had none (loaded by bpfmanctl or another direct
 * caller, or recorded before schema v6). Borrowed from the batch. */
BPFMAN_API const char *bpfman_events__owner(const struct bpfman_events *events, size_t i);
/* NULL-safe. */
BPFMAN_API void bpfman_events__free(struct bpfman_events *events);

/* The newest seq recorded (0: none ever): start a cursor here to see only
 * what happens from now on. */
BPFMAN_API int bpfman_events_last_seq(uint64_t *ret_seq, struct bpfman_ctx *ctx);

/* A new descriptor (non-blocking, close-on-exec, the caller closes it) that
 * becomes readable when the feed may have grown: an inotify descriptor on
 * the state directory, which the library touches after every commit that
 * recorded events. Put it in poll/epoll (or an event loop); when readable,
 * read(2) it until EAGAIN, discard what was read, then
 * bpfman_events__read() from the cursor. A wake-up may find nothing new
 * (other writes to the directory wake it too); nothing recorded is ever
 * missed when the cursor is read after draining the descriptor. */
BPFMAN_API int bpfman_events_fd(int *ret_fd, struct bpfman_ctx *ctx);

/* Blocks until events after after_seq exist (or a gap: see
 * bpfman_events__read), at most timeout_ms milliseconds (-1: no limit).
 * 1 when there is something to read, 0 when the time ran out, else a
 * negative errno. For callers without an event loop; uses the context for
 * the whole wait (one thread at a time, doc/abi.md). */
BPFMAN_API int bpfman_events_wait(struct bpfman_ctx *ctx, uint64_t after_seq, int timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* BPFMAN_EVENT_H */
