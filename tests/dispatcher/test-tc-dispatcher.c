// SPDX-License-Identifier: Apache-2.0
/* The TC dispatcher module (libbpfman/tc_dispatcher.c) against a real
 * kernel: chains of BPF_PROG_TYPE_EXT programs on the ingress/egress of a
 * veth end that lives in a private network namespace, observed through the
 * counters of programs that ran on real packets (pings from the other
 * end). Needs freplace: the host kernel refuses it, so this runs in the VM
 * tier (skips here, fails there if freplace is missing). */
#include "kernel_info.h"
#include "harness.h"
#include "netenv.h"

#include "tc_dispatcher.h"
#include "util/fsutil.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/pkt_cls.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ACT(a) (1u << ((a) + 1))
#define DRET (1u << DISPATCHER_RETURN_BIT)
#define PROCEED_DEFAULT (ACT(TC_ACT_PIPE) | DRET)
#define INGRESS TC_DIRECTION_INGRESS
#define EGRESS TC_DIRECTION_EGRESS

/* ---- one test's world ------------------------------------------------------ */

static struct harness h;
static struct netenv env;
static char pin_dir[PATH_MAX];
static int ifindex;       /* of env.peer_if, inside env.ns */
static int home_ns = -1;  /* our network namespace */
static int peer_ns = -1;  /* env.ns */
static int template_fd = -1;

static void enter_ns(void)
{
	ck_assert_msg(setns(peer_ns, CLONE_NEWNET) == 0, "setns: %s", strerror(errno));
}

static void leave_ns(void)
{
	ck_assert_msg(setns(home_ns, CLONE_NEWNET) == 0, "setns back: %s", strerror(errno));
}

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

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
	const char *func = NULL;

	harness_open(&h);
	netenv_create(&env);
	snprintf(pin_dir, sizeof(pin_dir), "%s/tc", h.bpffs_root);
	home_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	peer_ns = open(env.ns_path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(home_ns, 0);
	ck_assert_int_ge(peer_ns, 0);
	enter_ns();
	ifindex = (int)if_nametoindex(env.peer_if);
	leave_ns();
	ck_assert_int_gt(ifindex, 0);
	pin_neighbours();
	ck_assert_int_eq(tc_dispatcher_template(h.ctx, &template_fd, &func), 0);
	ck_assert_str_eq(func, "prog0");
}

static size_t pins_under(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[PATH_MAX];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (de->d_type == DT_DIR)
			n += pins_under(path);
		else
			n++;
	}
	closedir(d);
	return n;
}

/* Entries named dispatcher-* directly under pin_dir. */
static size_t dispatcher_dirs(void)
{
	DIR *d = opendir(pin_dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += !strncmp(de->d_name, "dispatcher-", 11);
	closedir(d);
	return n;
}

static void world_close(void)
{
	close(template_fd);
	netenv_destroy(&env);
	close(peer_ns);
	close(home_ns);
	/* harness_close fails the test if any pin is left under bpffs_root. */
	harness_close(&h);
}

/* ---- shell ----------------------------------------------------------------- */

static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ck_assert_msg(system(cmd) == 0, "command failed: %s", cmd);
}

/* Output of `tc -n <ns> ARGS`. */
static char *tc_out(const char *args)
{
	static char out[8192];
	char cmd[512];
	size_t n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "tc -n %s %s 2>&1", env.ns, args);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	pclose(f);
	return out;
}

static bool has_qdisc(const char *kind)
{
	char args[128], needle[64];

	snprintf(args, sizeof(args), "qdisc show dev %s", env.peer_if);
	snprintf(needle, sizeof(needle), "qdisc %s ", kind);
	return strstr(tc_out(args), needle) != NULL;
}

/* Whether `tc filter show` lists a filter at priority prio on dir. */
static bool has_filter(int dir, int prio)
{
	char args[128], needle[32];

	snprintf(args, sizeof(args), "filter show dev %s %s", env.peer_if,
		 dir == EGRESS ? "egress" : "ingress");
	snprintf(needle, sizeof(needle), " pref %d ", prio);
	return strstr(tc_out(args), needle) != NULL;
}

/* ---- programs -------------------------------------------------------------- */

struct ext {
	struct bpf_object *obj;
	int fd;
	int counter_fd;
	uint32_t id;
};

/* Loads program `name` of tc_ext.bpf.o, as an extension of the template's
 * prog0 (as_ext) or as a plain tc program. */
static int ext_try_load(struct ext *e, const char *name, bool as_ext, int tmpl_fd)
{
	struct bpf_program *p, *it;
	int err;

	memset(e, 0, sizeof(*e));
	e->obj = bpf_object__open_file(bpf_obj("tc_ext"), NULL);
	if (!e->obj)
		return -errno;
	bpf_object__for_each_program(it, e->obj)
		bpf_program__set_autoload(it, !strcmp(bpf_program__name(it), name));
	p = bpf_object__find_program_by_name(e->obj, name);
	if (!p)
		return -ENOENT;
	if (as_ext) {
		bpf_program__set_type(p, BPF_PROG_TYPE_EXT);
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

	ck_assert_msg(err == 0, "loading %s as an extension of the TC dispatcher: %d", name, err);
}

static void plain_load(struct ext *e, const char *name)
{
	int err = ext_try_load(e, name, false, -1);

	ck_assert_msg(err == 0, "loading %s as a tc program: %d", name, err);
}

static uint64_t count(const struct ext *e)
{
	uint32_t key = 0;
	uint64_t v = 0;

	ck_assert_int_eq(bpf_map_lookup_elem(e->counter_fd, &key, &v), 0);
	return v;
}

/* ---- the module under test ----------------------------------------------------- */

struct slot {
	const struct ext *e;
	uint32_t prio;
	uint32_t proceed_on;
};

static int install(int dir, const struct slot *s, size_t n)
{
	struct chain_prog cp[16];
	int err;

	ck_assert_uint_le(n, 16);
	memset(cp, 0, sizeof(cp));
	for (size_t i = 0; i < n; i++) {
		cp[i].prog_fd = s[i].e->fd;
		cp[i].priority = s[i].prio;
		cp[i].proceed_on = s[i].proceed_on;
	}
	chain_sort(cp, n);
	enter_ns();
	err = tc_dispatcher_install(h.ctx, pin_dir, ifindex, dir, cp, n);
	leave_ns();
	if (!err)
		for (size_t i = 0; i < n; i++) {
			ck_assert_int_eq(cp[i].position, (int)i);
			ck_assert_msg(path_exists(cp[i].link_pin), "no link pin %s", cp[i].link_pin);
			ck_assert_msg(path_exists(cp[i].prog_pin), "no prog pin %s", cp[i].prog_pin);
		}
	return err;
}

static void install_ok(int dir, const struct slot *s, size_t n)
{
	int err = install(dir, s, n);

	ck_assert_msg(err == 0, "install %zu programs: %d %s", n, err, bpfman_errmsg(h.ctx));
}

/* The chain now running: program IDs in slot order; returns the count. */
static size_t read_chain(int dir, uint32_t *ids, uint32_t *prios, uint32_t *proceed,
			 uint32_t *dispatcher_id)
{
	struct chain_prog *progs = NULL;
	size_t cnt = 0;
	uint32_t did = 0;
	int err;

	enter_ns();
	err = tc_dispatcher_read(h.ctx, pin_dir, ifindex, dir, &progs, &cnt, &did);
	leave_ns();
	ck_assert_msg(err == 0, "read: %d %s", err, bpfman_errmsg(h.ctx));
	for (size_t i = 0; i < cnt; i++) {
		ck_assert_int_eq(progs[i].position, (int)i);
		if (ids)
			ids[i] = kernel_prog_id(progs[i].prog_fd);
		if (prios)
			prios[i] = progs[i].priority;
		if (proceed)
			proceed[i] = progs[i].proceed_on;
		close(progs[i].prog_fd);
	}
	free(progs);
	if (dispatcher_id)
		*dispatcher_id = did;
	ck_assert_int_eq(cnt == 0, did == 0);
	return cnt;
}

static int ping(int n)
{
	return netenv_ping(&env, n);
}

/* ---- tests ------------------------------------------------------------------- */

START_TEST(chain_runs_and_proceed_on_decides)
{
	struct ext pipe, ok, shot;
	uint32_t ids[10], prios[10], proceed[10], did, did2;
	uint64_t c_pipe, c_ok, c_shot;

	world_open();
	ext_load(&pipe, "tc_pipe");
	ext_load(&ok, "tc_ok");
	ext_load(&shot, "tc_shot");

	/* pipe (proceed on pipe) then ok: both see every packet. */
	install_ok(INGRESS, (struct slot[]){ { &ok, 20, PROCEED_DEFAULT },
					     { &pipe, 10, PROCEED_DEFAULT } }, 2);
	ck_assert_uint_eq(read_chain(INGRESS, ids, prios, proceed, &did), 2);
	ck_assert_uint_eq(ids[0], pipe.id);
	ck_assert_uint_eq(ids[1], ok.id);
	ck_assert_uint_eq(prios[0], 10);
	ck_assert_uint_eq(prios[1], 20);
	ck_assert_uint_eq(proceed[0], PROCEED_DEFAULT);
	ck_assert_uint_eq(proceed[1], PROCEED_DEFAULT);
	ck_assert(has_qdisc("clsact"));
	ck_assert(has_filter(INGRESS, TC_DISPATCHER_PRIORITY));
	c_pipe = count(&pipe);
	c_ok = count(&ok);
	ck_assert_int_eq(ping(3), 3);
	ck_assert_uint_ge(count(&pipe), c_pipe + 3);
	ck_assert_uint_ge(count(&ok), c_ok + 3);

	/* A drop first, without shot in its proceed-on: the chain stops
	 * there, the packet is dropped and ok never runs. */
	install_ok(INGRESS, (struct slot[]){ { &shot, 10, PROCEED_DEFAULT },
					     { &ok, 20, PROCEED_DEFAULT } }, 2);
	ck_assert_uint_eq(read_chain(INGRESS, ids, NULL, NULL, &did2), 2);
	ck_assert_uint_ne(did2, did);
	ck_assert_uint_eq(dispatcher_dirs(), 1); /* the old one's pins are gone */
	c_ok = count(&ok);
	c_shot = count(&shot);
	ck_assert_int_eq(ping(3), 0);
	ck_assert_uint_ge(count(&shot), c_shot + 3);
	ck_assert_uint_eq(count(&ok), c_ok);

	/* With shot in its proceed-on the chain goes on, and ok's verdict
	 * (the last one) lets the packet through. */
	install_ok(INGRESS, (struct slot[]){ { &shot, 10, PROCEED_DEFAULT | ACT(TC_ACT_SHOT) },
					     { &ok, 20, PROCEED_DEFAULT } }, 2);
	ck_assert_uint_eq(read_chain(INGRESS, NULL, NULL, proceed, NULL), 2);
	ck_assert_uint_eq(proceed[0], PROCEED_DEFAULT | ACT(TC_ACT_SHOT));
	c_ok = count(&ok);
	c_shot = count(&shot);
	ck_assert_int_eq(ping(3), 3);
	ck_assert_uint_ge(count(&shot), c_shot + 3);
	ck_assert_uint_ge(count(&ok), c_ok + 3);

	/* Empty chain: our filter and the clsact we created go. */
	install_ok(INGRESS, NULL, 0);
	ck_assert_uint_eq(read_chain(INGRESS, NULL, NULL, NULL, NULL), 0);
	ck_assert(!has_filter(INGRESS, TC_DISPATCHER_PRIORITY));
	ck_assert(!has_qdisc("clsact"));
	ck_assert_uint_eq(pins_under(pin_dir), 0);
	ck_assert_int_eq(ping(2), 2);
	world_close();
}
END_TEST

START_TEST(ingress_and_egress_are_independent)
{
	struct ext in, eg, drop;
	uint64_t c_in, c_eg, c_drop;

	world_open();
	ext_load(&in, "tc_ok");
	ext_load(&eg, "tc_pipe");
	ext_load(&drop, "tc_shot");

	install_ok(INGRESS, (struct slot[]){ { &in, 50, PROCEED_DEFAULT } }, 1);
	install_ok(EGRESS, (struct slot[]){ { &eg, 50, PROCEED_DEFAULT } }, 1);
	c_in = count(&in);
	c_eg = count(&eg);
	ck_assert_int_eq(ping(3), 3);
	/* requests come in, replies go out */
	ck_assert_uint_ge(count(&in), c_in + 3);
	ck_assert_uint_ge(count(&eg), c_eg + 3);

	/* Dropping on egress: requests still arrive (ingress counts), no
	 * reply leaves. */
	install_ok(EGRESS, (struct slot[]){ { &drop, 50, PROCEED_DEFAULT } }, 1);
	ck_assert_uint_eq(read_chain(INGRESS, NULL, NULL, NULL, NULL), 1);
	c_in = count(&in);
	c_eg = count(&eg);
	c_drop = count(&drop);
	ck_assert_int_eq(ping(3), 0);
	ck_assert_uint_ge(count(&in), c_in + 3);
	ck_assert_uint_ge(count(&drop), c_drop + 3);
	ck_assert_uint_eq(count(&eg), c_eg);

	/* Removing egress leaves ingress (and the clsact it needs) alone. */
	install_ok(EGRESS, NULL, 0);
	ck_assert_uint_eq(read_chain(EGRESS, NULL, NULL, NULL, NULL), 0);
	ck_assert_uint_eq(read_chain(INGRESS, NULL, NULL, NULL, NULL), 1);
	ck_assert(has_qdisc("clsact"));
	c_in = count(&in);
	c_drop = count(&drop);
	ck_assert_int_eq(ping(3), 3);
	ck_assert_uint_ge(count(&in), c_in + 3);
	ck_assert_uint_eq(count(&drop), c_drop);

	install_ok(INGRESS, NULL, 0);
	ck_assert(!has_qdisc("clsact"));
	world_close();
}
END_TEST

START_TEST(priority_change_reorders)
{
	struct ext x, y;
	uint32_t ids[10];
	uint64_t cx, cy;

	world_open();
	ext_load(&x, "tc_shot");
	ext_load(&y, "tc_ok");

	install_ok(INGRESS, (struct slot[]){ { &x, 10, PROCEED_DEFAULT },
					     { &y, 20, PROCEED_DEFAULT } }, 2);
	cy = count(&y);
	ck_assert_int_eq(ping(2), 0);
	ck_assert_uint_eq(count(&y), cy);

	/* x now runs after y; y's TC_ACT_OK is not in its proceed-on, so the
	 * chain ends with y's verdict and x never runs. */
	install_ok(INGRESS, (struct slot[]){ { &x, 30, PROCEED_DEFAULT },
					     { &y, 20, PROCEED_DEFAULT } }, 2);
	ck_assert_uint_eq(read_chain(INGRESS, ids, NULL, NULL, NULL), 2);
	ck_assert_uint_eq(ids[0], y.id);
	ck_assert_uint_eq(ids[1], x.id);
	cx = count(&x);
	cy = count(&y);
	ck_assert_int_eq(ping(3), 3);
	ck_assert_uint_ge(count(&y), cy + 3);
	ck_assert_uint_eq(count(&x), cx);

	install_ok(INGRESS, NULL, 0);
	world_close();
}
END_TEST

/* A cls_bpf filter of someone else, attached with libbpf in env.ns. */
static void foreign_attach(const struct ext *e, int dir, int prio, int handle)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = dir == EGRESS ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = e->fd, .priority = prio, .handle = handle);
	int err;

	enter_ns();
	err = bpf_tc_attach(&hook, &opts);
	leave_ns();
	ck_assert_msg(err == 0, "foreign bpf_tc_attach: %d", err);
}

START_TEST(foreign_filters_survive)
{
	struct ext a, b, other, squatter;
	uint64_t ca, cb, co;
	int err;

	world_open();
	ext_load(&a, "tc_pipe");
	ext_load(&b, "tc_ok");
	plain_load(&other, "tc_unspec");   /* unspec: classification goes on to us */
	plain_load(&squatter, "tc_unspec");

	install_ok(INGRESS, (struct slot[]){ { &a, 10, PROCEED_DEFAULT } }, 1);
	/* Others add filters before ours (lower prio numbers run first). */
	if (system("modprobe -q cls_matchall; modprobe -q act_gact") != 0)
		fprintf(stderr, "note: modprobe cls_matchall/act_gact failed\n");
	sh("tc -n %s filter add dev %s ingress prio 10 handle 7 matchall action continue",
	   env.ns, env.peer_if);
	foreign_attach(&other, INGRESS, 20, 7);

	/* Rebuild: both foreign filters stay and still run before ours. */
	install_ok(INGRESS, (struct slot[]){ { &a, 10, PROCEED_DEFAULT },
					     { &b, 20, PROCEED_DEFAULT } }, 2);
	ck_assert(has_filter(INGRESS, 10));
	ck_assert(has_filter(INGRESS, 20));
	ca = count(&a);
	cb = count(&b);
	co = count(&other);
	ck_assert_int_eq(ping(3), 3);
	ck_assert_uint_ge(count(&other), co + 3);
	ck_assert_uint_ge(count(&a), ca + 3);
	ck_assert_uint_ge(count(&b), cb + 3);

	/* Someone else's filter at our spot on egress: refused, untouched. */
	foreign_attach(&squatter, EGRESS, TC_DISPATCHER_PRIORITY, TC_DISPATCHER_HANDLE);
	err = install(EGRESS, (struct slot[]){ { &b, 10, PROCEED_DEFAULT } }, 1);
	ck_assert_int_eq(err, -EBUSY);
	ck_assert_msg(strstr(bpfman_errmsg(h.ctx), "not libbpfman's dispatcher"), "%s",
		      bpfman_errmsg(h.ctx));
	ck_assert_uint_eq(read_chain(EGRESS, NULL, NULL, NULL, NULL), 0);
	ck_assert(has_filter(EGRESS, TC_DISPATCHER_PRIORITY));
	ck_assert_uint_eq(dispatcher_dirs(), 1);

	/* Removal: only ours goes; the clsact we created stays while others
	 * use it. */
	install_ok(INGRESS, NULL, 0);
	ck_assert(!has_filter(INGRESS, TC_DISPATCHER_PRIORITY));
	ck_assert(has_filter(INGRESS, 10));
	ck_assert(has_filter(INGRESS, 20));
	ck_assert(has_filter(EGRESS, TC_DISPATCHER_PRIORITY));
	ck_assert(has_qdisc("clsact"));
	co = count(&other);
	ca = count(&a);
	ck_assert_int_eq(ping(3), 3);
	ck_assert_uint_ge(count(&other), co + 3);
	ck_assert_uint_eq(count(&a), ca);

	/* Once the others are gone, the next removal takes our clsact. */
	sh("tc -n %s filter del dev %s ingress prio 10", env.ns, env.peer_if);
	sh("tc -n %s filter del dev %s ingress prio 20", env.ns, env.peer_if);
	sh("tc -n %s filter del dev %s egress prio %d", env.ns, env.peer_if,
	   TC_DISPATCHER_PRIORITY);
	/* Another kind of classifier at our priority: refused as well. */
	sh("tc -n %s filter add dev %s egress prio %d handle 3 matchall action continue", env.ns,
	   env.peer_if, TC_DISPATCHER_PRIORITY);
	err = install(EGRESS, (struct slot[]){ { &b, 10, PROCEED_DEFAULT } }, 1);
	ck_assert_int_eq(err, -EBUSY);
	ck_assert(has_filter(EGRESS, TC_DISPATCHER_PRIORITY));
	sh("tc -n %s filter del dev %s egress prio %d", env.ns, env.peer_if,
	   TC_DISPATCHER_PRIORITY);
	install_ok(INGRESS, NULL, 0);
	ck_assert(!has_qdisc("clsact"));
	ck_assert_uint_eq(pins_under(pin_dir), 0);
	world_close();
}
END_TEST

START_TEST(ingress_qdisc_refused_and_failures_change_nothing)
{
	struct ext ok, plain;
	uint64_t c;
	int err;

	world_open();
	ext_load(&ok, "tc_ok");
	plain_load(&plain, "tc_ok");

	sh("tc -n %s qdisc add dev %s ingress", env.ns, env.peer_if);
	err = install(INGRESS, (struct slot[]){ { &ok, 10, PROCEED_DEFAULT } }, 1);
	ck_assert_int_eq(err, -EBUSY);
	ck_assert_msg(strstr(bpfman_errmsg(h.ctx), "`ingress` qdisc"), "%s", bpfman_errmsg(h.ctx));
	ck_assert(has_qdisc("ingress"));
	ck_assert(!has_qdisc("clsact"));
	ck_assert_uint_eq(pins_under(pin_dir), 0);
	c = count(&ok);
	ck_assert_int_eq(ping(2), 2);
	ck_assert_uint_eq(count(&ok), c);
	sh("tc -n %s qdisc del dev %s ingress", env.ns, env.peer_if);

	/* A slot that cannot be linked (a plain tc program, not an
	 * extension) fails the install before the swap: no clsact, no pins,
	 * no marker. */
	err = install(INGRESS, (struct slot[]){ { &ok, 10, PROCEED_DEFAULT },
						{ &plain, 20, PROCEED_DEFAULT } }, 2);
	ck_assert_int_lt(err, 0);
	ck_assert_msg(strstr(bpfman_errmsg(h.ctx), "slot 1"), "%s", bpfman_errmsg(h.ctx));
	ck_assert(!has_qdisc("clsact"));
	ck_assert_uint_eq(pins_under(pin_dir), 0);
	ck_assert_uint_eq(dispatcher_dirs(), 0);
	world_close();
}
END_TEST

START_TEST(existing_clsact_is_kept)
{
	struct ext ok;
	uint64_t c;

	world_open();
	ext_load(&ok, "tc_ok");
	sh("tc -n %s qdisc add dev %s clsact", env.ns, env.peer_if);

	install_ok(EGRESS, (struct slot[]){ { &ok, 10, PROCEED_DEFAULT } }, 1);
	c = count(&ok);
	ck_assert_int_eq(ping(3), 3);
	ck_assert_uint_ge(count(&ok), c + 3);

	install_ok(EGRESS, NULL, 0);
	ck_assert(!has_filter(EGRESS, TC_DISPATCHER_PRIORITY));
	ck_assert(has_qdisc("clsact"));
	c = count(&ok);
	ck_assert_int_eq(ping(2), 2);
	ck_assert_uint_eq(count(&ok), c);
	world_close();
}
END_TEST

START_TEST(ten_run_eleven_refused)
{
	struct ext progs[11];
	struct slot slots[11];
	uint64_t before[11];
	uint32_t did, did2, ids[10];
	int err;

	world_open();
	for (int i = 0; i < 11; i++) {
		ext_load(&progs[i], "tc_pipe");
		slots[i] = (struct slot){ &progs[i], (uint32_t)(100 - i), PROCEED_DEFAULT };
	}

	/* Ten in every slot, all continuing: all see every packet. */
	install_ok(INGRESS, slots, 10);
	ck_assert_uint_eq(read_chain(INGRESS, ids, NULL, NULL, &did), 10);
	for (int i = 0; i < 10; i++) {
		ck_assert_uint_eq(ids[i], progs[9 - i].id); /* lower priority first */
		before[i] = count(&progs[i]);
	}
	ck_assert_int_eq(ping(3), 3);
	for (int i = 0; i < 10; i++)
		ck_assert_uint_ge(count(&progs[i]), before[i] + 3);

	/* The eleventh: refused, the ten keep running. */
	err = install(INGRESS, slots, 11);
	ck_assert_int_eq(err, -E2BIG);
	ck_assert_msg(strstr(bpfman_errmsg(h.ctx), "at most 10"), "%s", bpfman_errmsg(h.ctx));
	ck_assert_uint_eq(read_chain(INGRESS, NULL, NULL, NULL, &did2), 10);
	ck_assert_uint_eq(did2, did);
	ck_assert_uint_eq(dispatcher_dirs(), 1);
	for (int i = 0; i < 11; i++)
		before[i] = count(&progs[i]);
	ck_assert_int_eq(ping(3), 3);
	for (int i = 0; i < 10; i++)
		ck_assert_uint_ge(count(&progs[i]), before[i] + 3);
	ck_assert_uint_eq(count(&progs[10]), before[10]);

	install_ok(INGRESS, NULL, 0);
	world_close();
}
END_TEST

/* Pings flood a dropping chain while it is rebuilt: if a rebuild ever left
 * the hook without our filter, a ping would get through. */
static struct ext flood_drop1, flood_drop2;

static void rebuild_dropping_chain(int i)
{
	/* alternate order and proceed-on: each one a new dispatcher */
	if (i % 2)
		install_ok(INGRESS, (struct slot[]){ { &flood_drop1, 10, PROCEED_DEFAULT },
						     { &flood_drop2, 20, PROCEED_DEFAULT } }, 2);
	else
		install_ok(INGRESS, (struct slot[]){ { &flood_drop2, 10, PROCEED_DEFAULT } }, 1);
}

static uint64_t dropped(void)
{
	return count(&flood_drop1) + count(&flood_drop2);
}

START_TEST(rebuild_has_no_window)
{
	world_open();
	ext_load(&flood_drop1, "tc_shot");
	ext_load(&flood_drop2, "tc_shot");
	install_ok(INGRESS, (struct slot[]){ { &flood_drop1, 10, PROCEED_DEFAULT } }, 1);
	netenv_assert_rebuilds_drop_all(&env, rebuild_dropping_chain, dropped);

	install_ok(INGRESS, NULL, 0);
	world_close();
}
END_TEST

/* Before any test: can this kernel run extensions at all? */
static void require_ext(void)
{
	const char *func;
	struct ext e;
	int fd = -1, err;

	err = tc_dispatcher_template(NULL, &fd, &func);
	if (err) {
		if (err == -EPERM && geteuid() != 0)
			skip_or_fail("loading BPF programs needs root");
		fprintf(stderr, "FAIL: the TC dispatcher template does not load: %s\n",
			bpfman_errmsg(NULL));
		exit(EXIT_FAILURE);
	}
	err = ext_try_load(&e, "tc_ok", true, fd);
	if (err == -EPERM || err == -EINVAL || err == -ENOTSUP)
		skip_or_fail("this kernel refuses BPF_PROG_TYPE_EXT (freplace) programs");
	if (err) {
		fprintf(stderr, "FAIL: loading an extension of the TC dispatcher: %d\n", err);
		exit(EXIT_FAILURE);
	}
	bpf_object__close(e.obj);
	close(fd);
}

int main(void)
{
	Suite *s = suite_create("tc-dispatcher");
	TCase *tc = tcase_create("tc-dispatcher");

	require_ext();
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, chain_runs_and_proceed_on_decides);
	tcase_add_test(tc, ingress_and_egress_are_independent);
	tcase_add_test(tc, priority_change_reorders);
	tcase_add_test(tc, foreign_filters_survive);
	tcase_add_test(tc, ingress_qdisc_refused_and_failures_change_nothing);
	tcase_add_test(tc, existing_clsact_is_kept);
	tcase_add_test(tc, ten_run_eleven_refused);
	tcase_add_test(tc, rebuild_has_no_window);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
