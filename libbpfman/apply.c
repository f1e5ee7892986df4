// SPDX-License-Identifier: Apache-2.0
/* The apply engine: for each object, compare the document with what its
 * owner (kind/name) has now and act (or, for a plan, only say what it
 * would do). One code path for plan and run, so diff never lies about
 * apply. Ownership is metadata on the programs and links apply creates
 * (APPLY_META_*), kept in the state database with them. */
#include "internal.h"
#include "apply_internal.h"
#include "image/auth.h"
#include "image/reference.h"
#include "netns.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum mode { MODE_PLAN, MODE_RUN, MODE_DELETE };

struct engine {
	struct bpfman_ctx *ctx;
	const struct bpfman_manifest *manifest;
	const struct bpfman_apply_opts *opts;
	struct apply_node node;
	struct bpfman_apply_result *res;
	enum mode mode;
};

/* One attach point wanted by a document. */
struct point {
	char key[320];
	struct bpfman_attach_opts opts;
};

static char *owner_of(const struct apply_obj *o)
{
	return str_printf("%s/%s", o->kind, o->name);
}

static int owned_programs(struct engine *e, const char *owner, struct bpfman_program ***ret,
			  size_t *ret_cnt)
{
	struct bpfman_kv want = { APPLY_META_OWNER, owner };
	BPFMAN_OPTS(bpfman_list_opts, lo, .match_metadata = &want, .match_metadata_cnt = 1);

	return bpfman_program__list(ret, ret_cnt, e->ctx, &lo);
}

static const char *meta_get(size_t cnt, const char *(*key)(const void *, size_t),
			    const char *(*val)(const void *, size_t), const void *obj,
			    const char *k)
{
	for (size_t i = 0; i < cnt; i++)
		if (!strcmp(key(obj, i), k))
			return val(obj, i);
	return NULL;
}

static const char *pk(const void *p, size_t i) { return bpfman_program__metadata_key(p, i); }
static const char *pv(const void *p, size_t i) { return bpfman_program__metadata_value(p, i); }
static const char *lk(const void *l, size_t i) { return bpfman_link__metadata_key(l, i); }
static const char *lv(const void *l, size_t i) { return bpfman_link__metadata_value(l, i); }

static const char *prog_meta(const struct bpfman_program *p, const char *k)
{
	return meta_get(bpfman_program__metadata_cnt(p), pk, pv, p, k);
}

static const char *link_meta(const struct bpfman_link *l, const char *k)
{
	return meta_get(bpfman_link__metadata_cnt(l), lk, lv, l, k);
}

/* FNV-1a: detects a changed document, not an adversary (the bytecode's
 * identity is its image digest, checked separately). */
static void fnv(uint64_t *h, const void *buf, size_t len)
{
	const unsigned char *b = buf;

	for (size_t i = 0; i < len; i++) {
		*h ^= b[i];
		*h *= 0x100000001b3ULL;
	}
	*h ^= 0xff; /* field separator */
	*h *= 0x100000001b3ULL;
}

static void fnv_str(uint64_t *h, const char *s)
{
	fnv(h, s ? s : "", s ? strlen(s) : 0);
}

static int file_hash(uint64_t *h, const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char buf[65536];
	size_t n;

	if (!f)
		return -errno;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fnv(h, buf, n);
	return ferror(f) ? -EIO : 0;
}

/* What the loaded program depends on: function, bytecode, globals, map
 * owner, probe flavour, fentry/fexit target. Attach points, priority and
 * proceed-on are not part of it: they change without a reload. */
static int spec_digest(struct engine *e, const struct apply_obj *o, uint32_t map_owner,
		       char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	char num[32];

	fnv_str(&h, o->kind);
	fnv_str(&h, o->function);
	fnv_str(&h, o->image_url);
	fnv_str(&h, o->path);
	if (o->path) {
		int err = file_hash(&h, o->path);

		if (err)
			return bpfman_err(e->ctx, err, "%s: spec.bytecode.path %s: %s", o->origin,
					  o->path, strerror(-err));
	}
	for (size_t i = 0; i < o->globals_cnt; i++) {
		fnv_str(&h, o->globals[i].name);
		fnv(&h, o->globals[i].value, o->globals[i].size);
	}
	snprintf(num, sizeof(num), "%u/%d", map_owner, o->retprobe);
	fnv_str(&h, num);
	if (o->type == BPFMAN_PROG_TYPE_FENTRY || o->type == BPFMAN_PROG_TYPE_FEXIT)
		fnv_str(&h, o->func_name);
	snprintf(out, 17, "%016llx", (unsigned long long)h);
	return 0;
}

static uint32_t want_proceed(const struct apply_obj *o)
{
	enum bpfman_program_type t = o->type == BPFMAN_PROG_TYPE_XDP ? BPFMAN_PROG_TYPE_XDP
								      : BPFMAN_PROG_TYPE_TC;

	return o->proceed_on ? o->proceed_on : bpfman_proceed_on_default(t);
}

static bool is_net(const struct apply_obj *o)
{
	return o->type == BPFMAN_PROG_TYPE_XDP || o->type == BPFMAN_PROG_TYPE_TC ||
	       o->type == BPFMAN_PROG_TYPE_TCX;
}

/* The document's attach points on this node. */
static int resolve_points(struct engine *e, const struct apply_obj *o, struct point **ret,
			  size_t *ret_cnt)
{
	_cleanup_free_ char *primary = NULL;
	struct point *pts;
	size_t n = 0, max;
	int err;

	max = o->interfaces_cnt + o->tracepoints_cnt + 1;
	pts = calloc(max, sizeof(*pts));
	if (!pts)
		return -ENOMEM;
	if (is_net(o)) {
		size_t cnt = o->primary_iface ? 1 : o->interfaces_cnt;
		const char *netns = OPTS_GET(e->opts, netns, NULL);
		struct netns_guard guard;

		/* Interfaces are the node's: looked up in its namespace. */
		err = netns_enter(e->ctx, netns, &guard);
		if (err) {
			free(pts);
			return err;
		}
		if (o->primary_iface) {
			err = apply_primary_iface(e->ctx, &primary);
			if (err) {
				netns_leave(&guard);
				free(pts);
				return err;
			}
		}
		for (size_t i = 0; i < cnt; i++) {
			const char *ifn = o->primary_iface ? primary : o->interfaces[i];
			struct point *p = &pts[n++];

			if (!if_nametoindex(ifn)) {
				netns_leave(&guard);
				free(pts);
				return bpfman_err(e->ctx, -ENODEV,
						  "interface %s does not exist on node %s%s%s; fix spec.interfaceselector or create the interface",
						  ifn, e->node.name,
						  str_empty(netns) ? "" : " in network namespace ",
						  str_empty(netns) ? "" : netns);
			}
			bpfman_attach_opts_init(&p->opts, sizeof(p->opts));
			if (o->type == BPFMAN_PROG_TYPE_XDP)
				snprintf(p->key, sizeof(p->key), "%s", ifn);
			else
				snprintf(p->key, sizeof(p->key), "%s/%s", ifn,
					 o->direction == BPFMAN_DIRECTION_INGRESS ? "ingress" : "egress");
			p->opts.priority = o->priority;
			p->opts.proceed_on = o->type == BPFMAN_PROG_TYPE_TCX ? 0 : want_proceed(o);
			p->opts.direction = o->direction;
			p->opts.netns = str_empty(netns) ? NULL : netns;
		}
		netns_leave(&guard);
		/* attach_point() passes the interface part of the key */
	} else if (o->type == BPFMAN_PROG_TYPE_TRACEPOINT) {
		for (size_t i = 0; i < o->tracepoints_cnt; i++) {
			struct point *p = &pts[n++];

			bpfman_attach_opts_init(&p->opts, sizeof(p->opts));
			snprintf(p->key, sizeof(p->key), "%s", o->tracepoints[i]);
			p->opts.tracepoint = o->tracepoints[i];
		}
	} else {
		struct point *p = &pts[n++];
		char off[32] = "";

		bpfman_attach_opts_init(&p->opts, sizeof(p->opts));
		if (o->offset)
			snprintf(off, sizeof(off), "+0x%llx", (unsigned long long)o->offset);
		if (o->type == BPFMAN_PROG_TYPE_UPROBE) {
			if (o->pid)
				snprintf(p->key, sizeof(p->key), "%s:%s%s pid %d", o->target,
					 str_or_empty(o->func_name), off, o->pid);
			else
				snprintf(p->key, sizeof(p->key), "%s:%s%s", o->target,
					 str_or_empty(o->func_name), off);
			p->opts.target = o->target;
			p->opts.pid = o->pid;
		} else {
			snprintf(p->key, sizeof(p->key), "%s%s", o->func_name, off);
		}
		if (o->type == BPFMAN_PROG_TYPE_KPROBE || o->type == BPFMAN_PROG_TYPE_UPROBE) {
			p->opts.fn_name = o->func_name;
			p->opts.offset = o->offset;
		}
	}
	*ret = pts;
	*ret_cnt = n;
	return 0;
}

/* The interface name of a network point (the key may carry "/ingress"). */
static void point_iface(const struct point *p, char *out, size_t sz)
{
	size_t n = strcspn(p->key, "/");

	if (n >= sz)
		n = sz - 1;
	memcpy(out, p->key, n);
	out[n] = 0;
}

static int object_fail(struct engine *e, size_t idx, int err)
{
	struct apply_result_obj *r = &e->res->objs[idx];
	const char *msg = bpfman_errmsg(e->ctx);

	r->outcome = BPFMAN_APPLY_FAILED;
	r->error = err < 0 ? err : -EINVAL;
	free(r->message);
	r->message = strdup(*msg ? msg : strerror(-r->error));
	return 0;
}

static void entries_for_prog(struct engine *e, size_t idx, const struct bpfman_program *p,
			     const char *cond, const char *reason, const char *msg)
{
	bool any = false;

	for (size_t i = 0; i < bpfman_program__link_cnt(p); i++) {
		struct bpfman_link *l = NULL;
		struct apply_entry *ent;
		const char *ap;

		if (bpfman_link__get(&l, e->ctx, bpfman_program__link_id(p, i)))
			continue;
		ap = link_meta(l, APPLY_META_ATTACH);
		ent = result_add_entry(e->res, idx, ap ? ap : "", cond, reason, msg);
		if (ent) {
			ent->prog_id = bpfman_program__id(p);
			ent->link_id = bpfman_link__id(l);
			result_entry_maps(ent, bpfman_program__map_pin_dir(p));
		}
		bpfman_link__free(l);
		any = true;
	}
	if (!any) {
		struct apply_entry *ent = result_add_entry(e->res, idx, "", cond, reason, msg);

		if (ent) {
			ent->prog_id = bpfman_program__id(p);
			result_entry_maps(ent, bpfman_program__map_pin_dir(p));
		}
	}
}

static int unload_progs(struct engine *e, size_t idx, struct bpfman_program **progs, size_t cnt)
{
	for (size_t i = 0; i < cnt; i++) {
		uint32_t id = bpfman_program__id(progs[i]);
		int err;

		result_add_action(e->res, idx, BPFMAN_APPLY_UNLOAD, "", "program %u (%s)", id,
				  bpfman_program__name(progs[i]));
		if (e->mode == MODE_PLAN)
			continue;
		BPFMAN_OPTS(bpfman_unload_opts, uo, .force = true);
		err = bpfman_program__unload(e->ctx, id, &uo);
		if (err && err != -ENOENT)
			return err;
	}
	return 0;
}

/* Whether the document's image must come from the registry (so its pull
 * secret matters): policy Always, or IfNotPresent and not cached yet. As
 * with the kubelet's default, a cached image needs no credentials. */
static bool needs_registry(struct engine *e, const struct apply_obj *o)
{
	struct bpfman_image *img = NULL;

	if (o->pull_policy == BPFMAN_PULL_NEVER)
		return false;
	if (o->pull_policy == BPFMAN_PULL_ALWAYS)
		return true;
	if (bpfman_image__get(&img, e->ctx, o->image_url)) {
		bpfman_err_clear(e->ctx);
		return true;
	}
	bpfman_image__free(img);
	return false;
}

static bool secret_matches(const char *name, const char *ns, const struct apply_obj *o)
{
	return name && !strcmp(name, o->secret_name) &&
	       !(o->secret_ns && ns && strcmp(ns, o->secret_ns));
}

/* Credentials from the pull secret named by the document, for the image's
 * registry. Fails with a sentence naming the secret and the fix. */
static int pull_secret_creds(struct engine *e, const struct apply_obj *o,
			     const struct bpfman_apply_pull_secret *ps, struct registry_creds *creds)
{
	_cleanup_(image_ref_clearp) struct image_ref ref = { 0 };
	_cleanup_free_ char *what = NULL;
	const char *ns = o->secret_ns ? o->secret_ns : ps->ns ? ps->ns : "";
	int err;

	what = str_printf("the Secret %s%s%s", ns, *ns ? "/" : "", o->secret_name);
	if (!what)
		return -ENOMEM;
	if (ps->problem || !ps->auths)
		return bpfman_err(e->ctx, -ENOENT,
				  "%s: spec.bytecode.image.imagepullsecret names %s, which cannot be used: %s",
				  o->origin, what + 4, ps->problem ? ps->problem : "no content");
	err = image_ref_parse(e->ctx, o->image_url, &ref);
	if (err)
		return err;
	err = auth_lookup_text(e->ctx, what, ps->auths, ps->legacy, ref.registry, ref.repository,
			       creds);
	if (err) {
		char why[1024];

		snprintf(why, sizeof(why), "%s", bpfman_errmsg(e->ctx)); /* the ctx's buffer */
		return bpfman_err(e->ctx, err, "%s: spec.bytecode.image.imagepullsecret: %s",
				  o->origin, why);
	}
	if (!creds->username)
		return bpfman_err(e->ctx, -EACCES,
				  "%s: spec.bytecode.image.imagepullsecret: %s has no credentials for the registry %s; add them (kubectl create secret docker-registry %s%s%s --docker-server=%s --docker-username=... --docker-password=...) or name another secret",
				  o->origin, what + 4, ref.registry, o->secret_name, *ns ? " -n " : "",
				  ns, ref.registry);
	return 0;
}

/* Registry access for this document: the credentials the caller resolved
 * for its imagepullsecret (opts.secrets, then opts.pull_secrets), else the
 * opts' registry settings. A pull secret is used only when the image must
 * come from the registry; creds holds what was picked from it (the
 * caller clears it after the pull). */
static int registry_for(struct engine *e, const struct apply_obj *o,
			struct bpfman_registry_opts *reg, struct registry_creds *creds)
{
	const struct bpfman_registry_opts *base = OPTS_GET(e->opts, registry, NULL);
	const struct bpfman_apply_secret *secrets = OPTS_GET(e->opts, secrets, NULL);
	size_t cnt = OPTS_GET(e->opts, secrets_cnt, 0);
	const struct bpfman_apply_pull_secret *ps = OPTS_GET(e->opts, pull_secrets, NULL);
	size_t ps_cnt = OPTS_GET(e->opts, pull_secrets_cnt, 0);

	memset(creds, 0, sizeof(*creds));
	bpfman_registry_opts_init(reg, sizeof(*reg));
	if (base) {
		reg->username = OPTS_GET(base, username, NULL);
		reg->password = OPTS_GET(base, password, NULL);
		reg->auth_file = OPTS_GET(base, auth_file, NULL);
		reg->progress = OPTS_GET(base, progress, NULL);
		reg->progress_user_data = OPTS_GET(base, progress_user_data, NULL);
	}
	if (!o->secret_name)
		return 0;
	for (size_t i = 0; secrets && i < cnt; i++) {
		if (!secret_matches(secrets[i].name, secrets[i].ns, o))
			continue;
		reg->username = secrets[i].username;
		reg->password = secrets[i].password;
		return 0;
	}
	for (size_t i = 0; ps && i < ps_cnt; i++) {
		int err;

		if (!secret_matches(ps[i].name, ps[i].ns, o))
			continue;
		if (!needs_registry(e, o))
			return 0;
		err = pull_secret_creds(e, o, &ps[i], creds);
		if (err) {
			registry_creds_clear(creds);
			return err;
		}
		reg->username = creds->username;
		reg->password = creds->password;
		return 0;
	}
	return 0;
}

/* The map owner named by mapownerselector: the program of another object
 * in this manifest whose labels match. 0 with *ret_reason set when none. */
static int find_map_owner(struct engine *e, const struct apply_obj *o, uint32_t *ret_id,
			  const char **ret_cond, const char **ret_reason)
{
	const struct bpfman_manifest *m = e->manifest;

	*ret_id = 0;
	for (size_t i = 0; m && i < m->cnt; i++) {
		const struct apply_obj *c = m->objs[i];
		_cleanup_free_ char *owner = NULL;
		struct bpfman_program **progs = NULL;
		size_t cnt = 0;
		int err;

		if (c == o || !apply_selector_matches(&o->mapowner, c->labels, c->labels_cnt))
			continue;
		owner = owner_of(c);
		if (!owner)
			return -ENOMEM;
		err = owned_programs(e, owner, &progs, &cnt);
		if (err)
			return err;
		if (cnt)
			*ret_id = bpfman_program__id(progs[0]);
		bpfman_program_list__free(progs, cnt);
		if (*ret_id)
			return 0;
		*ret_cond = "MapOwnerNotLoaded";
		*ret_reason = "mapOwnerNotLoaded";
		return bpfman_err(e->ctx, -ENOENT,
				  "%s: the map owner %s %s selected by spec.mapownerselector is not loaded on this node yet; apply it first (or in the same manifest, before this document)",
				  o->origin, c->kind, c->name);
	}
	*ret_cond = "MapOwnerNotFound";
	*ret_reason = "mapOwnerNotFound";
	return bpfman_err(e->ctx, -ENOENT,
			  "%s: no object in the manifest has labels matching spec.mapownerselector; label the map owner's document (metadata.labels) to match",
			  o->origin);
}

static const char *prog_spec_prefix(const struct apply_obj *o)
{
	return bpfman_program_type_name(o->type);
}

static int load_new(struct engine *e, const struct apply_obj *o, const char *owner,
		    const char *digest, uint32_t map_owner, uint32_t *ret_id)
{
	_cleanup_free_ char *spec = NULL;
	struct bpfman_program **progs = NULL;
	struct bpfman_kv md[2] = { { APPLY_META_OWNER, owner }, { APPLY_META_SPEC, digest } };
	const char *specs[1];
	size_t cnt = 0;
	int err;

	if (o->type == BPFMAN_PROG_TYPE_FENTRY || o->type == BPFMAN_PROG_TYPE_FEXIT)
		spec = str_printf("%s:%s:%s", prog_spec_prefix(o), o->function, o->func_name);
	else
		spec = str_printf("%s:%s", prog_spec_prefix(o), o->function);
	if (!spec)
		return -ENOMEM;
	specs[0] = spec;
	BPFMAN_OPTS(bpfman_load_opts, lo, .programs = specs, .programs_cnt = 1,
		    .globals = o->globals, .globals_cnt = o->globals_cnt, .metadata = md,
		    .metadata_cnt = 2, .map_owner_id = map_owner);
	if (o->image_url) {
		struct bpfman_registry_opts reg;
		struct registry_creds creds;

		err = registry_for(e, o, &reg, &creds);
		if (err)
			return err;
		BPFMAN_OPTS(bpfman_pull_opts, po, .policy = BPFMAN_PULL_IF_NOT_PRESENT,
			    .registry = &reg);
		err = bpfman_program__load_image(&progs, &cnt, e->ctx, o->image_url, &lo, &po);
		registry_creds_clear(&creds);
	} else {
		err = bpfman_program__load_file(&progs, &cnt, e->ctx, o->path, &lo);
	}
	if (err)
		return err;
	*ret_id = bpfman_program__id(progs[0]);
	if ((o->type == BPFMAN_PROG_TYPE_KPROBE || o->type == BPFMAN_PROG_TYPE_UPROBE) &&
	    bpfman_program__retprobe(progs[0]) != o->retprobe) {
		bool rp = bpfman_program__retprobe(progs[0]);

		bpfman_program_list__free(progs, cnt);
		BPFMAN_OPTS(bpfman_unload_opts, uo);
		bpfman_program__unload(e->ctx, *ret_id, &uo);
		return bpfman_err(e->ctx, -EINVAL,
				  "%s: spec.retprobe is %s but function %s is a %s in its ELF section; set retprobe: %s",
				  o->origin, o->retprobe ? "true" : "false", o->function,
				  rp ? "return probe" : "entry probe", rp ? "true" : "false");
	}
	bpfman_program_list__free(progs, cnt);
	return 0;
}

static int attach_point(struct engine *e, const struct apply_obj *o, const char *owner,
			uint32_t prog_id, const struct point *pt, uint64_t *ret_link)
{
	struct bpfman_kv md[2] = { { APPLY_META_OWNER, owner }, { APPLY_META_ATTACH, pt->key } };
	struct bpfman_attach_opts ao = pt->opts;
	char ifn[IF_NAMESIZE + 1];

	if (is_net(o)) {
		point_iface(pt, ifn, sizeof(ifn));
		ao.iface = ifn;
	}
	ao.metadata = md;
	ao.metadata_cnt = 2;
	return bpfman_program__attach(ret_link, e->ctx, prog_id, &ao);
}

static const char *verb_what(const struct apply_obj *o)
{
	return o->image_url ? o->image_url : o->path;
}

/* A fresh program with every attach point, replacing `old` (may be empty).
 * Make-before-break where the kernel allows it: load first (a failed load
 * leaves the old program running), then the old goes, then the new one
 * attaches; a failed attach unloads the new one, so nothing half applied
 * remains. */
static int apply_fresh(struct engine *e, size_t idx, const struct apply_obj *o, const char *owner,
		       const char *digest, uint32_t map_owner, struct bpfman_program **old,
		       size_t old_cnt, const struct point *pts, size_t npts)
{
	uint32_t id = 0;
	uint64_t *links;
	int err;

	links = calloc(npts + 1, sizeof(*links));
	if (!links)
		return -ENOMEM;
	result_add_action(e->res, idx, BPFMAN_APPLY_LOAD, "", "function %s from %s", o->function,
			  verb_what(o));
	if (e->mode == MODE_RUN) {
		err = load_new(e, o, owner, digest, map_owner, &id);
		if (err)
			goto out;
	}
	err = unload_progs(e, idx, old, old_cnt);
	if (err)
		goto undo;
	for (size_t i = 0; i < npts; i++) {
		if (is_net(o))
			result_add_action(e->res, idx, BPFMAN_APPLY_ATTACH, pts[i].key,
					  "priority %d", o->priority);
		else
			result_add_action(e->res, idx, BPFMAN_APPLY_ATTACH, pts[i].key, "%s", "");
		if (e->mode == MODE_RUN) {
			err = attach_point(e, o, owner, id, &pts[i], &links[i]);
			if (err)
				goto undo;
		}
	}
	e->res->objs[idx].outcome = old_cnt ? BPFMAN_APPLY_CONFIGURED : BPFMAN_APPLY_CREATED;
	if (e->mode == MODE_RUN) {
		struct bpfman_program *p = NULL;

		if (!bpfman_program__get(&p, e->ctx, id)) {
			entries_for_prog(e, idx, p, "Loaded", "bpfmanLoaded",
					 "Successfully loaded bpfProgram");
			bpfman_program__free(p);
		}
	}
	free(links);
	return 0;
undo:
	if (id) {
		char keep[1024];

		snprintf(keep, sizeof(keep), "%s", bpfman_errmsg(e->ctx));
		BPFMAN_OPTS(bpfman_unload_opts, uo, .force = true);
		bpfman_program__unload(e->ctx, id, &uo);
		bpfman_err(e->ctx, err, "%s", keep);
	}
out:
	free(links);
	return err;
}

/* The program stays; links follow the document. */
static int apply_links(struct engine *e, size_t idx, const struct apply_obj *o, const char *owner,
		       struct bpfman_program *prog, const struct point *pts, size_t npts)
{
	size_t nlinks = bpfman_program__link_cnt(prog);
	struct bpfman_link **links = calloc(nlinks + 1, sizeof(*links));
	bool *used = calloc(nlinks + 1, sizeof(*used));
	uint32_t id = bpfman_program__id(prog);
	bool changed = false;
	int err = 0;

	if (!links || !used) {
		free(links);
		free(used);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nlinks; i++)
		bpfman_link__get(&links[i], e->ctx, bpfman_program__link_id(prog, i));
	for (size_t i = 0; i < npts && !err; i++) {
		struct bpfman_link *l = NULL;
		size_t j;

		for (j = 0; j < nlinks; j++) {
			const char *ap = links[j] ? link_meta(links[j], APPLY_META_ATTACH) : NULL;

			if (!used[j] && ap && !strcmp(ap, pts[i].key) &&
			    (!is_net(o) || !strcmp(str_or_empty(bpfman_link__netns(links[j])),
						    str_or_empty(pts[i].opts.netns)))) {
				l = links[j];
				used[j] = true;
				break;
			}
		}
		if (!l) {
			uint64_t lid;

			changed = true;
			if (is_net(o))
				result_add_action(e->res, idx, BPFMAN_APPLY_ATTACH, pts[i].key,
						  "priority %d", o->priority);
			else
				result_add_action(e->res, idx, BPFMAN_APPLY_ATTACH, pts[i].key, "%s", "");
			if (e->mode == MODE_RUN)
				err = attach_point(e, o, owner, id, &pts[i], &lid);
			continue;
		}
		if (is_net(o)) {
			int32_t have_prio = bpfman_link__priority(l);
			uint32_t have_po = bpfman_link__proceed_on(l), want_po = pts[i].opts.proceed_on;
			bool prio_diff = have_prio != o->priority;
			bool po_diff = o->type != BPFMAN_PROG_TYPE_TCX && have_po != want_po;

			if (prio_diff || po_diff) {
				changed = true;
				if (o->type == BPFMAN_PROG_TYPE_TCX) {
					/* the kernel cannot move a TCX link in place */
					uint64_t lid;

					result_add_action(e->res, idx, BPFMAN_APPLY_DETACH, pts[i].key,
							  "link %llu (TCX cannot move in place)",
							  (unsigned long long)bpfman_link__id(l));
					result_add_action(e->res, idx, BPFMAN_APPLY_ATTACH, pts[i].key,
							  "priority %d", o->priority);
					if (e->mode == MODE_RUN) {
						err = bpfman_link__detach(e->ctx, bpfman_link__id(l));
						if (!err)
							err = attach_point(e, o, owner, id, &pts[i], &lid);
					}
					continue;
				}
				result_add_action(e->res, idx, BPFMAN_APPLY_UPDATE, pts[i].key,
						  "priority %d -> %d, proceed-on 0x%x -> 0x%x", have_prio,
						  o->priority, have_po, want_po);
				if (e->mode == MODE_RUN) {
					BPFMAN_OPTS(bpfman_link_update_opts, uo, .set_priority = true,
						    .priority = o->priority, .proceed_on = want_po);
					err = bpfman_link__update(e->ctx, bpfman_link__id(l), &uo);
				}
				continue;
			}
		}
		result_add_action(e->res, idx, BPFMAN_APPLY_KEEP, pts[i].key, "link %llu",
				  (unsigned long long)bpfman_link__id(l));
	}
	for (size_t j = 0; j < nlinks && !err; j++) {
		if (used[j] || !links[j])
			continue;
		changed = true;
		result_add_action(e->res, idx, BPFMAN_APPLY_DETACH,
				  str_or_empty(link_meta(links[j], APPLY_META_ATTACH)), "link %llu",
				  (unsigned long long)bpfman_link__id(links[j]));
		if (e->mode == MODE_RUN)
			err = bpfman_link__detach(e->ctx, bpfman_link__id(links[j]));
	}
	bpfman_link_list__free(links, nlinks);
	free(used);
	if (err)
		return err;
	e->res->objs[idx].outcome = changed ? BPFMAN_APPLY_CONFIGURED : BPFMAN_APPLY_UNCHANGED;
	if (!changed)
		result_add_action(e->res, idx, BPFMAN_APPLY_KEEP, "", "program %u", id);
	if (e->mode == MODE_RUN || !changed) {
		struct bpfman_program *p = NULL;

		if (!bpfman_program__get(&p, e->ctx, id)) {
			entries_for_prog(e, idx, p, "Loaded", "bpfmanLoaded",
					 "Successfully loaded bpfProgram");
			bpfman_program__free(p);
		}
	}
	return 0;
}

/* The digest the document's image has now: pulled under its policy (run)
 * or read from the cache (plan; NULL when not cached). */
static int image_digest(struct engine *e, const struct apply_obj *o, char **ret)
{
	struct bpfman_image *img = NULL;
	int err;

	*ret = NULL;
	if (!o->image_url)
		return 0;
	if (e->mode == MODE_PLAN) {
		if (bpfman_image__get(&img, e->ctx, o->image_url)) {
			bpfman_err_clear(e->ctx);
			return 0;
		}
	} else {
		struct bpfman_registry_opts reg;
		struct registry_creds creds;

		err = registry_for(e, o, &reg, &creds);
		if (err)
			return err;
		BPFMAN_OPTS(bpfman_pull_opts, po, .policy = (enum bpfman_pull_policy)o->pull_policy,
			    .registry = &reg);
		err = bpfman_image__pull(&img, e->ctx, o->image_url, &po);
		registry_creds_clear(&creds);
		if (err)
			return err;
	}
	*ret = strdup(bpfman_image__digest(img));
	bpfman_image__free(img);
	return *ret ? 0 : -ENOMEM;
}

static int apply_object(struct engine *e, size_t idx, const struct apply_obj *o)
{
	_cleanup_free_ char *owner = owner_of(o), *img_digest = NULL;
	_cleanup_free_ struct point *pts = NULL;
	struct bpfman_program **progs = NULL;
	const char *cond = "NotLoaded", *reason = "bpfmanNotLoaded";
	size_t cnt = 0, npts = 0, first_action = e->res->actions_cnt;
	uint32_t map_owner = 0;
	char digest[17];
	int err;

	if (!owner)
		return -ENOMEM;
	bpfman_err_clear(e->ctx);
	err = owned_programs(e, owner, &progs, &cnt);
	if (err)
		goto fail;
	if (e->mode == MODE_DELETE) {
		err = unload_progs(e, idx, progs, cnt);
		if (err)
			goto fail;
		e->res->objs[idx].outcome = cnt ? BPFMAN_APPLY_DELETED : BPFMAN_APPLY_NOT_FOUND;
		if (cnt)
			result_add_entry(e->res, idx, "", "Unloaded", "bpfmanUnloaded",
					 "This BpfProgram object and all it's bpfman programs have been unloaded");
		goto out;
	}
	if (!apply_selector_matches(&o->nodeselector, e->node.labels, e->node.labels_cnt)) {
		err = unload_progs(e, idx, progs, cnt);
		if (err)
			goto fail;
		e->res->objs[idx].outcome = BPFMAN_APPLY_NOT_SELECTED;
		result_add_entry(e->res, idx, "", "NotSelected", "nodeNotSelected",
				 "This node is not selected to run the bpfProgram");
		goto out;
	}
	err = resolve_points(e, o, &pts, &npts);
	if (err)
		goto fail;
	if (o->has_mapowner) {
		err = find_map_owner(e, o, &map_owner, &cond, &reason);
		if (err)
			goto fail;
	}
	err = spec_digest(e, o, map_owner, digest);
	if (!err)
		err = image_digest(e, o, &img_digest);
	if (err)
		goto fail;
	/* Keep the program when nothing it was loaded from changed. */
	if (cnt == 1 && !strcmp(str_or_empty(prog_meta(progs[0], APPLY_META_SPEC)), digest) &&
	    (!img_digest || !strcmp(bpfman_program__image_digest(progs[0]) ?
				    bpfman_program__image_digest(progs[0]) : "", img_digest))) {
		err = apply_links(e, idx, o, owner, progs[0], pts, npts);
		if (err)
			goto fail;
		goto out;
	}
	err = apply_fresh(e, idx, o, owner, digest, map_owner, progs, cnt, pts, npts);
	if (err)
		goto fail;
out:
	bpfman_program_list__free(progs, cnt);
	return 0;
fail:
	bpfman_program_list__free(progs, cnt);
	if (err == -ENOMEM)
		return err;
	if (e->mode == MODE_PLAN)
		result_truncate_actions(e->res, first_action);
	object_fail(e, idx, err);
	result_add_entry(e->res, idx, "", cond, reason, e->res->objs[idx].message);
	return 0;
}

/* Objects that own maps go first, so their users find them. */
static bool owns_for_others(const struct bpfman_manifest *m, const struct apply_obj *o)
{
	for (size_t i = 0; i < m->cnt; i++)
		if (m->objs[i] != o && m->objs[i]->has_mapowner &&
		    apply_selector_matches(&m->objs[i]->mapowner, o->labels, o->labels_cnt))
			return true;
	return false;
}

static int run(struct bpfman_apply_result **ret, struct bpfman_ctx *ctx,
	       const struct bpfman_manifest *m, const struct bpfman_apply_opts *opts,
	       enum mode mode)
{
	struct engine e = { .ctx = ctx, .manifest = m, .opts = opts, .mode = mode };
	int err;

	if (!ret || !ctx || !m)
		return bpfman_err(ctx, -EINVAL, "result, context and manifest are required");
	if (!OPTS_VALID(ctx, opts, bpfman_apply_opts))
		return -EINVAL;
	err = apply_node_init(&e.node, ctx, opts);
	if (err) {
		apply_node_fini(&e.node);
		return err;
	}
	e.res = calloc(1, sizeof(*e.res));
	if (!e.res || !(e.res->node = strdup(e.node.name))) {
		err = bpfman_err(ctx, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < m->cnt; i++) {
		err = result_add_obj(e.res, m->objs[i]->kind, m->objs[i]->name, m->objs[i]->type);
		if (err)
			goto out;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < m->cnt; i++) {
			if (owns_for_others(m, m->objs[i]) != (pass == 0))
				continue;
			err = apply_object(&e, i, m->objs[i]);
			if (err)
				goto out;
		}
	}
	bpfman_err_clear(ctx);
out:
	apply_node_fini(&e.node);
	if (err) {
		bpfman_apply_result__free(e.res);
		if (err == -ENOMEM)
			return bpfman_err(ctx, -ENOMEM, "out of memory");
		return err;
	}
	*ret = e.res;
	return 0;
}

int bpfman_apply__plan(struct bpfman_apply_result **ret, struct bpfman_ctx *ctx,
		       const struct bpfman_manifest *m, const struct bpfman_apply_opts *opts)
{
	return run(ret, ctx, m, opts, MODE_PLAN);
}

int bpfman_apply__run(struct bpfman_apply_result **ret, struct bpfman_ctx *ctx,
		      const struct bpfman_manifest *m, const struct bpfman_apply_opts *opts)
{
	return run(ret, ctx, m, opts, MODE_RUN);
}

int bpfman_apply__delete(struct bpfman_apply_result **ret, struct bpfman_ctx *ctx,
			 const struct bpfman_manifest *m, const struct bpfman_apply_opts *opts)
{
	return run(ret, ctx, m, opts, MODE_DELETE);
}

static int owner_cmp(const void *a, const void *b)
{
	const struct bpfman_program *pa = *(struct bpfman_program *const *)a;
	const struct bpfman_program *pb = *(struct bpfman_program *const *)b;
	int c = strcmp(str_or_empty(prog_meta(pa, APPLY_META_OWNER)),
		       str_or_empty(prog_meta(pb, APPLY_META_OWNER)));

	return c ? c : (bpfman_program__id(pa) > bpfman_program__id(pb)) -
			       (bpfman_program__id(pa) < bpfman_program__id(pb));
}

int bpfman_apply__status(struct bpfman_apply_result **ret, struct bpfman_ctx *ctx,
			 const char *kind, const char *name, const struct bpfman_apply_opts *opts)
{
	struct engine e = { .ctx = ctx, .opts = opts, .mode = MODE_PLAN };
	struct bpfman_program **progs = NULL;
	const char *want_kind = NULL;
	size_t cnt = 0;
	int err;

	if (!ret || !ctx)
		return bpfman_err(ctx, -EINVAL, "result and context are required");
	if (!OPTS_VALID(ctx, opts, bpfman_apply_opts))
		return -EINVAL;
	if (kind && *kind && !(want_kind = apply_kind_canonical(kind, NULL)))
		return bpfman_err(ctx, -EINVAL,
				  "unknown kind '%s'; use xdpprogram, tcprogram, tcxprogram, tracepointprogram, kprobeprogram, uprobeprogram, fentryprogram or fexitprogram",
				  kind);
	err = apply_node_init(&e.node, ctx, opts);
	if (err)
		goto out;
	err = bpfman_program__list(&progs, &cnt, ctx, NULL);
	if (err)
		goto out;
	if (cnt)
		qsort(progs, cnt, sizeof(*progs), owner_cmp);
	e.res = calloc(1, sizeof(*e.res));
	if (!e.res || !(e.res->node = strdup(e.node.name))) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < cnt; i++) {
		const char *owner = prog_meta(progs[i], APPLY_META_OWNER);
		const char *slash = owner ? strchr(owner, '/') : NULL;
		char k[64];
		enum bpfman_program_type type;
		const char *canon;
		size_t idx;

		if (!slash || (size_t)(slash - owner) >= sizeof(k))
			continue;
		snprintf(k, sizeof(k), "%.*s", (int)(slash - owner), owner);
		canon = apply_kind_canonical(k, &type);
		if (!canon || (want_kind && want_kind != canon) || (name && *name && strcmp(name, slash + 1)))
			continue;
		idx = e.res->objs_cnt;
		if (!idx || strcmp(e.res->objs[idx - 1].kind, canon) ||
		    strcmp(e.res->objs[idx - 1].name, slash + 1)) {
			err = result_add_obj(e.res, canon, slash + 1, type);
			if (err)
				goto out;
		} else {
			idx--;
		}
		entries_for_prog(&e, idx, progs[i], "Loaded", "bpfmanLoaded",
				 "Successfully loaded bpfProgram");
	}
	if (want_kind && name && *name && !e.res->objs_cnt) {
		err = bpfman_err(ctx, -ENOENT, "%s %s is not applied on this node", want_kind, name);
		goto out;
	}
out:
	bpfman_program_list__free(progs, cnt);
	apply_node_fini(&e.node);
	if (err) {
		bpfman_apply_result__free(e.res);
		return err == -ENOMEM ? bpfman_err(ctx, -ENOMEM, "out of memory") : err;
	}
	*ret = e.res;
	return 0;
}

void bpfman_apply_opts_init(struct bpfman_apply_opts *opts, size_t sz)
{
	bpfman_opts_init(opts, sz);
}
