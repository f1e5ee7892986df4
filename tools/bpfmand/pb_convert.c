/* SPDX-License-Identifier: Apache-2.0 */
/* bpfman.v1 wire translation (pb_convert.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "pb_convert.h"

struct bpfman_kv *pb_kv(struct arena *a, void *const *entries, size_t n)
{
	struct bpfman_kv *kv = arena_alloc(a, n * sizeof(*kv));

	for (size_t i = 0; kv && i < n; i++) {
		const struct pb_str_entry *e = entries[i];

		kv[i].key = e->key;
		kv[i].value = e->value;
	}
	return kv;
}

uint32_t pb_kind(const struct bpfman_program *prog)
{
	if (!bpfman_program__managed(prog))
		return bpfman_program__kernel_type(prog);
	switch (bpfman_program__type(prog)) {
	case BPFMAN_PROG_TYPE_XDP:
		return BPF_PROG_TYPE_XDP;
	case BPFMAN_PROG_TYPE_TC:
	case BPFMAN_PROG_TYPE_TCX:
		return BPF_PROG_TYPE_SCHED_CLS;
	case BPFMAN_PROG_TYPE_TRACEPOINT:
		return BPF_PROG_TYPE_TRACEPOINT;
	case BPFMAN_PROG_TYPE_KPROBE:
	case BPFMAN_PROG_TYPE_UPROBE:
		return BPF_PROG_TYPE_KPROBE;
	case BPFMAN_PROG_TYPE_FENTRY:
	case BPFMAN_PROG_TYPE_FEXIT:
		return BPF_PROG_TYPE_TRACING;
	case BPFMAN_PROG_TYPE_LSM:
		return BPF_PROG_TYPE_LSM;
	default:
		return bpfman_program__kernel_type(prog);
	}
}

enum bpfman_program_type pb_program_type(Bpfman__V1__BpfmanProgramType t)
{
	switch (t) {
	case BPFMAN__V1__BPFMAN_PROGRAM_TYPE__XDP: return BPFMAN_PROG_TYPE_XDP;
	case BPFMAN__V1__BPFMAN_PROGRAM_TYPE__TC: return BPFMAN_PROG_TYPE_TC;
	case BPFMAN__V1__BPFMAN_PROGRAM_TYPE__TRACEPOINT: return BPFMAN_PROG_TYPE_TRACEPOINT;
	case BPFMAN__V1__BPFMAN_PROGRAM_TYPE__KPROBE: return BPFMAN_PROG_TYPE_KPROBE;
	case BPFMAN__V1__BPFMAN_PROGRAM_TYPE__UPROBE: return BPFMAN_PROG_TYPE_UPROBE;
	case BPFMAN__V1__BPFMAN_PROGRAM_TYPE__FENTRY: return BPFMAN_PROG_TYPE_FENTRY;
	case BPFMAN__V1__BPFMAN_PROGRAM_TYPE__FEXIT: return BPFMAN_PROG_TYPE_FEXIT;
	case BPFMAN__V1__BPFMAN_PROGRAM_TYPE__TCX: return BPFMAN_PROG_TYPE_TCX;
	/* bpfman's LSM = 8 is our 9: our enum starts at XDP = 1. */
	case BPFMAN__V1__BPFMAN_PROGRAM_TYPE__LSM: return BPFMAN_PROG_TYPE_LSM;
	default: return BPFMAN_PROG_TYPE_UNSPEC;
	}
}

enum bpfman_program_type pb_attach_type(const Bpfman__V1__AttachInfo *ai)
{
	switch (ai ? ai->info_case : BPFMAN__V1__ATTACH_INFO__INFO__NOT_SET) {
	case BPFMAN__V1__ATTACH_INFO__INFO_XDP_ATTACH_INFO: return BPFMAN_PROG_TYPE_XDP;
	case BPFMAN__V1__ATTACH_INFO__INFO_TC_ATTACH_INFO: return BPFMAN_PROG_TYPE_TC;
	case BPFMAN__V1__ATTACH_INFO__INFO_TCX_ATTACH_INFO: return BPFMAN_PROG_TYPE_TCX;
	case BPFMAN__V1__ATTACH_INFO__INFO_TRACEPOINT_ATTACH_INFO: return BPFMAN_PROG_TYPE_TRACEPOINT;
	case BPFMAN__V1__ATTACH_INFO__INFO_KPROBE_ATTACH_INFO: return BPFMAN_PROG_TYPE_KPROBE;
	case BPFMAN__V1__ATTACH_INFO__INFO_UPROBE_ATTACH_INFO: return BPFMAN_PROG_TYPE_UPROBE;
	case BPFMAN__V1__ATTACH_INFO__INFO_FENTRY_ATTACH_INFO: return BPFMAN_PROG_TYPE_FENTRY;
	case BPFMAN__V1__ATTACH_INFO__INFO_FEXIT_ATTACH_INFO: return BPFMAN_PROG_TYPE_FEXIT;
	case BPFMAN__V1__ATTACH_INFO__INFO_LSM_ATTACH_INFO: return BPFMAN_PROG_TYPE_LSM;
	default: return BPFMAN_PROG_TYPE_UNSPEC;
	}
}

const char *pb_load_spec(struct arena *a, const Bpfman__V1__LoadInfo *li,
			 const char **why)
{
	static const char *const names[] = {
		[BPFMAN__V1__BPFMAN_PROGRAM_TYPE__XDP] = "xdp",
		[BPFMAN__V1__BPFMAN_PROGRAM_TYPE__TC] = "tc",
		[BPFMAN__V1__BPFMAN_PROGRAM_TYPE__TRACEPOINT] = "tracepoint",
		[BPFMAN__V1__BPFMAN_PROGRAM_TYPE__KPROBE] = "kprobe",
		[BPFMAN__V1__BPFMAN_PROGRAM_TYPE__UPROBE] = "uprobe",
		[BPFMAN__V1__BPFMAN_PROGRAM_TYPE__FENTRY] = "fentry",
		[BPFMAN__V1__BPFMAN_PROGRAM_TYPE__FEXIT] = "fexit",
		[BPFMAN__V1__BPFMAN_PROGRAM_TYPE__TCX] = "tcx",
		[BPFMAN__V1__BPFMAN_PROGRAM_TYPE__LSM] = "lsm",
	};
	const Bpfman__V1__ProgSpecificInfo *ps =
		li->_info_case ? li->info : NULL;
	unsigned t = (unsigned)li->program_type;

	if (!*li->name) {
		*why = "a LoadInfo has no name: give the program's function name in the object";
		return NULL;
	}
	if (t >= sizeof(names) / sizeof(names[0]) || !names[t]) {
		*why = "a LoadInfo has an unknown program_type (known: XDP 0, TC 1, TRACEPOINT 2, KPROBE 3, UPROBE 4, FENTRY 5, FEXIT 6, TCX 7, LSM 8)";
		return NULL;
	}
	switch (li->program_type) {
	case BPFMAN__V1__BPFMAN_PROGRAM_TYPE__FENTRY:
		if (!ps || ps->info_case != BPFMAN__V1__PROG_SPECIFIC_INFO__INFO_FENTRY_LOAD_INFO ||
		    !*ps->fentry_load_info->fn_name) {
			*why = "an FENTRY LoadInfo needs info.fentry_load_info.fn_name (the kernel function to trace)";
			return NULL;
		}
		return arena_printf(a, "fentry:%s:%s", li->name, ps->fentry_load_info->fn_name);
	case BPFMAN__V1__BPFMAN_PROGRAM_TYPE__FEXIT:
		if (!ps || ps->info_case != BPFMAN__V1__PROG_SPECIFIC_INFO__INFO_FEXIT_LOAD_INFO ||
		    !*ps->fexit_load_info->fn_name) {
			*why = "an FEXIT LoadInfo needs info.fexit_load_info.fn_name (the kernel function to trace)";
			return NULL;
		}
		return arena_printf(a, "fexit:%s:%s", li->name, ps->fexit_load_info->fn_name);
	case BPFMAN__V1__BPFMAN_PROGRAM_TYPE__LSM:
		/* The hook is also in the ELF section; when named here it is
		 * passed on so the library can check the two agree. */
		if (ps && ps->info_case == BPFMAN__V1__PROG_SPECIFIC_INFO__INFO_LSM_LOAD_INFO &&
		    *ps->lsm_load_info->hook_name)
			return arena_printf(a, "lsm:%s:%s", li->name, ps->lsm_load_info->hook_name);
		return arena_printf(a, "lsm:%s", li->name);
	default:
		return arena_printf(a, "%s:%s", names[t], li->name);
	}
}

/* bpfman's proceed-on numbers are the actions' return values (XDP 0-4, TC
 * -1 to 8) plus dispatcher_return (XDP 31, TC 30); the library's mask has
 * bit value (XDP) or value + 1 (TC), and bit 31 for dispatcher_return. */
static int proceed_mask(uint32_t *mask, const int32_t *v, size_t n, bool tc,
			const char **why)
{
	*mask = 0;
	for (size_t i = 0; i < n; i++) {
		int32_t x = v[i];

		if (!tc && x >= 0 && x <= 4)
			*mask |= 1u << x;
		else if (!tc && x == 31)
			*mask |= 1u << 31;
		else if (tc && x >= -1 && x <= 8)
			*mask |= 1u << (x + 1);
		else if (tc && x == 30)
			*mask |= 1u << 31;
		else {
			*why = tc ? "a TC proceed_on value is not one of -1 (unspec) to 8 (trap) or 30 (dispatcher_return)"
				  : "an XDP proceed_on value is not one of 0 (aborted) to 4 (redirect) or 31 (dispatcher_return)";
			return -EINVAL;
		}
	}
	return 0;
}

static int direction(enum bpfman_direction *d, const char *s, const char **why)
{
	if (!strcmp(s, "ingress"))
		*d = BPFMAN_DIRECTION_INGRESS;
	else if (!strcmp(s, "egress"))
		*d = BPFMAN_DIRECTION_EGRESS;
	else {
		*why = "direction must be \"ingress\" or \"egress\"";
		return -EINVAL;
	}
	return 0;
}

#define META(o, m)                                                             \
	do {                                                                   \
		(o)->metadata = pb_kv(a, (void *const *)(m)->metadata, (m)->n_metadata); \
		(o)->metadata_cnt = (m)->n_metadata;                           \
	} while (0)

int pb_attach_opts(struct arena *a, struct bpfman_attach_opts *o,
		   const Bpfman__V1__AttachInfo *ai, const char **why)
{
	switch (ai ? ai->info_case : BPFMAN__V1__ATTACH_INFO__INFO__NOT_SET) {
	case BPFMAN__V1__ATTACH_INFO__INFO_XDP_ATTACH_INFO: {
		const Bpfman__V1__XDPAttachInfo *x = ai->xdp_attach_info;

		o->iface = x->iface;
		o->priority = x->priority;
		o->netns = x->_netns_case ? x->netns : NULL;
		META(o, x);
		return proceed_mask(&o->proceed_on, x->proceed_on, x->n_proceed_on, false, why);
	}
	case BPFMAN__V1__ATTACH_INFO__INFO_TC_ATTACH_INFO: {
		const Bpfman__V1__TCAttachInfo *x = ai->tc_attach_info;

		o->iface = x->iface;
		o->priority = x->priority;
		o->netns = x->_netns_case ? x->netns : NULL;
		META(o, x);
		if (direction(&o->direction, x->direction, why))
			return -EINVAL;
		return proceed_mask(&o->proceed_on, x->proceed_on, x->n_proceed_on, true, why);
	}
	case BPFMAN__V1__ATTACH_INFO__INFO_TCX_ATTACH_INFO: {
		const Bpfman__V1__TCXAttachInfo *x = ai->tcx_attach_info;

		o->iface = x->iface;
		o->priority = x->priority;
		o->netns = x->_netns_case ? x->netns : NULL;
		META(o, x);
		return direction(&o->direction, x->direction, why);
	}
	case BPFMAN__V1__ATTACH_INFO__INFO_TRACEPOINT_ATTACH_INFO:
		o->tracepoint = ai->tracepoint_attach_info->tracepoint;
		META(o, ai->tracepoint_attach_info);
		return 0;
	case BPFMAN__V1__ATTACH_INFO__INFO_KPROBE_ATTACH_INFO: {
		const Bpfman__V1__KprobeAttachInfo *x = ai->kprobe_attach_info;

		if (x->_container_pid_case) {
			*why = "container_pid is not supported by bpfmand: attach from the host's view (uprobes take a pid)";
			return -EOPNOTSUPP;
		}
		o->fn_name = x->fn_name;
		o->offset = x->offset;
		META(o, x);
		return 0;
	}
	case BPFMAN__V1__ATTACH_INFO__INFO_UPROBE_ATTACH_INFO: {
		const Bpfman__V1__UprobeAttachInfo *x = ai->uprobe_attach_info;

		if (x->_container_pid_case) {
			*why = "container_pid is not supported by bpfmand: give the target's path as the host sees it and pid";
			return -EOPNOTSUPP;
		}
		o->fn_name = x->_fn_name_case ? x->fn_name : NULL;
		o->offset = x->offset;
		o->target = x->target;
		o->pid = x->_pid_case ? x->pid : 0;
		META(o, x);
		return 0;
	}
	case BPFMAN__V1__ATTACH_INFO__INFO_FENTRY_ATTACH_INFO:
		META(o, ai->fentry_attach_info);
		return 0;
	case BPFMAN__V1__ATTACH_INFO__INFO_FEXIT_ATTACH_INFO:
		META(o, ai->fexit_attach_info);
		return 0;
	case BPFMAN__V1__ATTACH_INFO__INFO_LSM_ATTACH_INFO:
		META(o, ai->lsm_attach_info);
		return 0;
	default:
		*why = "the request has no attach info: set one of xdp_attach_info, tc_attach_info, tcx_attach_info, tracepoint_attach_info, kprobe_attach_info, uprobe_attach_info, fentry_attach_info, fexit_attach_info, lsm_attach_info";
		return -EINVAL;
	}
}

static Bpfman__V1__BytecodeLocation *location(struct arena *a,
					       const struct bpfman_program *prog)
{
	Bpfman__V1__BytecodeLocation *l = arena_alloc(a, sizeof(*l));
	const char *image = bpfman_program__image(prog);

	if (!l)
		return NULL;
	bpfman__v1__bytecode_location__init(l);
	if (image) {
		Bpfman__V1__BytecodeImage *im = arena_alloc(a, sizeof(*im));

		if (!im)
			return NULL;
		bpfman__v1__bytecode_image__init(im);
		im->url = (char *)image;
		l->location_case = BPFMAN__V1__BYTECODE_LOCATION__LOCATION_IMAGE;
		l->image = im;
	} else {
		l->location_case = BPFMAN__V1__BYTECODE_LOCATION__LOCATION_FILE;
		l->file = (char *)bpfman_program__path(prog);
	}
	return l;
}

static uint32_t map_owner(const struct bpfman_program *p)
{
	uint32_t o = bpfman_program__map_owner_id(p);

	return o ? o : bpfman_program__id(p);
}

static int cmp_map_user(const void *x, const void *y)
{
	const struct pb_map_user *a = x, *b = y;

	if (a->owner != b->owner)
		return a->owner < b->owner ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

void pb_map_users_index(struct arena *a, struct pb_map_users *ret,
			struct bpfman_program *const *progs, size_t cnt)
{
	ret->cnt = 0;
	ret->v = arena_alloc(a, cnt * sizeof(*ret->v));
	for (size_t i = 0; ret->v && i < cnt; i++)
		if (bpfman_program__managed(progs[i]))
			ret->v[ret->cnt++] = (struct pb_map_user){ map_owner(progs[i]),
								   bpfman_program__id(progs[i]) };
	if (ret->cnt)
		qsort(ret->v, ret->cnt, sizeof(*ret->v), cmp_map_user);
}

/* Index of the first entry whose owner is `owner` (or cnt). */
static size_t map_users_first(const struct pb_map_users *u, uint32_t owner)
{
	size_t lo = 0, hi = u->cnt;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (u->v[mid].owner < owner)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

Bpfman__V1__ProgramInfo *pb_program_info(struct arena *a, struct bpfman_ctx *ctx,
					 const struct bpfman_program *prog,
					 const struct pb_map_users *users)
{
	Bpfman__V1__ProgramInfo *pi = arena_alloc(a, sizeof(*pi));
	size_t n, m;

	if (!pi)
		return NULL;
	bpfman__v1__program_info__init(pi);
	pi->name = (char *)bpfman_program__name(prog);
	pi->bytecode = location(a, prog);
	n = bpfman_program__link_cnt(prog);
	pi->links = arena_alloc(a, n * sizeof(*pi->links));
	for (size_t i = 0; pi->links && i < n; i++)
		pi->links[i] = (uint32_t)bpfman_program__link_id(prog, i);
	pi->n_links = pi->links ? n : 0;

	n = bpfman_program__global_cnt(prog);
	pi->global_data = arena_alloc(a, n * sizeof(*pi->global_data));
	for (size_t i = 0; pi->global_data && i < n; i++) {
		Bpfman__V1__ProgramInfo__GlobalDataEntry *e = arena_alloc(a, sizeof(*e));
		size_t sz;

		if (!e)
			return NULL;
		bpfman__v1__program_info__global_data_entry__init(e);
		e->key = (char *)bpfman_program__global_name(prog, i);
		e->value.data = (uint8_t *)bpfman_program__global_value(prog, i, &sz);
		e->value.len = sz;
		pi->global_data[pi->n_global_data++] = e;
	}
	if (bpfman_program__map_owner_id(prog)) {
		pi->_map_owner_id_case = BPFMAN__V1__PROGRAM_INFO___MAP_OWNER_ID_MAP_OWNER_ID;
		pi->map_owner_id = bpfman_program__map_owner_id(prog);
	}
	pi->map_pin_path = (char *)bpfman_program__map_pin_dir(prog);
	if (users) {
		uint32_t owner = map_owner(prog);
		size_t first = map_users_first(users, owner), end = first;

		while (end < users->cnt && users->v[end].owner == owner)
			end++;
		pi->map_used_by = arena_alloc(a, (end - first + 1) * sizeof(char *));
		for (size_t i = first; pi->map_used_by && i < end; i++)
			pi->map_used_by[pi->n_map_used_by++] = arena_printf(a, "%u", users->v[i].id);
	} else {
		uint32_t *ids = NULL;
		size_t n_ids = 0;

		/* A failure leaves the field empty rather than failing Get. */
		if (!bpfman_program__map_used_by(&ids, &n_ids, ctx, bpfman_program__id(prog)))
			pi->map_used_by = arena_alloc(a, (n_ids + 1) * sizeof(char *));
		for (size_t i = 0; pi->map_used_by && i < n_ids; i++)
			pi->map_used_by[pi->n_map_used_by++] = arena_printf(a, "%u", ids[i]);
		free(ids);
	}

	m = bpfman_program__metadata_cnt(prog);
	pi->metadata = arena_alloc(a, m * sizeof(*pi->metadata));
	for (size_t i = 0; pi->metadata && i < m; i++) {
		Bpfman__V1__ProgramInfo__MetadataEntry *e = arena_alloc(a, sizeof(*e));

		if (!e)
			return NULL;
		bpfman__v1__program_info__metadata_entry__init(e);
		e->key = (char *)bpfman_program__metadata_key(prog, i);
		e->value = (char *)bpfman_program__metadata_value(prog, i);
		pi->metadata[pi->n_metadata++] = e;
	}
	return a->failed ? NULL : pi;
}

Bpfman__V1__KernelProgramInfo *pb_kernel_info(struct arena *a,
					      const struct bpfman_program *prog)
{
	Bpfman__V1__KernelProgramInfo *k = arena_alloc(a, sizeof(*k));
	time_t t = (time_t)bpfman_program__loaded_at(prog);
	struct tm tm;
	char when[64] = "";
	size_t n;

	if (!k)
		return NULL;
	bpfman__v1__kernel_program_info__init(k);
	/* bpfman's format: local time with numeric offset. */
	if (t && localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", &tm);
	k->id = bpfman_program__id(prog);
	k->name = (char *)bpfman_program__kernel_name(prog);
	k->program_type = pb_kind(prog);
	k->loaded_at = arena_strdup(a, when);
	k->tag = (char *)bpfman_program__tag(prog);
	k->gpl_compatible = bpfman_program__gpl_compatible(prog);
	n = bpfman_program__map_id_cnt(prog);
	k->map_ids = arena_alloc(a, n * sizeof(*k->map_ids));
	for (size_t i = 0; k->map_ids && i < n; i++)
		k->map_ids[i] = bpfman_program__map_id(prog, i);
	k->n_map_ids = k->map_ids ? n : 0;
	k->btf_id = bpfman_program__btf_id(prog);
	k->bytes_xlated = bpfman_program__bytes_xlated(prog);
	k->jited = bpfman_program__jited(prog);
	k->bytes_jited = bpfman_program__bytes_jited(prog);
	k->bytes_memlock = bpfman_program__bytes_memlock(prog);
	k->verified_insns = bpfman_program__verified_insns(prog);
	return a->failed ? NULL : k;
}
