// SPDX-License-Identifier: Apache-2.0
/* After a reboot the kernel has forgotten everything while the database
 * still holds the desired state. Restore reloads each program from its kept
 * bytecode in original load order (so map owners come before their users),
 * then re-attaches every link under its old link ID.
 *
 * Kernel program IDs start again from 1 after a reboot, so a new ID can
 * equal the old ID of a row not restored yet. Rows to restore are first
 * renumbered to their negated IDs, which no kernel program has. */
#include "internal.h"
#include "owned.h"
#include "attach.h"
#include "chain_ops.h"
#include "db.h"
#include "events.h"
#include "load.h"
#include "lock.h"
#include "paths.h"
#include "reconcile.h"
#include "report.h"
#include "util/fsutil.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct dir_map {
	size_t cnt;
	char **from;
	char **to;
};

static const char *dir_map_get(const struct dir_map *m, const char *from)
{
	for (size_t i = 0; from && i < m->cnt; i++)
		if (!strcmp(m->from[i], from))
			return m->to[i];
	return NULL;
}

static void dir_map_add(struct dir_map *m, const char *from, const char *to)
{
	char **f = realloc(m->from, (m->cnt + 1) * sizeof(*f));
	char **t;

	if (!f)
		return;
	m->from = f;
	t = realloc(m->to, (m->cnt + 1) * sizeof(*t));
	if (!t)
		return;
	m->to = t;
	f[m->cnt] = strdup(from);
	t[m->cnt] = strdup(to);
	m->cnt++;
}

static void dir_map_clear(struct dir_map *m)
{
	for (size_t i = 0; i < m->cnt; i++) {
		free(m->from[i]);
		free(m->to[i]);
	}
	free(m->from);
	free(m->to);
}

static bool needs_restore(const struct bpfman_program *p)
{
	return (int32_t)p->id < 0 || !path_exists(str_or_empty(p->pin_path));
}

/* Step 1: move every row that needs restoring out of the way of new IDs. */
static int renumber_out_of_the_way(struct bpfman_ctx *ctx)
{
	struct bpfman_program *rows = NULL;
	size_t cnt = 0;
	int err = db_prog_all(ctx, &rows, &cnt);

	if (err)
		return err;
	if ((err = db_begin(ctx)))
		goto out;
	for (size_t i = 0; i < cnt && !err; i++) {
		struct bpfman_program *p = &rows[i];

		if ((int32_t)p->id < 0 || !needs_restore(p))
			continue;
		uint32_t old = p->id;

		p->id = (uint32_t)(-(int32_t)old);
		err = db_prog_change_id(ctx, old, p);
	}
	if (err)
		db_rollback(ctx);
	else
		err = db_commit(ctx);
out:
	db_prog_array_free(rows, cnt);
	return err;
}

static int restore_program(struct bpfman_ctx *ctx, struct bpfman_program *p,
			   struct dir_map *dirs, uint32_t *ret_new_id)
{
	struct prog_request req = {
		.type = p->type, .func = p->name, .attach_func = p->attach_func,
	};
	const char *reuse = dir_map_get(dirs, p->map_pin_dir);
	struct load_plan plan = {
		.elf_path = p->bytecode,
		.reqs = &req,
		.cnt = 1,
		.globals = &p->globals,
		.reuse_map_dir = reuse,
		/* Programs of one original load shared everything; a program
		 * with an explicit map owner kept its own globals. */
		.reuse_internal_maps = p->map_owner_id == 0,
		.try_dispatch = p->dispatched,
	};
	struct load_result res;
	uint32_t old = p->id;
	int err;

	if (str_empty(p->bytecode) || !path_exists(p->bytecode))
		return bpfman_err(ctx, -ENOENT, "kept bytecode %s is missing",
				  str_or_empty(p->bytecode));
	err = load_stage(ctx, &plan, &res);
	if (!err)
		err = load_publish(ctx, &res);
	if (err) {
		load_finish(ctx, &res);
		return err;
	}
	free(p->pin_path);
	p->pin_path = path_prog_pin(ctx, res.ids[0]);
	free(p->boot_id);
	p->boot_id = strdup(ctx->boot_id);
	if (res.maps_pinned) {
		_cleanup_free_ char *dir = path_map_dir(ctx, res.ids[0]);

		if (dir && p->map_pin_dir)
			dir_map_add(dirs, p->map_pin_dir, dir);
		free(p->map_pin_dir);
		p->map_pin_dir = TAKE_PTR(dir);
	} else if (reuse) {
		free(p->map_pin_dir);
		p->map_pin_dir = strdup(reuse);
	}
	p->id = res.ids[0];
	p->dispatched = res.dispatched[0];
	load_drop_staging(ctx, &res);
	if (!p->pin_path || !p->boot_id) {
		err = -ENOMEM;
	} else if (!(err = db_begin(ctx))) {
		err = db_prog_change_id(ctx, old, p);
		if (!err)
			err = db_pending_delete(ctx, res.token);
		/* old is the placeholder (the negated ID, restore.c's top);
		 * the event names the ID readers knew. */
		if (!err)
			err = event_add(ctx, BPFMAN_EVENT_RESTORED, p->id, 0, (uint32_t)(-(int32_t)old),
					"program %u (%s) restored as %u", (uint32_t)(-(int32_t)old),
					p->name, p->id);
		if (err)
			db_rollback(ctx);
		else
			err = db_commit(ctx);
	}
	if (err)
		load_unpublish(ctx, &res);
	*ret_new_id = res.ids[0];
	load_finish(ctx, &res);
	return err;
}

static int link_record_restored(struct bpfman_ctx *ctx, const struct bpfman_program *p,
				const struct bpfman_link *l)
{
	bool own;
	int err = event_txn_begin(ctx, &own);

	if (err)
		return err;
	err = db_link_update(ctx, l);
	if (!err)
		err = event_add(ctx, BPFMAN_EVENT_RESTORED, p->id, l->id, 0,
				"link %" PRIu64 " re-attached (program %u, %s %s)", l->id, p->id,
				bpfman_program_type_name(l->type), link_point(l));
	return event_txn_end(ctx, own, err);
}

static void restore_links(struct bpfman_ctx *ctx, struct bpfman_report *report)
{
	struct bpfman_link *links = NULL;
	size_t cnt = 0;

	if (db_link_all(ctx, 0, &links, &cnt))
		return;
	for (size_t i = 0; i < cnt; i++) {
		struct bpfman_link *l = &links[i];
		struct bpfman_program p = { 0 };
		int err;

		if (link_is_live(ctx, l))
			continue;
		err = db_prog_get(ctx, l->prog_id, &p);
		if (!err && (int32_t)p.id < 0)
			err = bpfman_err(ctx, -ENOENT, "its program %d was not restored",
					 -(int32_t)p.id);
		if (!err) {
			bool on_chain = chain_link(l);

			free(l->pin_path);
			l->pin_path = on_chain ? NULL : path_link_pin(ctx, l->id);
			free(l->boot_id);
			l->boot_id = strdup(ctx->boot_id);
			err = (l->pin_path || on_chain) && l->boot_id ? link_attach_kernel(ctx, &p, l)
								      : -ENOMEM;
			if (!err && (err = link_record_restored(ctx, &p, l)) && l->pin_path)
				owned_remove(ctx, OWNED_BPFFS, l->pin_path, "links/", 0, NULL);
		}
		if (err)
			report_add(ctx, report, BPFMAN_LOG_INFO, BPFMAN_REPORT_LINK, err, l->id, 0,
				   "link %" PRIu64 " not restored: %s", l->id, bpfman_errmsg(ctx));
		else
			report_add(ctx, report, BPFMAN_LOG_INFO, BPFMAN_REPORT_LINK, 0, l->id, l->id,
				   "link %" PRIu64 " re-attached (program %u)", l->id, p.id);
		program_clear(&p);
	}
	db_link_array_free(links, cnt);
}

int bpfman_restore(struct bpfman_report **ret_report, struct bpfman_ctx *ctx)
{
	_cleanup_(bpfman_unlockp) struct bpfman_ctx *locked = NULL;
	struct bpfman_report *report;
	struct bpfman_program *rows = NULL;
	struct dir_map dirs = { 0 };
	size_t cnt = 0;
	int err;

	if (!ret_report)
		return bpfman_err(ctx, -EINVAL, "ret_report is required");
	report = calloc(1, sizeof(*report));
	if (!report)
		return -ENOMEM;
	if ((err = bpfman_lock(ctx))) {
		free(report);
		return err;
	}
	locked = ctx;
	if ((err = reconcile_locked(ctx, report)) || (err = renumber_out_of_the_way(ctx)) ||
	    (err = db_prog_all(ctx, &rows, &cnt))) {
		bpfman_report__free(report);
		return err;
	}
	for (size_t i = 0; i < cnt; i++) {
		struct bpfman_program *p = &rows[i];
		uint32_t old = (uint32_t)(-(int32_t)p->id), new_id = 0;

		if ((int32_t)p->id >= 0)
			continue;
		err = restore_program(ctx, p, &dirs, &new_id);
		if (err)
			report_add(ctx, report, BPFMAN_LOG_INFO, BPFMAN_REPORT_PROGRAM, err, old, 0,
				   "program %u (%s from %s) not restored: %s", old, p->name,
				   p->path, bpfman_errmsg(ctx));
		else
			report_add(ctx, report, BPFMAN_LOG_INFO, BPFMAN_REPORT_PROGRAM, 0, old, new_id,
				   "program %u (%s) restored as %u", old, p->name, new_id);
	}
	restore_links(ctx, report);
	db_prog_array_free(rows, cnt);
	dir_map_clear(&dirs);
	bpfman_err_clear(ctx);
	*ret_report = report;
	return 0;
}
