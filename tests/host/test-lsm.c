// SPDX-License-Identifier: Apache-2.0
/* BPF LSM programs: the hook from the section or named at load, attach,
 * count, detach, and the refusals. Needs a kernel running the BPF LSM
 * ("bpf" in /sys/kernel/security/lsm) that accepts tracing-style programs:
 * this host refuses them (EPERM, as fentry), so it skips loudly here and
 * runs in the VM tier, which boots with lsm=...,bpf. */
#include "harness.h"

#include <bpf/libbpf.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#define ACTIVE_LSMS "/sys/kernel/security/lsm"

static void open_file(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
}

/* The active LSMs; mounts securityfs in a mount namespace of our own when
 * the system has not mounted it (nothing outside this process sees it). */
static void read_active_lsms(char *buf, size_t len)
{
	FILE *f = fopen(ACTIVE_LSMS, "re");

	if (!f && errno == ENOENT) {
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL)) {
			fprintf(stderr, "cannot mount securityfs privately: %s\n", strerror(errno));
			exit(EXIT_FAILURE);
		}
		f = fopen(ACTIVE_LSMS, "re");
	}
	buf[0] = '\0';
	if (!f || !fgets(buf, (int)len, f)) {
		fprintf(stderr, "cannot read %s: %s\n", ACTIVE_LSMS, strerror(errno));
		exit(EXIT_FAILURE);
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

static void require_bpf_lsm(void)
{
	char active[512], padded[520], why[700];

	read_active_lsms(active, sizeof(active));
	snprintf(padded, sizeof(padded), ",%s,", active);
	if (!strstr(padded, ",bpf,")) {
		snprintf(why, sizeof(why),
			 "the BPF LSM is not active (active LSMs: %s; boot with lsm=...,bpf)", active);
		skip_or_fail(why);
	}
}

static uint32_t load(struct harness *h, const char *spec)
{
	return load_one(h, "lsm_counter", spec);
}

/* Whether the kernel takes LSM programs at all: one real load with libbpf,
 * outside any test state. */
static void require_lsm_load(void)
{
	struct bpf_object *obj = bpf_object__open_file(bpf_obj("lsm_counter"), NULL);
	struct bpf_program *prog;
	int err;

	if (!obj) {
		fprintf(stderr, "cannot open %s: %s\n", bpf_obj("lsm_counter"), strerror(errno));
		exit(EXIT_FAILURE);
	}
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog), "lsm_count"));
	err = bpf_object__load(obj);
	bpf_object__close(obj);
	if (err == -EPERM)
		skip_or_fail("this kernel refuses BPF LSM programs (EPERM, as it refuses fentry)");
}

START_TEST(lsm_hook_from_section)
{
	struct harness h;
	struct bpfman_program *p = NULL;
	BPFMAN_OPTS(bpfman_attach_opts, a);
	uint32_t id;

	harness_open(&h);
	id = load(&h, "lsm:lsm_count");
	ck_assert_int_eq(bpfman_program__get(&p, h.ctx, id), 0);
	ck_assert_int_eq(bpfman_program__type(p), BPFMAN_PROG_TYPE_LSM);
	ck_assert_str_eq(bpfman_program__kernel_type_name(p), "lsm");
	/* The hook the section named is recorded, as if the load had named it. */
	ck_assert_str_eq(bpfman_program__attach_func(p), "file_open");
	bpfman_program__free(p);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	/* The whole lifecycle, counting file opens. */
	lifecycle_check(&h, "lsm_counter", "lsm:lsm_count", &a, open_file);
	harness_close(&h);
}
END_TEST

START_TEST(lsm_hook_named_at_load)
{
	struct harness h;
	struct bpfman_link *l = NULL;
	struct bpfman_link **links = NULL;
	size_t cnt = 0;
	BPFMAN_OPTS(bpfman_attach_opts, a);
	BPFMAN_OPTS(bpfman_list_opts, lo, .type = BPFMAN_PROG_TYPE_LSM);
	uint64_t link = 0, before;
	uint32_t id;

	harness_open(&h);
	id = load(&h, "lsm:lsm_count_named:file_open");
	ck_assert_int_eq(bpfman_program__attach(&link, h.ctx, id, &a), 0);
	ck_assert_int_eq(bpfman_link__get(&l, h.ctx, link), 0);
	ck_assert_str_eq(bpfman_link__fn_name(l), "file_open");
	ck_assert_uint_gt(bpfman_link__kernel_link_id(l), 0);
	bpfman_link__free(l);
	ck_assert_int_eq(bpfman_link__list(&links, &cnt, h.ctx, &lo), 0);
	ck_assert_uint_eq(cnt, 1);
	bpfman_link_list__free(links, cnt);
	before = read_counter(&h, id, "counter");
	for (int i = 0; i < 5; i++)
		open_file();
	ck_assert_uint_ge(read_counter(&h, id, "counter"), before + 5);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	ck_assert(kernel_prog_gone(id));
	harness_close(&h);
}
END_TEST

static void refused(struct harness *h, const char *spec, const char *why)
{
	const char *specs[] = { spec };
	BPFMAN_OPTS(bpfman_load_opts, o, .programs = specs, .programs_cnt = 1);
	struct bpfman_program **progs = NULL;
	struct snapshot snap;
	size_t cnt = 0;
	int err;

	snapshot_take(h, &snap);
	err = bpfman_program__load_file(&progs, &cnt, h->ctx, bpf_obj("lsm_counter"), &o);
	ck_assert_msg(err < 0, "%s loaded", spec);
	ck_assert_msg(strstr(bpfman_errmsg(h->ctx), why), "%s: %s", spec, bpfman_errmsg(h->ctx));
	snapshot_assert_same(h, &snap);
}

START_TEST(lsm_refusals)
{
	struct harness h;

	harness_open(&h);
	refused(&h, "lsm:lsm_count_named:no_such_hook", "LSM hook 'no_such_hook'");
	refused(&h, "lsm:lsm_count_named", "names no LSM hook");
	refused(&h, "kprobe:lsm_count", "does not make it a kprobe program");
	harness_close(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lsm");
	TCase *tc = tcase_create("lsm");

	require_bpf_lsm();
	require_lsm_load();
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, lsm_hook_from_section);
	tcase_add_test(tc, lsm_hook_named_at_load);
	tcase_add_test(tc, lsm_refusals);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
