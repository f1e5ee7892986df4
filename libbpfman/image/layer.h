/* SPDX-License-Identifier: Apache-2.0 */
/* Image layers: reading the one ELF out of a tar (+gzip) blob, untrusted,
 * and writing such a layer for image build. Owner: layer.c. */
#ifndef BPFMAN_IMAGE_LAYER_H
#define BPFMAN_IMAGE_LAYER_H

#include <stddef.h>
#include <stdint.h>

struct bpfman_ctx;

/* Largest ELF accepted from a layer. */
#define LAYER_ELF_MAX_SIZE (64u << 20)

/* Finds the bytecode in a layer: the entry named `filename` when given
 * (legacy label), else the only regular file that is an ELF. Refuses
 * absolute paths, "..", hard/sym links, devices, fifos and entries over
 * LAYER_ELF_MAX_SIZE, with a sentence naming the entry. Reads only as far
 * as needed. The result is malloc'ed. */
int layer_read_elf(struct bpfman_ctx *ctx, const void *blob, size_t blob_len,
		   const char *filename, void **ret_elf, size_t *ret_len);
/* The same from a blob file. */
int layer_read_elf_file(struct bpfman_ctx *ctx, const char *blob_path,
			const char *filename, void **ret_elf, size_t *ret_len);
/* A reproducible tar+gzip layer holding elf as `name` (mode 0644, owner
 * 0:0, mtime 0), as bpfman's Containerfile.bytecode lays it out. */
int layer_build(struct bpfman_ctx *ctx, const void *elf, size_t elf_len,
		const char *name, void **ret_blob, size_t *ret_len);
/* The digest of the uncompressed tar (the config's rootfs.diff_ids). */
int layer_diff_id(struct bpfman_ctx *ctx, const void *blob, size_t blob_len,
		  char ret_digest[72]);

#endif
