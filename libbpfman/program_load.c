// SPDX-License-Identifier: Apache-2.0
/* bpfman_program__load_file: validate everything, then load all or nothing. */
#include "internal.h"
#include "bytecode.h"
#include "db.h"
#include "events.h"
#include "load.h"
#include "lock.h"
#include "paths.h"
#include "program_load.h"
#include "program_query.h"

#include <stdlib.h>
#include <string.h>

void bpfman_load_opts_init(struct bpfman_load_opts *opts, size_t sz)
{
	bpfman_opts_init(opts, sz);
}

int validate_metadata(struct bpfman_ctx *ctx, const struct bpfman_kv *md, size_t cnt,
		      struct kv_list *ret)
{
	if (cnt && !md)
		return bpfman_err(ctx, -EINVAL, "metadata_cnt is %zu but metadata is NULL", cnt);
	for (size_t i = 0; i < cnt; i++) {
		int err;

		if (str_empty(md[i].key) || strchr(md[i].key, '='))
			return bpfman_err(ctx, -EINVAL,
					  "metadata entry %zu has %s key; keys are non-empty and contain no '=' (write KEY=VALUE)",
					  i, str_empty(md[i].key) ? "an empty" : "a '=' in its");
		if (!md[i].value)
			return bpfman_err(ctx, -EINVAL, "metadata key '%s' has no value", md[i].key);
		if (str_has_control(md[i].key) || str_has_control(md[i].value))
			return bpfman_err(ctx, -EINVAL,
					  "metadata entry %zu holds a control character in its %s; keys and values are printable text",
					  i, str_has_control(md[i].key) ? "key" : "value");
		if (kv_list_get(ret, md[i].key))
			return bpfman_err(ctx, -EINVAL, "metadata key '%s' is given twice", md[i].key);
		if ((err = kv_list_add(ret, md[i].key, md[i].value)))
			return err;
	}
	return 0;
}

static int validate_globals(struct bpfman_ctx *ctx, const struct bpfman_load_opts *opts,
			    struct global_list *ret)
{
	const struct bpfman_global_data *g = OPTS_GET(opts, globals, NULL);
	size_t cnt = OPTS_GET(opts, globals_cnt, 0);

	if (cnt && !g)
		return bpfman_err(ctx, -EINVAL, "globals_cnt is %zu but globals is NULL", cnt);
	for (size_t i = 0; i < cnt; i++) {
		int err;

		if (str_empty(g[i].name) || !g[i].value || !g[i].size)
			return bpfman_err(ctx, -EINVAL,
					  "global data entry %zu needs a name and at least one byte (write NAME=HEX)",
					  i);
		if ((err = global_list_add(ret, g[i].name, g[i].value, g[i].size)))
			return err;
	}
	return 0;
}

struct load_input {
	struct prog_request *reqs;
	size_t cnt;
	struct global_list globals;
	struct kv_list metadata;
	struct bpfman_program owner;
	char *kept;
};

static void load_input_clear(struct load_input *in)
{
	for (size_t i = 0; i < in->cnt; i++)
		prog_request_clear(&in->reqs[i]);
	free(in->reqs);
	global_list_clear(&in->globals);
	kv_list_clear(&in->metadata);
	program_clear(&in->owner);
	free(in->kept);
}

static int parse_input(struct bpfman_ctx *ctx, const struct bpfman_load_opts *opts,
		       struct load_input *in)
{
	const char *const *specs = OPTS_GET(opts, programs, NULL);
	size_t cnt = OPTS_GET(opts, programs_cnt, 0);
	int err;

	if (!cnt || !specs)
		return bpfman_err(ctx, -EINVAL,
				  "no programs to load; name at least one as TYPE:FUNC, e.g. tracepoint:my_prog");
	in->reqs = calloc(cnt, sizeof(*in->reqs));
	if (!in->reqs)
		return -ENOMEM;
	for (size_t i = 0; i < cnt; i++) {
		if ((err = prog_request_parse(ctx, specs[i], &in->reqs[i])))
			return err;
		in->cnt++; /* in owns reqs[i] now: cleared on every return below */
		for (size_t j = 0; j < i; j++)
			if (!strcmp(in->reqs[j].func, in->reqs[i].func))
				return bpfman_err(ctx, -EINVAL, "function '%s' is requested twice",
						  in->reqs[i].func);
	}
	if (str_has_control(OPTS_GET(opts, application, NULL)))
		return bpfman_err(ctx, -EINVAL,
				  "the application name holds a control character; it must be printable text");
	if (str_has_control(OPTS_GET(opts, owner, NULL)) ||
	    strlen(str_or_empty(OPTS_GET(opts, owner, NULL))) > 1024)
		return bpfman_err(ctx, -EINVAL,
				  "the owner holds a control character or is over 1024 bytes; it must be printable text such as uid:1000 (bpfman_identity_name)");
	if ((err = validate_globals(ctx, opts, &in->globals)))
		return err;
	return validate_metadata(ctx, OPTS_GET(opts, metadata, NULL),
				 OPTS_GET(opts, metadata_cnt, 0), &in->metadata);
}

static int record_programs(struct bpfman_ctx *ctx, const char *path,
			   const struct load_origin *origin,
			   const struct bpfman_load_opts *opts, struct load_input *in,
			   struct load_result *res)
{
	uint32_t owner_id = OPTS_GET(opts, map_owner_id, 0);
	_cleanup_free_ char *own_dir = owner_id ? NULL : path_map_dir(ctx, res->ids[0]);
	int err;

	if (!owner_id && !own_dir)
		return -ENOMEM;
	if ((err = db_begin(ctx)))
		return err;
	for (size_t i = 0; i < res->cnt; i++) {
		struct bpfman_program row = {
			.id = res->ids[i],
			.state = (char *)ROW_LOADED,
			.type = in->reqs[i].type,
			.retprobe = res->retprobe[i],
			.name = in->reqs[i].func,
			.attach_func = in->reqs[i].attach_func ? in->reqs[i].attach_func
								: res->target[i],
			.path = (char *)path,
			.bytecode = in->kept,
			.application = (char *)OPTS_GET(opts, application, NULL),
			.map_owner_id = owner_id,
			.map_pin_dir = owner_id ? in->owner.map_pin_dir : own_dir,
			.boot_id = ctx->boot_id,
			.dispatched = res->dispatched[i],
			.image = origin ? (char *)origin->image : NULL,
			.image_digest = origin ? (char *)origin->image_digest : NULL,
			.owner = str_empty(OPTS_GET(opts, owner, NULL)) ? NULL
								: (char *)OPTS_GET(opts, owner, NULL),
			.metadata = in->metadata,
			.globals = in->globals,
		};
		_cleanup_free_ char *pin = path_prog_pin(ctx, res->ids[i]);

		if (!pin) {
			err = -ENOMEM;
			break;
		}
		row.pin_path = pin;
		if ((err = db_prog_insert(ctx, &row)) ||
		    (err = event_add(ctx, BPFMAN_EVENT_LOADED, row.id, 0, 0,
				     "program %u (%s %s) loaded from %s", row.id,
				     bpfman_program_type_name(row.type), row.name,
				     row.image ? row.image : path)))
			break;
	}
	if (!err)
		err = db_pending_delete(ctx, res->token);
	if (err) {
		db_rollback(ctx);
		return err;
	}
	return db_commit(ctx);
}

int bpfman_program__load_file(struct bpfman_program ***ret_progs, size_t *ret_cnt,
			      struct bpfman_ctx *ctx, const char *path,
			      const struct bpfman_load_opts *opts)
{
	return program_load_elf(ret_progs, ret_cnt, ctx, path, opts, NULL);
}

int program_load_elf(struct bpfman_program ***ret_progs, size_t *ret_cnt,
		     struct bpfman_ctx *ctx, const char *path,
		     const struct bpfman_load_opts *opts, const struct load_origin *origin)
{
	_cleanup_(bpfman_unlockp) struct bpfman_ctx *locked = NULL;
	struct load_input in = { 0 };
	struct load_result res = { 0 };
	struct bpfman_program **progs = NULL;
	_cleanup_free_ char *abs_path = NULL;
	uint32_t owner_id;
	int err;

	if (!ret_progs || !ret_cnt)
		return bpfman_err(ctx, -EINVAL, "ret_progs and ret_cnt are required");
	if (!OPTS_VALID(ctx, opts, bpfman_load_opts))
		return -EINVAL;
	if ((err = parse_input(ctx, opts, &in)) || (err = bytecode_check_elf(ctx, path)))
		goto out;
	/* Record where the bytecode came from as an absolute path. */
	abs_path = realpath(path, NULL);
	if (!abs_path) {
		err = bpfman_err(ctx, -errno, "cannot resolve %s: %s", path, strerror(errno));
		goto out;
	}
	path = abs_path;

	if ((err = bpfman_lock(ctx)))
		goto out;
	locked = ctx;
	owner_id = OPTS_GET(opts, map_owner_id, 0);
	if (owner_id) {
		err = db_prog_get(ctx, owner_id, &in.owner);
		if (err == -ENOENT)
			err = bpfman_err(ctx, -ENOENT,
					 "map owner %u is not a program managed by bpfman (the managed programs are those bpfman_program__list returns)",
					 owner_id);
		if (!err)
			err = load_check_map_owner(ctx, path, in.reqs, in.cnt, owner_id,
						   in.owner.map_pin_dir);
		if (err)
			goto out;
	}
	struct load_plan plan = {
		.elf_path = path,
		.reqs = in.reqs,
		.cnt = in.cnt,
		.globals = &in.globals,
		.reuse_map_dir = owner_id ? in.owner.map_pin_dir : NULL,
		.reuse_internal_maps = false,
		.try_dispatch = true,
	};
	/* The pending row load_stage writes first also covers the kept
	 * bytecode copy: a crash after it triggers a full reconcile, which
	 * removes copies no program uses. */
	err = load_stage(ctx, &plan, &res);
	if (!err)
		err = bytecode_keep(ctx, path, &in.kept);
	if (!err)
		err = load_publish(ctx, &res);
	if (!err) {
		load_drop_staging(ctx, &res);
		if ((err = record_programs(ctx, path, origin, opts, &in, &res)))
			load_unpublish(ctx, &res);
	}
	if (err) {
		load_finish(ctx, &res);
		bytecode_release(ctx, in.kept, 0, NULL);
		goto out;
	}

	progs = calloc(in.cnt, sizeof(*progs));
	for (size_t i = 0; progs && i < in.cnt; i++) {
		err = bpfman_program__get(&progs[i], ctx, res.ids[i]);
		if (err) {
			bpfman_program_list__free(progs, i);
			progs = NULL;
		}
	}
	load_finish(ctx, &res);
	if (!progs) {
		/* Loaded and recorded; only the snapshot for the caller failed. */
		err = err ? err : -ENOMEM;
		goto out;
	}
	*ret_progs = progs;
	*ret_cnt = in.cnt;
out:
	load_input_clear(&in);
	return err;
}
