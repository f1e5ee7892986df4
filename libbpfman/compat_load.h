/* SPDX-License-Identifier: Apache-2.0 */
/* How a load accepts the conventions of bpfman's own bytecode (built for
 * aya, bpfman's loader) while libbpf stays the loader: the object libbpf
 * sees, the program type when libbpf cannot infer it from the section
 * name, and maps pinned by name. doc/compat.md lists them. */
#ifndef BPFMAN_COMPAT_LOAD_H
#define BPFMAN_COMPAT_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "libbpf_glue.h"
#include "load_spec.h"
#include "prog_types.h"

struct bpf_object;
struct bpf_program;
struct bpfman_ctx;

/* Opens path for libbpf: a private copy with the named static entry
 * functions made global when there are any (elf_adapt.h), the file itself
 * otherwise. Maps declared LIBBPF_PIN_BY_NAME lose libbpf's own pinning
 * (which would pin them under /sys/fs/bpf by name, shared by every
 * object using that name): the loader pins every map in our layout.
 * cap: the libbpf capture of the caller, for the error sentence. */
int compat_open(struct bpfman_ctx *ctx, const char *path, const struct prog_request *reqs,
		size_t cnt, const struct libbpf_capture *cap, struct bpf_object **ret);

/* Checks that prog's section fits the declared type and, where libbpf did
 * not recognise the section ("classifier/NAME", "xdp/NAME", "tc/NAME"),
 * sets the kernel program type and expected attach type from the
 * declaration. A section libbpf knows for another type is refused.
 * Sets *retprobe for return-probe sections. */
int compat_settle_type(struct bpfman_ctx *ctx, struct bpf_program *prog,
		       const struct prog_type_desc *desc, const char *func, bool *retprobe);

#endif
