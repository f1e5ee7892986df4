// SPDX-License-Identifier: Apache-2.0
/* Attach and detach. A link row is written first (state attaching) so its
 * ID names the pin; a crash before the final commit leaves a row reconcile
 * rolls back. */
#include "internal.h"
#include "owned.h"
#include "db.h"
#include "events.h"
#include "lock.h"
#include "paths.h"
#include "attach.h"
#include "attach_net.h"
#include "chain_ops.h"
#include "program_query.h"
#include "prog_types.h"
#include "unload.h"
#include "util/fsutil.h"

#include <bpf/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void bpfman_attach_opts_init(struct bpfman_attach_opts *opts, size_t sz)
{
	bpfman_opts_init(opts, sz);
}

/* Creates the kernel side of an already recorded link and pins it. Shared
 * with restore. */
int link_attach_kernel(struct bpfman_ctx *ctx, const struct bpfman_program *p,
		       struct bpfman_link *link)
{
	const struct prog_type_desc *desc = prog_type_desc(p->type);
	_cleanup_close_ int prog_fd = -1;
	_cleanup_free_ char *links_root = path_links_root(ctx);
	struct attach_req req = { .prog = p, .link = link };
	int err;

	if (!links_root)
		return -ENOMEM;
	prog_fd = bpf_obj_get(p->pin_path);
	if (prog_fd < 0)
		return bpfman_err(ctx, -errno,
				  "program %u is recorded but its pin %s is gone (%s); restore the state (bpfman_restore) after a reboot",
				  p->id, p->pin_path, strerror(errno));
	if ((err = mkdir_p(links_root, 0700)))
		return bpfman_err(ctx, err, "cannot create %s: %s", links_root, strerror(-err));
	req.prog_fd = prog_fd;
	return desc->attach(ctx, &req);
}

/* What a link hooks, for event sentences. */
const char *link_point(const struct bpfman_link *l)
{
	return !str_empty(l->tracepoint) ? l->tracepoint :
	       !str_empty(l->iface) ? l->iface :
	       !str_empty(l->fn_name) ? l->fn_name : str_or_empty(l->target);
}

/* The attach's commit point: the row says attached, and the feed says so,
 * in one transaction. */
static int link_record_attached(struct bpfman_ctx *ctx, const struct bpfman_program *p,
				const struct bpfman_link *link)
{
	bool own;
	int err = event_txn_begin(ctx, &own);

	if (err)
		return err;
	err = db_link_update(ctx, link);
	if (!err)
		err = event_add(ctx, BPFMAN_EVENT_ATTACHED, p->id, link->id, 0,
				"program %u (%s) attached as link %llu (%s %s)", p->id, p->name,
				(unsigned long long)link->id, bpfman_program_type_name(link->type),
				link_point(link));
	return event_txn_end(ctx, own, err);
}

int bpfman_program__attach(uint64_t *ret_link_id, struct bpfman_ctx *ctx,
			   uint32_t prog_id, const struct bpfman_attach_opts *opts)
{
	_cleanup_(bpfman_unlockp) struct bpfman_ctx *locked = NULL;
	const struct prog_type_desc *desc;
	struct bpfman_program p = { 0 };
	struct bpfman_link link = { 0 };
	int err;

	if (!ret_link_id)
		return bpfman_err(ctx, -EINVAL, "ret_link_id is required");
	if (!OPTS_VALID(ctx, opts, bpfman_attach_opts))
		return -EINVAL;
	if ((err = bpfman_lock(ctx)))
		return err;
	locked = ctx;
	err = db_prog_get(ctx, prog_id, &p);
	if (err == -ENOENT)
		return bpfman_err(ctx, -ENOENT,
				  "no program with ID %u is managed by bpfman; load it first (the managed programs are those bpfman_program__list returns)",
				  prog_id);
	if (err)
		return err;

	desc = prog_type_desc(p.type);
	if (!desc || !desc->attach) {
		err = bpfman_err(ctx, -EOPNOTSUPP,
				 "program %u has a type this libbpfman %s cannot attach; the program stays loaded",
				 p.id, BPFMAN_VERSION_STRING);
		goto out;
	}
	link.prog_id = p.id;
	link.type = p.type;
	link.retprobe = p.retprobe;
	link.position = -1;
	link.state = strdup(ROW_ATTACHING);
	link.boot_id = strdup(ctx->boot_id);
	if (!link.state || !link.boot_id) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = validate_metadata(ctx, OPTS_GET(opts, metadata, NULL),
				     OPTS_GET(opts, metadata_cnt, 0), &link.metadata)) ||
	    (err = desc->prepare_attach(ctx, &p, opts, &link)))
		goto out;

	if ((err = db_link_insert(ctx, &link)))
		goto out;
	/* A link on a dispatcher has no pin of its own (chain.h); every
	 * other link is pinned under its ID. Recorded before the kernel is
	 * touched, so reconcile knows how to undo an interrupted attach. */
	if (!(p.dispatched && (p.type == BPFMAN_PROG_TYPE_XDP || p.type == BPFMAN_PROG_TYPE_TC))) {
		link.pin_path = path_link_pin(ctx, link.id);
		if (!link.pin_path)
			err = -ENOMEM;
	}
	if (err || (err = db_link_update(ctx, &link))) {
		db_link_delete(ctx, link.id);
		goto out;
	}
	err = link_attach_kernel(ctx, &p, &link);
	if (!err) {
		free(link.state);
		link.state = strdup(ROW_ATTACHED);
		err = link.state ? link_record_attached(ctx, &p, &link) : -ENOMEM;
		/* Attached but not recorded: take it off the kernel again. */
		if (err && chain_link(&link))
			chain_detach(ctx, &link);
		else if (err && tc_plain_link(&link))
			tc_plain_detach(ctx, &link);
	}
	if (err) {
		/* Nothing half done: no pin, no row. */
		if (link.pin_path)
			owned_remove(ctx, OWNED_BPFFS, link.pin_path, "links/", 0, NULL);
		db_link_delete(ctx, link.id);
		goto out;
	}
	*ret_link_id = link.id;
out:
	program_clear(&p);
	link_clear(&link);
	return err;
}

void bpfman_detach_opts_init(struct bpfman_detach_opts *opts, size_t sz)
{
	bpfman_opts_init(opts, sz);
}

int bpfman_link__detach(struct bpfman_ctx *ctx, uint64_t link_id)
{
	return bpfman_link__detach_opts(ctx, link_id, NULL);
}

int bpfman_link__detach_opts(struct bpfman_ctx *ctx, uint64_t link_id,
			     const struct bpfman_detach_opts *opts)
{
	_cleanup_(bpfman_unlockp) struct bpfman_ctx *locked = NULL;
	struct bpfman_link link = { 0 };
	int err;

	if (!OPTS_VALID(ctx, opts, bpfman_detach_opts))
		return -EINVAL;
	if ((err = bpfman_lock(ctx)))
		return err;
	locked = ctx;
	err = db_link_get(ctx, link_id, &link);
	if (err == -ENOENT)
		return bpfman_err(ctx, -ENOENT,
				  "no link with ID %llu (the links are those bpfman_link__list returns)",
				  (unsigned long long)link_id);
	if (err)
		return err;
	if ((err = detach_check(ctx, &link)))
		goto out;
	free(link.state);
	link.state = strdup(ROW_DETACHING);
	if (!link.state || (err = db_link_update(ctx, &link))) {
		err = err ? err : -ENOMEM;
		goto out;
	}
	err = detach_finish(ctx, &link, OPTS_GET(opts, no_wait, false), NULL);
out:
	link_clear(&link);
	return err;
}
