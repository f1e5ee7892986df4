// SPDX-License-Identifier: Apache-2.0
/* Shared by the C benchmark helpers (bench_util.h). */
#include "bench_util.h"

#include <bpfman/bpfman.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

double bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void bench_sort(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
}

double bench_median(double *v, size_t n)
{
	bench_sort(v, n);
	return v[n / 2];
}

static void fail(const char *tool, const char *what, const char *why)
{
	fprintf(stderr, "%s: %s: %s\n", tool, what, why);
	exit(1);
}

struct bpfman_ctx *bench_ctx_open(const char *tool)
{
	const char *runtime = getenv("BPFMAN_RUNTIME_DIR");
	BPFMAN_OPTS(bpfman_ctx_opts, o, .state_dir = getenv("BPFMAN_STATE_DIR"),
		    .bpffs_root = getenv("BPFMAN_BPFFS_ROOT"),
		    .runtime_dir = runtime ? runtime : getenv("BPFMAN_STATE_DIR"));
	struct bpfman_ctx *ctx;

	if (bpfman_ctx_new(&ctx, &o))
		fail(tool, "libbpfman context", bpfman_errmsg(NULL));
	return ctx;
}

uint32_t bench_handler_load(const char *tool, struct bpfman_ctx *ctx, const char *obj)
{
	const char *specs[] = { "tracepoint:count_getpid" };
	BPFMAN_OPTS(bpfman_load_opts, lo, .programs = specs, .programs_cnt = 1);
	struct bpfman_program **p;
	uint32_t *used, id;
	size_t n, used_cnt;

	if (bpfman_program__load_file(&p, &n, ctx, obj, &lo))
		fail(tool, "libbpfman load", bpfman_errmsg(ctx));
	id = bpfman_program__id(p[0]);
	bpfman_program_list__free(p, n);
	if (bpfman_program__map_used_by(&used, &used_cnt, ctx, id))
		fail(tool, "libbpfman map_used_by", bpfman_errmsg(ctx));
	free(used);
	return id;
}

uint64_t bench_handler_attach(const char *tool, struct bpfman_ctx *ctx, uint32_t id)
{
	BPFMAN_OPTS(bpfman_attach_opts, ao, .tracepoint = "syscalls/sys_enter_getpid");
	uint64_t link;

	if (bpfman_program__attach(&link, ctx, id, &ao))
		fail(tool, "libbpfman attach", bpfman_errmsg(ctx));
	return link;
}

void bench_handlers_load_attach(const char *tool, struct bpfman_ctx *ctx, const char *obj,
				uint32_t *ret_id, uint64_t *ret_link)
{
	*ret_id = bench_handler_load(tool, ctx, obj);
	*ret_link = bench_handler_attach(tool, ctx, *ret_id);
}
