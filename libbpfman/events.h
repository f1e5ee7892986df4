/* SPDX-License-Identifier: Apache-2.0 */
/* The change feed's writing side (include/bpfman/event.h is the reading
 * side): every change to a programs or links row appends its event in the
 * same transaction, so the two commit or vanish together. */
#ifndef BPFMAN_EVENTS_H
#define BPFMAN_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include <bpfman/event.h>

struct bpfman_ctx;

/* The table (schema v5, db.c migrate(); owner since v6: the owner of
 * program_id's row when the event was recorded, NULL for none). seq never
 * repeats (AUTOINCREMENT), so a cursor stays meaningful after pruning; meta
 * 'events_pruned' is the highest seq pruned, which tells a reader behind it
 * that it missed some. */
#define EVENTS_SCHEMA                                                          \
	"CREATE TABLE IF NOT EXISTS events ("                                  \
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"                             \
	"  time_ns INTEGER NOT NULL,"                                          \
	"  kind INTEGER NOT NULL,"                                             \
	"  program_id INTEGER NOT NULL DEFAULT 0,"                             \
	"  link_id INTEGER NOT NULL DEFAULT 0,"                                \
	"  old_program_id INTEGER NOT NULL DEFAULT 0,"                         \
	"  message TEXT NOT NULL DEFAULT '',"                                  \
	"  owner TEXT);"

/* Events kept when the config file does not say (events.keep). */
#define EVENTS_KEEP_DEFAULT 10000

/* Appends one event to the open transaction and prunes what is past
 * events.keep. Requires an open transaction (event_txn_begin). */
int event_add(struct bpfman_ctx *ctx, enum bpfman_event_kind kind, uint32_t prog_id,
	      uint64_t link_id, uint32_t old_prog_id, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* A change and its event in one transaction: opens one unless the caller
 * already has one open (*ret_own says which), and event_txn_end commits
 * (err 0) or rolls back only what event_txn_begin opened. */
int event_txn_begin(struct bpfman_ctx *ctx, bool *ret_own);
int event_txn_end(struct bpfman_ctx *ctx, bool own, int err);

/* db_commit() calls this after a successful COMMIT: when the transaction
 * recorded events, touches the stamp readers watch. */
void events_committed(struct bpfman_ctx *ctx);

#endif
