/* SPDX-License-Identifier: Apache-2.0 */
/* What a BPF object holds, read with libbpf without touching the kernel:
 * its programs with bpfman's type names (from the ELF section) and its
 * maps with the type names bpfman's image labels use. Feeds image build's
 * io.ebpf.programs / io.ebpf.maps labels, and settles the "probe" and
 * "tracing" types of images Rust bpfman labelled. Owner: elf_info.c. */
#ifndef BPFMAN_IMAGE_ELF_INFO_H
#define BPFMAN_IMAGE_ELF_INFO_H

#include <stdbool.h>
#include <stddef.h>

struct bpfman_ctx;
struct image_config;

struct elf_program {
	char *name;
	char *section;
	const char *type_name; /* "xdp", "kretprobe", ...; NULL: not a type bpfman loads */
};

struct elf_map {
	char *name;
	const char *type_name; /* "hash", "per_cpu_array", ... */
};

struct elf_info {
	struct elf_program *programs;
	size_t programs_cnt;
	struct elf_map *maps; /* without libbpf's internal .rodata/.data/.bss/.kconfig */
	size_t maps_cnt;
	bool big_endian;
};

int elf_info_read(struct bpfman_ctx *ctx, const void *elf, size_t len,
		  struct elf_info *ret);
void elf_info_clear(struct elf_info *info);
/* bpfman's type name for an ELF section ("xdp", "tc", "tcx", "tracepoint",
 * "kprobe", "kretprobe", "uprobe", "uretprobe", "fentry", "fexit"), or NULL. */
const char *elf_section_type_name(const char *section);
/* The name bpfman's labels give a kernel map type (bpf_map_type). */
const char *elf_map_type_name(unsigned int map_type);
/* Sets the type of every program the config left UNSPEC ("probe",
 * "tracing") from its section in elf, and checks that each labelled
 * program exists in the object with a section of a fitting type. */
int elf_resolve_types(struct bpfman_ctx *ctx, struct image_config *c,
		      const void *elf, size_t len);

#endif
