/* SPDX-License-Identifier: Apache-2.0 */
/* The SQLite state store: schema, transactions, and row access for
 * programs, links and interrupted operations. Callers hold the state lock
 * (lock.h) around anything that writes. */
#ifndef BPFMAN_DB_H
#define BPFMAN_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

struct bpfman_ctx;

int bpfman_db_open(struct bpfman_ctx *ctx);
void bpfman_db_close(struct bpfman_ctx *ctx);

int db_begin(struct bpfman_ctx *ctx);
int db_commit(struct bpfman_ctx *ctx);
void db_rollback(struct bpfman_ctx *ctx);

/* Programs. Rows are read into struct bpfman_program (managed = true). */
int db_prog_insert(struct bpfman_ctx *ctx, const struct bpfman_program *p);
int db_prog_set_state(struct bpfman_ctx *ctx, uint32_t id, const char *state);
/* After restore: the kernel gave the program a new ID. Links, map owners
 * follow. */
int db_prog_change_id(struct bpfman_ctx *ctx, uint32_t old_id,
		      const struct bpfman_program *p);
int db_prog_delete(struct bpfman_ctx *ctx, uint32_t id);
/* -ENOENT when absent. */
int db_prog_get(struct bpfman_ctx *ctx, uint32_t id, struct bpfman_program *ret);
/* All rows in load order (seq). Free with db_prog_array_free. */
int db_prog_all(struct bpfman_ctx *ctx, struct bpfman_program **ret, size_t *ret_cnt);
/* The rows whose owner is exactly `owner` ("": those without one), in
 * load order. Free with db_prog_array_free. */
int db_prog_by_owner(struct bpfman_ctx *ctx, const char *owner, struct bpfman_program **ret,
		     size_t *ret_cnt);
void db_prog_array_free(struct bpfman_program *arr, size_t cnt);
/* Programs (other than `except`) whose maps live in map_pin_dir. */
/* IDs of the programs using the maps of program id (itself included),
 * sorted; none when id is not recorded. Free *ret_ids. */
int db_prog_map_users(struct bpfman_ctx *ctx, uint32_t id, uint32_t **ret_ids, size_t *ret_cnt);
int db_prog_count_map_users(struct bpfman_ctx *ctx, const char *map_pin_dir,
			    uint32_t except, int *ret_cnt);
/* Programs (other than `except`) keeping the bytecode file. */
int db_prog_count_bytecode_users(struct bpfman_ctx *ctx, const char *bytecode,
				 uint32_t except, int *ret_cnt);

/* True when an operation was interrupted: a pending load, or a row not in
 * its resting state. One query; decides whether opening must reconcile. */
int db_needs_reconcile(struct bpfman_ctx *ctx, bool *ret);

/* Links. db_link_insert assigns the ID. */
int db_link_insert(struct bpfman_ctx *ctx, struct bpfman_link *l);
int db_link_update(struct bpfman_ctx *ctx, const struct bpfman_link *l);
int db_link_delete(struct bpfman_ctx *ctx, uint64_t id);
int db_link_set_position(struct bpfman_ctx *ctx, uint64_t id, int position);
int db_link_get(struct bpfman_ctx *ctx, uint64_t id, struct bpfman_link *ret);
/* prog_id 0 for all; ordered by id. */
int db_link_all(struct bpfman_ctx *ctx, uint32_t prog_id,
		struct bpfman_link **ret, size_t *ret_cnt);
void db_link_array_free(struct bpfman_link *arr, size_t cnt);
/* Every link's (program, link) ID pair, ordered by program then link: what
 * a list of programs needs of the links table, without reading the rows. */
struct db_link_ref {
	uint32_t prog_id;
	uint64_t id;
};
int db_link_refs_all(struct bpfman_ctx *ctx, struct db_link_ref **ret, size_t *ret_cnt);

/* Operations in flight: a load records its staging directory here before it
 * touches the kernel, so a crash leaves a trail to clean. */
int db_pending_insert(struct bpfman_ctx *ctx, const char *token, const char *dir);
int db_pending_delete(struct bpfman_ctx *ctx, const char *token);
int db_pending_all(struct bpfman_ctx *ctx, char ***ret_dirs, char ***ret_tokens,
		   size_t *ret_cnt);

/* Statements kept prepared for the context (db.c), for the other files of
 * the state store: sql should be a string literal (its address is the key;
 * a hit is also checked against a copy of the text, so SQL built in a
 * reused buffer is never answered with another text's statement: it is
 * logged as a bug and prepared afresh).
 * db_stmt_prepare returns SQLite's result code; db_stmt_finish resets a
 * kept statement (ending its read transaction) or finalizes a fresh one. */
struct sqlite3_stmt;
int db_stmt_prepare(struct bpfman_ctx *ctx, struct sqlite3_stmt **stmt, const char *sql);
void db_stmt_finish(struct bpfman_ctx *ctx, struct sqlite3_stmt *s);

#endif
