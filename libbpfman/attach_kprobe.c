// SPDX-License-Identifier: Apache-2.0
/* kprobe / kretprobe through the kprobe PMU. */
#include "internal.h"
#include "perf_event.h"
#include "prog_types.h"

#include <string.h>

int kprobe_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		   const struct bpfman_attach_opts *opts, struct bpfman_link *link)
{
	const char *fn = OPTS_GET(opts, fn_name, NULL);
	uint64_t offset = OPTS_GET(opts, offset, 0);

	if (str_empty(fn))
		return bpfman_err(ctx, -EINVAL,
				  "a kprobe needs a kernel function name (fn_name), e.g. do_nanosleep");
	if (prog->retprobe && offset)
		return bpfman_err(ctx, -EINVAL,
				  "program %u is a kretprobe, which fires on function return; an offset (%llu) makes no sense there: drop it",
				  prog->id, (unsigned long long)offset);
	if (perf_pmu_type("kprobe") < 0)
		return bpfman_err(ctx, -EOPNOTSUPP,
				  "this kernel has no kprobe support (no /sys/bus/event_source/devices/kprobe; CONFIG_KPROBE_EVENTS is off)");
	link->fn_name = strdup(fn);
	link->offset = offset;
	return link->fn_name ? 0 : -ENOMEM;
}

int kprobe_attach(struct bpfman_ctx *ctx, struct attach_req *req)
{
	const struct bpfman_link *l = req->link;
	_cleanup_close_ int pfd = perf_event_open_probe("kprobe", l->retprobe, l->fn_name,
							l->offset, -1);

	if (pfd == -ENOENT || (pfd == -EINVAL && !l->offset))
		return bpfman_err(ctx, pfd,
				  "cannot probe kernel function '%s': no such function, or it cannot be probed (see /sys/kernel/tracing/available_filter_functions)",
				  l->fn_name);
	if (pfd < 0 && l->offset)
		return bpfman_err(ctx, pfd,
				  "cannot probe '%s+%llu': the offset is past the end of the function or not on an instruction boundary (%s)",
				  l->fn_name, (unsigned long long)l->offset, strerror(-pfd));
	if (pfd < 0)
		return bpfman_err(ctx, pfd, "cannot create kprobe on '%s': %s", l->fn_name,
				  strerror(-pfd));
	return perf_link_and_pin(ctx, req->prog_fd, pfd, l->pin_path);
}
