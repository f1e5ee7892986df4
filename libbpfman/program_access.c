// SPDX-License-Identifier: Apache-2.0
/* Accessors of struct bpfman_program; strings are never NULL. */
#include "internal.h"
#include "model.h"

#include <bpf/libbpf.h>
#include <stdlib.h>

void bpfman_program__free(struct bpfman_program *prog)
{
	if (!prog)
		return;
	program_clear(prog);
	free(prog);
}

void bpfman_program_list__free(struct bpfman_program **progs, size_t cnt)
{
	if (!progs)
		return;
	for (size_t i = 0; i < cnt; i++)
		bpfman_program__free(progs[i]);
	free(progs);
}

uint32_t bpfman_program__id(const struct bpfman_program *p) { return p->id; }
bool bpfman_program__managed(const struct bpfman_program *p) { return p->managed; }
enum bpfman_program_type bpfman_program__type(const struct bpfman_program *p) { return p->type; }
bool bpfman_program__retprobe(const struct bpfman_program *p) { return p->retprobe; }
const char *bpfman_program__name(const struct bpfman_program *p) { return str_or_empty(p->name); }
const char *bpfman_program__attach_func(const struct bpfman_program *p) { return str_or_empty(p->attach_func); }
const char *bpfman_program__path(const struct bpfman_program *p) { return str_or_empty(p->path); }
const char *bpfman_program__application(const struct bpfman_program *p) { return str_or_empty(p->application); }
const char *bpfman_program__owner(const struct bpfman_program *p) { return p->owner; }
const char *bpfman_program__pin_path(const struct bpfman_program *p) { return str_or_empty(p->pin_path); }
const char *bpfman_program__map_pin_dir(const struct bpfman_program *p) { return str_or_empty(p->map_pin_dir); }
uint32_t bpfman_program__map_owner_id(const struct bpfman_program *p) { return p->map_owner_id; }
size_t bpfman_program__metadata_cnt(const struct bpfman_program *p) { return p->metadata.cnt; }

const char *bpfman_program__metadata_key(const struct bpfman_program *p, size_t i)
{
	return i < p->metadata.cnt ? p->metadata.keys[i] : NULL;
}

const char *bpfman_program__metadata_value(const struct bpfman_program *p, size_t i)
{
	return i < p->metadata.cnt ? p->metadata.values[i] : NULL;
}

size_t bpfman_program__global_cnt(const struct bpfman_program *p) { return p->globals.cnt; }

const char *bpfman_program__global_name(const struct bpfman_program *p, size_t i)
{
	return i < p->globals.cnt ? p->globals.names[i] : NULL;
}

const void *bpfman_program__global_value(const struct bpfman_program *p, size_t i,
					 size_t *ret_size)
{
	if (i >= p->globals.cnt)
		return NULL;
	if (ret_size)
		*ret_size = p->globals.sizes[i];
	return p->globals.values[i];
}

size_t bpfman_program__link_cnt(const struct bpfman_program *p) { return p->link_ids_cnt; }

uint64_t bpfman_program__link_id(const struct bpfman_program *p, size_t i)
{
	return i < p->link_ids_cnt ? p->link_ids[i] : 0;
}

const char *bpfman_program__kernel_name(const struct bpfman_program *p) { return p->kernel.name; }
uint32_t bpfman_program__kernel_type(const struct bpfman_program *p) { return p->kernel.type; }

const char *bpfman_program__kernel_type_name(const struct bpfman_program *p)
{
	const char *n = p->kernel.loaded ? libbpf_bpf_prog_type_str(p->kernel.type) : NULL;

	return n ? n : "";
}

const char *bpfman_program__tag(const struct bpfman_program *p) { return p->kernel.tag; }
uint64_t bpfman_program__loaded_at(const struct bpfman_program *p) { return p->kernel.loaded_at; }
bool bpfman_program__gpl_compatible(const struct bpfman_program *p) { return p->kernel.gpl_compatible; }
size_t bpfman_program__map_id_cnt(const struct bpfman_program *p) { return p->kernel.map_ids_cnt; }

uint32_t bpfman_program__map_id(const struct bpfman_program *p, size_t i)
{
	return i < p->kernel.map_ids_cnt ? p->kernel.map_ids[i] : 0;
}

uint32_t bpfman_program__btf_id(const struct bpfman_program *p) { return p->kernel.btf_id; }
uint32_t bpfman_program__bytes_xlated(const struct bpfman_program *p) { return p->kernel.bytes_xlated; }
uint32_t bpfman_program__bytes_jited(const struct bpfman_program *p) { return p->kernel.bytes_jited; }
bool bpfman_program__jited(const struct bpfman_program *p) { return p->kernel.bytes_jited > 0; }
uint32_t bpfman_program__bytes_memlock(const struct bpfman_program *p) { return p->kernel.bytes_memlock; }
uint32_t bpfman_program__verified_insns(const struct bpfman_program *p) { return p->kernel.verified_insns; }
bool bpfman_program__kernel_loaded(const struct bpfman_program *p) { return p->kernel.loaded; }
enum bpfman_status bpfman_program__status(const struct bpfman_program *p) { return p->status; }

const char *bpfman_status_name(enum bpfman_status s)
{
	switch (s) {
	case BPFMAN_STATUS_IN_KERNEL:
		return "in-kernel";
	case BPFMAN_STATUS_GONE:
		return "gone";
	case BPFMAN_STATUS_NEEDS_RESTORE:
		return "needs-restore";
	case BPFMAN_STATUS_UNKNOWN:
		break;
	}
	return "unknown";
}
