// SPDX-License-Identifier: Apache-2.0
/* Making the database, bpffs and kernel agree after a crash. The rules:
 *  - a pending load's staging directory is removed;
 *  - a row left mid-unload/detach/attach is finished or rolled back;
 *  - a row of this boot whose pin is gone is forgotten (someone removed it);
 *    rows of an earlier boot wait for restore;
 *  - a pin under our root that no row names is removed.
 * Everything done is reported and logged at WARN. */
#include "internal.h"
#include "owned.h"
#include "owner_claim.h"
#include "chain_ops.h"
#include "db.h"
#include "lock.h"
#include "paths.h"
#include "reconcile.h"
#include "report.h"
#include "unload.h"
#include "util/fsutil.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int clean_pending(struct bpfman_ctx *ctx, struct bpfman_report *report)
{
	char **dirs = NULL, **tokens = NULL;
	size_t cnt = 0;
	int err = db_pending_all(ctx, &dirs, &tokens, &cnt);

	if (err)
		return err;
	for (size_t i = 0; i < cnt; i++) {
		_cleanup_free_ char *row = str_printf("pending row %s, dir", tokens[i]);
		int rc = row ? owned_remove(ctx, OWNED_BPFFS, dirs[i], "staging/", OWNED_TREE, row)
			     : -ENOMEM;

		/* A row naming something not ours is dropped, and what it
		 * names left alone: the sweep below removes real leftovers. */
		db_pending_delete(ctx, tokens[i]);
		if (rc)
			report_add(ctx, report, BPFMAN_LOG_WARN, BPFMAN_REPORT_PIN, rc, 0, 0,
				   "%s", bpfman_errmsg(ctx));
		else
			report_add(ctx, report, BPFMAN_LOG_WARN, BPFMAN_REPORT_PIN, 0, 0, 0,
				   "removed %s left by an interrupted load", dirs[i]);
		free(dirs[i]);
		free(tokens[i]);
	}
	free(dirs);
	free(tokens);
	return 0;
}

static bool same_boot(struct bpfman_ctx *ctx, const char *boot_id)
{
	return boot_id && !strcmp(boot_id, ctx->boot_id);
}

static int reconcile_programs(struct bpfman_ctx *ctx, struct bpfman_report *report)
{
	struct bpfman_program *rows = NULL;
	size_t cnt = 0;
	int err = db_prog_all(ctx, &rows, &cnt);

	if (err)
		return err;
	for (size_t i = 0; i < cnt; i++) {
		struct bpfman_program *p = &rows[i];
		bool interrupted = !strcmp(p->state, ROW_UNLOADING);

		if (!interrupted && !(same_boot(ctx, p->boot_id) && !path_exists(p->pin_path)))
			continue;
		_cleanup_free_ char *msg = str_printf("%s program %u%s",
						      interrupted ? "finished unloading" : "forgot", p->id,
						      interrupted ? ", interrupted earlier" :
						      ": it was recorded but its pin is gone from bpffs");

		db_prog_set_state(ctx, p->id, ROW_UNLOADING);
		err = msg ? unload_finish(ctx, p, msg) : -ENOMEM;
		if (err)
			report_add(ctx, report, BPFMAN_LOG_WARN, BPFMAN_REPORT_PROGRAM, err, p->id, 0,
				   "cannot %s program %u: %s", interrupted ? "finish unloading" : "forget",
				   p->id, bpfman_errmsg(ctx));
		else
			report_add(ctx, report, BPFMAN_LOG_WARN, BPFMAN_REPORT_PROGRAM, 0, p->id, 0,
				   "%s program %u%s", interrupted ? "finished unloading" : "forgot",
				   p->id, interrupted ? ", interrupted earlier" :
				   ": it was recorded but its pin is gone from bpffs");
	}
	db_prog_array_free(rows, cnt);
	return 0;
}

static int reconcile_links(struct bpfman_ctx *ctx, struct bpfman_report *report)
{
	struct bpfman_link *rows = NULL;
	size_t cnt = 0;
	int err = db_link_all(ctx, 0, &rows, &cnt);

	if (err)
		return err;
	for (size_t i = 0; i < cnt; i++) {
		struct bpfman_link *l = &rows[i];
		const char *verb, *why;

		if (!strcmp(l->state, ROW_ATTACHING)) {
			verb = "rolled back";
			why = ": its attach was interrupted";
		} else if (!strcmp(l->state, ROW_DETACHING)) {
			verb = "finished detaching";
			why = ", interrupted earlier";
		} else if (same_boot(ctx, l->boot_id) && !chain_link(l) &&
			   !path_exists(str_or_empty(l->pin_path))) {
			/* (A link on a dispatcher has no pin; it is checked
			 * against its chain when read.) */
			verb = "forgot";
			why = ": its pin is gone from bpffs";
		} else if (!str_empty(l->netns) && !path_exists(l->netns)) {
			/* The kernel detached it with the namespace; only our
			 * pin and row remain. */
			verb = "removed";
			why = ": its network namespace was deleted";
		} else {
			continue;
		}
		_cleanup_free_ char *msg = str_printf("%s link %" PRIu64 "%s", verb, l->id, why);

		err = msg ? detach_finish(ctx, l, false, msg) : -ENOMEM;
		if (err)
			report_add(ctx, report, BPFMAN_LOG_WARN, BPFMAN_REPORT_LINK, err, l->id, 0,
				   "link %" PRIu64 " not %s: %s", l->id, verb, bpfman_errmsg(ctx));
		else
			report_add(ctx, report, BPFMAN_LOG_WARN, BPFMAN_REPORT_LINK, 0, l->id, 0,
				   "%s link %" PRIu64 "%s", verb, l->id, why);
	}
	db_link_array_free(rows, cnt);
	return 0;
}

/* Names in dir that no row accounts for are removed: only beneath our
 * claimed root (or state directory), only in the shape libbpfman gives
 * them, never through a symbolic link (owned.h). */
static void sweep_dir(struct bpfman_ctx *ctx, struct bpfman_report *report,
		      enum owned_root root, const char *shape, unsigned int flags,
		      const char *dir, const char *prefix,
		      bool (*known)(struct bpfman_ctx *, const char *path, void *),
		      void *data, enum bpfman_report_kind kind)
{
	DIR *d = owned_opendir(ctx, root, dir);
	struct dirent *de;

	if (!d) {
		if (errno != ENOENT)
			report_add(ctx, report, BPFMAN_LOG_WARN, kind, -errno, 0, 0,
				   "left %s alone: %s", dir,
				   errno == ELOOP ? "a symbolic link is in its way, and libbpfman never follows one"
						  : strerror(errno));
		return;
	}
	while ((de = readdir(d))) {
		_cleanup_free_ char *path = NULL;

		if (de->d_name[0] == '.' && (!de->d_name[1] || !strcmp(de->d_name, "..")))
			continue;
		if (prefix && strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		path = str_printf("%s/%s", dir, de->d_name);
		if (!path || known(ctx, path, data))
			continue;
		if (owned_remove(ctx, root, path, shape, flags, NULL))
			report_add(ctx, report, BPFMAN_LOG_WARN, kind, -EXDEV, 0, 0,
				   "left %s alone: no record refers to it, but %s", path,
				   bpfman_errmsg(ctx));
		else
			report_add(ctx, report, BPFMAN_LOG_WARN, kind, 0, 0, 0,
				   "removed %s: no record refers to it", path);
	}
	closedir(d);
}

/* Paths the database names, sorted for bsearch: a sweep over n pins
 * costs n log n, not n^2. */
struct path_set {
	size_t cnt;
	const char **paths;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int path_set_init(struct path_set *set, size_t cap)
{
	set->cnt = 0;
	set->paths = calloc(cap ? cap : 1, sizeof(*set->paths));
	return set->paths ? 0 : -ENOMEM;
}

static void path_set_add(struct path_set *set, const char *path)
{
	if (!str_empty(path))
		set->paths[set->cnt++] = path;
}

static bool known_path(struct bpfman_ctx *ctx, const char *path, void *data)
{
	struct path_set *set = data;

	(void)ctx;
	return bsearch(&path, set->paths, set->cnt, sizeof(*set->paths), cmp_str) != NULL;
}

static bool known_nothing(struct bpfman_ctx *ctx, const char *path, void *data)
{
	(void)ctx;
	(void)path;
	(void)data;
	return false;
}

static bool known_bytecode(struct bpfman_ctx *ctx, const char *path, void *data)
{
	int users = 0;

	(void)data;
	return db_prog_count_bytecode_users(ctx, path, 0, &users) || users > 0;
}

static int sweep_pins(struct bpfman_ctx *ctx, struct bpfman_report *report)
{
	struct bpfman_program *progs = NULL;
	struct bpfman_link *links = NULL;
	size_t nprogs = 0, nlinks = 0;
	struct path_set prog_pins = { 0 }, map_dirs = { 0 }, link_pins = { 0 };
	_cleanup_free_ char *maps = path_maps_root(ctx), *links_dir = path_links_root(ctx);
	_cleanup_free_ char *staging = path_staging_root(ctx), *bytecode = path_bytecode_dir(ctx);
	int err;

	if (!maps || !links_dir || !staging || !bytecode)
		return -ENOMEM;
	if ((err = db_prog_all(ctx, &progs, &nprogs)))
		return err;
	if ((err = db_link_all(ctx, 0, &links, &nlinks)))
		goto out;
	if ((err = path_set_init(&prog_pins, nprogs)) || (err = path_set_init(&map_dirs, nprogs)) ||
	    (err = path_set_init(&link_pins, nlinks)))
		goto out;
	for (size_t i = 0; i < nprogs; i++) {
		path_set_add(&prog_pins, progs[i].pin_path);
		path_set_add(&map_dirs, progs[i].map_pin_dir);
	}
	for (size_t i = 0; i < nlinks; i++)
		path_set_add(&link_pins, links[i].pin_path);
	qsort(prog_pins.paths, prog_pins.cnt, sizeof(char *), cmp_str);
	qsort(map_dirs.paths, map_dirs.cnt, sizeof(char *), cmp_str);
	qsort(link_pins.paths, link_pins.cnt, sizeof(char *), cmp_str);

	sweep_dir(ctx, report, OWNED_BPFFS, "prog_", 0, ctx->bpffs_root, "prog_", known_path,
		  &prog_pins, BPFMAN_REPORT_PIN);
	sweep_dir(ctx, report, OWNED_BPFFS, "maps/", OWNED_TREE, maps, NULL, known_path, &map_dirs,
		  BPFMAN_REPORT_MAP);
	sweep_dir(ctx, report, OWNED_BPFFS, "links/", 0, links_dir, NULL, known_path, &link_pins,
		  BPFMAN_REPORT_PIN);
	/* Pending loads were cleaned above, so anything staged is stale. */
	sweep_dir(ctx, report, OWNED_BPFFS, "staging/", OWNED_TREE, staging, NULL, known_nothing,
		  NULL, BPFMAN_REPORT_PIN);
	sweep_dir(ctx, NULL, OWNED_STATE, "bytecode/", 0, bytecode, NULL, known_bytecode, NULL,
		  BPFMAN_REPORT_PIN);
out:
	free(prog_pins.paths);
	free(map_dirs.paths);
	free(link_pins.paths);
	db_prog_array_free(progs, nprogs);
	db_link_array_free(links, nlinks);
	return err;
}

int reconcile_locked(struct bpfman_ctx *ctx, struct bpfman_report *report)
{
	int err;

	if ((err = db_begin(ctx)))
		return err;
	if ((err = clean_pending(ctx, report)) || (err = reconcile_links(ctx, report)) ||
	    (err = reconcile_programs(ctx, report)) || (err = sweep_pins(ctx, report))) {
		db_rollback(ctx);
		return err;
	}
	return db_commit(ctx);
}

/* A deleted network namespace takes its links with it, leaving our pins
 * and rows: one stat per namespaced link finds that cheaply. */
static int netns_gone(struct bpfman_ctx *ctx, bool *ret)
{
	struct bpfman_link *links = NULL;
	size_t n = 0;
	int err = db_link_all(ctx, 0, &links, &n);

	if (err)
		return err;
	for (size_t i = 0; i < n && !*ret; i++)
		*ret = !str_empty(links[i].netns) && !path_exists(links[i].netns);
	db_link_array_free(links, n);
	return 0;
}

int bpfman_reconcile_on_open(struct bpfman_ctx *ctx)
{
	bool needed = false;
	int err;

	/* Every mutation marks what it is doing before touching the kernel
	 * (a pending row, or a row state), so a crash always leaves a mark:
	 * without one there is nothing to repair, and opening stays cheap.
	 * Pins removed behind our back are found by bpfman_reconcile(). */
	if ((err = db_needs_reconcile(ctx, &needed)))
		return err;
	if (!needed && (err = netns_gone(ctx, &needed)))
		return err;
	if (!needed)
		return 0;
	err = bpfman_trylock(ctx);

	if (err == -EWOULDBLOCK) {
		pr_debug(ctx, "another process is working on %s; not reconciling now",
			 ctx->state_dir);
		return 0;
	}
	if (err)
		return err;
	err = reconcile_locked(ctx, NULL);
	bpfman_unlock(ctx);
	return err;
}

int bpfman_reconcile(struct bpfman_report **ret_report, struct bpfman_ctx *ctx)
{
	struct bpfman_report *report = calloc(1, sizeof(*report));
	int err;

	if (!ret_report || !report) {
		free(report);
		return bpfman_err(ctx, ret_report ? -ENOMEM : -EINVAL,
				  "ret_report is required");
	}
	if ((err = bpfman_lock(ctx))) {
		free(report);
		return err;
	}
	err = reconcile_locked(ctx, report);
	bpfman_unlock(ctx);
	if (err) {
		bpfman_report__free(report);
		return err;
	}
	*ret_report = report;
	return 0;
}
