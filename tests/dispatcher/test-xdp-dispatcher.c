// SPDX-License-Identifier: Apache-2.0
/* The XDP dispatcher module (libbpfman/xdp_dispatcher.c) against a real
 * kernel and the real libxdp tools: chains of BPF_PROG_TYPE_EXT programs
 * on a veth end inside a private network namespace, observed through the
 * counters of programs that ran on real packets (pings from the other
 * end), and through `xdp-loader status` / `xdp-loader load` sharing the
 * dispatcher with us. Needs freplace: the host kernel refuses it, so this
 * runs in the VM tier (skips here, fails there if freplace is missing).
 *
 * xdp-loader runs under `nsenter --net`, not `ip netns exec`: the latter
 * mounts a fresh sysfs on /sys, which hides /sys/fs/bpf and with it every
 * dispatcher pin libxdp needs to read a chain. */
#include "kernel_info.h"
#include "harness.h"
#include "netenv.h"

#include "xdp_dispatcher.h"
#include "util/fsutil.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ACT(a) (1u << (a))
#define DRET (1u << DISPATCHER_RETURN_BIT)
#define PROCEED_DEFAULT (ACT(XDP_PASS) | DRET)

/* ---- one test's world ------------------------------------------------------ */

static struct harness h;
static struct netenv env;
static char root[PATH_MAX];  /* libxdp's directory, /sys/fs/bpf/xdp */
static bool root_existed;    /* before the first test (set in main) */
static int ifindex;          /* of env.peer_if, inside env.ns */
static int home_ns = -1;     /* our network namespace */
static int peer_ns = -1;     /* env.ns */
static int template_fd = -1;
/* Dispatchers seen on the interface, whose pins must go at exit. */
static uint32_t seen_ids[256];
static size_t seen_cnt;

static void enter_ns(void)
{
	ck_assert_msg(setns(peer_ns, CLONE_NEWNET) == 0, "setns: %s", strerror(errno));
}

static void leave_ns(void)
{
	ck_assert_msg(setns(home_ns, CLONE_NEWNET) == 0, "setns back: %s", strerror(errno));
}

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ck_assert_msg(system(cmd) == 0, "command failed: %s", cmd);
}

/* Output (stdout and stderr) of a command; *ret_status its exit status. */
static char *run(int *ret_status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *run(int *ret_status, const char *fmt, ...)
{
	static char out[16384];
	char cmd[1024];
	size_t n;
	va_list ap;
	FILE *f;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	st = pclose(f);
	*ret_status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return out;
}

/* The dispatcher (or other program) on the interface now. */
static uint32_t attached(uint32_t *ret_mode)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	enter_ns();
	ck_assert_int_eq(bpf_xdp_query(ifindex, 0, &q), 0);
	leave_ns();
	if (ret_mode)
		*ret_mode = q.attach_mode;
	return q.prog_id;
}

static void note_dispatcher(void)
{
	uint32_t id = attached(NULL);

	if (id && seen_cnt < sizeof(seen_ids) / sizeof(seen_ids[0]))
		seen_ids[seen_cnt++] = id;
}

/* Removes the pins of every dispatcher this test saw (also when it
 * failed: runs at exit), and libxdp's directory if we created it. */
static void remove_pins(void)
{
	char dir[PATH_MAX + 64];

	for (size_t i = 0; i < seen_cnt; i++) {
		snprintf(dir, sizeof(dir), "%s/dispatch-%d-%u", root, ifindex, seen_ids[i]);
		rm_rf(dir);
	}
	seen_cnt = 0;
	if (!root_existed && root[0])
		rmdir(root); /* only when empty */
}

static void mac_of(const char *ns_opt, const char *dev, char mac[32])
{
	char cmd[256];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ip %s link show dev %s | awk '/link\\/ether/ {print $2}'",
		 ns_opt, dev);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(mac, 32, f));
	mac[strcspn(mac, "\n")] = '\0';
	pclose(f);
	ck_assert_int_eq(strlen(mac), 17);
}

/* Permanent neighbour entries on both ends: only the pings cross the
 * veth (no ARP that a dropping chain would starve). */
static void pin_neighbours(void)
{
	char host_ip[32], ns_opt[64], host_mac[32], peer_mac[32];

	snprintf(host_ip, sizeof(host_ip), "%s", env.peer_ip);
	host_ip[strlen(host_ip) - 1] = '1'; /* netenv: peer x.y.z.2, host x.y.z.1 */
	snprintf(ns_opt, sizeof(ns_opt), "-n %s", env.ns);
	mac_of("", env.host_if, host_mac);
	mac_of(ns_opt, env.peer_if, peer_mac);
	sh("ip neigh replace %s lladdr %s dev %s nud permanent", env.peer_ip, peer_mac,
	   env.host_if);
	sh("ip -n %s neigh replace %s lladdr %s dev %s nud permanent", env.ns, host_ip, host_mac,
	   env.peer_if);
}

static void world_open(void)
{
	static bool registered;
	const char *func = NULL;

	if (!registered) {
		atexit(remove_pins);
		registered = true;
	}
	harness_open(&h);
	netenv_create(&env);
	home_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	peer_ns = open(env.ns_path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(home_ns, 0);
	ck_assert_int_ge(peer_ns, 0);
	enter_ns();
	ifindex = (int)if_nametoindex(env.peer_if);
	leave_ns();
	ck_assert_int_gt(ifindex, 0);
	pin_neighbours();
	ck_assert_msg(xdp_dispatcher_pin_root(h.ctx, root, sizeof(root)) == 0, "%s",
		      bpfman_errmsg(h.ctx));
	ck_assert_int_eq(xdp_dispatcher_template(h.ctx, &template_fd, &func), 0);
	ck_assert_str_eq(func, "prog0");
}

static void world_close(void)
{
	close(template_fd);
	remove_pins();
	netenv_destroy(&env);
	close(peer_ns);
	close(home_ns);
	harness_close(&h);
}

/* Entries dispatch-<ifindex>-* in libxdp's directory. */
static size_t dispatch_dirs(void)
{
	char prefix[64];
	DIR *d = opendir(root);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	snprintf(prefix, sizeof(prefix), "dispatch-%d-", ifindex);
	while ((de = readdir(d)))
		n += !strncmp(de->d_name, prefix, strlen(prefix));
	closedir(d);
	return n;
}

static bool dispatch_dir_exists(uint32_t id)
{
	char dir[PATH_MAX + 64];

	snprintf(dir, sizeof(dir), "%s/dispatch-%d-%u", root, ifindex, id);
	return path_exists(dir);
}

/* ---- programs -------------------------------------------------------------- */

struct ext {
	struct bpf_object *obj;
	int fd;
	int counter_fd;
	uint32_t id;
};

/* Loads program `name` of xdp_counter.bpf.o (its own object, so its own
 * counter), as an extension of the template's prog0 (as_ext) or as a
 * plain XDP program. */
static int ext_try_load(struct ext *e, const char *name, bool as_ext, int tmpl_fd)
{
	struct bpf_program *p, *it;
	int err;

	memset(e, 0, sizeof(*e));
	e->obj = bpf_object__open_file(bpf_obj("xdp_counter"), NULL);
	if (!e->obj)
		return -errno;
	bpf_object__for_each_program(it, e->obj)
		bpf_program__set_autoload(it, !strcmp(bpf_program__name(it), name));
	p = bpf_object__find_program_by_name(e->obj, name);
	if (!p)
		return -ENOENT;
	if (as_ext) {
		bpf_program__set_type(p, BPF_PROG_TYPE_EXT);
		bpf_program__set_expected_attach_type(p, 0);
		if ((err = bpf_program__set_attach_target(p, tmpl_fd, "prog0")))
			return err;
	}
	if ((err = bpf_object__load(e->obj)))
		return err;
	e->fd = bpf_program__fd(p);
	e->counter_fd = bpf_map__fd(bpf_object__find_map_by_name(e->obj, "counter"));
	e->id = kernel_prog_id(e->fd);
	return 0;
}

static void ext_load(struct ext *e, const char *name)
{
	int err = ext_try_load(e, name, true, template_fd);

	ck_assert_msg(err == 0, "loading %s as an extension of the XDP dispatcher: %d", name, err);
}

static uint64_t count(const struct ext *e)
{
	uint32_t key = 0;
	uint64_t v = 0;

	ck_assert_int_eq(bpf_map_lookup_elem(e->counter_fd, &key, &v), 0);
	return v;
}

/* The counter of a program someone else (xdp-loader) loaded. */
static uint64_t count_of_id(uint32_t id)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info), map_ids[8];
	uint32_t key = 0;
	uint64_t v = 0;
	int fd = bpf_prog_get_fd_by_id(id), found = 0;

	ck_assert_msg(fd >= 0, "program %u: %s", id, strerror(errno));
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = 8;
	info.map_ids = (__u64)(uintptr_t)map_ids;
	ck_assert_int_eq(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	close(fd);
	for (__u32 i = 0; i < info.nr_map_ids && i < 8 && !found; i++) {
		struct bpf_map_info mi;
		__u32 mlen = sizeof(mi);
		int mfd = bpf_map_get_fd_by_id(map_ids[i]);

		memset(&mi, 0, sizeof(mi));
		if (mfd >= 0 && !bpf_obj_get_info_by_fd(mfd, &mi, &mlen) &&
		    !strcmp(mi.name, "counter")) {
			ck_assert_int_eq(bpf_map_lookup_elem(mfd, &key, &v), 0);
			found = 1;
		}
		if (mfd >= 0)
			close(mfd);
	}
	ck_assert_msg(found, "program %u has no counter map", id);
	return v;
}

/* ---- the module under test --------------------------------------------------- */

struct slot {
	int fd;
	uint32_t prio;
	uint32_t proceed_on;
};

static int install_mode(uint32_t mode, const struct slot *s, size_t n)
{
	struct chain_prog cp[16];
	int err;

	ck_assert_uint_le(n, 16);
	memset(cp, 0, sizeof(cp));
	for (size_t i = 0; i < n; i++) {
		cp[i].prog_fd = s[i].fd;
		cp[i].priority = s[i].prio;
		cp[i].proceed_on = s[i].proceed_on;
	}
	chain_sort(cp, n);
	enter_ns();
	err = xdp_dispatcher_install(h.ctx, ifindex, mode, cp, n);
	leave_ns();
	note_dispatcher();
	if (!err)
		for (size_t i = 0; i < n; i++) {
			ck_assert_int_eq(cp[i].position, (int)i);
			ck_assert_msg(path_exists(cp[i].link_pin), "no link pin %s", cp[i].link_pin);
			ck_assert_msg(path_exists(cp[i].prog_pin), "no prog pin %s", cp[i].prog_pin);
		}
	return err;
}

static int install(const struct slot *s, size_t n)
{
	return install_mode(0, s, n);
}

static void install_ok(const struct slot *s, size_t n)
{
	int err = install(s, n);

	ck_assert_msg(err == 0, "install %zu programs: %d %s", n, err, bpfman_errmsg(h.ctx));
}

struct chain {
	size_t cnt;
	uint32_t ids[DISPATCHER_MAX_SLOTS];
	uint32_t prios[DISPATCHER_MAX_SLOTS];
	uint32_t proceed[DISPATCHER_MAX_SLOTS];
	int fds[DISPATCHER_MAX_SLOTS]; /* kept open when asked (read_chain_fds) */
	uint32_t dispatcher_id;
	uint32_t foreign_id;
};

static void read_chain_fds(struct chain *c, bool keep_fds)
{
	struct chain_prog *progs = NULL;
	int err;

	memset(c, 0, sizeof(*c));
	enter_ns();
	err = xdp_dispatcher_read(h.ctx, ifindex, &progs, &c->cnt, &c->dispatcher_id,
				  &c->foreign_id);
	leave_ns();
	ck_assert_msg(err == 0, "read: %d %s", err, bpfman_errmsg(h.ctx));
	ck_assert_uint_le(c->cnt, DISPATCHER_MAX_SLOTS);
	for (size_t i = 0; i < c->cnt; i++) {
		ck_assert_int_eq(progs[i].position, (int)i);
		ck_assert_uint_eq(progs[i].link_id, 0);
		ck_assert_msg(path_exists(progs[i].link_pin), "no link pin %s", progs[i].link_pin);
		c->ids[i] = kernel_prog_id(progs[i].prog_fd);
		c->prios[i] = progs[i].priority;
		c->proceed[i] = progs[i].proceed_on;
		if (keep_fds)
			c->fds[i] = progs[i].prog_fd;
		else
			close(progs[i].prog_fd);
	}
	free(progs);
	ck_assert(c->cnt == 0 || c->dispatcher_id == attached(NULL));
	ck_assert(c->cnt == 0 || c->foreign_id == 0);
}

static void read_chain(struct chain *c)
{
	read_chain_fds(c, false);
}

static int ping(int n)
{
	return netenv_ping(&env, n);
}

/* ---- xdp-loader --------------------------------------------------------------- */

static const char *loader_mode(void)
{
	uint32_t mode = 0;

	attached(&mode);
	return mode == XDP_ATTACHED_SKB ? "skb" : "native";
}

/* xdp-loader load of xdp_count from xdp_counter.bpf.o at prio; returns the
 * new program's ID (the one in the chain that was not there before). */
static uint32_t loader_load(unsigned int prio, const char *actions)
{
	struct chain before, after;
	uint32_t id = 0;
	const char *out;
	int st;

	read_chain(&before);
	out = run(&st, "nsenter --net=%s xdp-loader load -m %s -P %u -A %s -n xdp_count %s %s",
		  env.ns_path, before.cnt ? loader_mode() : "native", prio, actions, env.peer_if,
		  bpf_obj("xdp_counter"));
	note_dispatcher();
	ck_assert_msg(st == 0, "xdp-loader load failed (%d):\n%s", st, out);
	read_chain(&after);
	ck_assert_uint_eq(after.cnt, before.cnt + 1);
	for (size_t i = 0; i < after.cnt && !id; i++) {
		bool old = false;

		for (size_t j = 0; j < before.cnt; j++)
			old |= before.ids[j] == after.ids[i];
		if (!old)
			id = after.ids[i];
	}
	ck_assert_uint_ne(id, 0);
	return id;
}

/* Whether `xdp-loader status` lists program id in the dispatcher with
 * this priority and these chain actions (e.g. "XDP_PASS"). */
static bool status_lists(const char *status, uint32_t id, unsigned int prio, const char *actions)
{
	char copy[16384], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", status);
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned int p = 0, i = 0;
		char name[64], tag[64];
		int off = 0;

		if (sscanf(line, " => %u %63s %u %63s %n", &p, name, &i, tag, &off) < 4 || !off)
			continue;
		if (p == prio && i == id && strstr(line + off, actions))
			return true;
	}
	return false;
}

static char *loader_status(void)
{
	int st;
	char *out = run(&st, "nsenter --net=%s xdp-loader status %s", env.ns_path, env.peer_if);

	ck_assert_msg(st == 0, "xdp-loader status failed (%d):\n%s", st, out);
	return out;
}

/* ---- tests ------------------------------------------------------------------- */

START_TEST(two_programs_both_run)
{
	struct ext a, b;
	struct chain c;
	uint64_t ca, cb;
	uint32_t mode = 0;

	world_open();
	ext_load(&a, "xdp_count");
	ext_load(&b, "xdp_count");

	/* Given out of order: chain_sort puts a (10) before b (20). */
	install_ok((struct slot[]){ { b.fd, 20, PROCEED_DEFAULT }, { a.fd, 10, PROCEED_DEFAULT } },
		   2);
	read_chain(&c);
	ck_assert_uint_eq(c.cnt, 2);
	ck_assert_uint_eq(c.ids[0], a.id);
	ck_assert_uint_eq(c.ids[1], b.id);
	ck_assert_uint_eq(c.prios[0], 10);
	ck_assert_uint_eq(c.prios[1], 20);
	ck_assert_uint_eq(c.proceed[0], PROCEED_DEFAULT);
	ck_assert_uint_eq(c.proceed[1], PROCEED_DEFAULT);
	ck_assert_uint_eq(attached(&mode), c.dispatcher_id);
	ck_assert_uint_eq(mode, XDP_ATTACHED_DRV); /* veth takes native XDP */
	ck_assert(dispatch_dir_exists(c.dispatcher_id));
	ck_assert_uint_eq(dispatch_dirs(), 1);

	ca = count(&a);
	cb = count(&b);
	ck_assert_int_eq(ping(5), 5);
	ck_assert_uint_ge(count(&a), ca + 5);
	ck_assert_uint_ge(count(&b), cb + 5);

	install_ok(NULL, 0);
	world_close();
}
END_TEST

START_TEST(proceed_on_decides)
{
	struct ext drop, cnt;
	struct chain c;
	uint64_t cd, cc;

	world_open();
	ext_load(&drop, "xdp_drop");
	ext_load(&cnt, "xdp_count");

	/* drop first, without XDP_DROP in its proceed-on: the chain stops
	 * there, the packet is dropped and cnt never runs. */
	install_ok((struct slot[]){ { drop.fd, 10, PROCEED_DEFAULT }, { cnt.fd, 20, PROCEED_DEFAULT } },
		   2);
	cd = count(&drop);
	cc = count(&cnt);
	ck_assert_int_eq(ping(3), 0);
	ck_assert_uint_ge(count(&drop), cd + 3);
	ck_assert_uint_eq(count(&cnt), cc);

	/* With XDP_DROP in its proceed-on the chain goes on to cnt, whose
	 * XDP_PASS lets the packet through. */
	install_ok((struct slot[]){ { drop.fd, 10, PROCEED_DEFAULT | ACT(XDP_DROP) },
				    { cnt.fd, 20, PROCEED_DEFAULT } },
		   2);
	read_chain(&c);
	ck_assert_uint_eq(c.proceed[0], PROCEED_DEFAULT | ACT(XDP_DROP));
	ck_assert_uint_eq(dispatch_dirs(), 1); /* the old one's pins are gone */
	cd = count(&drop);
	cc = count(&cnt);
	ck_assert_int_eq(ping(3), 3);
	ck_assert_uint_ge(count(&drop), cd + 3);
	ck_assert_uint_ge(count(&cnt), cc + 3);

	/* The dispatcher-return bit is always set, as libxdp sets it. */
	install_ok((struct slot[]){ { drop.fd, 10, ACT(XDP_PASS) }, { cnt.fd, 20, ACT(XDP_PASS) } },
		   2);
	read_chain(&c);
	ck_assert_uint_eq(c.proceed[0], PROCEED_DEFAULT);
	ck_assert_int_eq(ping(2), 0);

	install_ok(NULL, 0);
	world_close();
}
END_TEST

START_TEST(swapped_priorities_reorder)
{
	struct ext drop, cnt;
	struct chain c;
	uint32_t first;
	uint64_t cd, cc;

	world_open();
	ext_load(&drop, "xdp_drop");
	ext_load(&cnt, "xdp_count");

	/* cnt (10) passes on to drop (20): both run, nothing gets through. */
	install_ok((struct slot[]){ { drop.fd, 20, PROCEED_DEFAULT }, { cnt.fd, 10, PROCEED_DEFAULT } },
		   2);
	read_chain(&c);
	ck_assert_uint_eq(c.ids[0], cnt.id);
	ck_assert_uint_eq(c.ids[1], drop.id);
	first = c.dispatcher_id;
	cd = count(&drop);
	cc = count(&cnt);
	ck_assert_int_eq(ping(3), 0);
	ck_assert_uint_ge(count(&cnt), cc + 3);
	ck_assert_uint_ge(count(&drop), cd + 3);

	/* Swapped: drop runs first and stops the chain; cnt never runs. */
	install_ok((struct slot[]){ { drop.fd, 10, PROCEED_DEFAULT }, { cnt.fd, 20, PROCEED_DEFAULT } },
		   2);
	read_chain(&c);
	ck_assert_uint_eq(c.ids[0], drop.id);
	ck_assert_uint_eq(c.ids[1], cnt.id);
	ck_assert_uint_ne(c.dispatcher_id, first);
	ck_assert(!dispatch_dir_exists(first));
	cd = count(&drop);
	cc = count(&cnt);
	ck_assert_int_eq(ping(3), 0);
	ck_assert_uint_ge(count(&drop), cd + 3);
	ck_assert_uint_eq(count(&cnt), cc);

	install_ok(NULL, 0);
	world_close();
}
END_TEST

START_TEST(xdp_loader_status_shows_chain)
{
	struct ext a, b;
	char *status;

	world_open();
	ext_load(&a, "xdp_count");
	ext_load(&b, "xdp_count");
	install_ok((struct slot[]){ { a.fd, 10, PROCEED_DEFAULT },
				    { b.fd, 20, PROCEED_DEFAULT | ACT(XDP_DROP) } },
		   2);
	status = loader_status();
	fprintf(stderr, "xdp-loader status %s:\n%s", env.peer_if, status);
	ck_assert_msg(strstr(status, "xdp_dispatcher"), "no dispatcher in:\n%s", status);
	ck_assert_msg(status_lists(status, a.id, 10, "XDP_PASS"), "program %u at 10 not in:\n%s",
		      a.id, status);
	ck_assert_msg(status_lists(status, b.id, 20, "XDP_DROP"), "program %u at 20 not in:\n%s",
		      b.id, status);
	ck_assert_msg(status_lists(status, b.id, 20, "XDP_PASS"), "program %u at 20 not in:\n%s",
		      b.id, status);

	install_ok(NULL, 0);
	world_close();
}
END_TEST

START_TEST(xdp_loader_adds_to_our_dispatcher)
{
	struct ext a, b;
	struct chain c;
	uint32_t theirs;
	uint64_t ca, cb, ct;
	int theirs_fd;
	char *status;

	world_open();
	ext_load(&a, "xdp_count");
	ext_load(&b, "xdp_count");
	install_ok((struct slot[]){ { a.fd, 10, PROCEED_DEFAULT }, { b.fd, 20, PROCEED_DEFAULT } },
		   2);

	/* libxdp takes our dispatcher for its own and re-links our programs
	 * into the one it builds. */
	theirs = loader_load(15, "XDP_PASS");
	status = loader_status();
	ck_assert_msg(status_lists(status, a.id, 10, "XDP_PASS"), "ours (10) not in:\n%s", status);
	ck_assert_msg(status_lists(status, theirs, 15, "XDP_PASS"), "theirs (15) not in:\n%s",
		      status);
	ck_assert_msg(status_lists(status, b.id, 20, "XDP_PASS"), "ours (20) not in:\n%s", status);
	read_chain(&c);
	ck_assert_uint_eq(c.cnt, 3);
	ck_assert_uint_eq(c.ids[0], a.id);
	ck_assert_uint_eq(c.ids[1], theirs);
	ck_assert_uint_eq(c.ids[2], b.id);
	ck_assert_uint_eq(c.prios[1], 15);
	ck_assert_uint_eq(c.proceed[1], PROCEED_DEFAULT);
	ck_assert_uint_eq(dispatch_dirs(), 1); /* libxdp removed our old pins */

	ca = count(&a);
	cb = count(&b);
	ct = count_of_id(theirs);
	ck_assert_int_eq(ping(3), 3);
	ck_assert_uint_ge(count(&a), ca + 3);
	ck_assert_uint_ge(count(&b), cb + 3);
	ck_assert_uint_ge(count_of_id(theirs), ct + 3);

	/* Our next rebuild (without b) keeps theirs, read back as chain.c
	 * does it. */
	theirs_fd = bpf_prog_get_fd_by_id(theirs);
	ck_assert_int_ge(theirs_fd, 0);
	install_ok((struct slot[]){ { a.fd, 10, PROCEED_DEFAULT }, { theirs_fd, 15, PROCEED_DEFAULT } },
		   2);
	close(theirs_fd);
	read_chain(&c);
	ck_assert_uint_eq(c.cnt, 2);
	ck_assert_uint_eq(c.ids[1], theirs);
	cb = count(&b);
	ct = count_of_id(theirs);
	ck_assert_int_eq(ping(3), 3);
	ck_assert_uint_ge(count_of_id(theirs), ct + 3);
	ck_assert_uint_eq(count(&b), cb);

	install_ok(NULL, 0);
	ck_assert_uint_eq(attached(NULL), 0);
	ck_assert_uint_eq(dispatch_dirs(), 0);
	world_close();
}
END_TEST

START_TEST(we_add_to_xdp_loader_dispatcher)
{
	struct ext ours;
	struct chain c;
	struct slot s[DISPATCHER_MAX_SLOTS];
	uint32_t t10, t30;
	uint64_t co, c10, c30;
	char *status;
	int st;

	world_open();
	ext_load(&ours, "xdp_count");

	/* One at a time: libxdp's first dispatcher holds one program (which
	 * it links over the dispatcher's main function), the second two. */
	t10 = loader_load(10, "XDP_PASS");
	t30 = loader_load(30, "XDP_PASS");
	read_chain_fds(&c, true);
	ck_assert_uint_eq(c.cnt, 2);
	ck_assert_uint_eq(c.ids[0], t10);
	ck_assert_uint_eq(c.ids[1], t30);
	ck_assert_uint_eq(c.prios[0], 10);
	ck_assert_uint_eq(c.prios[1], 30);
	ck_assert_uint_eq(c.proceed[0], PROCEED_DEFAULT);

	/* What chain.c does: the chain read back, plus ours. */
	for (size_t i = 0; i < c.cnt; i++)
		s[i] = (struct slot){ c.fds[i], c.prios[i], c.proceed[i] };
	s[c.cnt] = (struct slot){ ours.fd, 20, PROCEED_DEFAULT };
	install_ok(s, c.cnt + 1);
	for (size_t i = 0; i < c.cnt; i++)
		close(c.fds[i]);
	read_chain(&c);
	ck_assert_uint_eq(c.cnt, 3);
	ck_assert_uint_eq(c.ids[0], t10);
	ck_assert_uint_eq(c.ids[1], ours.id);
	ck_assert_uint_eq(c.ids[2], t30);
	status = loader_status();
	ck_assert_msg(status_lists(status, t10, 10, "XDP_PASS"), "theirs (10) not in:\n%s", status);
	ck_assert_msg(status_lists(status, ours.id, 20, "XDP_PASS"), "ours (20) not in:\n%s",
		      status);
	ck_assert_msg(status_lists(status, t30, 30, "XDP_PASS"), "theirs (30) not in:\n%s", status);
	co = count(&ours);
	c10 = count_of_id(t10);
	c30 = count_of_id(t30);
	ck_assert_int_eq(ping(3), 3);
	ck_assert_uint_ge(count(&ours), co + 3);
	ck_assert_uint_ge(count_of_id(t10), c10 + 3);
	ck_assert_uint_ge(count_of_id(t30), c30 + 3);

	/* xdp-loader unloads one of its own: libxdp rebuilds, ours stays. */
	run(&st, "nsenter --net=%s xdp-loader unload -i %u %s", env.ns_path, t10, env.peer_if);
	note_dispatcher();
	ck_assert_int_eq(st, 0);
	read_chain(&c);
	ck_assert_uint_eq(c.cnt, 2);
	ck_assert_uint_eq(c.ids[0], ours.id);
	ck_assert_uint_eq(c.ids[1], t30);
	co = count(&ours);
	ck_assert_int_eq(ping(3), 3);
	ck_assert_uint_ge(count(&ours), co + 3);

	install_ok(NULL, 0);
	ck_assert_uint_eq(dispatch_dirs(), 0);
	world_close();
}
END_TEST

START_TEST(empty_chain_removes_everything)
{
	struct ext a;
	struct chain c;
	uint32_t id;

	world_open();
	ext_load(&a, "xdp_drop");
	/* Nothing attached: read says so, an empty install does nothing. */
	read_chain(&c);
	ck_assert_uint_eq(c.cnt + c.dispatcher_id + c.foreign_id, 0);
	install_ok(NULL, 0);

	install_ok((struct slot[]){ { a.fd, 50, PROCEED_DEFAULT } }, 1);
	id = attached(NULL);
	ck_assert(dispatch_dir_exists(id));
	ck_assert_int_eq(ping(2), 0);

	install_ok(NULL, 0);
	ck_assert_uint_eq(attached(NULL), 0);
	ck_assert(!dispatch_dir_exists(id));
	ck_assert_uint_eq(dispatch_dirs(), 0);
	read_chain(&c);
	ck_assert_uint_eq(c.cnt + c.dispatcher_id + c.foreign_id, 0);
	ck_assert_int_eq(ping(2), 2);
	world_close();
}
END_TEST

START_TEST(failures_change_nothing)
{
	struct ext a, b, plain;
	struct slot s[DISPATCHER_MAX_SLOTS + 1];
	struct chain c;
	uint32_t id;
	uint64_t ca, cb;
	int err;

	world_open();
	ext_load(&a, "xdp_count");
	ext_load(&b, "xdp_count");
	ck_assert_int_eq(ext_try_load(&plain, "xdp_pass", false, -1), 0);
	install_ok((struct slot[]){ { a.fd, 10, PROCEED_DEFAULT }, { b.fd, 20, PROCEED_DEFAULT } },
		   2);
	id = attached(NULL);

	/* Eleven programs: refused before anything is made. */
	for (size_t i = 0; i < DISPATCHER_MAX_SLOTS + 1; i++)
		s[i] = (struct slot){ i % 2 ? a.fd : b.fd, (uint32_t)i, PROCEED_DEFAULT };
	err = install(s, DISPATCHER_MAX_SLOTS + 1);
	ck_assert_int_eq(err, -E2BIG);
	ck_assert_msg(strstr(bpfman_errmsg(h.ctx), "at most 10"), "%s", bpfman_errmsg(h.ctx));

	/* A plain XDP program cannot fill a slot: refused at link time,
	 * after the new dispatcher was loaded; it and its pins go. */
	err = install((struct slot[]){ { a.fd, 10, PROCEED_DEFAULT },
				       { plain.fd, 20, PROCEED_DEFAULT } },
		      2);
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_msg(strstr(bpfman_errmsg(h.ctx), "not an extension"), "%s",
		      bpfman_errmsg(h.ctx));

	/* A forced mode other than the running one: refused. */
	err = install_mode(XDP_FLAGS_SKB_MODE, (struct slot[]){ { a.fd, 10, PROCEED_DEFAULT } }, 1);
	ck_assert_int_eq(err, -EINVAL);

	/* The old chain still runs, with its pins and nothing else. */
	ck_assert_uint_eq(attached(NULL), id);
	ck_assert_uint_eq(dispatch_dirs(), 1);
	ck_assert(dispatch_dir_exists(id));
	read_chain(&c);
	ck_assert_uint_eq(c.cnt, 2);
	ck_assert_uint_eq(c.ids[0], a.id);
	ck_assert_uint_eq(c.ids[1], b.id);
	ca = count(&a);
	cb = count(&b);
	ck_assert_int_eq(ping(3), 3);
	ck_assert_uint_ge(count(&a), ca + 3);
	ck_assert_uint_ge(count(&b), cb + 3);

	install_ok(NULL, 0);
	world_close();
}
END_TEST

START_TEST(plain_program_is_foreign)
{
	struct ext a, plain;
	struct chain c;
	int err;

	world_open();
	ext_load(&a, "xdp_count");
	ck_assert_int_eq(ext_try_load(&plain, "xdp_drop", false, -1), 0);
	enter_ns();
	err = bpf_xdp_attach(ifindex, plain.fd, XDP_FLAGS_SKB_MODE, NULL);
	leave_ns();
	ck_assert_int_eq(err, 0);

	read_chain(&c);
	ck_assert_uint_eq(c.cnt, 0);
	ck_assert_uint_eq(c.dispatcher_id, 0);
	ck_assert_uint_eq(c.foreign_id, plain.id);

	/* Never replaced, and an empty chain leaves it alone too. */
	err = install((struct slot[]){ { a.fd, 10, PROCEED_DEFAULT } }, 1);
	ck_assert_int_eq(err, -EBUSY);
	ck_assert_msg(strstr(bpfman_errmsg(h.ctx), "outside any dispatcher"), "%s",
		      bpfman_errmsg(h.ctx));
	install_ok(NULL, 0);
	ck_assert_uint_eq(attached(NULL), plain.id);
	ck_assert_uint_eq(dispatch_dirs(), 0);

	enter_ns();
	ck_assert_int_eq(bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, NULL), 0);
	leave_ns();
	world_close();
}
END_TEST

START_TEST(generic_mode_is_kept)
{
	struct ext a, b;
	uint32_t mode = 0;
	uint64_t cb;

	world_open();
	ext_load(&a, "xdp_count");
	ext_load(&b, "xdp_count");
	ck_assert_int_eq(install_mode(XDP_FLAGS_SKB_MODE,
				      (struct slot[]){ { a.fd, 10, PROCEED_DEFAULT } }, 1),
			 0);
	attached(&mode);
	ck_assert_uint_eq(mode, XDP_ATTACHED_SKB);
	/* A rebuild with no mode asked for keeps generic. */
	install_ok((struct slot[]){ { a.fd, 10, PROCEED_DEFAULT }, { b.fd, 20, PROCEED_DEFAULT } },
		   2);
	attached(&mode);
	ck_assert_uint_eq(mode, XDP_ATTACHED_SKB);
	cb = count(&b);
	ck_assert_int_eq(ping(3), 3);
	ck_assert_uint_ge(count(&b), cb + 3);
	install_ok(NULL, 0);
	ck_assert_uint_eq(attached(NULL), 0);
	ck_assert_uint_eq(dispatch_dirs(), 0);
	world_close();
}
END_TEST

/* Pings flood a dropping chain while it is rebuilt: if a swap ever left the
 * interface without our dispatcher, or a dispatcher without its programs,
 * a ping would get through. */
static struct ext flood_drop1, flood_drop2;

static void rebuild_dropping_chain(int i)
{
	/* alternate order and proceed-on: each one a new dispatcher */
	if (i % 2)
		install_ok((struct slot[]){ { flood_drop1.fd, 10, PROCEED_DEFAULT },
					    { flood_drop2.fd, 20, PROCEED_DEFAULT } }, 2);
	else
		install_ok((struct slot[]){ { flood_drop2.fd, 10, PROCEED_DEFAULT } }, 1);
}

static uint64_t dropped(void)
{
	return count(&flood_drop1) + count(&flood_drop2);
}

START_TEST(rebuild_has_no_window)
{
	world_open();
	ext_load(&flood_drop1, "xdp_drop");
	ext_load(&flood_drop2, "xdp_drop");
	install_ok((struct slot[]){ { flood_drop1.fd, 10, PROCEED_DEFAULT } }, 1);
	netenv_assert_rebuilds_drop_all(&env, rebuild_dropping_chain, dropped);

	install_ok(NULL, 0);
	world_close();
}
END_TEST

/* Before any test: can this kernel run extensions at all? */
static void require_ext(void)
{
	const char *func;
	struct ext e;
	int fd = -1, err;

	err = xdp_dispatcher_template(NULL, &fd, &func);
	if (err) {
		if (err == -EPERM && geteuid() != 0)
			skip_or_fail("loading BPF programs needs root");
		fprintf(stderr, "FAIL: the XDP dispatcher template does not load: %s\n",
			bpfman_errmsg(NULL));
		exit(EXIT_FAILURE);
	}
	err = ext_try_load(&e, "xdp_count", true, fd);
	if (err == -EPERM || err == -EINVAL || err == -ENOTSUP)
		skip_or_fail("this kernel refuses BPF_PROG_TYPE_EXT (freplace) programs");
	if (err) {
		fprintf(stderr, "FAIL: loading an extension of the XDP dispatcher: %d\n", err);
		exit(EXIT_FAILURE);
	}
	bpf_object__close(e.obj);
	close(fd);
}

int main(void)
{
	Suite *s = suite_create("xdp-dispatcher");
	TCase *tc = tcase_create("xdp-dispatcher");
	const char *env_root = getenv("LIBXDP_BPFFS");
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/xdp", env_root && *env_root ? env_root : "/sys/fs/bpf");
	root_existed = path_exists(dir);
	require_ext();
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, two_programs_both_run);
	tcase_add_test(tc, proceed_on_decides);
	tcase_add_test(tc, swapped_priorities_reorder);
	tcase_add_test(tc, xdp_loader_status_shows_chain);
	tcase_add_test(tc, xdp_loader_adds_to_our_dispatcher);
	tcase_add_test(tc, we_add_to_xdp_loader_dispatcher);
	tcase_add_test(tc, empty_chain_removes_everything);
	tcase_add_test(tc, failures_change_nothing);
	tcase_add_test(tc, plain_program_is_foreign);
	tcase_add_test(tc, generic_mode_is_kept);
	tcase_add_test(tc, rebuild_has_no_window);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
