// SPDX-License-Identifier: Apache-2.0
/* Tracepoint programs through the whole lifecycle, plus global data, map
 * sharing, listing and the verifier log: everything this host can run. */
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void trigger_getpid(int n)
{
	for (int i = 0; i < n; i++)
		syscall(SYS_getpid);
}

static uint64_t attach_tp(struct harness *h, uint32_t id, const char *tp)
{
	BPFMAN_OPTS(bpfman_attach_opts, a, .tracepoint = tp);
	uint64_t link = 0;
	int err = bpfman_program__attach(&link, h->ctx, id, &a);

	ck_assert_msg(err == 0, "attach: %d %s", err, bpfman_errmsg(h->ctx));
	return link;
}

START_TEST(full_lifecycle)
{
	struct harness h;
	struct bpfman_program *p = NULL;
	struct bpfman_link *l = NULL;
	uint64_t before, during, link;
	uint32_t id;

	harness_open(&h);
	id = load_one(&h, "tracepoint_counter", "tracepoint:count_getpid");

	ck_assert_int_eq(bpfman_program__get(&p, h.ctx, id), 0);
	ck_assert(bpfman_program__managed(p));
	ck_assert(bpfman_program__kernel_loaded(p));
	ck_assert_int_eq(bpfman_program__type(p), BPFMAN_PROG_TYPE_TRACEPOINT);
	ck_assert_str_eq(bpfman_program__name(p), "count_getpid");
	ck_assert_str_eq(bpfman_program__kernel_type_name(p), "tracepoint");
	ck_assert_uint_eq(strlen(bpfman_program__tag(p)), 16);
	ck_assert_uint_gt(bpfman_program__bytes_xlated(p), 0);
	ck_assert_uint_gt(bpfman_program__map_id_cnt(p), 0);
	ck_assert_uint_gt(bpfman_program__loaded_at(p), 1600000000);
	bpfman_program__free(p);

	before = read_counter(&h, id, "counter");
	trigger_getpid(5);
	ck_assert_uint_eq(read_counter(&h, id, "counter"), before); /* not attached yet */

	link = attach_tp(&h, id, "syscalls/sys_enter_getpid");
	ck_assert_int_eq(bpfman_link__get(&l, h.ctx, link), 0);
	ck_assert_str_eq(bpfman_link__tracepoint(l), "syscalls/sys_enter_getpid");
	ck_assert_uint_eq(bpfman_link__program_id(l), id);
	ck_assert_uint_gt(bpfman_link__kernel_link_id(l), 0);
	bpfman_link__free(l);

	trigger_getpid(10);
	during = read_counter(&h, id, "counter");
	ck_assert_uint_ge(during, before + 10);

	ck_assert_int_eq(bpfman_link__detach(h.ctx, link), 0);
	during = read_counter(&h, id, "counter");
	trigger_getpid(10);
	ck_assert_uint_eq(read_counter(&h, id, "counter"), during);
	ck_assert_int_eq(bpfman_link__get(&l, h.ctx, link), -ENOENT);

	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	ck_assert(kernel_prog_gone(id));
	ck_assert_int_eq(bpfman_program__get(&p, h.ctx, id), -ENOENT);
	harness_close(&h);
}
END_TEST

START_TEST(unload_detaches_links)
{
	struct harness h;
	struct bpfman_link **links = NULL;
	size_t n = 0;
	uint32_t id;

	harness_open(&h);
	id = load_one(&h, "tracepoint_counter", "tracepoint:count_getpid");
	attach_tp(&h, id, "syscalls/sys_enter_getpid");
	attach_tp(&h, id, "syscalls/sys_exit_getpid");
	ck_assert_int_eq(bpfman_link__list(&links, &n, h.ctx, NULL), 0);
	ck_assert_uint_eq(n, 2);
	bpfman_link_list__free(links, n);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	ck_assert_int_eq(bpfman_link__list(&links, &n, h.ctx, NULL), 0);
	ck_assert_uint_eq(n, 0);
	bpfman_link_list__free(links, n);
	harness_close(&h);
}
END_TEST

START_TEST(global_data_reaches_the_program)
{
	struct harness h;
	const char *specs[] = { "tracepoint:report_globals" };
	unsigned char u8 = 0x2a, u32[4] = { 0x78, 0x56, 0x34, 0x12 };
	struct bpfman_global_data g[] = {
		{ "GLOBAL_u8", &u8, 1 },
		{ "GLOBAL_u32", u32, 4 },
	};
	BPFMAN_OPTS(bpfman_load_opts, opts, .programs = specs, .programs_cnt = 1,
		    .globals = g, .globals_cnt = 2);
	struct bpfman_program **progs = NULL;
	size_t cnt = 0;
	uint32_t id;

	harness_open(&h);
	ck_assert_int_eq(bpfman_program__load_file(&progs, &cnt, h.ctx, bpf_obj("globals"), &opts), 0);
	id = bpfman_program__id(progs[0]);
	ck_assert_uint_eq(bpfman_program__global_cnt(progs[0]), 2);
	bpfman_program_list__free(progs, cnt);
	attach_tp(&h, id, "syscalls/sys_enter_getpid");
	trigger_getpid(1);
	/* read_counter reads slot 0: GLOBAL_u8 */
	ck_assert_uint_eq(read_counter(&h, id, "seen"), 0x2a);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	harness_close(&h);
}
END_TEST

START_TEST(bad_globals_rejected_with_name_and_size)
{
	struct harness h;
	const char *specs[] = { "tracepoint:report_globals" };
	unsigned char two[2] = { 1, 2 };
	struct bpfman_global_data wrong_size[] = { { "GLOBAL_u32", two, 2 } };
	struct bpfman_global_data unknown[] = { { "NO_SUCH_VAR", two, 2 } };
	BPFMAN_OPTS(bpfman_load_opts, opts, .programs = specs, .programs_cnt = 1,
		    .globals = wrong_size, .globals_cnt = 1);
	struct bpfman_program **progs = NULL;
	size_t cnt = 0;
	struct snapshot snap;

	harness_open(&h);
	snapshot_take(&h, &snap);
	ck_assert_int_eq(bpfman_program__load_file(&progs, &cnt, h.ctx, bpf_obj("globals"), &opts),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(h.ctx), "'GLOBAL_u32' is 4 bytes but 2 were given"));
	snapshot_assert_same(&h, &snap);
	opts.globals = unknown;
	ck_assert_int_eq(bpfman_program__load_file(&progs, &cnt, h.ctx, bpf_obj("globals"), &opts),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(h.ctx), "'NO_SUCH_VAR' not found"));
	snapshot_assert_same(&h, &snap);
	harness_close(&h);
}
END_TEST

START_TEST(map_sharing_either_unload_order)
{
	for (int order = 0; order < 2; order++) {
		struct harness h;
		const char *specs[] = { "tracepoint:count_getpid" };
		struct bpfman_program **progs = NULL, *pa = NULL, *pb = NULL;
		size_t cnt = 0;
		uint32_t a, b;
		uint64_t v;
		struct bpfman_unload_opts force;

		harness_open(&h);
		a = load_one(&h, "tracepoint_counter", "tracepoint:count_getpid");
		BPFMAN_OPTS(bpfman_load_opts, opts, .programs = specs, .programs_cnt = 1,
			    .map_owner_id = a);
		ck_assert_int_eq(bpfman_program__load_file(&progs, &cnt, h.ctx,
							   bpf_obj("tracepoint_counter"), &opts), 0);
		b = bpfman_program__id(progs[0]);
		bpfman_program_list__free(progs, cnt);

		ck_assert_int_eq(bpfman_program__get(&pa, h.ctx, a), 0);
		ck_assert_int_eq(bpfman_program__get(&pb, h.ctx, b), 0);
		ck_assert_uint_eq(bpfman_program__map_owner_id(pb), a);
		ck_assert_str_eq(bpfman_program__map_pin_dir(pa), bpfman_program__map_pin_dir(pb));
		bpfman_program__free(pa);
		bpfman_program__free(pb);

		attach_tp(&h, a, "syscalls/sys_enter_getpid");
		attach_tp(&h, b, "syscalls/sys_enter_getpid");
		v = read_counter(&h, a, "counter");
		trigger_getpid(10);
		/* Both programs count into the one map: at least 20 more. */
		ck_assert_uint_ge(read_counter(&h, b, "counter"), v + 20);

		if (order == 0) {
			ck_assert_int_eq(bpfman_program__unload(h.ctx, a, NULL), -EBUSY);
			ck_assert_ptr_nonnull(strstr(bpfman_errmsg(h.ctx), "owns maps"));
			bpfman_unload_opts_init(&force, sizeof(force));
			force.force = true;
			ck_assert_int_eq(bpfman_program__unload(h.ctx, a, &force), 0);
			v = read_counter(&h, b, "counter");
			trigger_getpid(5);
			ck_assert_uint_ge(read_counter(&h, b, "counter"), v + 5);
			ck_assert_int_eq(bpfman_program__unload(h.ctx, b, NULL), 0);
		} else {
			ck_assert_int_eq(bpfman_program__unload(h.ctx, b, NULL), 0);
			v = read_counter(&h, a, "counter");
			trigger_getpid(5);
			ck_assert_uint_ge(read_counter(&h, a, "counter"), v + 5);
			ck_assert_int_eq(bpfman_program__unload(h.ctx, a, NULL), 0);
		}
		harness_close(&h);
	}
}
END_TEST

START_TEST(verifier_log_reaches_caller)
{
	struct harness h;
	const char *specs[] = { "tracepoint:unchecked_lookup" };
	BPFMAN_OPTS(bpfman_load_opts, opts, .programs = specs, .programs_cnt = 1);
	struct bpfman_program **progs = NULL;
	size_t cnt = 0;
	struct snapshot snap;
	int err;

	harness_open(&h);
	snapshot_take(&h, &snap);
	err = bpfman_program__load_file(&progs, &cnt, h.ctx, bpf_obj("bad_verifier"), &opts);
	ck_assert_int_lt(err, 0);
	/* The verifier's own words, not just "permission denied". */
	ck_assert_msg(strstr(bpfman_errmsg(h.ctx), "map_value_or_null") != NULL,
		      "errmsg lacks the verifier log: %s", bpfman_errmsg(h.ctx));
	/* The kernel said EACCES; the kind says what it was, for the daemon
	 * and bindings as for bpfmanctl's exit status. */
	ck_assert_int_eq(bpfman_errkind(h.ctx), BPFMAN_ERRKIND_VERIFIER);
	ck_assert_str_eq(bpfman_errkind_name(bpfman_errkind(h.ctx)), "verifier");
	snapshot_assert_same(&h, &snap);
	harness_close(&h);
}
END_TEST

START_TEST(bad_input_changes_nothing)
{
	struct harness h;
	struct snapshot snap;
	struct bpfman_program **progs = NULL, *p = NULL;
	size_t cnt = 0;
	uint64_t link = 0;
	uint32_t id;
	const char *good[] = { "tracepoint:count_getpid" };
	const char *nofunc[] = { "tracepoint:no_such_function" };
	const char *mismatch[] = { "kprobe:count_getpid" };
	struct bpfman_kv bad_md[] = { { "", "v" } };
	char notelf[] = "/tmp/bpfman-notelf-XXXXXX";
	int fd = mkstemp(notelf);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "hello world", 11), 11);
	close(fd);

	harness_open(&h);
	id = load_one(&h, "tracepoint_counter", "tracepoint:count_getpid");
	snapshot_take(&h, &snap);

	struct {
		const char *path;
		const char *const *specs;
		const struct bpfman_kv *md;
		uint32_t owner;
		int err;
		const char *msg;
	} cases[] = {
		{ "/nonexistent/x.o", good, NULL, 0, -ENOENT, "cannot open bytecode file" },
		{ notelf, good, NULL, 0, -ENOEXEC, "is not an ELF file" },
		{ bpf_obj("tracepoint_counter"), nofunc, NULL, 0, -ENOENT, "it has: count_getpid" },
		{ bpf_obj("tracepoint_counter"), mismatch, NULL, 0, -EINVAL, "does not make it a kprobe program" },
		{ bpf_obj("tracepoint_counter"), good, bad_md, 0, -EINVAL, "empty key" },
		{ bpf_obj("tracepoint_counter"), good, NULL, 999999, -ENOENT, "map owner 999999" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		BPFMAN_OPTS(bpfman_load_opts, opts, .programs = cases[i].specs, .programs_cnt = 1,
			    .metadata = cases[i].md, .metadata_cnt = cases[i].md ? 1 : 0,
			    .map_owner_id = cases[i].owner);
		int err = bpfman_program__load_file(&progs, &cnt, h.ctx, cases[i].path, &opts);

		ck_assert_msg(err == cases[i].err, "case %zu: got %d (%s)", i, err, bpfman_errmsg(h.ctx));
		ck_assert_msg(strstr(bpfman_errmsg(h.ctx), cases[i].msg), "case %zu: message '%s' lacks '%s'",
			      i, bpfman_errmsg(h.ctx), cases[i].msg);
		snapshot_assert_same(&h, &snap);
	}

	BPFMAN_OPTS(bpfman_attach_opts, unknown_tp, .tracepoint = "syscalls/no_such_tracepoint");
	ck_assert_int_eq(bpfman_program__attach(&link, h.ctx, id, &unknown_tp), -ENOENT);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(h.ctx), "unknown tracepoint"));
	snapshot_assert_same(&h, &snap);
	BPFMAN_OPTS(bpfman_attach_opts, malformed_tp, .tracepoint = "nogroup");
	ck_assert_int_eq(bpfman_program__attach(&link, h.ctx, id, &malformed_tp), -EINVAL);
	snapshot_assert_same(&h, &snap);
	BPFMAN_OPTS(bpfman_attach_opts, ok_tp, .tracepoint = "syscalls/sys_enter_getpid");
	ck_assert_int_eq(bpfman_program__attach(&link, h.ctx, 999999, &ok_tp), -ENOENT);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(h.ctx), "no program with ID 999999"));
	ck_assert_int_eq(bpfman_link__detach(h.ctx, 424242), -ENOENT);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(h.ctx), "no link with ID 424242"));
	ck_assert_int_eq(bpfman_program__unload(h.ctx, 999999, NULL), -ENOENT);
	ck_assert_int_eq(bpfman_program__get(&p, h.ctx, 999999), -ENOENT);
	snapshot_assert_same(&h, &snap);

	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	unlink(notelf);
	harness_close(&h);
}
END_TEST

START_TEST(list_selectors_and_foreign_programs)
{
	struct harness h;
	const char *specs[] = { "tracepoint:count_getpid" };
	struct bpfman_kv md[] = { { "owner", "team-a" } };
	struct bpfman_kv sel[] = { { "owner", "team-a" } };
	struct bpfman_kv miss[] = { { "owner", "team-b" } };
	BPFMAN_OPTS(bpfman_load_opts, opts, .programs = specs, .programs_cnt = 1,
		    .metadata = md, .metadata_cnt = 1, .application = "demo");
	struct bpfman_program **progs = NULL;
	size_t cnt = 0;
	uint32_t a, b;
	bool saw_foreign = false;

	harness_open(&h);
	ck_assert_int_eq(bpfman_program__load_file(&progs, &cnt, h.ctx, bpf_obj("tracepoint_counter"), &opts), 0);
	a = bpfman_program__id(progs[0]);
	ck_assert_str_eq(bpfman_program__application(progs[0]), "demo");
	bpfman_program_list__free(progs, cnt);
	b = load_one(&h, "tracepoint_counter", "tracepoint:count_getpid");

	BPFMAN_OPTS(bpfman_list_opts, by_md, .match_metadata = sel, .match_metadata_cnt = 1);
	ck_assert_int_eq(bpfman_program__list(&progs, &cnt, h.ctx, &by_md), 0);
	ck_assert_uint_eq(cnt, 1);
	ck_assert_uint_eq(bpfman_program__id(progs[0]), a);
	bpfman_program_list__free(progs, cnt);

	BPFMAN_OPTS(bpfman_list_opts, by_miss, .match_metadata = miss, .match_metadata_cnt = 1);
	ck_assert_int_eq(bpfman_program__list(&progs, &cnt, h.ctx, &by_miss), 0);
	ck_assert_uint_eq(cnt, 0);
	bpfman_program_list__free(progs, cnt);

	BPFMAN_OPTS(bpfman_list_opts, by_type, .type = BPFMAN_PROG_TYPE_KPROBE);
	ck_assert_int_eq(bpfman_program__list(&progs, &cnt, h.ctx, &by_type), 0);
	ck_assert_uint_eq(cnt, 0);
	bpfman_program_list__free(progs, cnt);

	/* A program loaded behind our back shows up with --all, unmanaged. */
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "bpftool prog load %s %s-foreign", bpf_obj("xdp_counter"),
		 h.bpffs_root);
	ck_assert_int_eq(system(cmd), 0);
	BPFMAN_OPTS(bpfman_list_opts, all, .all = true);
	ck_assert_int_eq(bpfman_program__list(&progs, &cnt, h.ctx, &all), 0);
	for (size_t i = 0; i < cnt; i++) {
		if (bpfman_program__id(progs[i]) == a || bpfman_program__id(progs[i]) == b)
			ck_assert(bpfman_program__managed(progs[i]));
		else if (!strcmp(bpfman_program__kernel_name(progs[i]), "xdp_count"))
			saw_foreign = !bpfman_program__managed(progs[i]);
		if (i)
			ck_assert_uint_lt(bpfman_program__id(progs[i - 1]), bpfman_program__id(progs[i]));
	}
	bpfman_program_list__free(progs, cnt);
	snprintf(cmd, sizeof(cmd), "%s-foreign", h.bpffs_root);
	unlink(cmd);
	ck_assert(saw_foreign);

	ck_assert_int_eq(bpfman_program__unload(h.ctx, a, NULL), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, b, NULL), 0);
	harness_close(&h);
}
END_TEST

/* A list carries each program's own links, as a Get does, whatever order
 * the links were made in: links of several programs interleaved, two on
 * one program, none on another. */
START_TEST(list_carries_each_programs_links)
{
	struct harness h;
	const char *tps[] = { "syscalls/sys_enter_getpid", "syscalls/sys_enter_getppid" };
	uint32_t ids[3];
	uint64_t links[4];
	/* Which program each link goes to, in the order they are made. */
	const int owner_of[4] = { 2, 0, 2, 0 };
	struct bpfman_program **progs = NULL;
	size_t cnt = 0, seen = 0;

	harness_open(&h);
	for (int i = 0; i < 3; i++)
		ids[i] = load_one(&h, "tracepoint_counter", "tracepoint:count_getpid");
	for (int i = 0; i < 4; i++)
		links[i] = attach_tp(&h, ids[owner_of[i]], tps[i / 2]);
	ck_assert_int_eq(bpfman_program__list(&progs, &cnt, h.ctx, NULL), 0);
	for (size_t i = 0; i < cnt; i++) {
		struct bpfman_program *one = NULL;
		size_t want = 0;
		int k;

		for (k = 0; k < 3 && ids[k] != bpfman_program__id(progs[i]); k++)
			;
		if (k == 3)
			continue;
		seen++;
		for (int l = 0; l < 4; l++) {
			if (owner_of[l] != k)
				continue;
			ck_assert_uint_gt(bpfman_program__link_cnt(progs[i]), want);
			ck_assert_uint_eq(bpfman_program__link_id(progs[i], want), links[l]);
			want++;
		}
		ck_assert_uint_eq(bpfman_program__link_cnt(progs[i]), want);
		ck_assert_int_eq(bpfman_program__get(&one, h.ctx, ids[k]), 0);
		ck_assert_uint_eq(bpfman_program__link_cnt(one), want);
		for (size_t l = 0; l < want; l++)
			ck_assert_uint_eq(bpfman_program__link_id(one, l),
					  bpfman_program__link_id(progs[i], l));
		bpfman_program__free(one);
	}
	ck_assert_uint_eq(seen, 3);
	bpfman_program_list__free(progs, cnt);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(bpfman_program__unload(h.ctx, ids[i], NULL), 0);
	harness_close(&h);
}
END_TEST

static const struct bpfman_program *find_prog(struct bpfman_program **progs, size_t cnt,
					      uint32_t id)
{
	for (size_t i = 0; i < cnt; i++)
		if (bpfman_program__id(progs[i]) == id)
			return progs[i];
	ck_abort_msg("program %u is not in the list", id);
	return NULL;
}

/* A context keeps what the kernel said of listed programs and answers a
 * later list from a stat() of each pin (kernel_info_cache.c): what it
 * reports must still follow the pin. Program a's pin is moved away (a then
 * reads as not in the kernel), replaced by b's program (a's row then shows
 * b's program, as the kernel says), and put back, each between lists of
 * one context that has listed them before. */
START_TEST(list_kernel_info_follows_the_pin)
{
	struct harness h;
	struct bpfman_program **progs = NULL;
	const struct bpfman_program *pa;
	size_t cnt = 0;
	char pin_a[512], pin_b[512], aside[512];
	uint32_t a, b;

	harness_open(&h);
	a = load_one(&h, "tracepoint_counter", "tracepoint:count_getpid");
	b = load_one(&h, "xdp_counter", "xdp:xdp_count");
	for (int i = 0; i < 3; i++) { /* the second and third list use the cache */
		ck_assert_int_eq(bpfman_program__list(&progs, &cnt, h.ctx, NULL), 0);
		pa = find_prog(progs, cnt, a);
		ck_assert_int_eq(bpfman_program__status(pa), BPFMAN_STATUS_IN_KERNEL);
		ck_assert_str_eq(bpfman_program__kernel_name(pa), "count_getpid");
		if (!i) {
			snprintf(pin_a, sizeof(pin_a), "%s", bpfman_program__pin_path(pa));
			snprintf(pin_b, sizeof(pin_b), "%s",
				 bpfman_program__pin_path(find_prog(progs, cnt, b)));
		}
		bpfman_program_list__free(progs, cnt);
	}
	snprintf(aside, sizeof(aside), "%s/aside", h.bpffs_root);

	ck_assert_int_eq(rename(pin_a, aside), 0);
	ck_assert_int_eq(bpfman_program__list(&progs, &cnt, h.ctx, NULL), 0);
	pa = find_prog(progs, cnt, a);
	ck_assert_int_ne(bpfman_program__status(pa), BPFMAN_STATUS_IN_KERNEL);
	bpfman_program_list__free(progs, cnt);

	ck_assert_int_eq(rename(pin_b, pin_a), 0);
	ck_assert_int_eq(bpfman_program__list(&progs, &cnt, h.ctx, NULL), 0);
	pa = find_prog(progs, cnt, a);
	ck_assert_int_eq(bpfman_program__status(pa), BPFMAN_STATUS_IN_KERNEL);
	ck_assert_str_eq(bpfman_program__kernel_name(pa), "xdp_count");
	ck_assert_int_ne(bpfman_program__status(find_prog(progs, cnt, b)), BPFMAN_STATUS_IN_KERNEL);
	bpfman_program_list__free(progs, cnt);

	ck_assert_int_eq(rename(pin_a, pin_b), 0);
	ck_assert_int_eq(rename(aside, pin_a), 0);
	ck_assert_int_eq(bpfman_program__list(&progs, &cnt, h.ctx, NULL), 0);
	pa = find_prog(progs, cnt, a);
	ck_assert_int_eq(bpfman_program__status(pa), BPFMAN_STATUS_IN_KERNEL);
	ck_assert_str_eq(bpfman_program__kernel_name(pa), "count_getpid");
	ck_assert_str_eq(bpfman_program__kernel_name(find_prog(progs, cnt, b)), "xdp_count");
	bpfman_program_list__free(progs, cnt);

	ck_assert_int_eq(bpfman_program__unload(h.ctx, a, NULL), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, b, NULL), 0);
	/* A list of nothing, after the programs above were cached. */
	ck_assert_int_eq(bpfman_program__list(&progs, &cnt, h.ctx, NULL), 0);
	ck_assert_uint_eq(cnt, 0);
	bpfman_program_list__free(progs, cnt);
	harness_close(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tracepoint");
	TCase *tc = tcase_create("lifecycle");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, full_lifecycle);
	tcase_add_test(tc, unload_detaches_links);
	tcase_add_test(tc, global_data_reaches_the_program);
	tcase_add_test(tc, bad_globals_rejected_with_name_and_size);
	tcase_add_test(tc, map_sharing_either_unload_order);
	tcase_add_test(tc, verifier_log_reaches_caller);
	tcase_add_test(tc, bad_input_changes_nothing);
	tcase_add_test(tc, list_selectors_and_foreign_programs);
	tcase_add_test(tc, list_carries_each_programs_links);
	tcase_add_test(tc, list_kernel_info_follows_the_pin);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
