/* SPDX-License-Identifier: Apache-2.0 */
/* The one load path behind bpfman_program__load_file and
 * bpfman_program__load_image: the latter loads the ELF the image cache
 * extracted and records where it came from. */
#ifndef BPFMAN_PROGRAM_LOAD_H
#define BPFMAN_PROGRAM_LOAD_H

#include <stddef.h>

#include <bpfman/program.h>

/* Where the ELF came from when it is not a file the user named. */
struct load_origin {
	const char *image;        /* normalised image reference */
	const char *image_digest; /* manifest digest, "sha256:<hex>" */
};

/* origin NULL: a plain file load. */
int program_load_elf(struct bpfman_program ***ret_progs, size_t *ret_cnt,
		     struct bpfman_ctx *ctx, const char *path,
		     const struct bpfman_load_opts *opts, const struct load_origin *origin);

#endif
