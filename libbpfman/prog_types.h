/* SPDX-License-Identifier: Apache-2.0 */
/* One table entry per program type bpfman manages: its name, what the
 * kernel calls it, which ELF sections fit it, and how to attach it.
 * Adding a type is one new attach_<type>.c plus one entry in prog_types.c. */
#ifndef BPFMAN_PROG_TYPES_H
#define BPFMAN_PROG_TYPES_H

#include <stdbool.h>
#include <linux/bpf.h>

#include "model.h"

struct bpfman_ctx;

/* Everything an attach function needs; it fills link (kernel side) and
 * pins the kernel link at link->pin_path. */
struct attach_req {
	const struct bpfman_program *prog;
	int prog_fd;
	struct bpfman_link *link;
};

struct prog_type_desc {
	enum bpfman_program_type type;
	const char *name;
	enum bpf_prog_type kernel_type;
	/* ELF section prefixes libbpf maps to this type (before any '/'). */
	const char *const *sections;
	/* Section prefixes meaning a return probe. */
	const char *const *ret_sections;
	/* Checks the request before anything changes; fills link fields. */
	int (*prepare_attach)(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
			      const struct bpfman_attach_opts *opts,
			      struct bpfman_link *link);
	/* Creates the kernel link and pins it at link->pin_path. */
	int (*attach)(struct bpfman_ctx *ctx, struct attach_req *req);
	/* Optional: the link's position in its hook's chain right now. */
	int (*position)(struct bpfman_ctx *ctx, const struct bpfman_link *link);
	/* Optional: applies a new priority/proceed-on already validated and
	 * set in link (the old values in old); NULL: the type has no chain to
	 * re-order, the record alone changes. */
	int (*update)(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		      const struct bpfman_link *old, struct bpfman_link *link);
};

const struct prog_type_desc *prog_type_desc(enum bpfman_program_type type);
/* A kernel program type by libbpf's name ("sched_cls"), also with '-' for
 * '_' and bpfman's "probe" for kprobe; -EINVAL with a sentence otherwise. */
int kernel_prog_type_from_name(struct bpfman_ctx *ctx, const char *name,
			       enum bpf_prog_type *ret);
/* Splits a section name's prefix (up to '/' or end) and finds whether it
 * fits desc; sets *retprobe for return-probe sections. */
bool prog_type_section_fits(const struct prog_type_desc *desc, const char *sec,
			    bool *retprobe);

/* Implemented in attach_*.c */
int tracepoint_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		       const struct bpfman_attach_opts *opts, struct bpfman_link *link);
int tracepoint_attach(struct bpfman_ctx *ctx, struct attach_req *req);
int kprobe_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		   const struct bpfman_attach_opts *opts, struct bpfman_link *link);
int kprobe_attach(struct bpfman_ctx *ctx, struct attach_req *req);
int uprobe_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		   const struct bpfman_attach_opts *opts, struct bpfman_link *link);
int uprobe_attach(struct bpfman_ctx *ctx, struct attach_req *req);
int tracing_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		    const struct bpfman_attach_opts *opts, struct bpfman_link *link);
int tracing_attach(struct bpfman_ctx *ctx, struct attach_req *req);
int lsm_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		const struct bpfman_attach_opts *opts, struct bpfman_link *link);
int xdp_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		const struct bpfman_attach_opts *opts, struct bpfman_link *link);
int xdp_attach(struct bpfman_ctx *ctx, struct attach_req *req);
int tcx_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		const struct bpfman_attach_opts *opts, struct bpfman_link *link);
int tcx_attach(struct bpfman_ctx *ctx, struct attach_req *req);
int tcx_position(struct bpfman_ctx *ctx, const struct bpfman_link *link);
int net_position(struct bpfman_ctx *ctx, const struct bpfman_link *link);
int net_chain_update(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		     const struct bpfman_link *old, struct bpfman_link *link);
int tc_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
	       const struct bpfman_attach_opts *opts, struct bpfman_link *link);
int tc_attach(struct bpfman_ctx *ctx, struct attach_req *req);

/* Whether the type names a kernel function (BTF) to attach to at load:
 * fentry, fexit, lsm. */
bool prog_type_has_btf_target(const struct prog_type_desc *desc);

/* Pins a kernel link fd at path, closing nothing. */
int pin_link_fd(struct bpfman_ctx *ctx, int link_fd, const char *path);

#endif
