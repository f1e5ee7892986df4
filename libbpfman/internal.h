/* SPDX-License-Identifier: Apache-2.0 */
/* What every part of the library shares: the context, error and log
 * helpers, and the opts rules. Never installed. */
#ifndef BPFMAN_INTERNAL_H
#define BPFMAN_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <bpfman/bpfman.h>

#include "util/cleanup.h"
#include "util/strutil.h"

struct sqlite3;
struct json_t;

struct bpfman_ctx {
	char *state_dir;
	char *bpffs_root;
	char *runtime_dir;
	char *image_cache_dir;
	char *config_path;
	char *db_path;

	bpfman_log_fn log_fn;
	void *log_user_data;
	enum bpfman_log_level log_level;

	char *errmsg; /* never NULL after ctx_new */
	enum bpfman_errkind errkind; /* what kind of failure errmsg describes */

	struct json_t *config; /* parsed lazily by config_root() */

	struct sqlite3 *db;
	int lock_fd; /* flock'ed for the duration of a mutation */
	int lock_depth;
	char boot_id[40];
	/* The kernel refused an extension (freplace) load: XDP and TC
	 * programs load as their plain types for the rest of this context. */
	bool ext_refused;
	/* bpfman_ctx_opts.allow_shared_dirs (owned.h) */
	bool allow_shared_dirs;
	/* The state directory's identity (meta row 'identity', a random
	 * UUID made with the database); it claims the bpffs root. */
	char identity[40];
	/* Programs or links of this boot found gone from the kernel by the
	 * last list/get: warned about once per context. */
	bool warned_gone;
	/* The open transaction recorded events (events.c): the commit
	 * touches the feed's stamp so readers wake. */
	bool events_recorded;
	/* db.c: statements kept prepared for this connection (prepare()),
	 * finalized by bpfman_db_close. */
	struct db_stmt_slot *db_stmts;
	/* kernel_info_cache.c: the kernel info of listed programs, kept
	 * from the context's second list on (lists_served). */
	struct kinfo_cache *kinfo_cache;
	unsigned int lists_served;
};

/* Records why an operation failed (printf-style) and returns -abs(err) so
 * callers can write `return bpfman_err(ctx, -ENOENT, "...")`. ctx may be
 * NULL (bpfman_ctx_new before the context exists): the message goes to a
 * per-thread slot read by bpfman_errmsg(NULL). Also sets errno. */
int bpfman_err(struct bpfman_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefixes the existing message: "<prefix>: <old message>". */
int bpfman_err_prefix(struct bpfman_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void bpfman_err_clear(struct bpfman_ctx *ctx);
/* bpfman_err() with the failure's kind given rather than derived from err
 * (bpfman_err derives it: -ENOENT not found, -EPERM/-EACCES permission,
 * ...). Use it wherever errno would mislead a front end: a verifier
 * rejection (-EACCES from the kernel), a refused image layer. */
int bpfman_err_kind(struct bpfman_ctx *ctx, enum bpfman_errkind kind, int err,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The kind bpfman_err() gives a negative errno. */
enum bpfman_errkind bpfman_errkind_of(int err);

void bpfman_log(struct bpfman_ctx *ctx, enum bpfman_log_level level,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define pr_warn(ctx, ...) bpfman_log(ctx, BPFMAN_LOG_WARN, __VA_ARGS__)
#define pr_info(ctx, ...) bpfman_log(ctx, BPFMAN_LOG_INFO, __VA_ARGS__)
#define pr_debug(ctx, ...) bpfman_log(ctx, BPFMAN_LOG_DEBUG, __VA_ARGS__)

/* Options structs (doc/abi.md). A caller's struct may be older (smaller)
 * than ours: fields past its sz read as zero. It may be newer (larger):
 * then every byte past what we know must be zero, else -EINVAL. */
#define offsetofend(TYPE, FIELD) (offsetof(TYPE, FIELD) + sizeof(((TYPE *)0)->FIELD))

bool bpfman_opts_valid(struct bpfman_ctx *ctx, const void *opts,
		       size_t known_sz, const char *type_name);
#define OPTS_VALID(ctx, opts, TYPE)                                            \
	bpfman_opts_valid(ctx, opts, sizeof(struct TYPE), #TYPE)
#define OPTS_HAS(opts, field)                                                  \
	((opts) && (opts)->sz >= offsetofend(__typeof__(*(opts)), field))
#define OPTS_GET(opts, field, fallback)                                        \
	(OPTS_HAS(opts, field) ? (opts)->field : fallback)

void bpfman_opts_init(void *opts, size_t sz);

#endif
