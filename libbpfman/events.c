// SPDX-License-Identifier: Apache-2.0
/* The change feed (include/bpfman/event.h, doc/abi.md "The change feed").
 *
 * Writing: event_add() inserts a row in the transaction of the change it
 * describes. The state lock serialises writers and SQLite commits in order,
 * so seq order is commit order and a reader never sees seq N+1 without N.
 *
 * Waking: SQLite's own writes are no signal a reader can trust (a commit
 * writes the WAL before it updates the WAL index, so a reader woken by the
 * write could still read the old snapshot). After the COMMIT returns, the
 * writer touches <state_dir>/events.stamp instead: whoever wakes on that
 * reads a snapshot that holds the new events. A writer killed between its
 * commit and the touch delays the wake-up to the next change; the event is
 * not lost. */
#include "internal.h"
#include "config.h"
#include "db.h"
#include "events.h"

#include <fcntl.h>
#include <poll.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STAMP_NAME "events.stamp"
#define READ_MAX_DEFAULT 1000
#define KEEP_MAX 10000000

struct event_row {
	uint64_t seq;
	uint64_t time_ns;
	uint64_t link_id;
	uint32_t prog_id;
	uint32_t old_prog_id;
	enum bpfman_event_kind kind;
	char *message;
	char *owner; /* NULL: none */
};

struct bpfman_events {
	size_t cnt, cap;
	bool gap;
	uint64_t last_seq;
	struct event_row *rows;
};

static int sql_err(struct bpfman_ctx *ctx, const char *what)
{
	return bpfman_err(ctx, -EIO, "state database %s: %s failed: %s", ctx->db_path, what,
			  sqlite3_errmsg(ctx->db));
}

/* events.keep from the config file; a bad value is named in a warning and
 * the default used: the change being recorded has already happened in the
 * kernel and must not fail for it. */
static int64_t events_keep(struct bpfman_ctx *ctx)
{
	json_t *sec = NULL, *v;

	if (config_section(ctx, "events", &sec) || !sec)
		return EVENTS_KEEP_DEFAULT;
	v = json_object_get(sec, "keep");
	if (!v)
		return EVENTS_KEEP_DEFAULT;
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > KEEP_MAX) {
		pr_warn(ctx, "%s: events.keep: expected a whole number of events from 1 to %d; keeping the default %d",
			ctx->config_path, KEEP_MAX, EVENTS_KEEP_DEFAULT);
		return EVENTS_KEEP_DEFAULT;
	}
	return json_integer_value(v);
}

static int prune(struct bpfman_ctx *ctx, int64_t seq)
{
	int64_t through = seq - events_keep(ctx);
	sqlite3_stmt *s = NULL;
	int rc;

	if (through <= 0)
		return 0;
	if (db_stmt_prepare(ctx, &s, "DELETE FROM events WHERE seq <= ?1;") !=
	    SQLITE_OK)
		return sql_err(ctx, "pruning events");
	sqlite3_bind_int64(s, 1, through);
	rc = sqlite3_step(s);
	db_stmt_finish(ctx, s);
	if (rc != SQLITE_DONE)
		return sql_err(ctx, "pruning events");
	if (!sqlite3_changes(ctx->db))
		return 0;
	/* Readers behind this mark are told they missed events. */
	if (db_stmt_prepare(ctx, &s,
			       "INSERT INTO meta(key, value) VALUES ('events_pruned', ?1) "
			       "ON CONFLICT(key) DO UPDATE SET value = excluded.value "
			       "WHERE CAST(value AS INTEGER) < CAST(excluded.value AS INTEGER);") != SQLITE_OK)
		return sql_err(ctx, "recording pruned events");
	sqlite3_bind_int64(s, 1, through);
	rc = sqlite3_step(s);
	db_stmt_finish(ctx, s);
	return rc == SQLITE_DONE ? 0 : sql_err(ctx, "recording pruned events");
}

int event_add(struct bpfman_ctx *ctx, enum bpfman_event_kind kind, uint32_t prog_id,
	      uint64_t link_id, uint32_t old_prog_id, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	sqlite3_stmt *s = NULL;
	struct timespec ts;
	va_list ap;
	int rc;

	if (sqlite3_get_autocommit(ctx->db))
		return bpfman_err(ctx, -EINVAL, "internal error: an event recorded outside a transaction");
	va_start(ap, fmt);
	msg = str_vprintf(fmt, ap);
	va_end(ap);
	if (!msg)
		return -ENOMEM;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* The owner is read from the program's row in this transaction, so
	 * every caller gets it right without passing it: the row exists for
	 * every kind (an unload records its event before deleting the row). */
	if (db_stmt_prepare(ctx, &s,
			       "INSERT INTO events(time_ns, kind, program_id, link_id, old_program_id, message, owner) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT owner FROM programs WHERE id = ?3));") != SQLITE_OK)
		return sql_err(ctx, "recording an event");
	sqlite3_bind_int64(s, 1, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
	sqlite3_bind_int(s, 2, (int)kind);
	sqlite3_bind_int64(s, 3, prog_id);
	sqlite3_bind_int64(s, 4, (int64_t)link_id);
	sqlite3_bind_int64(s, 5, old_prog_id);
	sqlite3_bind_text(s, 6, msg, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	db_stmt_finish(ctx, s);
	if (rc != SQLITE_DONE)
		return sql_err(ctx, "recording an event");
	ctx->events_recorded = true;
	pr_debug(ctx, "event %lld: %s", (long long)sqlite3_last_insert_rowid(ctx->db), msg);
	return prune(ctx, sqlite3_last_insert_rowid(ctx->db));
}

int event_txn_begin(struct bpfman_ctx *ctx, bool *ret_own)
{
	*ret_own = sqlite3_get_autocommit(ctx->db) != 0;
	return *ret_own ? db_begin(ctx) : 0;
}

int event_txn_end(struct bpfman_ctx *ctx, bool own, int err)
{
	if (!own)
		return err;
	if (err) {
		db_rollback(ctx);
		return err;
	}
	return db_commit(ctx);
}

static char *stamp_path(struct bpfman_ctx *ctx)
{
	return str_printf("%s/" STAMP_NAME, ctx->state_dir);
}

void events_committed(struct bpfman_ctx *ctx)
{
	_cleanup_free_ char *path = NULL;
	int fd;

	if (!ctx->events_recorded)
		return;
	ctx->events_recorded = false;
	path = stamp_path(ctx);
	/* Never through a symbolic link; a FIFO planted here fails with ENXIO
	 * rather than blocking. */
	fd = path ? open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600) : -1;
	if (fd < 0 || futimens(fd, NULL))
		pr_warn(ctx, "cannot touch %s (%s): readers of the change feed wake at the next change instead of now",
			path ? path : STAMP_NAME, strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* Reading. */

static int read_bounds(struct bpfman_ctx *ctx, uint64_t *ret_pruned, uint64_t *ret_last)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (db_stmt_prepare(ctx, &s,
			       "SELECT COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'events_pruned'), 0), "
			       "COALESCE((SELECT MAX(seq) FROM events), 0);") != SQLITE_OK)
		return sql_err(ctx, "reading the change feed");
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*ret_pruned = (uint64_t)sqlite3_column_int64(s, 0);
		*ret_last = (uint64_t)sqlite3_column_int64(s, 1);
		if (*ret_last < *ret_pruned)
			*ret_last = *ret_pruned;
	}
	db_stmt_finish(ctx, s);
	return rc == SQLITE_ROW ? 0 : sql_err(ctx, "reading the change feed");
}

static int read_rows(struct bpfman_ctx *ctx, struct bpfman_events *ev, uint64_t after, size_t max)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (db_stmt_prepare(ctx, &s,
			       "SELECT seq, time_ns, kind, program_id, link_id, old_program_id, message, owner "
			       "FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2;") != SQLITE_OK)
		return sql_err(ctx, "reading the change feed");
	/* A cursor past INT64_MAX is past every seq. */
	sqlite3_bind_int64(s, 1, after > INT64_MAX ? INT64_MAX : (int64_t)after);
	sqlite3_bind_int64(s, 2, (int64_t)max);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *m = sqlite3_column_text(s, 6);
		const unsigned char *o = sqlite3_column_text(s, 7);
		struct event_row *r;

		/* Grown as rows come: max may be large and the feed short. */
		if (ev->cnt == ev->cap) {
			size_t cap = ev->cap ? ev->cap * 2 : 16;
			struct event_row *rows = realloc(ev->rows, cap * sizeof(*rows));

			if (!rows) {
				db_stmt_finish(ctx, s);
				return -ENOMEM;
			}
			ev->rows = rows;
			ev->cap = cap;
		}
		r = &ev->rows[ev->cnt];
		memset(r, 0, sizeof(*r));

		r->seq = (uint64_t)sqlite3_column_int64(s, 0);
		r->time_ns = (uint64_t)sqlite3_column_int64(s, 1);
		r->kind = sqlite3_column_int(s, 2);
		r->prog_id = (uint32_t)sqlite3_column_int64(s, 3);
		r->link_id = (uint64_t)sqlite3_column_int64(s, 4);
		r->old_prog_id = (uint32_t)sqlite3_column_int64(s, 5);
		r->message = strdup(m ? (const char *)m : "");
		r->owner = o && *o ? strdup((const char *)o) : NULL;
		if (!r->message || (o && *o && !r->owner)) {
			free(r->message);
			free(r->owner);
			db_stmt_finish(ctx, s);
			return -ENOMEM;
		}
		ev->cnt++;
	}
	db_stmt_finish(ctx, s);
	return rc == SQLITE_DONE ? 0 : sql_err(ctx, "reading the change feed");
}

int bpfman_events__read(struct bpfman_events **ret_events, struct bpfman_ctx *ctx,
			uint64_t after_seq, size_t max)
{
	struct bpfman_events *ev;
	uint64_t pruned = 0;
	bool own;
	int err;

	if (!ret_events)
		return bpfman_err(ctx, -EINVAL, "ret_events is required");
	if (!max)
		max = READ_MAX_DEFAULT;
	if (max > KEEP_MAX)
		max = KEEP_MAX;
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	/* One snapshot for the bounds and the rows: a plain read transaction,
	 * no lock, so writers are never held up by readers. */
	own = sqlite3_get_autocommit(ctx->db) != 0;
	if (own && sqlite3_exec(ctx->db, "BEGIN;", NULL, NULL, NULL) != SQLITE_OK) {
		bpfman_events__free(ev);
		return sql_err(ctx, "reading the change feed");
	}
	err = read_bounds(ctx, &pruned, &ev->last_seq);
	if (!err)
		err = read_rows(ctx, ev, after_seq, max);
	if (own)
		sqlite3_exec(ctx->db, "COMMIT;", NULL, NULL, NULL);
	if (err) {
		bpfman_events__free(ev);
		return err;
	}
	/* Behind what was pruned, or ahead of everything recorded (a cursor
	 * from another or a replaced database): the caller's copy is stale. */
	ev->gap = after_seq < pruned || after_seq > ev->last_seq;
	*ret_events = ev;
	return 0;
}

size_t bpfman_events__cnt(const struct bpfman_events *ev) { return ev ? ev->cnt : 0; }
bool bpfman_events__gap(const struct bpfman_events *ev) { return ev && ev->gap; }
uint64_t bpfman_events__last_seq(const struct bpfman_events *ev) { return ev ? ev->last_seq : 0; }

#define ROW(ev, i) ((ev) && (i) < (ev)->cnt)

uint64_t bpfman_events__seq(const struct bpfman_events *ev, size_t i)
{
	return ROW(ev, i) ? ev->rows[i].seq : 0;
}

enum bpfman_event_kind bpfman_events__kind(const struct bpfman_events *ev, size_t i)
{
	return ROW(ev, i) ? ev->rows[i].kind : 0;
}

uint64_t bpfman_events__time_ns(const struct bpfman_events *ev, size_t i)
{
	return ROW(ev, i) ? ev->rows[i].time_ns : 0;
}

uint32_t bpfman_events__program_id(const struct bpfman_events *ev, size_t i)
{
	return ROW(ev, i) ? ev->rows[i].prog_id : 0;
}

uint64_t bpfman_events__link_id(const struct bpfman_events *ev, size_t i)
{
	return ROW(ev, i) ? ev->rows[i].link_id : 0;
}

uint32_t bpfman_events__old_program_id(const struct bpfman_events *ev, size_t i)
{
	return ROW(ev, i) ? ev->rows[i].old_prog_id : 0;
}

const char *bpfman_events__message(const struct bpfman_events *ev, size_t i)
{
	return ROW(ev, i) ? ev->rows[i].message : "";
}

const char *bpfman_events__owner(const struct bpfman_events *ev, size_t i)
{
	return ROW(ev, i) ? ev->rows[i].owner : NULL;
}

void bpfman_events__free(struct bpfman_events *ev)
{
	if (!ev)
		return;
	for (size_t i = 0; i < ev->cnt; i++) {
		free(ev->rows[i].message);
		free(ev->rows[i].owner);
	}
	free(ev->rows);
	free(ev);
}

int bpfman_events_last_seq(uint64_t *ret_seq, struct bpfman_ctx *ctx)
{
	uint64_t pruned, last = 0;
	int err;

	if (!ret_seq)
		return bpfman_err(ctx, -EINVAL, "ret_seq is required");
	if ((err = read_bounds(ctx, &pruned, &last)))
		return err;
	*ret_seq = last;
	return 0;
}

int bpfman_events_fd(int *ret_fd, struct bpfman_ctx *ctx)
{
	int fd;

	if (!ret_fd)
		return bpfman_err(ctx, -EINVAL, "ret_fd is required");
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0)
		return bpfman_err(ctx, -errno, "cannot create an inotify descriptor to watch the change feed: %s%s",
				  strerror(errno),
				  errno == EMFILE ? " (raise fs.inotify.max_user_instances)" : "");
	/* The directory, not the stamp itself: a stamp not made yet, or
	 * removed and made again, is still seen. */
	if (inotify_add_watch(fd, ctx->state_dir, IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0) {
		int e = errno;

		close(fd);
		return bpfman_err(ctx, -e, "cannot watch %s for changes: %s%s", ctx->state_dir,
				  strerror(e), e == ENOSPC ? " (raise fs.inotify.max_user_watches)" : "");
	}
	*ret_fd = fd;
	return 0;
}

static void drain(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int bpfman_events_wait(struct bpfman_ctx *ctx, uint64_t after_seq, int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	int fd = -1, err;

	/* The descriptor exists before the first look, so a change between
	 * the look and poll() still wakes poll(). */
	if ((err = bpfman_events_fd(&fd, ctx)))
		return err;
	for (;;) {
		struct bpfman_events *ev = NULL;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int wait_ms, rc;
		bool ready;

		drain(fd);
		if ((err = bpfman_events__read(&ev, ctx, after_seq, 1)))
			break;
		ready = ev->cnt || ev->gap;
		bpfman_events__free(ev);
		if (ready) {
			err = 1;
			break;
		}
		wait_ms = deadline < 0 ? -1 : (int)(deadline - now_ms() > 0 ? deadline - now_ms() : 0);
		if (deadline >= 0 && !wait_ms) {
			err = 0;
			break;
		}
		rc = poll(&p, 1, wait_ms);
		if (rc < 0 && errno != EINTR) {
			err = bpfman_err(ctx, -errno, "waiting for the change feed: %s", strerror(errno));
			break;
		}
	}
	close(fd);
	return err;
}
