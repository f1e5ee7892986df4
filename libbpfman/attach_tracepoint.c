// SPDX-License-Identifier: Apache-2.0
/* Tracepoints: "group/name", found in tracefs. */
#include "internal.h"
#include "perf_event.h"
#include "prog_types.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const tracefs_roots[] = {
	"/sys/kernel/tracing",
	"/sys/kernel/debug/tracing",
};

static int tracepoint_id(struct bpfman_ctx *ctx, const char *tp)
{
	bool have_tracefs = false;

	for (size_t i = 0; i < ARRAY_SIZE(tracefs_roots); i++) {
		char path[512];
		FILE *f;
		int id;

		snprintf(path, sizeof(path), "%s/events", tracefs_roots[i]);
		if (access(path, F_OK))
			continue;
		have_tracefs = true;
		snprintf(path, sizeof(path), "%s/events/%s/id", tracefs_roots[i], tp);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fscanf(f, "%d", &id) != 1)
			id = -EINVAL;
		fclose(f);
		return id;
	}
	if (!have_tracefs)
		return bpfman_err(ctx, -ENOENT,
				  "tracefs is not mounted, so tracepoint '%s' cannot be found; mount it with 'mount -t tracefs tracefs /sys/kernel/tracing'",
				  tp);
	return bpfman_err(ctx, -ENOENT,
			  "unknown tracepoint '%s'; the kernel's tracepoints are listed in /sys/kernel/tracing/available_events (as group:name; write group/name)",
			  tp);
}

int tracepoint_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		       const struct bpfman_attach_opts *opts, struct bpfman_link *link)
{
	const char *tp = OPTS_GET(opts, tracepoint, NULL);
	const char *slash;
	int id;

	(void)prog;
	if (str_empty(tp))
		return bpfman_err(ctx, -EINVAL,
				  "a tracepoint program needs a tracepoint to attach to; give it as GROUP/NAME, e.g. syscalls/sys_enter_getpid");
	slash = strchr(tp, '/');
	if (!slash || slash == tp || !slash[1] || strchr(slash + 1, '/') || strstr(tp, ".."))
		return bpfman_err(ctx, -EINVAL,
				  "tracepoint '%s' is not of the form GROUP/NAME, e.g. syscalls/sys_enter_getpid",
				  tp);
	id = tracepoint_id(ctx, tp);
	if (id < 0)
		return id;
	link->tracepoint = strdup(tp);
	return link->tracepoint ? 0 : -ENOMEM;
}

int tracepoint_attach(struct bpfman_ctx *ctx, struct attach_req *req)
{
	_cleanup_close_ int pfd = -1;
	int id = tracepoint_id(ctx, req->link->tracepoint);

	if (id < 0)
		return id;
	pfd = perf_event_open_tracepoint(id);
	if (pfd < 0)
		return bpfman_err(ctx, pfd, "cannot open tracepoint '%s': %s",
				  req->link->tracepoint, strerror(-pfd));
	return perf_link_and_pin(ctx, req->prog_fd, pfd, req->link->pin_path);
}
