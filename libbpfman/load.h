/* SPDX-License-Identifier: Apache-2.0 */
/* Loading an ELF object into the kernel in two phases so that a crash
 * leaves only things reconcile can find: first everything is pinned under
 * a staging directory recorded in the database, then it is renamed into
 * place and the rows are written. Used by load_file and restore. */
#ifndef BPFMAN_LOAD_H
#define BPFMAN_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "load_spec.h"
#include "model.h"

struct bpfman_ctx;

struct load_plan {
	const char *elf_path;
	const struct prog_request *reqs;
	size_t cnt;
	const struct global_list *globals;
	/* Reuse maps pinned here instead of creating them; NULL for none. */
	const char *reuse_map_dir;
	/* Reuse .rodata/.data/.bss too (programs of one original load share
	 * them); false for an explicit map owner, whose globals stay its own. */
	bool reuse_internal_maps;
	/* Load XDP and TC programs as BPF_PROG_TYPE_EXT for a dispatcher,
	 * falling back to their plain type where the kernel refuses. */
	bool try_dispatch;
};

/* Refuses (-EINVAL, naming the maps on both sides) a map owner whose map
 * directory holds none of the object's maps: nothing would be shared and
 * the new programs' maps would stay unpinned. */
int load_check_map_owner(struct bpfman_ctx *ctx, const char *elf_path,
			 const struct prog_request *reqs, size_t cnt, uint32_t owner_id,
			 const char *dir);

struct load_result {
	char *token;
	char *staging;
	size_t cnt;
	uint32_t *ids;
	bool *retprobe;
	bool *dispatched; /* loaded as EXT for a dispatcher */
	/* fentry/fexit/lsm: the function or hook the section named, where
	 * the request named none; NULL otherwise. */
	char **target;
	bool maps_pinned; /* staging/maps holds this load's own maps */
};

/* Requires the state lock. Loads and pins under a fresh staging directory. */
int load_stage(struct bpfman_ctx *ctx, const struct load_plan *plan,
	       struct load_result *ret);
/* Moves pins into place; maps go to <root>/maps/<ids[0]>. */
int load_publish(struct bpfman_ctx *ctx, struct load_result *res);
/* Undoes load_publish (after a failed database commit). */
void load_unpublish(struct bpfman_ctx *ctx, struct load_result *res);
/* After a successful publish the staging directory is empty: remove it
 * before the commit that deletes the pending row, so no crash can leave a
 * staging directory that no pending row points to. */
void load_drop_staging(struct bpfman_ctx *ctx, struct load_result *res);
/* Removes the staging directory and its database record (a no-op for the
 * record once the commit deleted it), and frees res. */
void load_finish(struct bpfman_ctx *ctx, struct load_result *res);

#endif
