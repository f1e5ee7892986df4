/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libbpfman.v1.Manager: programs as recorded (their owner included), links,
 * chains, in-place updates, the image cache, reconcile/restore reports, and
 * Watch (events.c: the library's change feed, not these handlers, feeds
 * it). One library call per RPC, as in svc_bpfman.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "manager.pb-c.h"
#include "pb_convert.h"
#include "server.h"

static Libbpfman__V1__LinkInfo *link_info(struct arena *a, const struct bpfman_link *l)
{
	Libbpfman__V1__LinkInfo *li = arena_alloc(a, sizeof(*li));
	size_t n = bpfman_link__metadata_cnt(l);

	if (!li)
		return NULL;
	libbpfman__v1__link_info__init(li);
	li->id = bpfman_link__id(l);
	li->program_id = bpfman_link__program_id(l);
	li->type = (Libbpfman__V1__ProgramType)bpfman_link__type(l);
	li->retprobe = bpfman_link__retprobe(l);
	li->tracepoint = (char *)bpfman_link__tracepoint(l);
	li->fn_name = (char *)bpfman_link__fn_name(l);
	li->offset = bpfman_link__offset(l);
	li->target = (char *)bpfman_link__target(l);
	li->pid = bpfman_link__pid(l);
	li->iface = (char *)bpfman_link__iface(l);
	li->priority = bpfman_link__priority(l);
	li->proceed_on = bpfman_link__proceed_on(l);
	li->direction = (Libbpfman__V1__Direction)bpfman_link__direction(l);
	li->netns = (char *)bpfman_link__netns(l);
	li->position = bpfman_link__position(l);
	li->pin_path = (char *)bpfman_link__pin_path(l);
	li->kernel_link_id = bpfman_link__kernel_link_id(l);
	li->metadata = arena_alloc(a, n * sizeof(*li->metadata));
	for (size_t i = 0; li->metadata && i < n; i++) {
		Libbpfman__V1__LinkInfo__MetadataEntry *e = arena_alloc(a, sizeof(*e));

		if (!e)
			return NULL;
		libbpfman__v1__link_info__metadata_entry__init(e);
		e->key = (char *)bpfman_link__metadata_key(l, i);
		e->value = (char *)bpfman_link__metadata_value(l, i);
		li->metadata[li->n_metadata++] = e;
	}
	return a->failed ? NULL : li;
}

static void reply_or_oom(struct grpc_call *call, struct arena *a, const void *msg)
{
	if (a->failed)
		grpc_call_error(call, GRPC_RESOURCE_EXHAUSTED, "out of memory building the reply");
	else
		grpc_call_reply(call, msg);
}

/* The owner filter of a List request (bpfman_list_opts.owner): *ret_want
 * is NULL for none, "" for the programs without one, the caller's own
 * owner string (in me) for mine. False when the call was answered with an
 * error. */
static bool owner_filter(struct grpc_call *call, const char *what, bool has_owner,
			 const char *owner, bool mine, char *me, size_t me_size,
			 const char **ret_want)
{
	*ret_want = has_owner ? owner : NULL;
	if (mine && has_owner) {
		grpc_call_error(call, GRPC_INVALID_ARGUMENT,
				"the %sRequest sets both mine and owner: give one (mine is the caller's own owner string)",
				what);
		return false;
	}
	if (!mine)
		return true;
	grpc_identity_name(call, me, me_size);
	if (!*me) {
		grpc_call_error(call, GRPC_FAILED_PRECONDITION,
				"%s with mine: the caller (%s) has no identity a program could be recorded under",
				what, call->peer->desc);
		return false;
	}
	*ret_want = me;
	return true;
}

static void list_links(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Libbpfman__V1__ListLinksRequest *in;
	Libbpfman__V1__ListLinksResponse out = LIBBPFMAN__V1__LIST_LINKS_RESPONSE__INIT;
	struct bpfman_link **links = NULL;
	struct arena a = { 0 };
	char me[1100];
	const char *want;
	size_t cnt = 0;
	int err;

	in = UNPACK(call, Libbpfman__V1__ListLinksRequest, libbpfman__v1__list_links_request__unpack, req, len);
	if (!in)
		return;
	if (!owner_filter(call, "ListLinks", in->_owner_case, in->owner, in->mine, me, sizeof(me), &want))
		goto out;
	BPFMAN_OPTS(bpfman_list_opts, lo,
		    .type = (enum bpfman_program_type)in->type,
		    .program_id = in->program_id,
		    .match_metadata = pb_kv(&a, (void *const *)in->match_metadata, in->n_match_metadata),
		    .match_metadata_cnt = in->n_match_metadata,
		    .owner = want);
	err = bpfman_link__list(&links, &cnt, call->srv->ctx, &lo);
	if (err) {
		grpc_call_fail(call, err);
		goto out;
	}
	out.links = arena_alloc(&a, cnt * sizeof(*out.links));
	for (size_t i = 0; out.links && i < cnt; i++)
		out.links[out.n_links++] = link_info(&a, links[i]);
	reply_or_oom(call, &a, &out);
out:
	bpfman_link_list__free(links, cnt);
	arena_free(&a);
	libbpfman__v1__list_links_request__free_unpacked(in, NULL);
}

static void get_link(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Libbpfman__V1__GetLinkRequest *in;
	struct bpfman_link *l = NULL;
	struct arena a = { 0 };
	int err;

	in = UNPACK(call, Libbpfman__V1__GetLinkRequest, libbpfman__v1__get_link_request__unpack, req, len);
	if (!in)
		return;
	err = bpfman_link__get(&l, call->srv->ctx, in->id);
	if (err) {
		grpc_call_fail(call, err);
	} else {
		Libbpfman__V1__LinkInfo *li = link_info(&a, l);

		if (li)
			grpc_call_reply(call, li);
		else
			grpc_call_error(call, GRPC_RESOURCE_EXHAUSTED, "out of memory building the reply");
	}
	bpfman_link__free(l);
	arena_free(&a);
	libbpfman__v1__get_link_request__free_unpacked(in, NULL);
}

static void get_chain(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Libbpfman__V1__GetChainRequest *in;
	Libbpfman__V1__Chain out = LIBBPFMAN__V1__CHAIN__INIT;
	struct bpfman_chain *ch = NULL;
	struct arena a = { 0 };
	size_t n;
	int err;

	in = UNPACK(call, Libbpfman__V1__GetChainRequest, libbpfman__v1__get_chain_request__unpack, req, len);
	if (!in)
		return;
	BPFMAN_OPTS(bpfman_chain_opts, co,
		    .type = (enum bpfman_program_type)in->type,
		    .iface = in->iface,
		    .direction = (enum bpfman_direction)in->direction,
		    .netns = *in->netns ? in->netns : NULL);
	err = bpfman_chain__get(&ch, call->srv->ctx, &co);
	if (err) {
		grpc_call_fail(call, err);
		goto out;
	}
	out.dispatcher_id = bpfman_chain__dispatcher_id(ch);
	out.xdp_mode = (char *)(bpfman_chain__xdp_mode(ch) ? bpfman_chain__xdp_mode(ch) : "");
	n = bpfman_chain__cnt(ch);
	out.entries = arena_alloc(&a, n * sizeof(*out.entries));
	for (size_t i = 0; out.entries && i < n; i++) {
		Libbpfman__V1__ChainEntry *e = arena_alloc(&a, sizeof(*e));

		if (!e)
			break;
		libbpfman__v1__chain_entry__init(e);
		e->program_id = bpfman_chain__prog_id(ch, i);
		e->program_name = (char *)bpfman_chain__prog_name(ch, i);
		e->priority = bpfman_chain__priority(ch, i);
		e->proceed_on = bpfman_chain__proceed_on(ch, i);
		e->link_id = bpfman_chain__link_id(ch, i);
		out.entries[out.n_entries++] = e;
	}
	reply_or_oom(call, &a, &out);
out:
	bpfman_chain__free(ch);
	arena_free(&a);
	libbpfman__v1__get_chain_request__free_unpacked(in, NULL);
}

static void update_link(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Libbpfman__V1__UpdateLinkRequest *in;
	struct bpfman_link *l = NULL;
	struct arena a = { 0 };
	int err;

	in = UNPACK(call, Libbpfman__V1__UpdateLinkRequest, libbpfman__v1__update_link_request__unpack, req, len);
	if (!in)
		return;
	/* The owner rule and the caller's limits apply to the link's program
	 * and interface. */
	if (!grpc_authorize_target(call, "UpdateLink", BPFMAN_PROG_TYPE_UNSPEC, NULL, 0, in->id))
		goto out;
	BPFMAN_OPTS(bpfman_link_update_opts, uo,
		    .set_priority = in->_priority_case != 0,
		    .priority = in->_priority_case ? in->priority : 0,
		    .proceed_on = in->proceed_on);
	if ((err = bpfman_link__update(call->srv->ctx, in->id, &uo)) ||
	    (err = bpfman_link__get(&l, call->srv->ctx, in->id))) {
		grpc_call_fail(call, err);
		goto out;
	}
	Libbpfman__V1__LinkInfo *li = link_info(&a, l);
	if (li)
		grpc_call_reply(call, li);
	else
		grpc_call_error(call, GRPC_RESOURCE_EXHAUSTED, "out of memory building the reply");
out:
	bpfman_link__free(l);
	arena_free(&a);
	libbpfman__v1__update_link_request__free_unpacked(in, NULL);
}

static Libbpfman__V1__ImageInfo *image_info(struct arena *a, const struct bpfman_image *im)
{
	Libbpfman__V1__ImageInfo *ii = arena_alloc(a, sizeof(*ii));
	size_t n = bpfman_image__label_cnt(im), m = bpfman_image__program_cnt(im);

	if (!ii)
		return NULL;
	libbpfman__v1__image_info__init(ii);
	ii->reference = arena_strdup(a, bpfman_image__reference(im));
	ii->digest = arena_strdup(a, bpfman_image__digest(im));
	ii->index_digest = arena_strdup(a, bpfman_image__index_digest(im));
	ii->platform = arena_strdup(a, bpfman_image__platform(im));
	ii->size = bpfman_image__size(im);
	ii->labels = arena_alloc(a, n * sizeof(*ii->labels));
	for (size_t i = 0; ii->labels && i < n; i++) {
		Libbpfman__V1__ImageInfo__LabelsEntry *e = arena_alloc(a, sizeof(*e));

		if (!e)
			return NULL;
		libbpfman__v1__image_info__labels_entry__init(e);
		e->key = arena_strdup(a, bpfman_image__label_key(im, i));
		e->value = arena_strdup(a, bpfman_image__label_value(im, i));
		ii->labels[ii->n_labels++] = e;
	}
	ii->programs = arena_alloc(a, m * sizeof(*ii->programs));
	for (size_t i = 0; ii->programs && i < m; i++) {
		Libbpfman__V1__ImageProgram *p = arena_alloc(a, sizeof(*p));

		if (!p)
			return NULL;
		libbpfman__v1__image_program__init(p);
		p->name = arena_strdup(a, bpfman_image__program_name(im, i));
		p->type = (Libbpfman__V1__ProgramType)bpfman_image__program_type(im, i);
		ii->programs[ii->n_programs++] = p;
	}
	return a->failed ? NULL : ii;
}

static void list_images(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Libbpfman__V1__ListImagesResponse out = LIBBPFMAN__V1__LIST_IMAGES_RESPONSE__INIT;
	struct bpfman_image **ims = NULL;
	struct arena a = { 0 };
	size_t cnt = 0;
	int err;

	(void)req;
	(void)len;
	err = bpfman_image__list(&ims, &cnt, call->srv->ctx);
	if (err) {
		grpc_call_fail(call, err);
		return;
	}
	out.images = arena_alloc(&a, cnt * sizeof(*out.images));
	for (size_t i = 0; out.images && i < cnt; i++)
		out.images[out.n_images++] = image_info(&a, ims[i]);
	reply_or_oom(call, &a, &out);
	bpfman_image_list__free(ims, cnt);
	arena_free(&a);
}

static void inspect_image(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Libbpfman__V1__InspectImageRequest *in;
	struct bpfman_image *im = NULL;
	struct arena a = { 0 };
	int err;

	in = UNPACK(call, Libbpfman__V1__InspectImageRequest, libbpfman__v1__inspect_image_request__unpack, req, len);
	if (!in)
		return;
	err = bpfman_image__get(&im, call->srv->ctx, in->reference);
	if (err) {
		grpc_call_fail(call, err);
	} else {
		Libbpfman__V1__ImageInfo *ii = image_info(&a, im);

		if (ii)
			grpc_call_reply(call, ii);
		else
			grpc_call_error(call, GRPC_RESOURCE_EXHAUSTED, "out of memory building the reply");
	}
	bpfman_image__free(im);
	arena_free(&a);
	libbpfman__v1__inspect_image_request__free_unpacked(in, NULL);
}

/* Signatures under the daemon's signing policy, without pulling or loading:
 * a result when one valid trusted signature is found, else
 * FAILED_PRECONDITION saying what was found. */
static void verify_image(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Libbpfman__V1__VerifyImageRequest *in;
	Libbpfman__V1__VerifyImageResponse out = LIBBPFMAN__V1__VERIFY_IMAGE_RESPONSE__INIT;
	struct bpfman_signature_result *r = NULL;
	struct arena a = { 0 };
	size_t n;
	int err;

	in = UNPACK(call, Libbpfman__V1__VerifyImageRequest, libbpfman__v1__verify_image_request__unpack, req, len);
	if (!in)
		return;
	if (!*in->reference) {
		grpc_call_error(call, GRPC_INVALID_ARGUMENT,
				"the VerifyImageRequest has no reference: give the image, e.g. quay.io/bpfman-bytecode/xdp_pass:latest");
		goto out;
	}
	/* The daemon's registry credentials are used: a rule's image
	 * prefixes limit which images a caller may have it look at. */
	if (!grpc_authorize(call, "VerifyImage", BPFMAN_ROLE_OPERATE, BPFMAN_PROG_TYPE_UNSPEC, NULL,
			    in->reference))
		goto out;
	BPFMAN_OPTS(bpfman_registry_opts, ro,
		    .username = in->_username_case && *in->username ? in->username : NULL,
		    .password = in->_password_case && *in->password ? in->password : NULL);
	BPFMAN_OPTS(bpfman_verify_opts, vo, .registry = &ro);
	if ((err = bpfman_image__verify(&r, call->srv->ctx, in->reference, &vo))) {
		grpc_call_fail(call, err);
		goto out;
	}
	n = bpfman_signature_result__cnt(r);
	if (!bpfman_signature_result__verified(r)) {
		char *msg = arena_printf(&a, "image %s (%s) has no valid trusted signature under the signing rule for %s:%s",
					 bpfman_signature_result__reference(r),
					 bpfman_signature_result__digest(r),
					 bpfman_signature_result__rule(r),
					 n ? "" : " it has no signature (sign it: bpfmanctl image sign, or cosign sign)");

		for (size_t i = 0; msg && i < n; i++)
			msg = arena_printf(&a, "%s%s %s: %s (%s)", msg, i ? ";" : "",
					   bpfman_signature_result__format(r, i),
					   bpfman_signature_result__status(r, i),
					   bpfman_signature_result__detail(r, i));
		grpc_call_error(call, GRPC_FAILED_PRECONDITION, "%s",
				msg ? msg : "the image has no valid trusted signature");
		goto out;
	}
	out.reference = (char *)bpfman_signature_result__reference(r);
	out.digest = (char *)bpfman_signature_result__digest(r);
	out.rule = (char *)bpfman_signature_result__rule(r);
	out.signatures = arena_alloc(&a, n * sizeof(*out.signatures));
	for (size_t i = 0; out.signatures && i < n; i++) {
		Libbpfman__V1__Signature *sg = arena_alloc(&a, sizeof(*sg));

		if (!sg)
			break;
		libbpfman__v1__signature__init(sg);
		sg->ok = bpfman_signature_result__ok(r, i);
		sg->format = (char *)bpfman_signature_result__format(r, i);
		sg->status = (char *)bpfman_signature_result__status(r, i);
		sg->signer = (char *)bpfman_signature_result__signer(r, i);
		sg->detail = (char *)bpfman_signature_result__detail(r, i);
		out.signatures[out.n_signatures++] = sg;
	}
	reply_or_oom(call, &a, &out);
out:
	bpfman_signature_result__free(r);
	arena_free(&a);
	libbpfman__v1__verify_image_request__free_unpacked(in, NULL);
}

static void report(struct grpc_call *call, bool restore)
{
	Libbpfman__V1__Report out = LIBBPFMAN__V1__REPORT__INIT;
	struct bpfman_report *r = NULL;
	struct arena a = { 0 };
	size_t n;
	int err;

	err = restore ? bpfman_restore(&r, call->srv->ctx) : bpfman_reconcile(&r, call->srv->ctx);
	if (err) {
		grpc_call_fail(call, err);
		return;
	}
	n = bpfman_report__cnt(r);
	out.failures = (uint32_t)bpfman_report__failures(r);
	out.items = arena_alloc(&a, n * sizeof(*out.items));
	for (size_t i = 0; out.items && i < n; i++) {
		Libbpfman__V1__ReportItem *it = arena_alloc(&a, sizeof(*it));

		if (!it)
			break;
		libbpfman__v1__report_item__init(it);
		it->kind = (Libbpfman__V1__ReportItem__Kind)bpfman_report__kind(r, i);
		it->error = bpfman_report__error(r, i);
		it->old_id = bpfman_report__old_id(r, i);
		it->new_id = bpfman_report__new_id(r, i);
		it->message = (char *)bpfman_report__message(r, i);
		out.items[out.n_items++] = it;
	}
	reply_or_oom(call, &a, &out);
	bpfman_report__free(r);
	arena_free(&a);
}

static void reconcile(struct grpc_call *call, const uint8_t *req, size_t len)
{
	(void)req;
	(void)len;
	report(call, false);
}

static void restore(struct grpc_call *call, const uint8_t *req, size_t len)
{
	(void)req;
	(void)len;
	report(call, true);
}

static Libbpfman__V1__Program *program_msg(struct arena *a, const struct bpfman_program *p)
{
	Libbpfman__V1__Program *pm = arena_alloc(a, sizeof(*pm));
	size_t n = bpfman_program__metadata_cnt(p), nl = bpfman_program__link_cnt(p);
	const char *owner = bpfman_program__owner(p);

	if (!pm)
		return NULL;
	libbpfman__v1__program__init(pm);
	pm->id = bpfman_program__id(p);
	pm->type = (Libbpfman__V1__ProgramType)bpfman_program__type(p);
	pm->name = (char *)bpfman_program__name(p);
	pm->owner = (char *)(owner ? owner : "");
	pm->application = (char *)bpfman_program__application(p);
	pm->map_owner_id = bpfman_program__map_owner_id(p);
	pm->path = (char *)bpfman_program__path(p);
	pm->attach_func = (char *)bpfman_program__attach_func(p);
	pm->retprobe = bpfman_program__retprobe(p);
	pm->pin_path = (char *)bpfman_program__pin_path(p);
	pm->map_pin_dir = (char *)bpfman_program__map_pin_dir(p);
	pm->status = (char *)bpfman_status_name(bpfman_program__status(p));
	pm->loaded_at_unix = bpfman_program__loaded_at(p);
	pm->link_ids = arena_alloc(a, nl * sizeof(*pm->link_ids));
	for (size_t i = 0; pm->link_ids && i < nl; i++)
		pm->link_ids[pm->n_link_ids++] = bpfman_program__link_id(p, i);
	pm->metadata = arena_alloc(a, n * sizeof(*pm->metadata));
	for (size_t i = 0; pm->metadata && i < n; i++) {
		Libbpfman__V1__Program__MetadataEntry *e = arena_alloc(a, sizeof(*e));

		if (!e)
			return NULL;
		libbpfman__v1__program__metadata_entry__init(e);
		e->key = (char *)bpfman_program__metadata_key(p, i);
		e->value = (char *)bpfman_program__metadata_value(p, i);
		pm->metadata[pm->n_metadata++] = e;
	}
	return a->failed ? NULL : pm;
}

static void list_programs(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Libbpfman__V1__ListProgramsRequest *in;
	Libbpfman__V1__ListProgramsResponse out = LIBBPFMAN__V1__LIST_PROGRAMS_RESPONSE__INIT;
	struct bpfman_program **progs = NULL;
	struct arena a = { 0 };
	char me[1100];
	const char *want;
	size_t cnt = 0;
	int err;

	in = UNPACK(call, Libbpfman__V1__ListProgramsRequest, libbpfman__v1__list_programs_request__unpack, req, len);
	if (!in)
		return;
	if (!owner_filter(call, "ListPrograms", in->_owner_case, in->owner, in->mine, me, sizeof(me),
			  &want))
		goto out;
	BPFMAN_OPTS(bpfman_list_opts, lo,
		    .type = (enum bpfman_program_type)in->type,
		    .application = *in->application ? in->application : NULL,
		    .match_metadata = pb_kv(&a, (void *const *)in->match_metadata, in->n_match_metadata),
		    .match_metadata_cnt = in->n_match_metadata,
		    .owner = want);
	err = bpfman_program__list(&progs, &cnt, call->srv->ctx, &lo);
	if (err) {
		grpc_call_fail(call, err);
		goto out;
	}
	out.programs = arena_alloc(&a, cnt * sizeof(*out.programs));
	for (size_t i = 0; out.programs && i < cnt; i++)
		out.programs[out.n_programs++] = program_msg(&a, progs[i]);
	reply_or_oom(call, &a, &out);
out:
	bpfman_program_list__free(progs, cnt);
	arena_free(&a);
	libbpfman__v1__list_programs_request__free_unpacked(in, NULL);
}

static void get_program(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Libbpfman__V1__GetProgramRequest *in;
	Libbpfman__V1__Program *pm;
	struct bpfman_program *p = NULL;
	struct arena a = { 0 };
	int err;

	in = UNPACK(call, Libbpfman__V1__GetProgramRequest, libbpfman__v1__get_program_request__unpack, req, len);
	if (!in)
		return;
	err = bpfman_program__get(&p, call->srv->ctx, in->id);
	if (err) {
		grpc_call_fail(call, err);
		goto out;
	}
	/* bpfman_program__get also finds programs it does not manage: they
	 * have no record (bpfman.v1 Get shows the kernel's view of them). */
	if (!bpfman_program__managed(p)) {
		grpc_call_error(call, GRPC_NOT_FOUND,
				"program %u is not managed by libbpfman, so it has no record (bpfman.v1.Bpfman/Get shows the kernel's view of it)",
				in->id);
		goto out;
	}
	pm = program_msg(&a, p);
	if (pm)
		grpc_call_reply(call, pm);
	else
		grpc_call_error(call, GRPC_RESOURCE_EXHAUSTED, "out of memory building the reply");
out:
	bpfman_program__free(p);
	arena_free(&a);
	libbpfman__v1__get_program_request__free_unpacked(in, NULL);
}

const struct grpc_method svc_manager_methods[] = {
	{ "/libbpfman.v1.Manager/ListLinks", BPFMAN_ROLE_READ, list_links, false },
	{ "/libbpfman.v1.Manager/GetLink", BPFMAN_ROLE_READ, get_link, false },
	{ "/libbpfman.v1.Manager/GetChain", BPFMAN_ROLE_READ, get_chain, false },
	{ "/libbpfman.v1.Manager/UpdateLink", BPFMAN_ROLE_OPERATE, update_link, false },
	{ "/libbpfman.v1.Manager/ListImages", BPFMAN_ROLE_READ, list_images, false },
	{ "/libbpfman.v1.Manager/InspectImage", BPFMAN_ROLE_READ, inspect_image, false },
	{ "/libbpfman.v1.Manager/Reconcile", BPFMAN_ROLE_ADMIN, reconcile, false },
	{ "/libbpfman.v1.Manager/Restore", BPFMAN_ROLE_ADMIN, restore, false },
	{ "/libbpfman.v1.Manager/Watch", BPFMAN_ROLE_READ, NULL, false, true },
	{ "/libbpfman.v1.Manager/VerifyImage", BPFMAN_ROLE_OPERATE, verify_image, false },
	{ "/libbpfman.v1.Manager/ListPrograms", BPFMAN_ROLE_READ, list_programs, false },
	{ "/libbpfman.v1.Manager/GetProgram", BPFMAN_ROLE_READ, get_program, false },
	{ NULL, 0, NULL, false },
};
