/* SPDX-License-Identifier: Apache-2.0 */
#ifndef BPFMAN_PROGRAM_QUERY_H
#define BPFMAN_PROGRAM_QUERY_H

#include "model.h"

struct bpfman_ctx;

/* Fills p->kernel from the program's pin; leaves kernel.loaded false when
 * the pin is gone (after a reboot, before restore). */
void program_fill_kernel(struct bpfman_program *p);
/* The same, the pin resolved from root_fd (kernel_obj_get_at): for lists. */
void program_fill_kernel_at(struct bpfman_program *p, int root_fd, const char *root);
/* Validates and copies caller metadata (shared by load and attach). */
int validate_metadata(struct bpfman_ctx *ctx, const struct bpfman_kv *md, size_t cnt,
		      struct kv_list *ret);
/* Whether list selectors (metadata pairs, application) match. */
bool metadata_matches(const struct kv_list *have, const struct bpfman_list_opts *opts);

/* The status of a recorded object that is (live) or is not in the kernel,
 * and a warning, once per context, that something recorded in this boot
 * is gone from the kernel. */
enum bpfman_status status_of(struct bpfman_ctx *ctx, bool live, const char *boot_id);
void warn_gone(struct bpfman_ctx *ctx, const char *what, uint64_t id);

#endif
