// SPDX-License-Identifier: Apache-2.0
/* fentry / fexit (and lsm, whose attach is the same): the target function
 * was fixed at load time; attaching only creates the tracing link. */
#include "internal.h"
#include "prog_types.h"

#include <bpf/bpf.h>
#include <string.h>

int tracing_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		    const struct bpfman_attach_opts *opts, struct bpfman_link *link)
{
	(void)ctx;
	(void)opts;
	if (!str_empty(prog->attach_func)) {
		link->fn_name = strdup(prog->attach_func);
		return link->fn_name ? 0 : -ENOMEM;
	}
	return 0;
}

int tracing_attach(struct bpfman_ctx *ctx, struct attach_req *req)
{
	_cleanup_close_ int link_fd = bpf_raw_tracepoint_open(NULL, req->prog_fd);

	if (link_fd < 0)
		return bpfman_err(ctx, -errno, "the kernel refused to attach %s program %u: %s",
				  bpfman_program_type_name(req->prog->type), req->prog->id,
				  strerror(errno));
	return pin_link_fd(ctx, link_fd, req->link->pin_path);
}
