/* SPDX-License-Identifier: Apache-2.0 */
/* Writing global variables (.rodata, .data, .bss) of an opened object
 * before it is loaded, found by name through its BTF. */
#ifndef BPFMAN_GLOBALS_H
#define BPFMAN_GLOBALS_H

#include "model.h"

struct bpf_object;
struct bpfman_ctx;

int globals_apply(struct bpfman_ctx *ctx, struct bpf_object *obj,
		  const struct global_list *globals);

#endif
