/* SPDX-License-Identifier: Apache-2.0 */
/* Image config blobs and bpfman's bytecode labels: io.ebpf.programs,
 * io.ebpf.maps (JSON objects name -> type) and the legacy single-program
 * io.ebpf.program_type / io.ebpf.filename / io.ebpf.bpf_function_name.
 * Owner: image_config.c. */
#ifndef BPFMAN_IMAGE_CONFIG_H
#define BPFMAN_IMAGE_CONFIG_H

#include <stddef.h>
#include <bpfman/program.h>

struct bpfman_ctx;

#define LABEL_PROGRAMS "io.ebpf.programs"
#define LABEL_MAPS "io.ebpf.maps"
#define LABEL_PROGRAM_TYPE "io.ebpf.program_type"
#define LABEL_FILENAME "io.ebpf.filename"
#define LABEL_FUNCTION_NAME "io.ebpf.bpf_function_name"

#define IMAGE_CONFIG_MAX_SIZE (1u << 20)

struct image_program {
	char *name;
	char *type_name; /* as the label wrote it: "xdp", "tc", "kprobe", ... */
	enum bpfman_program_type type;
};

struct image_map {
	char *name;
	char *type; /* "hash", "array", ... as written */
};

struct image_config {
	char *os, *architecture, *variant;
	char **label_keys;
	char **label_values;
	size_t labels_cnt;
	struct image_program *programs;
	size_t programs_cnt;
	struct image_map *maps;
	size_t maps_cnt;
	char *filename; /* legacy io.ebpf.filename, else NULL */
};

/* Fails with a clear sentence when the config has no bytecode labels
 * ("not a bpfman bytecode image: config has no io.ebpf.programs label"),
 * -ENOMSG then; -EBADMSG for malformed JSON or labels, unknown program
 * types included. A program whose label says "probe" or "tracing" (Rust
 * bpfman's kernel-type names) has type BPFMAN_PROG_TYPE_UNSPEC until
 * elf_resolve_types() (image/elf_info.h) reads its ELF section. */
int image_config_parse(struct bpfman_ctx *ctx, const void *buf, size_t len,
		       struct image_config *ret);
void image_config_clear(struct image_config *c);
const char *image_config_label(const struct image_config *c, const char *key);
/* A label's program type name -> type: bpfman's names plus "kretprobe",
 * "uretprobe", and UNSPEC for "probe"/"tracing". -1 when unknown. */
int image_program_type(const char *type_name, enum bpfman_program_type *ret);

#endif
