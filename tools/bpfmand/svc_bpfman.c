/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bpfman.v1.Bpfman: each RPC decodes its request, makes the libbpfman call
 * bpfmanctl would make, and encodes the result (pb_convert.c). Failures
 * carry the library's sentence and a status from its errno.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpfman.pb-c.h"
#include "pb_convert.h"
#include "server.h"

static void do_load(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Bpfman__V1__LoadRequest *in;
	Bpfman__V1__LoadResponse out = BPFMAN__V1__LOAD_RESPONSE__INIT;
	struct bpfman_program **progs = NULL;
	struct arena a = { 0 };
	size_t cnt = 0;
	const char **specs;
	const char *why = NULL;
	char owner[1100];
	int err;

	in = UNPACK(call, Bpfman__V1__LoadRequest, bpfman__v1__load_request__unpack, req, len);
	if (!in)
		return;
	if (!in->bytecode || !in->bytecode->location_case) {
		grpc_call_error(call, GRPC_INVALID_ARGUMENT,
				"the LoadRequest has no bytecode: set bytecode.file (a path on the daemon's host) or bytecode.image");
		goto out;
	}
	if (!in->n_info) {
		grpc_call_error(call, GRPC_INVALID_ARGUMENT,
				"the LoadRequest names no program: add one LoadInfo (name, program_type) per program");
		goto out;
	}
	/* The caller's rule may limit program types and image prefixes. */
	for (size_t i = 0; i < in->n_info; i++) {
		enum bpfman_program_type t = pb_program_type(in->info[i]->program_type);

		/* A type the limits cannot name (one this library does not
		 * know) needs admin, so a limited rule is never bypassed. */
		if (!grpc_authorize(call, "Load", t ? BPFMAN_ROLE_OPERATE : BPFMAN_ROLE_ADMIN, t, NULL,
				    in->bytecode->location_case == BPFMAN__V1__BYTECODE_LOCATION__LOCATION_IMAGE
					    ? in->bytecode->image->url : NULL))
			goto out;
	}
	/* Sharing another program's maps reads and writes them: an operate
	 * caller may share only the maps of a program it owns. */
	if (in->_map_owner_id_case && in->map_owner_id &&
	    !grpc_authorize_target(call, "Load with the maps of", BPFMAN_PROG_TYPE_UNSPEC, NULL,
				   in->map_owner_id, 0))
		goto out;
	specs = arena_alloc(&a, in->n_info * sizeof(*specs));
	for (size_t i = 0; specs && i < in->n_info; i++) {
		specs[i] = pb_load_spec(&a, in->info[i], &why);
		if (!specs[i]) {
			grpc_call_error(call, GRPC_INVALID_ARGUMENT, "%s", why ? why : "out of memory");
			goto out;
		}
	}
	struct bpfman_global_data *g = arena_alloc(&a, in->n_global_data * sizeof(*g));
	for (size_t i = 0; g && i < in->n_global_data; i++) {
		g[i].name = in->global_data[i]->key;
		g[i].value = in->global_data[i]->value.data;
		g[i].size = in->global_data[i]->value.len;
	}
	if (a.failed) {
		grpc_call_error(call, GRPC_RESOURCE_EXHAUSTED, "out of memory decoding the LoadRequest");
		goto out;
	}
	BPFMAN_OPTS(bpfman_load_opts, lo,
		    .programs = specs,
		    .programs_cnt = in->n_info,
		    .globals = g,
		    .globals_cnt = in->n_global_data,
		    .metadata = pb_kv(&a, (void *const *)in->metadata, in->n_metadata),
		    .metadata_cnt = in->n_metadata,
		    .map_owner_id = in->_map_owner_id_case ? in->map_owner_id : 0,
		    .owner = owner);
	/* Recorded on every program: operate callers act only on their own. */
	grpc_identity_name(call, owner, sizeof(owner));
	if (in->bytecode->location_case == BPFMAN__V1__BYTECODE_LOCATION__LOCATION_FILE) {
		err = bpfman_program__load_file(&progs, &cnt, call->srv->ctx,
						in->bytecode->file, &lo);
	} else {
		const Bpfman__V1__BytecodeImage *im = in->bytecode->image;
		BPFMAN_OPTS(bpfman_registry_opts, ro,
			    .username = im->_username_case && *im->username ? im->username : NULL,
			    .password = im->_password_case && *im->password ? im->password : NULL);
		BPFMAN_OPTS(bpfman_pull_opts, po,
			    .policy = (enum bpfman_pull_policy)im->image_pull_policy,
			    .registry = &ro);

		if (im->image_pull_policy < 0 || im->image_pull_policy > 2) {
			grpc_call_error(call, GRPC_INVALID_ARGUMENT,
					"image_pull_policy %d is not 0 (Always), 1 (IfNotPresent) or 2 (Never)",
					im->image_pull_policy);
			goto out;
		}
		err = bpfman_program__load_image(&progs, &cnt, call->srv->ctx, im->url, &lo, &po);
	}
	if (err) {
		grpc_call_fail(call, err);
		goto out;
	}
	out.programs = arena_alloc(&a, cnt * sizeof(*out.programs));
	for (size_t i = 0; out.programs && i < cnt; i++) {
		Bpfman__V1__LoadResponseInfo *ri = arena_alloc(&a, sizeof(*ri));

		if (!ri)
			break;
		bpfman__v1__load_response_info__init(ri);
		ri->info = pb_program_info(&a, call->srv->ctx, progs[i], NULL, 0);
		ri->kernel_info = pb_kernel_info(&a, progs[i]);
		out.programs[out.n_programs++] = ri;
	}
	if (a.failed)
		grpc_call_error(call, GRPC_RESOURCE_EXHAUSTED,
				"the programs were loaded but the reply could not be built (out of memory); list them to see their IDs");
	else
		grpc_call_reply(call, &out);
out:
	bpfman_program_list__free(progs, cnt);
	arena_free(&a);
	bpfman__v1__load_request__free_unpacked(in, NULL);
}

static void do_unload(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Bpfman__V1__UnloadRequest *in;
	Bpfman__V1__UnloadResponse out = BPFMAN__V1__UNLOAD_RESPONSE__INIT;
	int err;

	in = UNPACK(call, Bpfman__V1__UnloadRequest, bpfman__v1__unload_request__unpack, req, len);
	if (!in)
		return;
	/* An operate caller may unload only a program it loaded. */
	if (!grpc_authorize_target(call, "Unload", BPFMAN_PROG_TYPE_UNSPEC, NULL, in->id, 0))
		goto out;
	err = bpfman_program__unload(call->srv->ctx, in->id, NULL);
	if (err) {
		grpc_call_fail(call, err);
	} else {
		grpc_call_reply(call, &out);
	}
out:
	bpfman__v1__unload_request__free_unpacked(in, NULL);
}

static void do_attach(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Bpfman__V1__AttachRequest *in;
	Bpfman__V1__AttachResponse out = BPFMAN__V1__ATTACH_RESPONSE__INIT;
	BPFMAN_OPTS(bpfman_attach_opts, ao);
	struct arena a = { 0 };
	const char *why = NULL;
	uint64_t link_id;
	int err;

	in = UNPACK(call, Bpfman__V1__AttachRequest, bpfman__v1__attach_request__unpack, req, len);
	if (!in)
		return;
	err = pb_attach_opts(&a, &ao, in->attach, &why);
	if (err) {
		grpc_call_error(call, grpc_status_from_errno(err) == GRPC_FAILED_PRECONDITION
					      ? GRPC_UNIMPLEMENTED : GRPC_INVALID_ARGUMENT,
				"%s", why);
		goto out;
	}
	/* A hook type the limits cannot name needs admin; else the owner rule
	 * and the limits apply to the program and the hook. */
	if (pb_attach_type(in->attach)
		    ? !grpc_authorize_target(call, "Attach", pb_attach_type(in->attach), ao.iface,
					     in->id, 0)
		    : !grpc_authorize(call, "Attach", BPFMAN_ROLE_ADMIN, BPFMAN_PROG_TYPE_UNSPEC,
				      NULL, NULL))
		goto out;
	err = bpfman_program__attach(&link_id, call->srv->ctx, in->id, &ao);
	if (err) {
		grpc_call_fail(call, err);
		goto out;
	}
	/* Our link IDs are issued from 1 upwards and stay far below 2^32;
	 * bpfman.v1 carries them as uint32. */
	out.link_id = (uint32_t)link_id;
	grpc_call_reply(call, &out);
out:
	arena_free(&a);
	bpfman__v1__attach_request__free_unpacked(in, NULL);
}

static void do_detach(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Bpfman__V1__DetachRequest *in;
	Bpfman__V1__DetachResponse out = BPFMAN__V1__DETACH_RESPONSE__INIT;
	int err;

	in = UNPACK(call, Bpfman__V1__DetachRequest, bpfman__v1__detach_request__unpack, req, len);
	if (!in)
		return;
	if (!grpc_authorize_target(call, "Detach", BPFMAN_PROG_TYPE_UNSPEC, NULL, 0, in->link_id))
		goto out;
	err = bpfman_link__detach(call->srv->ctx, in->link_id);
	if (err) {
		grpc_call_fail(call, err);
	} else {
		grpc_call_reply(call, &out);
	}
out:
	bpfman__v1__detach_request__free_unpacked(in, NULL);
}

static void do_list(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Bpfman__V1__ListRequest *in;
	Bpfman__V1__ListResponse out = BPFMAN__V1__LIST_RESPONSE__INIT;
	struct bpfman_program **progs = NULL;
	struct arena a = { 0 };
	size_t cnt = 0;
	int err;

	in = UNPACK(call, Bpfman__V1__ListRequest, bpfman__v1__list_request__unpack, req, len);
	if (!in)
		return;
	BPFMAN_OPTS(bpfman_list_opts, lo,
		    .all = !(in->_bpfman_programs_only_case && in->bpfman_programs_only),
		    .match_metadata = pb_kv(&a, (void *const *)in->match_metadata, in->n_match_metadata),
		    .match_metadata_cnt = in->n_match_metadata);
	err = bpfman_program__list(&progs, &cnt, call->srv->ctx, &lo);
	if (err) {
		grpc_call_fail(call, err);
		goto out;
	}
	out.results = arena_alloc(&a, cnt * sizeof(*out.results));
	for (size_t i = 0; out.results && i < cnt; i++) {
		Bpfman__V1__ListResponse__ListResult *r;

		/* program_type is bpfman's kind in the kernel's numbering. */
		if (in->_program_type_case && pb_kind(progs[i]) != in->program_type)
			continue;
		r = arena_alloc(&a, sizeof(*r));
		if (!r)
			break;
		bpfman__v1__list_response__list_result__init(r);
		if (bpfman_program__managed(progs[i])) {
			r->_info_case = BPFMAN__V1__LIST_RESPONSE__LIST_RESULT___INFO_INFO;
			r->info = pb_program_info(&a, call->srv->ctx, progs[i], progs, cnt);
		}
		r->kernel_info = pb_kernel_info(&a, progs[i]);
		out.results[out.n_results++] = r;
	}
	if (a.failed)
		grpc_call_error(call, GRPC_RESOURCE_EXHAUSTED, "out of memory building the list");
	else
		grpc_call_reply(call, &out);
out:
	bpfman_program_list__free(progs, cnt);
	arena_free(&a);
	bpfman__v1__list_request__free_unpacked(in, NULL);
}

static void do_pull(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Bpfman__V1__PullBytecodeRequest *in;
	Bpfman__V1__PullBytecodeResponse out = BPFMAN__V1__PULL_BYTECODE_RESPONSE__INIT;
	struct bpfman_image *img = NULL;
	int err;

	in = UNPACK(call, Bpfman__V1__PullBytecodeRequest, bpfman__v1__pull_bytecode_request__unpack, req, len);
	if (!in)
		return;
	if (!in->image || !*in->image->url) {
		grpc_call_error(call, GRPC_INVALID_ARGUMENT,
				"the PullBytecodeRequest has no image.url: give the image reference, e.g. quay.io/bpfman-bytecode/xdp_pass:latest");
		goto out;
	}
	if (in->image->image_pull_policy < 0 || in->image->image_pull_policy > 2) {
		grpc_call_error(call, GRPC_INVALID_ARGUMENT,
				"image_pull_policy %d is not 0 (Always), 1 (IfNotPresent) or 2 (Never)",
				in->image->image_pull_policy);
		goto out;
	}
	BPFMAN_OPTS(bpfman_registry_opts, ro,
		    .username = in->image->_username_case && *in->image->username ? in->image->username : NULL,
		    .password = in->image->_password_case && *in->image->password ? in->image->password : NULL);
	BPFMAN_OPTS(bpfman_pull_opts, po,
		    .policy = (enum bpfman_pull_policy)in->image->image_pull_policy,
		    .registry = &ro);
	if (!grpc_authorize(call, "PullBytecode", BPFMAN_ROLE_OPERATE, BPFMAN_PROG_TYPE_UNSPEC,
			    NULL, in->image->url))
		goto out;
	err = bpfman_image__pull(&img, call->srv->ctx, in->image->url, &po);
	if (err)
		grpc_call_fail(call, err);
	else
		grpc_call_reply(call, &out);
	bpfman_image__free(img);
out:
	bpfman__v1__pull_bytecode_request__free_unpacked(in, NULL);
}

static void do_get(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Bpfman__V1__GetRequest *in;
	Bpfman__V1__GetResponse out = BPFMAN__V1__GET_RESPONSE__INIT;
	struct bpfman_program *prog = NULL;
	struct arena a = { 0 };
	int err;

	in = UNPACK(call, Bpfman__V1__GetRequest, bpfman__v1__get_request__unpack, req, len);
	if (!in)
		return;
	err = bpfman_program__get(&prog, call->srv->ctx, in->id);
	if (err) {
		grpc_call_fail(call, err);
		goto out;
	}
	/* A program we do not manage: the kernel's view only. */
	if (bpfman_program__managed(prog)) {
		out._info_case = BPFMAN__V1__GET_RESPONSE___INFO_INFO;
		out.info = pb_program_info(&a, call->srv->ctx, prog, NULL, 0);
	}
	out.kernel_info = pb_kernel_info(&a, prog);
	if (a.failed)
		grpc_call_error(call, GRPC_RESOURCE_EXHAUSTED, "out of memory building the reply");
	else
		grpc_call_reply(call, &out);
out:
	bpfman_program__free(prog);
	arena_free(&a);
	bpfman__v1__get_request__free_unpacked(in, NULL);
}

const struct grpc_method svc_bpfman_methods[] = {
	{ "/bpfman.v1.Bpfman/Load", BPFMAN_ROLE_OPERATE, do_load, false },
	{ "/bpfman.v1.Bpfman/Unload", BPFMAN_ROLE_OPERATE, do_unload, false },
	{ "/bpfman.v1.Bpfman/Attach", BPFMAN_ROLE_OPERATE, do_attach, false },
	{ "/bpfman.v1.Bpfman/Detach", BPFMAN_ROLE_OPERATE, do_detach, false },
	{ "/bpfman.v1.Bpfman/List", BPFMAN_ROLE_READ, do_list, false },
	{ "/bpfman.v1.Bpfman/PullBytecode", BPFMAN_ROLE_OPERATE, do_pull, false },
	{ "/bpfman.v1.Bpfman/Get", BPFMAN_ROLE_READ, do_get, false },
	{ NULL, 0, NULL, false },
};
