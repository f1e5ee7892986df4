// SPDX-License-Identifier: Apache-2.0
/* The floor under "Load+Attach through a daemon vs in-process": the same
 * library calls made in another process reached by the cheapest IPC there
 * is, so what remains is what any out-of-process design pays on this
 * machine, not what bpfmand's gRPC costs.
 *
 *   ipc_floor TRACEPOINT_OBJECT ITERATIONS
 *       forks a server process with its own libbpfman context, joined by a
 *       socketpair (AF_UNIX stream): 40-byte fixed messages, blocking
 *       read/write, no event loop, no HTTP/2, no protobuf. Each iteration
 *       times "load" (the server makes bench_handler_load's calls: the load
 *       and map_used_by, as bpfmand's Load does) then "attach"
 *       (bench_handler_attach's, as bpfmand's Attach does): two round
 *       trips, as through bpfmand. Then, untimed, detach and unload. A
 *       sentinel program of the same object stays loaded throughout, as in
 *       grpc_load_attach. Each iteration is paired with the same calls in
 *       this process, the two taking turns going first, as
 *       grpc_load_attach's "paired" mode does, and it prints
 *       "floor ITERATIONS MEDIAN_IPC_US MEDIAN_INPROC_US MEDIAN_OF_THE_PAIRS'_RATIOS"
 *       and "wakes LOAD_WAKE LOAD_BACK ATTACH_WAKE ATTACH_BACK": medians, in
 *       microseconds, of a request's write to the server's read returning
 *       and of the reply's write to the client's read returning (the
 *       switches any daemon pays; bpfmand's gRPC path, client and daemon,
 *       comes on top).
 *       State goes where BPFMAN_STATE_DIR / BPFMAN_BPFFS_ROOT /
 *       BPFMAN_RUNTIME_DIR say (bench/lib.sh's sandbox). */
#include <bpfman/bpfman.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

enum { OP_LOAD = 1, OP_ATTACH, OP_DETACH_UNLOAD, OP_QUIT };

/* Each message carries CLOCK_MONOTONIC stamps (one clock for both
 * processes): when the client sent it, when the server's read returned,
 * when the server wrote the reply. */
struct msg {
	uint32_t op;
	uint32_t id;
	uint64_t link;
	double sent_us, woke_us, replied_us;
};

/* Per timed iteration: how long the server took to wake for a request,
 * and the client for its reply, for load and for attach. */
enum { WAKE_LOAD, BACK_LOAD, WAKE_ATTACH, BACK_ATTACH, WAKES };
static double *wakes[WAKES];

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "ipc_floor: %s: %s\n", what, detail);
	exit(1);
}

static void xwrite(int fd, const struct msg *m)
{
	if (write(fd, m, sizeof(*m)) != (ssize_t)sizeof(*m))
		die("write", strerror(errno));
}

static int xread(int fd, struct msg *m)
{
	ssize_t n = read(fd, m, sizeof(*m));

	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(*m))
		die("read", n < 0 ? strerror(errno) : "a short message");
	return 1;
}

/* The other process: one request, bpfmand's library calls for it (the
 * same helpers as the in-process side), one reply. */
static void serve(int fd, const char *obj)
{
	struct bpfman_ctx *ctx = bench_ctx_open("ipc_floor server");
	struct msg m;

	while (xread(fd, &m) && m.op != OP_QUIT) {
		m.woke_us = bench_now_us();
		switch (m.op) {
		case OP_LOAD:
			m.id = bench_handler_load("ipc_floor server", ctx, obj);
			break;
		case OP_ATTACH:
			m.link = bench_handler_attach("ipc_floor server", ctx, m.id);
			break;
		case OP_DETACH_UNLOAD:
			if (bpfman_link__detach(ctx, m.link) ||
			    bpfman_program__unload(ctx, m.id, NULL))
				die("server detach/unload", bpfman_errmsg(ctx));
			break;
		default:
			die("server", "an unknown request");
		}
		m.replied_us = bench_now_us();
		xwrite(fd, &m);
	}
	bpfman_ctx_free(ctx);
	exit(0);
}

/* One round trip; *wake and *back (when not NULL) get how long the
 * server took to wake for it and this process for the reply. */
static struct msg call(int fd, uint32_t op, uint32_t id, uint64_t link, double *wake,
		       double *back)
{
	struct msg m = { .op = op, .id = id, .link = link };

	m.sent_us = bench_now_us();
	xwrite(fd, &m);
	if (!xread(fd, &m))
		die("read", "the server went away");
	if (wake)
		*wake = m.woke_us - m.sent_us;
	if (back)
		*back = bench_now_us() - m.replied_us;
	return m;
}

static double ipc_side(int fd, int i)
{
	double t0 = bench_now_us(), t, scratch[WAKES];
	double *w[WAKES];

	for (int k = 0; k < WAKES; k++)
		w[k] = i < 0 ? &scratch[k] : &wakes[k][i];
	struct msg l = call(fd, OP_LOAD, 0, 0, w[WAKE_LOAD], w[BACK_LOAD]);
	struct msg a = call(fd, OP_ATTACH, l.id, 0, w[WAKE_ATTACH], w[BACK_ATTACH]);

	t = bench_now_us() - t0;
	call(fd, OP_DETACH_UNLOAD, l.id, a.link, NULL, NULL);
	return t;
}

static double inproc_side(struct bpfman_ctx *ctx, const char *obj)
{
	double t0 = bench_now_us(), t;
	uint32_t id;
	uint64_t link;

	bench_handlers_load_attach("ipc_floor", ctx, obj, &id, &link);
	t = bench_now_us() - t0;
	if (bpfman_link__detach(ctx, link) || bpfman_program__unload(ctx, id, NULL))
		die("detach/unload", bpfman_errmsg(ctx));
	return t;
}

int main(int argc, char **argv)
{
	struct bpfman_ctx *ctx;
	double *t, *ti, *ratio;
	int sv[2], iters, status;
	uint32_t sentinel;
	pid_t pid;

	if (argc != 3 || (iters = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: %s TRACEPOINT_OBJECT ITERATIONS\n", argv[0]);
		return 2;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		die("socketpair", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork", strerror(errno));
	if (!pid) {
		close(sv[0]);
		serve(sv[1], argv[1]);
	}
	close(sv[1]);
	t = calloc((size_t)iters, sizeof(*t));
	ti = calloc((size_t)iters, sizeof(*ti));
	ratio = calloc((size_t)iters, sizeof(*ratio));
	for (int k = 0; k < WAKES; k++)
		if (!(wakes[k] = calloc((size_t)iters, sizeof(double))))
			die("memory", strerror(errno));
	if (!t || !ti || !ratio)
		die("memory", strerror(errno));
	ctx = bench_ctx_open("ipc_floor");
	/* A program of the same object kept loaded throughout, as
	 * lifecycle_inproc and grpc_load_attach keep one: otherwise every load
	 * re-copies and fsyncs the bytecode, a disk cost that varies by
	 * milliseconds. */
	sentinel = bench_handler_load("ipc_floor", ctx, argv[1]);
	/* One untimed warm-up pair (i = -1), then the two sides alternate
	 * going first, as in grpc_load_attach. */
	for (int i = -1; i < iters; i++) {
		double td, tin = 0;

		if (i & 1)
			tin = inproc_side(ctx, argv[1]);
		td = ipc_side(sv[0], i);
		if (!(i & 1))
			tin = inproc_side(ctx, argv[1]);
		if (i < 0)
			continue;
		t[i] = td;
		ti[i] = tin;
		ratio[i] = td / tin;
	}
	xwrite(sv[0], &(struct msg){ .op = OP_QUIT }); /* no reply: the server exits */
	if (bpfman_program__unload(ctx, sentinel, NULL))
		die("unload of the sentinel", bpfman_errmsg(ctx));
	close(sv[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		die("server", "did not exit cleanly");
	printf("floor %d %.1f %.1f %.3f\n", iters, bench_median(t, (size_t)iters),
	       bench_median(ti, (size_t)iters), bench_median(ratio, (size_t)iters));
	printf("wakes %.1f %.1f %.1f %.1f\n", bench_median(wakes[WAKE_LOAD], (size_t)iters),
	       bench_median(wakes[BACK_LOAD], (size_t)iters),
	       bench_median(wakes[WAKE_ATTACH], (size_t)iters),
	       bench_median(wakes[BACK_ATTACH], (size_t)iters));
	for (int k = 0; k < WAKES; k++)
		free(wakes[k]);
	bpfman_ctx_free(ctx);
	free(t);
	free(ti);
	free(ratio);
	return 0;
}
