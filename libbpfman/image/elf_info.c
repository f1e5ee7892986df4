// SPDX-License-Identifier: Apache-2.0
/* Programs and maps of a BPF object, for image labels (doc/images.md,
 * "Building images"). libbpf opens the object from memory; nothing is
 * loaded into the kernel. */
#include "internal.h"
#include "libbpf_glue.h"
#include "elf_adapt.h"
#include "image/elf_info.h"
#include "image/image_config.h"

#include <bpf/libbpf.h>
#include <string.h>

/* bpfman's spellings, indexed by the kernel's bpf_map_type numbers. */
static const char *const map_type_names[] = {
	"unspec", "hash", "array", "prog_array", "perf_event_array",
	"per_cpu_hash", "per_cpu_array", "stack_trace", "cgroup_array",
	"lru_hash", "lru_per_cpu_hash", "lpm_trie", "array_of_maps",
	"hash_of_maps", "devmap", "sockmap", "cpumap", "xskmap", "sockhash",
	"cgroup_storage", "reuseport_sockarray", "per_cpu_cgroup_storage",
	"queue", "stack", "sk_storage", "devmap_hash", "struct_ops", "ringbuf",
	"inode_storage", "task_storage", "bloom_filter", "user_ringbuf",
	"cgrp_storage", "arena",
};

const char *elf_map_type_name(unsigned int map_type)
{
	return map_type < ARRAY_SIZE(map_type_names) ? map_type_names[map_type] : "unspec";
}

/* Section (the part before '/', with libbpf's optional '?') -> type. */
static const struct {
	const char *section, *type;
} section_types[] = {
	{ "xdp", "xdp" }, { "xdp.frags", "xdp" },
	{ "tc", "tc" }, { "classifier", "tc" },
	{ "tcx", "tcx" },
	{ "tracepoint", "tracepoint" }, { "tp", "tracepoint" },
	{ "kprobe", "kprobe" }, { "kretprobe", "kretprobe" },
	{ "uprobe", "uprobe" }, { "uprobe.s", "uprobe" },
	{ "uretprobe", "uretprobe" }, { "uretprobe.s", "uretprobe" },
	{ "fentry", "fentry" }, { "fentry.s", "fentry" },
	{ "fexit", "fexit" }, { "fexit.s", "fexit" },
	{ "lsm", "lsm" }, { "lsm.s", "lsm" },
};

const char *elf_section_type_name(const char *section)
{
	size_t len;

	if (!section)
		return NULL;
	if (*section == '?')
		section++;
	len = strcspn(section, "/");
	for (size_t i = 0; i < ARRAY_SIZE(section_types); i++)
		if (strlen(section_types[i].section) == len &&
		    !strncmp(section_types[i].section, section, len))
			return section_types[i].type;
	return NULL;
}

void elf_info_clear(struct elf_info *info)
{
	if (!info)
		return;
	for (size_t i = 0; i < info->programs_cnt; i++) {
		free(info->programs[i].name);
		free(info->programs[i].section);
	}
	free(info->programs);
	for (size_t i = 0; i < info->maps_cnt; i++)
		free(info->maps[i].name);
	free(info->maps);
	memset(info, 0, sizeof(*info));
}

static void bpf_object_closep(struct bpf_object **o)
{
	if (*o)
		bpf_object__close(*o);
}

int elf_info_read(struct bpfman_ctx *ctx, const void *elf, size_t len,
		  struct elf_info *ret)
{
	_cleanup_(libbpf_capture_end) struct libbpf_capture cap = { 0 };
	_cleanup_(bpf_object_closep) struct bpf_object *obj = NULL;
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "image");
	struct elf_info info = { 0 };
	struct bpf_program *prog;
	struct bpf_map *map;
	struct elf_adapted adapted;
	size_t n;
	int err;

	memset(ret, 0, sizeof(*ret));
	if (len < 16 || memcmp(elf, "\177ELF", 4))
		return bpfman_err(ctx, -ENOEXEC, "not an ELF file; give a BPF object built with 'clang -target bpf -g -O2 -c prog.bpf.c'");
	info.big_endian = ((const unsigned char *)elf)[5] == 2; /* EI_DATA: ELFDATA2MSB */
	/* Static entry functions (bpfman's images have them) are read from a
	 * copy where they are global, as loading does (elf_adapt.h). */
	if ((err = elf_adapt_mem(ctx, "the object", elf, len, NULL, 0, &adapted)))
		return err;
	libbpf_capture_begin(&cap, ctx);
	obj = bpf_object__open_mem(adapted.buf ? adapted.buf : elf,
				   adapted.buf ? adapted.sz : len, &opts);
	err = obj ? 0 : errno ? -errno : -EINVAL;
	elf_adapted_clear(&adapted); /* libbpf keeps its own copy */
	if (err)
		return libbpf_open_failed(ctx, &cap, err, "the object");
	n = 0;
	bpf_object__for_each_program(prog, obj)
		n++;
	info.programs = calloc(n + 1, sizeof(*info.programs));
	n = 0;
	bpf_object__for_each_map(map, obj)
		n++;
	info.maps = calloc(n + 1, sizeof(*info.maps));
	if (!info.programs || !info.maps)
		goto nomem;
	bpf_object__for_each_program(prog, obj) {
		struct elf_program *p = &info.programs[info.programs_cnt];

		p->name = strdup(bpf_program__name(prog));
		p->section = strdup(bpf_program__section_name(prog));
		p->type_name = elf_section_type_name(p->section);
		info.programs_cnt++;
		if (!p->name || !p->section)
			goto nomem;
	}
	bpf_object__for_each_map(map, obj) {
		struct elf_map *m = &info.maps[info.maps_cnt];

		/* .rodata/.data/.bss/.kconfig hold global variables, not maps
		 * a user shares; bpfman's labels leave them out too. */
		if (bpf_map__is_internal(map))
			continue;
		m->name = strdup(bpf_map__name(map));
		m->type_name = elf_map_type_name(bpf_map__type(map));
		info.maps_cnt++;
		if (!m->name)
			goto nomem;
	}
	*ret = info;
	return 0;
nomem:
	elf_info_clear(&info);
	return bpfman_err(ctx, -ENOMEM, "out of memory reading the object");
}

/* Does a section's type fit the label's? "probe" takes the kprobe and
 * uprobe families, "tracing" fentry and fexit, tc and tcx share sections. */
static bool type_fits(const char *label, const char *section_type)
{
	enum bpfman_program_type l, s;

	if (!section_type)
		return false;
	if (!strcmp(label, "probe"))
		return strstr(section_type, "probe") != NULL;
	if (!strcmp(label, "tracing"))
		return !strcmp(section_type, "fentry") || !strcmp(section_type, "fexit");
	l = bpfman_program_type_from_name(label);
	s = bpfman_program_type_from_name(section_type);
	if ((l == BPFMAN_PROG_TYPE_TC || l == BPFMAN_PROG_TYPE_TCX) &&
	    (s == BPFMAN_PROG_TYPE_TC || s == BPFMAN_PROG_TYPE_TCX))
		return true;
	return l == s;
}

int elf_resolve_types(struct bpfman_ctx *ctx, struct image_config *c,
		      const void *elf, size_t len)
{
	struct elf_info info;
	int err;

	if ((err = elf_info_read(ctx, elf, len, &info)))
		return bpfman_err_prefix(ctx, err, "image bytecode");
	for (size_t i = 0; !err && i < c->programs_cnt; i++) {
		struct image_program *p = &c->programs[i];
		const struct elf_program *e = NULL;

		for (size_t j = 0; j < info.programs_cnt; j++)
			if (!strcmp(info.programs[j].name, p->name))
				e = &info.programs[j];
		if (!e) {
			err = bpfman_err(ctx, -ENOENT, "the image's labels name program %s, which its bytecode does not contain",
					 p->name);
			break;
		}
		if (!type_fits(p->type_name, e->type_name)) {
			err = bpfman_err(ctx, -EINVAL, "the image's labels say program %s is %s, but its section \"%s\" is %s",
					 p->name, p->type_name, e->section,
					 e->type_name ? e->type_name : "not a type bpfman loads");
			break;
		}
		if (p->type == BPFMAN_PROG_TYPE_UNSPEC)
			p->type = bpfman_program_type_from_name(e->type_name);
	}
	elf_info_clear(&info);
	return err;
}
