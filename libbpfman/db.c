// SPDX-License-Identifier: Apache-2.0
/* SQLite state store. One transaction per operation; WAL so readers never
 * wait for writers; a busy timeout because the CLI and the daemon share it. */
#include "internal.h"
#include "db.h"
#include "events.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>


/* Changing the schema: bump SCHEMA_VERSION below and teach migrate() to
 * bring older databases there (schema_check() trusts the version; a higher one is refused). */
static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta ("
	"  key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS programs ("
	"  id INTEGER PRIMARY KEY,"
	"  seq INTEGER NOT NULL,"
	"  state TEXT NOT NULL,"
	"  type INTEGER NOT NULL,"
	"  retprobe INTEGER NOT NULL DEFAULT 0,"
	"  name TEXT NOT NULL,"
	"  attach_func TEXT,"
	"  path TEXT NOT NULL,"
	"  bytecode TEXT,"
	"  application TEXT,"
	"  map_owner_id INTEGER NOT NULL DEFAULT 0,"
	"  map_pin_dir TEXT,"
	"  pin_path TEXT NOT NULL,"
	"  boot_id TEXT,"
	"  metadata TEXT,"
	"  globals TEXT,"
	"  dispatched INTEGER NOT NULL DEFAULT 0,"
	"  image TEXT,"
	"  image_digest TEXT,"
	"  owner TEXT);"
	"CREATE TABLE IF NOT EXISTS links ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  prog_id INTEGER NOT NULL REFERENCES programs(id) ON UPDATE CASCADE,"
	"  state TEXT NOT NULL,"
	"  type INTEGER NOT NULL,"
	"  retprobe INTEGER NOT NULL DEFAULT 0,"
	"  tracepoint TEXT, fn_name TEXT, offset INTEGER NOT NULL DEFAULT 0,"
	"  target TEXT, pid INTEGER NOT NULL DEFAULT 0,"
	"  iface TEXT, priority INTEGER NOT NULL DEFAULT 0,"
	"  proceed_on INTEGER NOT NULL DEFAULT 0, direction INTEGER NOT NULL DEFAULT 0,"
	"  netns TEXT, position INTEGER NOT NULL DEFAULT -1,"
	"  pin_path TEXT, boot_id TEXT, metadata TEXT);"
	"CREATE INDEX IF NOT EXISTS links_prog ON links(prog_id);"
	"CREATE TABLE IF NOT EXISTS pending ("
	"  token TEXT PRIMARY KEY, dir TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS counters ("
	"  name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	/* map_used_by (db_prog_map_users), on every Get: without it a scan
	 * of all programs, a third of a Get's time with 1,000 loaded.
	 * Databases already at this schema get it at the next migration. */
	"CREATE INDEX IF NOT EXISTS programs_map_pin_dir ON programs(map_pin_dir);";

static int db_error(struct bpfman_ctx *ctx, const char *what)
{
	int code = sqlite3_errcode(ctx->db);
	int err = code == SQLITE_BUSY || code == SQLITE_LOCKED ? -EBUSY :
		  code == SQLITE_FULL ? -ENOSPC :
		  code == SQLITE_READONLY || code == SQLITE_PERM ? -EACCES : -EIO;

	return bpfman_err(ctx, err, "state database %s: %s failed: %s",
			  ctx->db_path, what, sqlite3_errmsg(ctx->db));
}

static int exec(struct bpfman_ctx *ctx, const char *sql)
{
	if (sqlite3_exec(ctx->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(ctx, sql);
	return 0;
}

static bool has_column(struct bpfman_ctx *ctx, const char *probe_sql)
{
	sqlite3_stmt *probe = NULL;

	if (sqlite3_prepare_v2(ctx->db, probe_sql, -1, &probe, NULL) != SQLITE_OK)
		return false;
	sqlite3_finalize(probe);
	return true;
}

/* Databases written before a column existed get it added: v2 added
 * programs.dispatched, v3 programs.image and programs.image_digest. */
static int migrate(struct bpfman_ctx *ctx)
{
	int err;

	if (!has_column(ctx, "SELECT dispatched FROM programs LIMIT 0;") &&
	    (err = exec(ctx, "ALTER TABLE programs ADD COLUMN dispatched INTEGER NOT NULL DEFAULT 0;"
			     "UPDATE meta SET value = '2' WHERE key = 'schema_version';")))
		return err;
	if (!has_column(ctx, "SELECT image, image_digest FROM programs LIMIT 0;") &&
	    (err = exec(ctx, "ALTER TABLE programs ADD COLUMN image TEXT;"
			     "ALTER TABLE programs ADD COLUMN image_digest TEXT;"
			     "UPDATE meta SET value = '3' WHERE key = 'schema_version';")))
		return err;
	/* v4: programs.owner, the identity that loaded it through the daemon
	 * (NULL for rows written before: they have no owner). */
	if (!has_column(ctx, "SELECT owner FROM programs LIMIT 0;") &&
	    (err = exec(ctx, "ALTER TABLE programs ADD COLUMN owner TEXT;"
			     "UPDATE meta SET value = '4' WHERE key = 'schema_version';")))
		return err;
	/* v5: the change feed (events.c). A table, not a column, so it is
	 * created here for new and old databases alike; idempotent. */
	if ((err = exec(ctx, EVENTS_SCHEMA
			     "UPDATE meta SET value = '5' WHERE key = 'schema_version';")))
		return err;
	/* v6: events.owner (events.h). A feed created just above has it. */
	if (!has_column(ctx, "SELECT owner FROM events LIMIT 0;") &&
	    (err = exec(ctx, "ALTER TABLE events ADD COLUMN owner TEXT;")))
		return err;
	if ((err = exec(ctx, "UPDATE meta SET value = '6' WHERE key = 'schema_version';")))
		return err;
	return 0;
}

#define SCHEMA_VERSION "6"

static char *col_text(sqlite3_stmt *s, int i);
static void stmt_cache_free(struct bpfman_ctx *ctx);
static int exec_kept(struct bpfman_ctx *ctx, const char *sql);

/* 1: current, 0: older or a new database (create or migrate), else a
 * negative errno: a version this library does not know (newer), refused
 * before anything is written. */
static int schema_check(struct bpfman_ctx *ctx)
{
	sqlite3_stmt *st = NULL;
	_cleanup_free_ char *v = NULL;
	char *end = NULL;
	long n;

	if (sqlite3_prepare_v2(ctx->db, "SELECT value FROM meta WHERE key = 'schema_version';",
			       -1, &st, NULL) != SQLITE_OK)
		return 0; /* a new database: no meta table yet */
	if (sqlite3_step(st) == SQLITE_ROW)
		v = col_text(st, 0);
	sqlite3_finalize(st);
	if (!v)
		return 0;
	if (!strcmp(v, SCHEMA_VERSION))
		return 1;
	n = strtol(v, &end, 10);
	if (*end || end == v || n > strtol(SCHEMA_VERSION, NULL, 10))
		return bpfman_err(ctx, -EPROTONOSUPPORT,
				  "state database %s has schema version %s, which this libbpfman (schema %s) does not know: a newer libbpfman wrote it; use that version, or give another state_dir (nothing was changed)",
				  ctx->db_path, v, SCHEMA_VERSION);
	return 0;
}

/* The state directory's identity: a random UUID made once, with the
 * database (owner_claim.h). */
static int identity_read(struct bpfman_ctx *ctx)
{
	sqlite3_stmt *st = NULL;
	int found = 0;

	if (sqlite3_prepare_v2(ctx->db, "SELECT value FROM meta WHERE key = 'identity';", -1, &st,
			       NULL) != SQLITE_OK)
		return db_error(ctx, "reading the identity");
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		snprintf(ctx->identity, sizeof(ctx->identity), "%s",
			 (const char *)sqlite3_column_text(st, 0));
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

static int identity_ensure(struct bpfman_ctx *ctx)
{
	unsigned char r[16];
	char sql[160];
	int err = identity_read(ctx);

	if (err)
		return err < 0 ? err : 0;
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return bpfman_err(ctx, -errno, "getrandom failed: %s", strerror(errno));
	r[6] = (r[6] & 0x0f) | 0x40; /* version 4 */
	r[8] = (r[8] & 0x3f) | 0x80; /* variant 1 */
	snprintf(sql, sizeof(sql),
		 "INSERT OR IGNORE INTO meta(key, value) VALUES ('identity', "
		 "'%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x');",
		 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
		 r[13], r[14], r[15]);
	/* Concurrent first openers take turns; the first one's UUID stays. */
	if ((err = exec(ctx, "BEGIN IMMEDIATE;")))
		return err;
	if ((err = exec(ctx, sql)) || (err = exec(ctx, "COMMIT;"))) {
		db_rollback(ctx);
		return err;
	}
	err = identity_read(ctx);
	return err == 1 ? 0 : err < 0 ? err : bpfman_err(ctx, -EIO, "state database %s: no identity after writing one", ctx->db_path);
}

static int journal_mode_row(void *mode, int cols, char **vals, char **names)
{
	(void)names;
	if (cols == 1 && vals[0])
		snprintf(mode, 16, "%s", vals[0]);
	return 0;
}

/* Switching a new database to WAL needs an exclusive lock while this
 * connection already holds a shared one; waiting there could deadlock two
 * switchers, so SQLite answers BUSY at once instead of calling the busy
 * handler. Processes opening a database that does not exist yet (a daemon
 * and bpfmanctl started together) collide here; they take turns instead,
 * within the busy timeout's 30 s. Once the file is in WAL mode the pragma
 * only reads it, and nobody waits. */
static int journal_mode_wal(struct bpfman_ctx *ctx)
{
	struct timespec pause = { .tv_nsec = 1000000 }; /* 1 ms, doubling to 32 */
	char mode[16] = "";
	long waited_ms = 0;
	int rc;

	while ((rc = sqlite3_exec(ctx->db, "PRAGMA journal_mode=WAL;", journal_mode_row, mode,
				  NULL)) == SQLITE_BUSY &&
	       waited_ms < 30000) {
		nanosleep(&pause, NULL);
		waited_ms += pause.tv_nsec / 1000000;
		if (pause.tv_nsec < 32000000)
			pause.tv_nsec *= 2;
	}
	if (rc != SQLITE_OK)
		return db_error(ctx, "PRAGMA journal_mode=WAL;");
	if (strcmp(mode, "wal"))
		return bpfman_err(ctx, -EIO,
				  "state database %s stays in journal mode '%s', not WAL: its file system may not support WAL's shared memory: put state_dir on a local file system",
				  ctx->db_path, mode);
	return 0;
}

int bpfman_db_open(struct bpfman_ctx *ctx)
{
	int err;

	if (sqlite3_open_v2(ctx->db_path, &ctx->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				    SQLITE_OPEN_FULLMUTEX,
			    NULL) != SQLITE_OK) {
		err = bpfman_err(ctx, -EIO, "cannot open state database %s: %s",
				 ctx->db_path,
				 ctx->db ? sqlite3_errmsg(ctx->db) : "out of memory");
		bpfman_db_close(ctx);
		return err;
	}
	sqlite3_busy_timeout(ctx->db, 30000);
	/* Every CLI call opens and closes the database. Keeping the WAL file
	 * and leaving checkpoints to SQLite's automatic ones spares each call
	 * a checkpoint, two fsyncs and an unlink on close. */
	{
		int on = 1;

		sqlite3_file_control(ctx->db, "main", SQLITE_FCNTL_PERSIST_WAL, &on);
		sqlite3_db_config(ctx->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	}
	/* A small WAL: every process is the database's first connection and
	 * so rebuilds the WAL index by reading every frame since the last
	 * checkpoint; at SQLite's default (1,000 pages) a busy host's CLI
	 * calls would each read up to 4 MiB before their first query. */
	if ((err = journal_mode_wal(ctx)) ||
	    (err = exec(ctx, "PRAGMA synchronous=NORMAL;")) ||
	    (err = exec(ctx, "PRAGMA wal_autocheckpoint=64;")) ||
	    (err = exec(ctx, "PRAGMA foreign_keys=ON;")))
		return err;
	/* A database at the current schema needs no write transaction to
	 * check it: the version row is written in the transaction that
	 * creates or migrates the tables. */
	if ((err = schema_check(ctx)) < 0)
		return err;
	if (err == 1)
		return identity_ensure(ctx);
	/* Schema creation races with other processes opening a new database;
	 * IMMEDIATE makes them take turns. */
	if ((err = exec(ctx, "BEGIN IMMEDIATE;")))
		return err;
	if ((err = exec(ctx, schema))) {
		db_rollback(ctx);
		return err;
	}
	if ((err = migrate(ctx)) ||
	    (err = exec(ctx, "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', '" SCHEMA_VERSION "');")) ||
	    (err = exec(ctx, "COMMIT;"))) {
		db_rollback(ctx);
		return err;
	}
	return identity_ensure(ctx);
}

void bpfman_db_close(struct bpfman_ctx *ctx)
{
	stmt_cache_free(ctx);
	if (ctx->db) {
		sqlite3_close_v2(ctx->db);
		ctx->db = NULL;
	}
}

int db_begin(struct bpfman_ctx *ctx)
{
	return exec_kept(ctx, "BEGIN IMMEDIATE;");
}

int db_commit(struct bpfman_ctx *ctx)
{
	int err = exec_kept(ctx, "COMMIT;");

	if (err)
		db_rollback(ctx);
	else
		events_committed(ctx); /* wakes feed readers, now that they can see it */
	return err;
}

void db_rollback(struct bpfman_ctx *ctx)
{
	if (!sqlite3_get_autocommit(ctx->db))
		sqlite3_exec(ctx->db, "ROLLBACK;", NULL, NULL, NULL);
	ctx->events_recorded = false;
}

/* Statement helpers: prepare, bind by position, step.
 *
 * Statements are kept prepared per context, keyed by their SQL (a string
 * literal of this file: its address is the key). Parsing and planning was
 * most of a query's cost: a daemon Get parses three statements, a third
 * of its CPU time. finish() resets a kept statement (which also ends its
 * implicit read transaction, so a kept statement never pins an old
 * snapshot of the WAL) instead of finalizing it. A statement already in
 * use (a query made while another's rows are read) gets a fresh one,
 * finalized after. SQLite re-prepares a kept statement by itself when the
 * schema changes under it (sqlite3_prepare_v3); bpfman_db_close
 * finalizes them before closing the connection. */
#define DB_STMT_SLOTS 48

/* The address alone would be a trap: SQL built in a buffer (snprintf into
 * a stack array, a heap string freed and reallocated) can come back at one
 * address with other text, and would silently run the statement kept for
 * the old text. So each slot keeps its own copy of the text, and a hit
 * must also match it (strcmp on a hit costs far less than the step that
 * follows; a miss by address costs nothing more). A mismatch is a misuse:
 * logged, and that call gets a fresh statement, so the result is right
 * either way. tests/unit/test-db-stmt-cache.c reuses one buffer. */
struct db_stmt_slot {
	const char *sql;  /* the caller's pointer: the key, never read */
	char *text;       /* a copy of the text it was prepared from */
	sqlite3_stmt *s;
	bool busy;
};

static struct db_stmt_slot *stmt_slot(struct bpfman_ctx *ctx, const char *sql)
{
	struct db_stmt_slot *free_slot = NULL;

	if (!ctx->db_stmts && !(ctx->db_stmts = calloc(DB_STMT_SLOTS, sizeof(*ctx->db_stmts))))
		return NULL; /* out of memory: plain prepare and finalize */
	for (size_t i = 0; i < DB_STMT_SLOTS; i++) {
		struct db_stmt_slot *slot = &ctx->db_stmts[i];

		if (slot->sql == sql) {
			if (!strcmp(slot->text, sql))
				return slot;
			pr_warn(ctx, "libbpfman bug: SQL at one address changed its text (db_stmt_prepare takes string literals only); prepared afresh: %s",
				sql);
			return NULL;
		}
		if (!slot->sql && !free_slot)
			free_slot = slot;
	}
	return free_slot;
}

static void stmt_cache_free(struct bpfman_ctx *ctx)
{
	for (size_t i = 0; ctx->db_stmts && i < DB_STMT_SLOTS; i++) {
		sqlite3_finalize(ctx->db_stmts[i].s);
		free(ctx->db_stmts[i].text);
	}
	free(ctx->db_stmts);
	ctx->db_stmts = NULL;
}

int db_stmt_prepare(struct bpfman_ctx *ctx, sqlite3_stmt **stmt, const char *sql)
{
	struct db_stmt_slot *slot = stmt_slot(ctx, sql);
	int rc;

	if (slot && slot->s && !slot->busy) {
		slot->busy = true;
		*stmt = slot->s;
		return SQLITE_OK;
	}
	if (slot && slot->s)
		slot = NULL; /* in use: a fresh one for this nested query */
	rc = sqlite3_prepare_v3(ctx->db, sql, -1, slot ? SQLITE_PREPARE_PERSISTENT : 0, stmt, NULL);
	if (rc == SQLITE_OK && slot) {
		char *text = strdup(sql);

		if (text) /* else not kept: finalized after, like a nested one */
			*slot = (struct db_stmt_slot){ .sql = sql, .text = text, .s = *stmt, .busy = true };
	}
	return rc;
}

static int prepare(struct bpfman_ctx *ctx, sqlite3_stmt **stmt, const char *sql)
{
	if (db_stmt_prepare(ctx, stmt, sql) != SQLITE_OK)
		return db_error(ctx, sql);
	return 0;
}

/* A statement without parameters or rows (BEGIN, COMMIT), kept prepared. */
static int exec_kept(struct bpfman_ctx *ctx, const char *sql)
{
	sqlite3_stmt *s;
	int err = prepare(ctx, &s, sql);

	if (err)
		return err;
	if (sqlite3_step(s) != SQLITE_DONE)
		err = db_error(ctx, sql);
	db_stmt_finish(ctx, s);
	return err;
}

void db_stmt_finish(struct bpfman_ctx *ctx, sqlite3_stmt *s)
{
	for (size_t i = 0; ctx->db_stmts && i < DB_STMT_SLOTS; i++) {
		if (ctx->db_stmts[i].s == s) {
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			ctx->db_stmts[i].busy = false;
			return;
		}
	}
	sqlite3_finalize(s);
}

static void finish(struct bpfman_ctx *ctx, sqlite3_stmt *s)
{
	db_stmt_finish(ctx, s);
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static int step_done(struct bpfman_ctx *ctx, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	int err = 0;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = db_error(ctx, what);
	finish(ctx, s);
	return err;
}

static char *col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? strdup((const char *)t) : NULL;
}

static int64_t next_counter(struct bpfman_ctx *ctx, const char *name)
{
	sqlite3_stmt *s = NULL;
	int64_t v = 1;

	if (prepare(ctx, &s,
		    "INSERT INTO counters(name, value) VALUES (?1, 1) "
		    "ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value;"))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	else
		v = -1;
	finish(ctx, s);
	return v;
}

#define PROG_COLUMNS                                                           \
	"id, seq, state, type, retprobe, name, attach_func, path, bytecode, "  \
	"application, map_owner_id, map_pin_dir, pin_path, boot_id, metadata, globals, dispatched, "  \
	"image, image_digest, owner"

/* read_prog/read_link found a column that is not the JSON this library
 * writes: something else changed the database. A sentence, not a bare
 * "Input/output error". */
#define ROW_CORRUPT (-EUCLEAN)

static int corrupt_row(struct bpfman_ctx *ctx, int err, const char *what)
{
	if (err != ROW_CORRUPT)
		return err;
	return bpfman_err(ctx, -EIO,
			  "the state database %s holds a corrupt row (%s): its metadata or global data is not the JSON object libbpfman writes, so something else changed the database; restore it from a backup, or delete that row",
			  ctx->db_path, what);
}

static int read_prog(sqlite3_stmt *s, struct bpfman_program *p)
{
	/* Parsed in place: the text stays valid until the next step. */
	const char *md, *gl;

	memset(p, 0, sizeof(*p));
	p->managed = true;
	p->id = (uint32_t)sqlite3_column_int64(s, 0);
	p->seq = sqlite3_column_int64(s, 1);
	p->state = col_text(s, 2);
	p->type = sqlite3_column_int(s, 3);
	p->retprobe = sqlite3_column_int(s, 4);
	p->name = col_text(s, 5);
	p->attach_func = col_text(s, 6);
	p->path = col_text(s, 7);
	p->bytecode = col_text(s, 8);
	p->application = col_text(s, 9);
	p->map_owner_id = (uint32_t)sqlite3_column_int64(s, 10);
	p->map_pin_dir = col_text(s, 11);
	p->pin_path = col_text(s, 12);
	p->boot_id = col_text(s, 13);
	md = (const char *)sqlite3_column_text(s, 14);
	gl = (const char *)sqlite3_column_text(s, 15);
	p->dispatched = sqlite3_column_int(s, 16);
	p->image = col_text(s, 17);
	p->image_digest = col_text(s, 18);
	p->owner = col_text(s, 19);
	if (kv_list_from_json(&p->metadata, md) ||
	    global_list_from_json(&p->globals, gl))
		return ROW_CORRUPT;
	return 0;
}

int db_prog_insert(struct bpfman_ctx *ctx, const struct bpfman_program *p)
{
	_cleanup_free_ char *md = kv_list_to_json(&p->metadata);
	_cleanup_free_ char *gl = global_list_to_json(&p->globals);
	sqlite3_stmt *s = NULL;
	int64_t seq = next_counter(ctx, "program_seq");
	int err;

	if (!md || !gl)
		return -ENOMEM;
	if (seq < 0)
		return db_error(ctx, "allocating a sequence number");
	err = prepare(ctx, &s,
		      "INSERT INTO programs(" PROG_COLUMNS ") VALUES "
		      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20);");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, p->id);
	sqlite3_bind_int(s, 17, p->dispatched);
	sqlite3_bind_int64(s, 2, p->seq ? p->seq : seq);
	bind_text(s, 3, p->state);
	sqlite3_bind_int(s, 4, p->type);
	sqlite3_bind_int(s, 5, p->retprobe);
	bind_text(s, 6, p->name);
	bind_text(s, 7, p->attach_func);
	bind_text(s, 8, p->path);
	bind_text(s, 9, p->bytecode);
	bind_text(s, 10, p->application);
	sqlite3_bind_int64(s, 11, p->map_owner_id);
	bind_text(s, 12, p->map_pin_dir);
	bind_text(s, 13, p->pin_path);
	bind_text(s, 14, p->boot_id);
	bind_text(s, 15, md);
	bind_text(s, 16, gl);
	bind_text(s, 18, p->image);
	bind_text(s, 19, p->image_digest);
	bind_text(s, 20, p->owner);
	return step_done(ctx, s, "inserting a program");
}

int db_prog_set_state(struct bpfman_ctx *ctx, uint32_t id, const char *state)
{
	sqlite3_stmt *s = NULL;
	int err = prepare(ctx, &s, "UPDATE programs SET state = ?2 WHERE id = ?1;");

	if (err)
		return err;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, state);
	return step_done(ctx, s, "updating a program");
}

int db_prog_change_id(struct bpfman_ctx *ctx, uint32_t old_id,
		      const struct bpfman_program *p)
{
	sqlite3_stmt *s = NULL;
	int err;

	err = prepare(ctx, &s,
		      "UPDATE programs SET id = ?2, pin_path = ?3, boot_id = ?4, "
		      "map_pin_dir = ?5, map_owner_id = ?6, state = ?7, dispatched = ?8 WHERE id = ?1;");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, old_id);
	sqlite3_bind_int64(s, 2, p->id);
	bind_text(s, 3, p->pin_path);
	bind_text(s, 4, p->boot_id);
	bind_text(s, 5, p->map_pin_dir);
	sqlite3_bind_int64(s, 6, p->map_owner_id);
	bind_text(s, 7, p->state);
	sqlite3_bind_int(s, 8, p->dispatched);
	if ((err = step_done(ctx, s, "renumbering a program")))
		return err;
	/* Dependants follow their map owner. */
	err = prepare(ctx, &s, "UPDATE programs SET map_owner_id = ?2 WHERE map_owner_id = ?1;");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, old_id);
	sqlite3_bind_int64(s, 2, p->id);
	return step_done(ctx, s, "renumbering map owners");
}

int db_prog_delete(struct bpfman_ctx *ctx, uint32_t id)
{
	sqlite3_stmt *s = NULL;
	int err = prepare(ctx, &s, "DELETE FROM programs WHERE id = ?1;");

	if (err)
		return err;
	sqlite3_bind_int64(s, 1, id);
	return step_done(ctx, s, "deleting a program");
}

int db_prog_get(struct bpfman_ctx *ctx, uint32_t id, struct bpfman_program *ret)
{
	sqlite3_stmt *s = NULL;
	int err = prepare(ctx, &s, "SELECT " PROG_COLUMNS " FROM programs WHERE id = ?1;");
	int rc;

	if (err)
		return err;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		err = corrupt_row(ctx, read_prog(s, ret), "reading a program");
	else if (rc == SQLITE_DONE)
		err = -ENOENT;
	else
		err = db_error(ctx, "reading a program");
	finish(ctx, s);
	if (err && err != -ENOENT)
		program_clear(ret);
	return err;
}

/* Steps a prepared SELECT, reading each row into a growing array of
 * elem_size records; on failure clears what was read. Finalizes s. */
static int collect_rows(struct bpfman_ctx *ctx, sqlite3_stmt *s, size_t elem_size,
			int (*read_row)(sqlite3_stmt *s, void *elem), void (*clear)(void *elem),
			void **ret, size_t *ret_cnt, const char *what)
{
	char *arr = NULL, *tmp;
	size_t cnt = 0, cap = 0;
	int err = 0, rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			tmp = realloc(arr, cap * elem_size);
			if (!tmp) {
				err = -ENOMEM;
				break;
			}
			arr = tmp;
		}
		err = corrupt_row(ctx, read_row(s, arr + cnt * elem_size), what);
		cnt++;
		if (err)
			break;
	}
	if (!err && rc != SQLITE_DONE)
		err = db_error(ctx, what);
	finish(ctx, s);
	if (err) {
		for (size_t i = 0; i < cnt; i++)
			clear(arr + i * elem_size);
		free(arr);
		return err;
	}
	*ret = arr;
	*ret_cnt = cnt;
	return 0;
}

static int read_prog_row(sqlite3_stmt *s, void *elem)
{
	return read_prog(s, elem);
}

static void clear_prog(void *elem)
{
	program_clear(elem);
}

int db_prog_all(struct bpfman_ctx *ctx, struct bpfman_program **ret, size_t *ret_cnt)
{
	sqlite3_stmt *s = NULL;
	int err = prepare(ctx, &s, "SELECT " PROG_COLUMNS " FROM programs ORDER BY seq;");

	if (err)
		return err;
	return collect_rows(ctx, s, sizeof(**ret), read_prog_row, clear_prog, (void **)ret,
			    ret_cnt, "listing programs");
}

/* The owner is compared in SQL, so the rows of other owners are never
 * read. A program without an owner has NULL in the column (load stores
 * none for an empty owner); COALESCE lets "" select those. */
int db_prog_by_owner(struct bpfman_ctx *ctx, const char *owner, struct bpfman_program **ret,
		     size_t *ret_cnt)
{
	sqlite3_stmt *s = NULL;
	int err = prepare(ctx, &s, "SELECT " PROG_COLUMNS " FROM programs "
				   "WHERE COALESCE(owner, '') = ?1 ORDER BY seq;");

	if (err)
		return err;
	bind_text(s, 1, owner ? owner : "");
	return collect_rows(ctx, s, sizeof(**ret), read_prog_row, clear_prog, (void **)ret,
			    ret_cnt, "listing one owner's programs");
}

void db_prog_array_free(struct bpfman_program *arr, size_t cnt)
{
	for (size_t i = 0; i < cnt; i++)
		program_clear(&arr[i]);
	free(arr);
}

static int count_where(struct bpfman_ctx *ctx, const char *sql, const char *text,
		       uint32_t except, int *ret_cnt)
{
	sqlite3_stmt *s = NULL;
	int err = prepare(ctx, &s, sql);

	if (err)
		return err;
	bind_text(s, 1, text);
	sqlite3_bind_int64(s, 2, except);
	if (sqlite3_step(s) != SQLITE_ROW) {
		err = db_error(ctx, "counting");
		finish(ctx, s);
		return err;
	}
	*ret_cnt = sqlite3_column_int(s, 0);
	finish(ctx, s);
	return 0;
}

int db_prog_count_map_users(struct bpfman_ctx *ctx, const char *map_pin_dir,
			    uint32_t except, int *ret_cnt)
{
	return count_where(ctx,
			   "SELECT COUNT(*) FROM programs WHERE map_pin_dir = ?1 AND id != ?2;",
			   map_pin_dir, except, ret_cnt);
}

int db_prog_map_users(struct bpfman_ctx *ctx, uint32_t id, uint32_t **ret_ids, size_t *ret_cnt)
{
	sqlite3_stmt *s;
	uint32_t *ids = NULL, *n;
	size_t cnt = 0;
	int err, rc;

	err = prepare(ctx, &s,
		      "SELECT id FROM programs WHERE map_pin_dir = "
		      "(SELECT map_pin_dir FROM programs WHERE id = ?1) ORDER BY id;");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n = realloc(ids, (cnt + 1) * sizeof(*ids));
		if (!n) {
			free(ids);
			finish(ctx, s);
			return -ENOMEM;
		}
		ids = n;
		ids[cnt++] = (uint32_t)sqlite3_column_int64(s, 0);
	}
	finish(ctx, s);
	if (rc != SQLITE_DONE) {
		free(ids);
		return bpfman_err(ctx, -EIO, "cannot read the programs sharing maps with %u from the state database", id);
	}
	*ret_ids = ids;
	*ret_cnt = cnt;
	return 0;
}

int db_prog_count_bytecode_users(struct bpfman_ctx *ctx, const char *bytecode,
				 uint32_t except, int *ret_cnt)
{
	return count_where(ctx,
			   "SELECT COUNT(*) FROM programs WHERE bytecode = ?1 AND id != ?2;",
			   bytecode, except, ret_cnt);
}

int db_needs_reconcile(struct bpfman_ctx *ctx, bool *ret)
{
	sqlite3_stmt *s = NULL;
	int err = prepare(ctx, &s,
			  "SELECT EXISTS (SELECT 1 FROM pending) "
			  "OR EXISTS (SELECT 1 FROM programs WHERE state != 'loaded') "
			  "OR EXISTS (SELECT 1 FROM links WHERE state != 'attached');");

	if (err)
		return err;
	if (sqlite3_step(s) != SQLITE_ROW) {
		err = db_error(ctx, "checking for interrupted operations");
		finish(ctx, s);
		return err;
	}
	*ret = sqlite3_column_int(s, 0) != 0;
	finish(ctx, s);
	return 0;
}

#define LINK_COLUMNS                                                           \
	"id, prog_id, state, type, retprobe, tracepoint, fn_name, offset, target, pid, " \
	"iface, priority, proceed_on, direction, netns, position, pin_path, boot_id, metadata"

static int read_link(sqlite3_stmt *s, struct bpfman_link *l)
{
	const char *md; /* parsed in place, as in read_prog */

	memset(l, 0, sizeof(*l));
	l->id = (uint64_t)sqlite3_column_int64(s, 0);
	l->prog_id = (uint32_t)sqlite3_column_int64(s, 1);
	l->state = col_text(s, 2);
	l->type = sqlite3_column_int(s, 3);
	l->retprobe = sqlite3_column_int(s, 4);
	l->tracepoint = col_text(s, 5);
	l->fn_name = col_text(s, 6);
	l->offset = (uint64_t)sqlite3_column_int64(s, 7);
	l->target = col_text(s, 8);
	l->pid = sqlite3_column_int(s, 9);
	l->iface = col_text(s, 10);
	l->priority = sqlite3_column_int(s, 11);
	l->proceed_on = (uint32_t)sqlite3_column_int64(s, 12);
	l->direction = sqlite3_column_int(s, 13);
	l->netns = col_text(s, 14);
	l->position = sqlite3_column_int(s, 15);
	l->pin_path = col_text(s, 16);
	l->boot_id = col_text(s, 17);
	md = (const char *)sqlite3_column_text(s, 18);
	return kv_list_from_json(&l->metadata, md) ? ROW_CORRUPT : 0;
}

static void bind_link(sqlite3_stmt *s, const struct bpfman_link *l, const char *md)
{
	sqlite3_bind_int64(s, 2, l->prog_id);
	bind_text(s, 3, l->state);
	sqlite3_bind_int(s, 4, l->type);
	sqlite3_bind_int(s, 5, l->retprobe);
	bind_text(s, 6, l->tracepoint);
	bind_text(s, 7, l->fn_name);
	sqlite3_bind_int64(s, 8, (int64_t)l->offset);
	bind_text(s, 9, l->target);
	sqlite3_bind_int(s, 10, l->pid);
	bind_text(s, 11, l->iface);
	sqlite3_bind_int(s, 12, l->priority);
	sqlite3_bind_int64(s, 13, l->proceed_on);
	sqlite3_bind_int(s, 14, l->direction);
	bind_text(s, 15, l->netns);
	sqlite3_bind_int(s, 16, l->position);
	bind_text(s, 17, l->pin_path);
	bind_text(s, 18, l->boot_id);
	bind_text(s, 19, md);
}

int db_link_insert(struct bpfman_ctx *ctx, struct bpfman_link *l)
{
	_cleanup_free_ char *md = kv_list_to_json(&l->metadata);
	sqlite3_stmt *s = NULL;
	int err;

	if (!md)
		return -ENOMEM;
	err = prepare(ctx, &s,
		      "INSERT INTO links(" LINK_COLUMNS ") VALUES "
		      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19);");
	if (err)
		return err;
	if (l->id)
		sqlite3_bind_int64(s, 1, (int64_t)l->id);
	else
		sqlite3_bind_null(s, 1);
	bind_link(s, l, md);
	err = step_done(ctx, s, "inserting a link");
	if (!err)
		l->id = (uint64_t)sqlite3_last_insert_rowid(ctx->db);
	return err;
}

int db_link_update(struct bpfman_ctx *ctx, const struct bpfman_link *l)
{
	_cleanup_free_ char *md = kv_list_to_json(&l->metadata);
	sqlite3_stmt *s = NULL;
	int err;

	if (!md)
		return -ENOMEM;
	err = prepare(ctx, &s,
		      "UPDATE links SET prog_id = ?2, state = ?3, type = ?4, retprobe = ?5, "
		      "tracepoint = ?6, fn_name = ?7, offset = ?8, target = ?9, pid = ?10, "
		      "iface = ?11, priority = ?12, proceed_on = ?13, direction = ?14, "
		      "netns = ?15, position = ?16, pin_path = ?17, boot_id = ?18, "
		      "metadata = ?19 WHERE id = ?1;");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, (int64_t)l->id);
	bind_link(s, l, md);
	return step_done(ctx, s, "updating a link");
}

int db_link_delete(struct bpfman_ctx *ctx, uint64_t id)
{
	sqlite3_stmt *s = NULL;
	int err = prepare(ctx, &s, "DELETE FROM links WHERE id = ?1;");

	if (err)
		return err;
	sqlite3_bind_int64(s, 1, (int64_t)id);
	return step_done(ctx, s, "deleting a link");
}

int db_link_set_position(struct bpfman_ctx *ctx, uint64_t id, int position)
{
	sqlite3_stmt *s = NULL;
	int err = prepare(ctx, &s, "UPDATE links SET position = ?2 WHERE id = ?1;");

	if (err)
		return err;
	sqlite3_bind_int64(s, 1, (int64_t)id);
	sqlite3_bind_int(s, 2, position);
	return step_done(ctx, s, "updating a link's position");
}

int db_link_get(struct bpfman_ctx *ctx, uint64_t id, struct bpfman_link *ret)
{
	sqlite3_stmt *s = NULL;
	int err = prepare(ctx, &s, "SELECT " LINK_COLUMNS " FROM links WHERE id = ?1;");
	int rc;

	if (err)
		return err;
	sqlite3_bind_int64(s, 1, (int64_t)id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		err = corrupt_row(ctx, read_link(s, ret), "reading a link");
	else if (rc == SQLITE_DONE)
		err = -ENOENT;
	else
		err = db_error(ctx, "reading a link");
	finish(ctx, s);
	if (err && err != -ENOENT)
		link_clear(ret);
	return err;
}

static int read_link_row(sqlite3_stmt *s, void *elem)
{
	return read_link(s, elem);
}

static void clear_link(void *elem)
{
	link_clear(elem);
}

int db_link_all(struct bpfman_ctx *ctx, uint32_t prog_id,
		struct bpfman_link **ret, size_t *ret_cnt)
{
	sqlite3_stmt *s = NULL;
	int err = prepare(ctx, &s,
			  "SELECT " LINK_COLUMNS " FROM links WHERE ?1 = 0 OR prog_id = ?1 ORDER BY id;");

	if (err)
		return err;
	sqlite3_bind_int64(s, 1, prog_id);
	return collect_rows(ctx, s, sizeof(**ret), read_link_row, clear_link, (void **)ret,
			    ret_cnt, "listing links");
}

static int read_link_ref_row(sqlite3_stmt *s, void *elem)
{
	struct db_link_ref *r = elem;

	r->prog_id = (uint32_t)sqlite3_column_int64(s, 0);
	r->id = (uint64_t)sqlite3_column_int64(s, 1);
	return 0;
}

static void clear_link_ref(void *elem)
{
	(void)elem;
}

int db_link_refs_all(struct bpfman_ctx *ctx, struct db_link_ref **ret, size_t *ret_cnt)
{
	sqlite3_stmt *s = NULL;
	/* Answered from the links_prog index alone, already in this order. */
	int err = prepare(ctx, &s, "SELECT prog_id, id FROM links ORDER BY prog_id, id;");

	if (err)
		return err;
	return collect_rows(ctx, s, sizeof(**ret), read_link_ref_row, clear_link_ref,
			    (void **)ret, ret_cnt, "listing links");
}

void db_link_array_free(struct bpfman_link *arr, size_t cnt)
{
	for (size_t i = 0; i < cnt; i++)
		link_clear(&arr[i]);
	free(arr);
}

int db_pending_insert(struct bpfman_ctx *ctx, const char *token, const char *dir)
{
	sqlite3_stmt *s = NULL;
	int err = prepare(ctx, &s, "INSERT INTO pending(token, dir) VALUES (?1, ?2);");

	if (err)
		return err;
	bind_text(s, 1, token);
	bind_text(s, 2, dir);
	return step_done(ctx, s, "recording an operation");
}

int db_pending_delete(struct bpfman_ctx *ctx, const char *token)
{
	sqlite3_stmt *s = NULL;
	int err = prepare(ctx, &s, "DELETE FROM pending WHERE token = ?1;");

	if (err)
		return err;
	bind_text(s, 1, token);
	return step_done(ctx, s, "finishing an operation");
}

int db_pending_all(struct bpfman_ctx *ctx, char ***ret_dirs, char ***ret_tokens,
		   size_t *ret_cnt)
{
	sqlite3_stmt *s = NULL;
	char **dirs = NULL, **tokens = NULL;
	size_t cnt = 0;
	int err = prepare(ctx, &s, "SELECT token, dir FROM pending;");

	if (err)
		return err;
	while (sqlite3_step(s) == SQLITE_ROW) {
		char **d = realloc(dirs, (cnt + 1) * sizeof(*d));
		char **t;

		if (!d) {
			err = -ENOMEM;
			break;
		}
		dirs = d;
		t = realloc(tokens, (cnt + 1) * sizeof(*t));
		if (!t) {
			err = -ENOMEM;
			break;
		}
		tokens = t;
		tokens[cnt] = col_text(s, 0);
		dirs[cnt] = col_text(s, 1);
		cnt++;
	}
	finish(ctx, s);
	if (err) {
		for (size_t i = 0; i < cnt; i++) {
			free(dirs[i]);
			free(tokens[i]);
		}
		free(dirs);
		free(tokens);
		return err;
	}
	*ret_dirs = dirs;
	*ret_tokens = tokens;
	*ret_cnt = cnt;
	return 0;
}
