/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bpfman.v1 messages <-> libbpfman objects. Only wire translation lives
 * here (names, numbering, proceed-on lists); every decision is the
 * library's.
 */
#ifndef BPFMAND_PB_CONVERT_H
#define BPFMAND_PB_CONVERT_H

#include <bpfman/bpfman.h>

#include "arena.h"
#include "bpfman.pb-c.h"

/* map<string,string> entries of any message (all share one layout). */
struct pb_str_entry {
	ProtobufCMessage base;
	char *key;
	char *value;
};
struct bpfman_kv *pb_kv(struct arena *a, void *const *entries, size_t n);

/* The program type in the kernel's numbering as bpfman reports and filters
 * it (XDP and TC programs count as xdp/sched_cls even when loaded as ext
 * for a dispatcher; programs we do not manage as the kernel has them). */
uint32_t pb_kind(const struct bpfman_program *prog);

/* "TYPE:FUNC[:ATTACH]" for bpfman_load_opts.programs; NULL (and *why) for
 * an unknown type or missing fentry/fexit/lsm information. */
const char *pb_load_spec(struct arena *a, const Bpfman__V1__LoadInfo *li,
			 const char **why);

/* bpfman.v1's program type, and the type an AttachInfo case attaches
 * (UNSPEC when unknown or unset), for authorization limits. */
enum bpfman_program_type pb_program_type(Bpfman__V1__BpfmanProgramType t);
enum bpfman_program_type pb_attach_type(const Bpfman__V1__AttachInfo *ai);

/* Fills attach opts from AttachInfo; 0, or -EINVAL with *why set. */
int pb_attach_opts(struct arena *a, struct bpfman_attach_opts *opts,
		   const Bpfman__V1__AttachInfo *ai, const char **why);

/* The managed programs of a list at hand, sorted by the program whose maps
 * they use, so List finds each program's map_used_by by binary search
 * (one pass over 1,000 programs per program was ~1 M calls per List). */
struct pb_map_users {
	struct pb_map_user { uint32_t owner, id; } *v;
	size_t cnt;
};
void pb_map_users_index(struct arena *a, struct pb_map_users *ret,
			struct bpfman_program *const *progs, size_t cnt);

/* Reply messages. map_used_by comes from `users` (an index of a list
 * already at hand, List) or, with users NULL, from
 * bpfman_program__map_used_by (Get, Load). */
Bpfman__V1__ProgramInfo *pb_program_info(struct arena *a, struct bpfman_ctx *ctx,
					 const struct bpfman_program *prog,
					 const struct pb_map_users *users);
Bpfman__V1__KernelProgramInfo *pb_kernel_info(struct arena *a,
					      const struct bpfman_program *prog);

#endif
