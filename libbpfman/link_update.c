// SPDX-License-Identifier: Apache-2.0
/* Changing a network link's priority or proceed-on in place (the seed's
 * step 12: a program moved behind another by raising its priority). */
#include "internal.h"
#include "attach_net.h"
#include "db.h"
#include "events.h"
#include "lock.h"
#include "prog_types.h"

#include <string.h>

void bpfman_link_update_opts_init(struct bpfman_link_update_opts *opts, size_t sz)
{
	bpfman_opts_init(opts, sz);
}

int bpfman_link__update(struct bpfman_ctx *ctx, uint64_t link_id,
			const struct bpfman_link_update_opts *opts)
{
	_cleanup_(bpfman_unlockp) struct bpfman_ctx *locked = NULL;
	struct bpfman_link old = { 0 }, link = { 0 };
	struct bpfman_program prog = { 0 };
	const struct prog_type_desc *desc;
	bool set_prio = OPTS_GET(opts, set_priority, false);
	int32_t prio = OPTS_GET(opts, priority, 0);
	uint32_t proceed = OPTS_GET(opts, proceed_on, 0);
	bool own;
	int err;

	if (!OPTS_VALID(ctx, opts, bpfman_link_update_opts))
		return -EINVAL;
	if (!set_prio && !proceed)
		return bpfman_err(ctx, -EINVAL, "nothing to update: give a priority or proceed-on");
	if ((err = bpfman_lock(ctx)))
		return err;
	locked = ctx;
	err = db_link_get(ctx, link_id, &old);
	if (err == -ENOENT)
		return bpfman_err(ctx, -ENOENT, "no link with ID %llu (the links are those bpfman_link__list returns)",
				  (unsigned long long)link_id);
	if (err)
		return err;
	if ((err = db_link_get(ctx, link_id, &link)) || (err = db_prog_get(ctx, old.prog_id, &prog)))
		goto out;

	if (old.type != BPFMAN_PROG_TYPE_XDP && old.type != BPFMAN_PROG_TYPE_TC) {
		err = bpfman_err(ctx, -EOPNOTSUPP,
				 "link %llu is a %s link; only XDP and TC links change priority or proceed-on in place%s",
				 (unsigned long long)link_id, bpfman_program_type_name(old.type),
				 old.type == BPFMAN_PROG_TYPE_TCX ?
					 " (the kernel cannot move a TCX link: detach it and attach again)" : "");
		goto out;
	}
	if (set_prio && (prio < 0 || prio > NET_PRIORITY_MAX)) {
		err = bpfman_err(ctx, -EINVAL, "priority %d is out of range; use 0 to %d", prio,
				 NET_PRIORITY_MAX);
		goto out;
	}
	if (proceed & ~bpfman_proceed_on_valid(old.type)) {
		err = bpfman_err(ctx, -EINVAL, "proceed-on mask 0x%x has bits that name no %s action",
				 proceed, old.type == BPFMAN_PROG_TYPE_XDP ? "XDP" : "TC");
		goto out;
	}
	if (set_prio)
		link.priority = prio;
	if (proceed)
		link.proceed_on = proceed;

	desc = prog_type_desc(old.type);
	if (prog.dispatched && desc->update && (err = desc->update(ctx, &prog, &old, &link)))
		goto out;
	if ((err = event_txn_begin(ctx, &own)))
		goto out;
	err = db_link_update(ctx, &link);
	if (!err)
		err = event_add(ctx, BPFMAN_EVENT_UPDATED, link.prog_id, link.id, 0,
				"link %llu of program %u updated: priority %d -> %d, proceed-on 0x%x -> 0x%x",
				(unsigned long long)link.id, link.prog_id, old.priority, link.priority,
				old.proceed_on, link.proceed_on);
	err = event_txn_end(ctx, own, err);
out:
	program_clear(&prog);
	link_clear(&old);
	link_clear(&link);
	return err;
}
