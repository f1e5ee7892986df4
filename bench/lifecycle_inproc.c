// SPDX-License-Identifier: Apache-2.0
/* In-process cost of a tracepoint program's whole lifecycle (load, attach,
 * detach, unload), through libbpfman and through raw libbpf doing the same
 * work without any state (the floor a hand-rolled loader pays).
 *
 *   lifecycle_inproc libbpfman|libbpf OBJ ITERATIONS
 *   lifecycle_inproc load-many OBJ COUNT     (leaves COUNT programs loaded)
 *   lifecycle_inproc load-attach OBJ ITERATIONS
 *       (median of load+attach alone; detach and unload are not timed: the
 *       in-process side of bench/daemon.sh's Load+Attach ratio. A sentinel
 *       program of the same object stays loaded meanwhile, so no iteration
 *       re-copies and fsyncs the bytecode: a disk cost both sides pay
 *       alike, which on a shared machine varies from 1 to 25 ms; one
 *       untimed warm-up iteration first, as goload load-attach does).
 *       The calls are the ones bpfmand's Load and Attach make
 *       (bench_handlers_load_attach).
 *
 * Prints "<mode> <iterations> <mean microseconds per lifecycle>". State goes
 * where BPFMAN_STATE_DIR / BPFMAN_BPFFS_ROOT say. */
#include <bpf/libbpf.h>
#include <bpfman/bpfman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"

static int one_libbpfman(struct bpfman_ctx *ctx, const char *obj, bool keep)
{
	const char *specs[] = { "tracepoint:count_getpid" };
	BPFMAN_OPTS(bpfman_load_opts, lo, .programs = specs, .programs_cnt = 1);
	BPFMAN_OPTS(bpfman_attach_opts, ao, .tracepoint = "syscalls/sys_enter_getpid");
	struct bpfman_program **p;
	size_t n;
	uint64_t link;
	uint32_t id;

	if (bpfman_program__load_file(&p, &n, ctx, obj, &lo))
		goto fail;
	id = bpfman_program__id(p[0]);
	bpfman_program_list__free(p, n);
	if (keep)
		return 0;
	if (bpfman_program__attach(&link, ctx, id, &ao) || bpfman_link__detach(ctx, link) ||
	    bpfman_program__unload(ctx, id, NULL))
		goto fail;
	return 0;
fail:
	fprintf(stderr, "libbpfman: %s\n", bpfman_errmsg(ctx));
	return 1;
}

static int one_libbpf(const char *obj_path)
{
	struct bpf_object *obj = bpf_object__open_file(obj_path, NULL);
	struct bpf_program *prog;
	struct bpf_link *link;

	if (!obj || bpf_object__load(obj))
		return 1;
	prog = bpf_object__find_program_by_name(obj, "count_getpid");
	link = bpf_program__attach_tracepoint(prog, "syscalls", "sys_enter_getpid");
	if (!link)
		return 1;
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}

static int load_attach(struct bpfman_ctx *ctx, const char *obj, int iters)
{
	const char *specs[] = { "tracepoint:count_getpid" };
	BPFMAN_OPTS(bpfman_load_opts, lo, .programs = specs, .programs_cnt = 1);
	double *t = calloc((size_t)iters, sizeof(*t));
	struct bpfman_program **sp;
	size_t sn;
	uint32_t sentinel;

	if (!t || bpfman_program__load_file(&sp, &sn, ctx, obj, &lo))
		goto fail;
	sentinel = bpfman_program__id(sp[0]);
	bpfman_program_list__free(sp, sn);
	/* Iteration -1 is a warm-up, not timed: the daemon side measures a
	 * context (statements kept prepared, libraries opened, kernel BTF
	 * parsed) that has served calls before, and so does this one. */
	for (int i = -1; i < iters; i++) {
		uint64_t link;
		uint32_t id;
		double t0 = bench_now_us();

		bench_handlers_load_attach("lifecycle_inproc", ctx, obj, &id, &link);
		if (i >= 0)
			t[i] = bench_now_us() - t0;
		if (bpfman_link__detach(ctx, link) || bpfman_program__unload(ctx, id, NULL))
			goto fail;
	}
	if (bpfman_program__unload(ctx, sentinel, NULL))
		goto fail;
	printf("load-attach %d %.1f\n", iters, bench_median(t, (size_t)iters));
	free(t);
	return 0;
fail:
	fprintf(stderr, "libbpfman: %s\n", bpfman_errmsg(ctx));
	free(t);
	return 1;
}

int main(int argc, char **argv)
{
	struct bpfman_ctx *ctx = NULL;
	int iters;
	double t0;

	if (argc != 4) {
		fprintf(stderr, "usage: %s libbpfman|libbpf|load-many|load-attach OBJ N\n", argv[0]);
		return 2;
	}
	iters = atoi(argv[3]);
	if (strcmp(argv[1], "libbpf"))
		ctx = bench_ctx_open("lifecycle_inproc");
	if (!strcmp(argv[1], "load-attach")) {
		int err = load_attach(ctx, argv[2], iters > 0 ? iters : 1);

		bpfman_ctx_free(ctx);
		return err;
	}
	t0 = bench_now_us();
	for (int i = 0; i < iters; i++) {
		int err = !strcmp(argv[1], "libbpf") ? one_libbpf(argv[2]) :
			  one_libbpfman(ctx, argv[2], !strcmp(argv[1], "load-many"));

		if (err)
			return 1;
	}
	printf("%s %d %.1f\n", argv[1], iters, (bench_now_us() - t0) / iters);
	bpfman_ctx_free(ctx);
	return 0;
}
