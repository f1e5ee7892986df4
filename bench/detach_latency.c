// SPDX-License-Identifier: Apache-2.0
/* How long detaching a tracepoint link takes, and when the program really
 * stops (its kernel link is released), in one process:
 *
 *   detach_latency wait|no-wait|libbpf-close|unpin OBJ ROUNDS
 *
 *   wait          bpfman_link__detach (default: returns once released)
 *   no-wait       bpfman_link__detach_opts(.no_wait = true)
 *   libbpf-close  raw libbpf, no state: unpin, then close the last link fd
 *                 (the kernel's own cost of a synchronous release)
 *   unpin         raw: only remove the link's pin, as bpfman's detach does
 *                 (the kernel releases the link later)
 *
 * Prints "<mode> <rounds> return p50 p90 max released p50 p90 max" in
 * microseconds: "return" is the call, "released" is from the call until
 * the kernel no longer lists the link. State goes where BPFMAN_STATE_DIR /
 * BPFMAN_BPFFS_ROOT say. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <bpfman/bpfman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_util.h"

#define TP_GROUP "syscalls"
#define TP_NAME "sys_enter_getpid"

static void die(const char *what, const char *why)
{
	fprintf(stderr, "detach_latency: %s: %s\n", what, why);
	exit(1);
}

/* Listed without taking a reference (an fd would make us the last one). */
static bool link_listed(__u32 id)
{
	__u32 next = 0;

	return !bpf_link_get_next_id(id - 1, &next) && next == id;
}

static double wait_released(__u32 id, double t0)
{
	while (link_listed(id)) {
		if (bench_now_us() - t0 > 10e6)
			die("release", "the kernel kept the link for 10 s");
		usleep(20);
	}
	return bench_now_us() - t0;
}

static void report(const char *mode, double *ret, double *rel, int n)
{
	bench_sort(ret, (size_t)n);
	bench_sort(rel, (size_t)n);
	printf("%s %d return %.0f %.0f %.0f released %.0f %.0f %.0f\n", mode, n, ret[n / 2],
	       ret[n * 9 / 10], ret[n - 1], rel[n / 2], rel[n * 9 / 10], rel[n - 1]);
}

static void run_libbpfman(const char *obj, int n, bool no_wait, double *ret, double *rel)
{
	struct bpfman_ctx *ctx = bench_ctx_open("detach_latency");
	const char *specs[] = { "tracepoint:count_getpid" };
	BPFMAN_OPTS(bpfman_load_opts, lo, .programs = specs, .programs_cnt = 1);
	BPFMAN_OPTS(bpfman_attach_opts, ao, .tracepoint = TP_GROUP "/" TP_NAME);
	BPFMAN_OPTS(bpfman_detach_opts, dopts, .no_wait = no_wait);
	struct bpfman_program **progs = NULL;
	size_t cnt = 0;
	uint32_t id;

	if (bpfman_program__load_file(&progs, &cnt, ctx, obj, &lo))
		die("load", bpfman_errmsg(ctx));
	id = bpfman_program__id(progs[0]);
	bpfman_program_list__free(progs, cnt);
	for (int i = 0; i < n; i++) {
		struct bpfman_link *l = NULL;
		uint64_t link;
		__u32 kid;
		double t0;

		if (bpfman_program__attach(&link, ctx, id, &ao) || bpfman_link__get(&l, ctx, link))
			die("attach", bpfman_errmsg(ctx));
		kid = bpfman_link__kernel_link_id(l);
		bpfman_link__free(l);
		t0 = bench_now_us();
		if (bpfman_link__detach_opts(ctx, link, &dopts))
			die("detach", bpfman_errmsg(ctx));
		ret[i] = bench_now_us() - t0;
		rel[i] = wait_released(kid, t0);
	}
	bpfman_program__unload(ctx, id, NULL);
	bpfman_ctx_free(ctx);
}

static void run_raw(const char *obj_path, int n, bool close_last, double *ret, double *rel)
{
	struct bpf_object *obj = bpf_object__open_file(obj_path, NULL);
	char pin[256];
	struct bpf_program *prog;

	snprintf(pin, sizeof(pin), "%s-raw-link", getenv("BPFMAN_BPFFS_ROOT"));
	if (!obj)
		die("open", obj_path);
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog), "count_getpid"));
	if (bpf_object__load(obj))
		die("load", obj_path);
	prog = bpf_object__find_program_by_name(obj, "count_getpid");
	for (int i = 0; i < n; i++) {
		struct bpf_link *l = bpf_program__attach_tracepoint(prog, TP_GROUP, TP_NAME);
		struct bpf_link_info info;
		__u32 len = sizeof(info);
		int fd;
		double t0;

		memset(&info, 0, sizeof(info));
		if (!l || bpf_link__pin(l, pin))
			die("attach", "libbpf refused");
		fd = bpf_link__fd(l);
		bpf_obj_get_info_by_fd(fd, &info, &len);
		/* From here on the pin is the only reference, as after an
		 * attach by a process that has exited. */
		bpf_link__disconnect(l);
		bpf_link__destroy(l);
		close(fd);
		t0 = bench_now_us();
		if (close_last) {
			fd = bpf_obj_get(pin);
			unlink(pin);
			close(fd);
		} else {
			unlink(pin);
		}
		ret[i] = bench_now_us() - t0;
		rel[i] = wait_released(info.id, t0);
	}
	bpf_object__close(obj);
}

int main(int argc, char **argv)
{
	const char *mode = argc == 4 ? argv[1] : "";
	int n = argc == 4 ? atoi(argv[3]) : 0;
	double *ret, *rel;

	if (n <= 0) {
		fprintf(stderr, "usage: detach_latency wait|no-wait|libbpf-close|unpin OBJ ROUNDS\n");
		return 2;
	}
	ret = calloc(n, sizeof(*ret));
	rel = calloc(n, sizeof(*rel));
	if (!ret || !rel)
		die("memory", "calloc failed");
	if (!strcmp(mode, "wait") || !strcmp(mode, "no-wait"))
		run_libbpfman(argv[2], n, !strcmp(mode, "no-wait"), ret, rel);
	else if (!strcmp(mode, "libbpf-close") || !strcmp(mode, "unpin"))
		run_raw(argv[2], n, !strcmp(mode, "libbpf-close"), ret, rel);
	else
		die("mode", "expected wait, no-wait, libbpf-close or unpin");
	report(mode, ret, rel, n);
	free(ret);
	free(rel);
	return 0;
}
