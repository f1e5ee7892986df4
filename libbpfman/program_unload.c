// SPDX-License-Identifier: Apache-2.0
/* Unload: mark, take apart, forget. Marking first means a crash midway
 * leaves a row reconcile knows to finish. */
#include "internal.h"
#include "owned.h"
#include "bytecode.h"
#include "attach_net.h"
#include "chain_ops.h"
#include "db.h"
#include "events.h"
#include "attach.h"
#include "lock.h"
#include "unload.h"
#include "util/fsutil.h"

#include <bpf/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void bpfman_unload_opts_init(struct bpfman_unload_opts *opts, size_t sz)
{
	bpfman_opts_init(opts, sz);
}

static char *link_row(const struct bpfman_link *l)
{
	return str_printf("links row %llu, pin_path", (unsigned long long)l->id);
}

int detach_check(struct bpfman_ctx *ctx, const struct bpfman_link *l)
{
	_cleanup_free_ char *row = link_row(l);

	if (!row)
		return -ENOMEM;
	return owned_remove(ctx, OWNED_BPFFS, l->pin_path, "links/", OWNED_CHECK, row);
}

int detach_finish(struct bpfman_ctx *ctx, const struct bpfman_link *l, bool no_wait,
		  const char *repair_msg)
{
	bool own;
	_cleanup_free_ char *row = link_row(l);
	_cleanup_close_ int fd = -1;
	int err;

	if (!row)
		return -ENOMEM;
	/* A pin the row names outside our links directory is refused before
	 * anything is taken apart. */
	if ((err = detach_check(ctx, l)))
		return err;
	if (chain_link(l) && (err = chain_detach(ctx, l)))
		return err;
	if (tc_plain_link(l) && (err = tc_plain_detach(ctx, l)))
		return err;
	if (!str_empty(l->pin_path)) {
		/* The kernel drops a link whose last reference was a bpffs pin
		 * from a deferred context (after an RCU grace period, on a
		 * workqueue), so the program could still run for a moment
		 * after unlink. Detach explicitly where the link type allows
		 * it; otherwise, unless the caller chose not to wait, make our
		 * own close() the last reference: it releases the link (for a
		 * perf-event link also waiting for runs in flight) before this
		 * call returns (doc/architecture.md, "Detach and when a
		 * program stops"). */
		fd = bpf_obj_get(l->pin_path);
		if (fd >= 0 && bpf_link_detach(fd) && no_wait) {
			close(fd);
			fd = -1;
		}
		if ((err = owned_remove(ctx, OWNED_BPFFS, l->pin_path, "links/", 0, row)))
			return err;
	}
	if ((err = event_txn_begin(ctx, &own)))
		return err;
	err = db_link_delete(ctx, l->id);
	if (!err && repair_msg)
		err = event_add(ctx, BPFMAN_EVENT_REPAIRED, l->prog_id, l->id, 0, "%s", repair_msg);
	else if (!err)
		err = event_add(ctx, BPFMAN_EVENT_DETACHED, l->prog_id, l->id, 0,
				"link %llu of program %u detached (%s %s)", (unsigned long long)l->id,
				l->prog_id, bpfman_program_type_name(l->type), link_point(l));
	return event_txn_end(ctx, own, err);
}

static char *prog_row(const struct bpfman_program *p, const char *column)
{
	return str_printf("programs row %d, %s", (int32_t)p->id, column);
}

int unload_check(struct bpfman_ctx *ctx, const struct bpfman_program *p)
{
	_cleanup_free_ char *pin_row = prog_row(p, "pin_path");
	_cleanup_free_ char *maps_row = prog_row(p, "map_pin_dir");
	_cleanup_free_ char *code_row = prog_row(p, "bytecode");
	struct bpfman_link *links = NULL;
	size_t cnt = 0;
	int err;

	if (!pin_row || !maps_row || !code_row)
		return -ENOMEM;
	if ((err = owned_remove(ctx, OWNED_BPFFS, p->pin_path, "prog_", OWNED_CHECK, pin_row)) ||
	    (err = owned_remove(ctx, OWNED_BPFFS, p->map_pin_dir, "maps/", OWNED_CHECK | OWNED_TREE,
				maps_row)) ||
	    (err = owned_remove(ctx, OWNED_STATE, p->bytecode, "bytecode/", OWNED_CHECK, code_row)))
		return err;
	if ((err = db_link_all(ctx, p->id, &links, &cnt)))
		return err;
	for (size_t i = 0; i < cnt && !err; i++)
		err = detach_check(ctx, &links[i]);
	db_link_array_free(links, cnt);
	return err;
}

int unload_finish(struct bpfman_ctx *ctx, const struct bpfman_program *p,
		  const char *repair_msg)
{
	bool own;
	_cleanup_free_ char *pin_row = prog_row(p, "pin_path");
	_cleanup_free_ char *maps_row = prog_row(p, "map_pin_dir");
	_cleanup_free_ char *code_row = prog_row(p, "bytecode");
	struct bpfman_link *links = NULL;
	size_t cnt = 0;
	int users = 1, err;

	if (!pin_row || !maps_row || !code_row)
		return -ENOMEM;
	/* Every path the rows name is checked before anything is taken
	 * apart, so a refusal leaves the program whole. */
	if ((err = unload_check(ctx, p)))
		return err;
	if ((err = db_link_all(ctx, p->id, &links, &cnt)))
		return err;
	for (size_t i = 0; i < cnt && !err; i++) {
		_cleanup_free_ char *why = repair_msg ?
			str_printf("link %llu removed with program %u: %s",
				   (unsigned long long)links[i].id, p->id, repair_msg) : NULL;

		err = repair_msg && !why ? -ENOMEM : detach_finish(ctx, &links[i], false, why);
	}
	db_link_array_free(links, cnt);
	if (err)
		return err;
	if ((err = owned_remove(ctx, OWNED_BPFFS, p->pin_path, "prog_", 0, pin_row)))
		return err;
	if (!str_empty(p->map_pin_dir) &&
	    !db_prog_count_map_users(ctx, p->map_pin_dir, p->id, &users) && users == 0 &&
	    (err = owned_remove(ctx, OWNED_BPFFS, p->map_pin_dir, "maps/", OWNED_TREE, maps_row)))
		return err;
	if ((err = event_txn_begin(ctx, &own)))
		return err;
	/* The event first: it takes the owner from the row (events.c). */
	if (repair_msg)
		err = event_add(ctx, BPFMAN_EVENT_REPAIRED, p->id, 0, 0, "%s", repair_msg);
	else
		err = event_add(ctx, BPFMAN_EVENT_UNLOADED, p->id, 0, 0, "program %u (%s %s) unloaded",
				p->id, bpfman_program_type_name(p->type), p->name);
	if (!err)
		err = db_prog_delete(ctx, p->id);
	if ((err = event_txn_end(ctx, own, err)))
		return err;
	return bytecode_release(ctx, p->bytecode, p->id, code_row);
}

static int dependants(struct bpfman_ctx *ctx, uint32_t id, char **ret_list)
{
	struct bpfman_program *rows = NULL;
	size_t cnt = 0;
	char *list = NULL;
	int err = db_prog_all(ctx, &rows, &cnt);

	if (err)
		return err;
	for (size_t i = 0; i < cnt; i++) {
		char *n;

		if (rows[i].map_owner_id != id || rows[i].id == id)
			continue;
		n = str_printf("%s%s%u", list ? list : "", list ? ", " : "", rows[i].id);
		free(list);
		list = n;
		if (!list) {
			err = -ENOMEM;
			break;
		}
	}
	db_prog_array_free(rows, cnt);
	*ret_list = list;
	return err;
}

int bpfman_program__unload(struct bpfman_ctx *ctx, uint32_t prog_id,
			   const struct bpfman_unload_opts *opts)
{
	_cleanup_(bpfman_unlockp) struct bpfman_ctx *locked = NULL;
	_cleanup_free_ char *users = NULL;
	struct bpfman_program p = { 0 };
	int err;

	if (!OPTS_VALID(ctx, opts, bpfman_unload_opts))
		return -EINVAL;
	if ((err = bpfman_lock(ctx)))
		return err;
	locked = ctx;
	err = db_prog_get(ctx, prog_id, &p);
	if (err == -ENOENT)
		return bpfman_err(ctx, -ENOENT,
				  "no program with ID %u is managed by bpfman (the managed programs are those bpfman_program__list returns)",
				  prog_id);
	if (err)
		return err;
	if ((err = dependants(ctx, prog_id, &users)))
		goto out;
	if (users && !OPTS_GET(opts, force, false)) {
		err = bpfman_err(ctx, -EBUSY,
				 "program %u owns maps that programs %s use; unload those first, or force it (the maps stay until their last user is gone)",
				 prog_id, users);
		goto out;
	}
	/* Refused paths refuse the unload before the row is marked. */
	if ((err = unload_check(ctx, &p)) ||
	    (err = db_prog_set_state(ctx, prog_id, ROW_UNLOADING)))
		goto out;
	if ((err = db_begin(ctx)))
		goto out;
	err = unload_finish(ctx, &p, NULL);
	if (err)
		db_rollback(ctx);
	else
		err = db_commit(ctx);
out:
	program_clear(&p);
	return err;
}
