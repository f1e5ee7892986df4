// SPDX-License-Identifier: Apache-2.0
#include "harness.h"

#include <bpf/bpf.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

static void ensure_mount(const char *path, const char *type, long magic)
{
	struct statfs st;

	if (statfs(path, &st) == 0 && st.f_type == magic)
		return;
	mkdir(path, 0755);
	if (mount(type, path, type, 0, NULL))
		ck_abort_msg("cannot mount %s at %s: %s (tests need root)", type, path,
			     strerror(errno));
}

static void log_to_stderr(enum bpfman_log_level level, const char *msg, void *ud)
{
	(void)ud;
	fprintf(stderr, "libbpfman[%d]: %s\n", level, msg);
}

static void open_ctx(struct harness *h)
{
	BPFMAN_OPTS(bpfman_ctx_opts, opts, .state_dir = h->state_dir,
		    .bpffs_root = h->bpffs_root, .runtime_dir = h->state_dir,
		    .log_fn = log_to_stderr,
		    .log_level = getenv("BPFMAN_TEST_DEBUG") ? BPFMAN_LOG_DEBUG : BPFMAN_LOG_WARN);
	int err = bpfman_ctx_new(&h->ctx, &opts);

	ck_assert_msg(err == 0, "bpfman_ctx_new: %d %s", err, bpfman_errmsg(NULL));
}

/* A failed ck_assert ends the forked test process through exit(): remove
 * what the test created even then, so failures leave nothing behind. */
static struct harness *open_harness;

static void rm_tree(const char *dir);

static void cleanup_at_exit(void)
{
	if (!open_harness)
		return;
	bpfman_ctx_free(open_harness->ctx);
	rm_tree(open_harness->bpffs_root);
	rm_tree(open_harness->state_dir);
	open_harness = NULL;
}

void harness_open(struct harness *h)
{
	static int n;
	static bool registered;

	if (!registered) {
		atexit(cleanup_at_exit);
		registered = true;
	}
	memset(h, 0, sizeof(*h));
	ensure_mount("/sys/fs/bpf", "bpf", BPF_FS_MAGIC);
	ensure_mount("/sys/kernel/tracing", "tracefs", TRACEFS_MAGIC);
	snprintf(h->state_dir, sizeof(h->state_dir), "/tmp/bpfman-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(h->state_dir));
	snprintf(h->bpffs_root, sizeof(h->bpffs_root), "/sys/fs/bpf/bpfman-test-%d-%d",
		 getpid(), n++);
	open_harness = h;
	open_ctx(h);
}

void harness_reopen(struct harness *h)
{
	bpfman_ctx_free(h->ctx);
	open_ctx(h);
}

static size_t count_files(const char *dir, bool recurse)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[1024];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			n += recurse ? count_files(path, true) : 0;
		else if (!(S_ISLNK(st.st_mode) && !strcmp(de->d_name, "owner")))
			n++; /* the root's claim (doc/safety.md) is no pin */
	}
	closedir(d);
	return n;
}

static void rm_tree(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", dir);
}

void harness_close(struct harness *h)
{
	size_t left;

	bpfman_ctx_free(h->ctx);
	h->ctx = NULL;
	open_harness = NULL;
	left = count_files(h->bpffs_root, true);
	rm_tree(h->bpffs_root);
	rm_tree(h->state_dir);
	ck_assert_msg(left == 0, "%zu pins left under %s", left, h->bpffs_root);
}

const char *bpf_obj(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s.bpf.o", BPF_OBJ_DIR, name);
	return path;
}

uint32_t load_one(struct harness *h, const char *obj, const char *spec)
{
	const char *specs[] = { spec };
	BPFMAN_OPTS(bpfman_load_opts, opts, .programs = specs, .programs_cnt = 1);
	struct bpfman_program **progs = NULL;
	size_t cnt = 0;
	uint32_t id;
	int err = bpfman_program__load_file(&progs, &cnt, h->ctx, bpf_obj(obj), &opts);

	ck_assert_msg(err == 0, "load %s %s: %d %s", obj, spec, err, bpfman_errmsg(h->ctx));
	ck_assert_uint_eq(cnt, 1);
	id = bpfman_program__id(progs[0]);
	bpfman_program_list__free(progs, cnt);
	return id;
}

uint64_t read_counter(struct harness *h, uint32_t prog_id, const char *map)
{
	struct bpfman_program *p = NULL;
	char path[512];
	uint32_t key = 0;
	uint64_t val = 0;
	int fd;

	ck_assert_int_eq(bpfman_program__get(&p, h->ctx, prog_id), 0);
	snprintf(path, sizeof(path), "%s/%s", bpfman_program__map_pin_dir(p), map);
	bpfman_program__free(p);
	fd = bpf_obj_get(path);
	ck_assert_msg(fd >= 0, "open map %s: %s", path, strerror(errno));
	ck_assert_int_eq(bpf_map_lookup_elem(fd, &key, &val), 0);
	close(fd);
	return val;
}

static size_t kernel_prog_count(void)
{
	__u32 id = 0;
	size_t n = 0;

	while (!bpf_prog_get_next_id(id, &id))
		n++;
	return n;
}

void snapshot_take(struct harness *h, struct snapshot *s)
{
	struct bpfman_program **progs = NULL;
	struct bpfman_link **links = NULL;
	size_t np = 0, nl = 0;

	ck_assert_int_eq(bpfman_program__list(&progs, &np, h->ctx, NULL), 0);
	ck_assert_int_eq(bpfman_link__list(&links, &nl, h->ctx, NULL), 0);
	bpfman_program_list__free(progs, np);
	bpfman_link_list__free(links, nl);
	s->kernel_progs = kernel_prog_count();
	s->pins = count_files(h->bpffs_root, true);
	s->rows = np;
	s->links = nl;
}

void snapshot_assert_same(struct harness *h, const struct snapshot *before)
{
	struct snapshot now;

	/* The kernel frees programs after an RCU grace period, so one that
	 * an earlier test unloaded may still be counted in `before`: wait
	 * for the count to settle, then require that nothing was added. */
	for (int i = 0; i < 100; i++) {
		snapshot_take(h, &now);
		if (now.kernel_progs <= before->kernel_progs)
			break;
		usleep(20000);
	}
	ck_assert_uint_le(now.kernel_progs, before->kernel_progs);
	ck_assert_uint_eq(now.pins, before->pins);
	ck_assert_uint_eq(now.rows, before->rows);
	ck_assert_uint_eq(now.links, before->links);
}

void skip_or_fail(const char *why)
{
	if (getenv("BPFMAN_TEST_REQUIRE_ALL")) {
		fprintf(stderr, "FAIL: %s, but this tier must run every scenario\n", why);
		exit(EXIT_FAILURE);
	}
	fprintf(stderr,
		"\n*** SKIP: %s. This scenario runs in the VM tier (tests/vm) instead. ***\n\n",
		why);
	exit(EXIT_SKIP);
}

void require_kprobes(void)
{
	if (access("/sys/bus/event_source/devices/kprobe/type", F_OK))
		skip_or_fail("this kernel has no kprobe PMU (no kprobes)");
}

bool kernel_has_freplace(void)
{
	/* The host kernel refuses fentry and freplace programs with EPERM;
	 * probe with a real load of the test object. */
	static int known = -1;
	char cmd[600];
	int rc;

	if (known >= 0)
		return known;
	snprintf(cmd, sizeof(cmd),
		 "bpftool prog load '%s' /sys/fs/bpf/bpfman-fentry-probe-%d >/dev/null 2>&1",
		 bpf_obj("fentry_counter"), getpid());
	rc = system(cmd);
	snprintf(cmd, sizeof(cmd), "/sys/fs/bpf/bpfman-fentry-probe-%d", getpid());
	unlink(cmd);
	known = rc == 0;
	return known;
}

void require_fentry(void)
{
	if (!kernel_has_freplace())
		skip_or_fail("this kernel refuses fentry/fexit programs (bpftool prog load fails)");
}

bool kernel_has_tcx(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 6);
}

bool kernel_prog_gone(uint32_t id)
{
	for (int i = 0; i < 150; i++) {
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0 && errno == ENOENT)
			return true;
		if (fd >= 0)
			close(fd);
		usleep(20000);
	}
	return false;
}

void lifecycle_check(struct harness *h, const char *obj, const char *spec,
		     const struct bpfman_attach_opts *attach, void (*trigger)(void))
{
	struct bpfman_program *p = NULL;
	uint64_t link = 0, before, after;
	uint32_t id = load_one(h, obj, spec);
	int err;

	ck_assert_int_eq(bpfman_program__get(&p, h->ctx, id), 0);
	ck_assert(bpfman_program__kernel_loaded(p));
	bpfman_program__free(p);
	before = read_counter(h, id, "counter");
	err = bpfman_program__attach(&link, h->ctx, id, attach);
	ck_assert_msg(err == 0, "attach %s: %d %s", spec, err, bpfman_errmsg(h->ctx));
	for (int i = 0; i < 5; i++)
		trigger();
	after = read_counter(h, id, "counter");
	ck_assert_msg(after >= before + 5, "%s: counter %llu -> %llu after 5 triggers", spec,
		      (unsigned long long)before, (unsigned long long)after);
	ck_assert_int_eq(bpfman_link__detach(h->ctx, link), 0);
	before = read_counter(h, id, "counter");
	for (int i = 0; i < 5; i++)
		trigger();
	ck_assert_uint_eq(read_counter(h, id, "counter"), before);
	ck_assert_int_eq(bpfman_program__unload(h->ctx, id, NULL), 0);
	ck_assert(kernel_prog_gone(id));
}

int run_suite(void *suite)
{
	SRunner *sr = srunner_create(suite);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
