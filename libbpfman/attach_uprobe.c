// SPDX-License-Identifier: Apache-2.0
/* uprobe / uretprobe through the uprobe PMU. The link records what the
 * user gave (function, offset, target as resolved) so restore repeats it. */
#include "internal.h"
#include "perf_event.h"
#include "prog_types.h"
#include "uprobe_target.h"

#include <signal.h>
#include <string.h>

int uprobe_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		   const struct bpfman_attach_opts *opts, struct bpfman_link *link)
{
	const char *fn = OPTS_GET(opts, fn_name, NULL);
	uint64_t offset = OPTS_GET(opts, offset, 0), file_off = 0;
	int32_t pid = OPTS_GET(opts, pid, 0);
	char *path = NULL;
	int err;

	(void)prog;
	if (pid < 0)
		return bpfman_err(ctx, -EINVAL, "pid %d is not valid; give a positive process ID or none", pid);
	if (pid > 0 && kill(pid, 0) && errno == ESRCH)
		return bpfman_err(ctx, -ESRCH, "no process with pid %d", pid);
	if (str_empty(fn) && !offset)
		return bpfman_err(ctx, -EINVAL,
				  "a uprobe needs a function name (fn_name), an offset (offset), or both");
	if ((err = uprobe_resolve_target(ctx, OPTS_GET(opts, target, NULL), &path)))
		return err;
	link->target = path;
	if (!str_empty(fn) && (err = uprobe_func_offset(ctx, path, fn, &file_off)))
		return err;
	link->fn_name = str_empty(fn) ? NULL : strdup(fn);
	link->offset = offset;
	link->pid = pid;
	return str_empty(fn) || link->fn_name ? 0 : -ENOMEM;
}

int uprobe_attach(struct bpfman_ctx *ctx, struct attach_req *req)
{
	const struct bpfman_link *l = req->link;
	uint64_t off = 0;
	_cleanup_close_ int pfd = -1;
	int err;

	if (l->fn_name && (err = uprobe_func_offset(ctx, l->target, l->fn_name, &off)))
		return err;
	off += l->offset;
	pfd = perf_event_open_probe("uprobe", l->retprobe, l->target, off, l->pid);
	if (pfd < 0)
		return bpfman_err(ctx, pfd, "cannot create uprobe on %s%s%s+%llu%s: %s",
				  l->target, l->fn_name ? ":" : "", l->fn_name ? l->fn_name : "",
				  (unsigned long long)l->offset,
				  pfd == -ESRCH ? " (the process is gone)" : "", strerror(-pfd));
	return perf_link_and_pin(ctx, req->prog_fd, pfd, l->pin_path);
}
