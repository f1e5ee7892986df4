// SPDX-License-Identifier: Apache-2.0
/* TC (clsact ingress/egress) through our multi-program dispatcher
 * (tc_dispatcher.c): TC programs are loaded as extensions and run in a
 * chain ordered by priority with bpfman's proceed-on. Where the kernel
 * refuses extensions, a TC program cannot attach (TCX, kernel >= 6.6, is
 * the way to attach a lone program there). */
#include "internal.h"
#include "attach_net.h"
#include "chain_ops.h"
#include "prog_types.h"

int tc_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
	       const struct bpfman_attach_opts *opts, struct bpfman_link *link)
{
	if (!prog->dispatched)
		return bpfman_err(ctx, -EOPNOTSUPP,
				  "TC program %u was loaded as a plain program because the kernel refused freplace (BPF_PROG_TYPE_EXT), which the TC dispatcher needs; load it as tcx instead (--programs tcx:%s, Linux >= 6.6)",
				  prog->id, prog->name);
	return net_prepare(ctx, prog, opts, link, true);
}

int tc_attach(struct bpfman_ctx *ctx, struct attach_req *req)
{
	return chain_attach(ctx, req->prog, req->prog_fd, req->link);
}
