// SPDX-License-Identifier: Apache-2.0
/* TC through libbpfman: programs load as extensions and run in our TC
 * dispatcher with bpfman's priority and proceed-on (the VM tier), or, where
 * the kernel refuses freplace (this host), load plain and attach one per
 * hook as a cls_bpf filter. Chain behaviour is observed from counters of programs
 * that ran on real packets. */
#include "harness.h"
#include "netenv.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PIPE_BIT (1u << 4)  /* TC_ACT_PIPE (3) -> bit 4 */
#define SHOT_BIT (1u << 3)  /* TC_ACT_SHOT (2) -> bit 3 */
#define OK_BIT (1u << 1)    /* TC_ACT_OK (0) -> bit 1 */
#define RETURN_BIT (1u << 31)

static uint64_t attach_tc(struct harness *h, const struct netenv *env, uint32_t id, int prio,
			  enum bpfman_direction dir, uint32_t proceed)
{
	BPFMAN_OPTS(bpfman_attach_opts, a, .iface = env->peer_if, .netns = env->ns_path,
		    .priority = prio, .direction = dir, .proceed_on = proceed);
	uint64_t link = 0;
	int err = bpfman_program__attach(&link, h->ctx, id, &a);

	ck_assert_msg(err == 0, "attach tc %u: %d %s", id, err, bpfman_errmsg(h->ctx));
	return link;
}

static uint64_t delta(struct harness *h, const struct netenv *env, uint32_t id, int pings)
{
	uint64_t before = read_counter(h, id, "counter");

	netenv_ping(env, pings);
	return read_counter(h, id, "counter") - before;
}

START_TEST(chain_with_proceed_on_and_update)
{
	struct harness h;
	struct netenv env;
	uint32_t first, second;
	uint64_t l1;

	harness_open(&h);
	netenv_create(&env);
	/* tc_count returns TC_ACT_OK: with ok in its proceed-on the chain goes on. */
	first = load_one(&h, "tc_counter", "tc:tc_count");
	second = load_one(&h, "tc_counter", "tc:tc_count");
	l1 = attach_tc(&h, &env, first, 10, BPFMAN_DIRECTION_INGRESS, OK_BIT | RETURN_BIT);
	attach_tc(&h, &env, second, 20, BPFMAN_DIRECTION_INGRESS, 0);
	ck_assert_uint_ge(delta(&h, &env, first, 3), 3);
	ck_assert_uint_ge(delta(&h, &env, second, 3), 3);
	/* Without ok in the first one's proceed-on, the chain ends there. */
	BPFMAN_OPTS(bpfman_link_update_opts, stop, .proceed_on = PIPE_BIT | RETURN_BIT);
	ck_assert_int_eq(bpfman_link__update(h.ctx, l1, &stop), 0);
	ck_assert_uint_ge(delta(&h, &env, first, 3), 3);
	ck_assert_uint_eq(delta(&h, &env, second, 3), 0);
	/* Moved behind the second, the first runs second: both count. */
	BPFMAN_OPTS(bpfman_link_update_opts, later, .set_priority = true, .priority = 30);
	ck_assert_int_eq(bpfman_link__update(h.ctx, l1, &later), 0);
	ck_assert_uint_eq(delta(&h, &env, second, 3) >= 3, 1);
	/* Unloading a chain member rebuilds the chain around the survivor. */
	ck_assert_int_eq(bpfman_program__unload(h.ctx, first, NULL), 0);
	ck_assert_uint_ge(delta(&h, &env, second, 3), 3);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, second, NULL), 0);
	netenv_destroy(&env);
	harness_close(&h);
}
END_TEST

START_TEST(ingress_egress_independent_foreign_filter_kept)
{
	struct harness h;
	struct netenv env;
	char cmd[512];
	uint32_t in, out;

	harness_open(&h);
	netenv_create(&env);
	/* Someone else's filter, before ours (priority 10), passing on. */
	snprintf(cmd, sizeof(cmd),
		 "modprobe -q cls_matchall 2>/dev/null; modprobe -q act_gact 2>/dev/null; "
		 "tc -n %s qdisc add dev %s clsact && tc -n %s filter add dev %s ingress prio 10 matchall action continue",
		 env.ns, env.peer_if, env.ns, env.peer_if);
	ck_assert_int_eq(system(cmd), 0);
	in = load_one(&h, "tc_counter", "tc:tc_count");
	out = load_one(&h, "tc_counter", "tc:tc_count");
	attach_tc(&h, &env, in, 10, BPFMAN_DIRECTION_INGRESS, 0);
	attach_tc(&h, &env, out, 10, BPFMAN_DIRECTION_EGRESS, 0);
	ck_assert_uint_ge(delta(&h, &env, in, 3), 3);
	ck_assert_uint_ge(delta(&h, &env, out, 3), 3); /* replies leave by egress */
	ck_assert_int_eq(bpfman_program__unload(h.ctx, in, NULL), 0);
	ck_assert_uint_ge(delta(&h, &env, out, 3), 3);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, out, NULL), 0);
	snprintf(cmd, sizeof(cmd), "tc -n %s filter show dev %s ingress | grep -q matchall", env.ns,
		 env.peer_if);
	ck_assert_msg(system(cmd) == 0, "the foreign filter was removed");
	netenv_destroy(&env);
	harness_close(&h);
}
END_TEST

/* Each TC verdict, with and without its bit in proceed-on (bit v+1 for
 * verdict v; unspec = -1 is bit 0): the second program sees packets
 * exactly when the first one's verdict is in it. Reclassify and repeat make
 * the kernel classify again in a loop when the chain stops on them, so
 * they are left out of a real-packet test. */
START_TEST(proceed_on_matrix)
{
	static const int32_t verdicts[] = { -1 /* unspec */, 0 /* ok */, 2 /* shot */, 3 /* pipe */,
					    4 /* stolen */, 5 /* queued */, 7 /* redirect */,
					    8 /* trap */ };
	struct harness h;
	struct netenv env;
	uint32_t second;

	harness_open(&h);
	netenv_create(&env);
	second = load_one(&h, "tc_counter", "tc:tc_count");
	attach_tc(&h, &env, second, 50, BPFMAN_DIRECTION_INGRESS, 0);
	for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		for (int with = 0; with < 2; with++) {
			int32_t v = verdicts[i];
			uint32_t bit = 1u << (v + 1);
			uint32_t proceed = with ? bit : (0x3ffu & ~bit);
			const char *specs[] = { "tc:tc_action" };
			struct bpfman_global_data g[] = { { "action", &v, sizeof(v) } };
			BPFMAN_OPTS(bpfman_load_opts, lo, .programs = specs, .programs_cnt = 1,
				    .globals = g, .globals_cnt = 1);
			struct bpfman_program **progs = NULL;
			size_t cnt = 0;
			uint32_t first;
			uint64_t before;

			ck_assert_int_eq(bpfman_program__load_file(&progs, &cnt, h.ctx,
								   bpf_obj("tc_counter"), &lo), 0);
			first = bpfman_program__id(progs[0]);
			bpfman_program_list__free(progs, cnt);
			attach_tc(&h, &env, first, 10, BPFMAN_DIRECTION_INGRESS, proceed);
			before = read_counter(&h, second, "counter");
			netenv_ping(&env, 3);
			ck_assert_uint_ge(read_counter(&h, first, "counter"), 3);
			if (with)
				ck_assert_msg(read_counter(&h, second, "counter") >= before + 3,
					      "verdict %d in proceed-on 0x%x: the chain should go on", v,
					      proceed);
			else
				ck_assert_msg(read_counter(&h, second, "counter") == before,
					      "verdict %d not in proceed-on 0x%x: the chain should stop", v,
					      proceed);
			ck_assert_int_eq(bpfman_program__unload(h.ctx, first, NULL), 0);
		}
	}
	ck_assert_int_eq(bpfman_program__unload(h.ctx, second, NULL), 0);
	netenv_destroy(&env);
	harness_close(&h);
}
END_TEST

/* Whether `tc -n ns <what> show dev dev [dir]` prints a line matching
 * pattern (what: "filter" or "qdisc"). */
static bool tc_shows(const struct netenv *env, const char *what, const char *dir,
		     const char *pattern)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "tc -n %s %s show dev %s %s | grep -q '%s'", env->ns, what,
		 env->peer_if, dir, pattern);
	return system(cmd) == 0;
}

/* Where freplace is refused (this host), a TC program is loaded plain and
 * attached directly as our cls_bpf filter: one per (netns, interface,
 * direction), a second refused saying why, foreign filters untouched,
 * detach removes our filter and the clsact we created. */
START_TEST(tc_single_program_without_freplace)
{
	struct harness h;
	struct netenv env;
	struct snapshot snap;
	struct bpfman_chain *chain = NULL;
	struct bpfman_link *got = NULL;
	uint32_t a, b;
	uint64_t la, lb, link = 0;

	harness_open(&h);
	netenv_create(&env);
	a = load_one(&h, "tc_counter", "tc:tc_count");
	b = load_one(&h, "tc_counter", "tc:tc_count");
	la = attach_tc(&h, &env, a, 10, BPFMAN_DIRECTION_INGRESS, 0);
	ck_assert_uint_ge(delta(&h, &env, a, 3), 3);
	ck_assert(tc_shows(&env, "filter", "ingress", "pref 50 bpf"));
	ck_assert(tc_shows(&env, "qdisc", "", "clsact"));

	/* get link and the chain view show it alone on its hook. */
	ck_assert_int_eq(bpfman_link__get(&got, h.ctx, la), 0);
	ck_assert_int_eq(bpfman_link__position(got), 0);
	ck_assert_uint_eq(bpfman_link__kernel_link_id(got), 0);
	bpfman_link__free(got);
	BPFMAN_OPTS(bpfman_chain_opts, co, .type = BPFMAN_PROG_TYPE_TC, .iface = env.peer_if,
		    .netns = env.ns_path, .direction = BPFMAN_DIRECTION_INGRESS);
	ck_assert_int_eq(bpfman_chain__get(&chain, h.ctx, &co), 0);
	ck_assert_uint_eq(bpfman_chain__cnt(chain), 1);
	ck_assert_uint_eq(bpfman_chain__prog_id(chain, 0), a);
	ck_assert_uint_eq(bpfman_chain__link_id(chain, 0), la);
	ck_assert_int_eq(bpfman_chain__priority(chain, 0), 10);
	ck_assert_uint_eq(bpfman_chain__dispatcher_id(chain), 0);
	bpfman_chain__free(chain);

	/* A second on the same hook: refused, nothing changes. */
	snapshot_take(&h, &snap);
	BPFMAN_OPTS(bpfman_attach_opts, second, .iface = env.peer_if, .netns = env.ns_path,
		    .priority = 5, .direction = BPFMAN_DIRECTION_INGRESS);
	ck_assert_int_eq(bpfman_program__attach(&link, h.ctx, b, &second), -EBUSY);
	ck_assert_msg(strstr(bpfman_errmsg(h.ctx), "refused freplace") &&
		      strstr(bpfman_errmsg(h.ctx), "tcx"), "%s", bpfman_errmsg(h.ctx));
	snapshot_assert_same(&h, &snap);
	ck_assert_uint_ge(delta(&h, &env, a, 3), 3);
	ck_assert_uint_eq(delta(&h, &env, b, 3), 0);

	/* The other direction is another hook. */
	lb = attach_tc(&h, &env, b, 10, BPFMAN_DIRECTION_EGRESS, 0);
	ck_assert_uint_ge(delta(&h, &env, b, 3), 3); /* replies leave by egress */

	/* Detach: our ingress filter goes, the clsact stays (egress uses it). */
	ck_assert_int_eq(bpfman_link__detach(h.ctx, la), 0);
	ck_assert_uint_eq(delta(&h, &env, a, 3), 0);
	ck_assert(!tc_shows(&env, "filter", "ingress", "."));
	ck_assert(tc_shows(&env, "qdisc", "", "clsact"));
	ck_assert_uint_ge(delta(&h, &env, b, 3), 3);
	/* The last one: the clsact we created goes too. */
	ck_assert_int_eq(bpfman_link__detach(h.ctx, lb), 0);
	ck_assert(!tc_shows(&env, "qdisc", "", "clsact"));
	ck_assert_uint_eq(delta(&h, &env, b, 3), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, a, NULL), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, b, NULL), 0);
	netenv_destroy(&env);
	harness_close(&h);
}
END_TEST

/* Someone else's filters (one before ours, one at our spot) survive, and
 * a clsact we did not create stays after our last detach. */
START_TEST(tc_single_program_foreign_filters_kept)
{
	struct harness h;
	struct netenv env;
	struct snapshot snap;
	struct bpfman_chain *chain = NULL;
	struct bpfman_program *p = NULL;
	uint32_t a, other;
	uint64_t la, link = 0;
	char cmd[768];

	harness_open(&h);
	netenv_create(&env);
	/* u32 is the classifier every kernel here has (the host has no
	 * matchall nor gact); it matches no packet of the test. */
	snprintf(cmd, sizeof(cmd),
		 "tc -n %s qdisc add dev %s clsact && tc -n %s filter add dev %s ingress prio 10 u32 match ip dst 192.0.2.1/32 classid 1:1",
		 env.ns, env.peer_if, env.ns, env.peer_if);
	ck_assert_int_eq(system(cmd), 0);
	a = load_one(&h, "tc_counter", "tc:tc_count");
	la = attach_tc(&h, &env, a, 10, BPFMAN_DIRECTION_INGRESS, 0);
	ck_assert_uint_ge(delta(&h, &env, a, 3), 3);
	BPFMAN_OPTS(bpfman_chain_opts, co, .type = BPFMAN_PROG_TYPE_TC, .iface = env.peer_if,
		    .netns = env.ns_path, .direction = BPFMAN_DIRECTION_INGRESS);
	ck_assert_int_eq(bpfman_chain__get(&chain, h.ctx, &co), 0);
	ck_assert_uint_eq(bpfman_chain__cnt(chain), 1); /* u32 is no bpf program */
	bpfman_chain__free(chain);

	/* The filter removed behind our back: restore puts it back. */
	snprintf(cmd, sizeof(cmd), "tc -n %s filter del dev %s ingress prio 50 handle 1 bpf", env.ns,
		 env.peer_if);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_uint_eq(delta(&h, &env, a, 3), 0);
	{
		struct bpfman_report *r = NULL;

		ck_assert_int_eq(bpfman_restore(&r, h.ctx), 0);
		ck_assert_uint_eq(bpfman_report__failures(r), 0);
		bpfman_report__free(r);
	}
	ck_assert_uint_ge(delta(&h, &env, a, 3), 3);
	ck_assert_int_eq(bpfman_link__detach(h.ctx, la), 0);
	ck_assert(tc_shows(&env, "filter", "ingress", "pref 10 u32"));
	ck_assert(tc_shows(&env, "qdisc", "", "clsact"));

	/* A foreign bpf filter at our spot (a program we loaded, attached by
	 * tc behind our back): refused, and kept. */
	other = load_one(&h, "tc_counter", "tc:tc_count");
	ck_assert_int_eq(bpfman_program__get(&p, h.ctx, other), 0);
	/* (tc -n remounts /sys, hiding bpffs: enter the namespace only.) */
	snprintf(cmd, sizeof(cmd),
		 "nsenter --net=%s tc filter add dev %s ingress prio 50 handle 1 bpf da pinned %s",
		 env.ns_path, env.peer_if, bpfman_program__pin_path(p));
	bpfman_program__free(p);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_uint_ge(delta(&h, &env, other, 3), 3);
	snapshot_take(&h, &snap);
	BPFMAN_OPTS(bpfman_attach_opts, o, .iface = env.peer_if, .netns = env.ns_path,
		    .priority = 10, .direction = BPFMAN_DIRECTION_INGRESS);
	ck_assert_int_eq(bpfman_program__attach(&link, h.ctx, a, &o), -EBUSY);
	ck_assert_msg(strstr(bpfman_errmsg(h.ctx), "not libbpfman's"), "%s", bpfman_errmsg(h.ctx));
	snapshot_assert_same(&h, &snap);
	ck_assert(tc_shows(&env, "filter", "ingress", "pref 50 bpf"));
	ck_assert_int_eq(bpfman_program__unload(h.ctx, a, NULL), 0);
	ck_assert(tc_shows(&env, "filter", "ingress", "pref 50 bpf"));
	ck_assert_uint_ge(delta(&h, &env, other, 3), 3);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, other, NULL), 0);
	netenv_destroy(&env);
	harness_close(&h);
}
END_TEST

/* A link's pin removed behind our back: reconcile forgets the link and
 * takes its filter off the kernel (nothing orphaned). */
START_TEST(tc_single_program_reconcile)
{
	struct harness h;
	struct netenv env;
	struct bpfman_link *got = NULL;
	struct bpfman_report *r = NULL;
	uint32_t a;
	uint64_t la;
	char pin[512];

	harness_open(&h);
	netenv_create(&env);
	a = load_one(&h, "tc_counter", "tc:tc_count");
	la = attach_tc(&h, &env, a, 10, BPFMAN_DIRECTION_EGRESS, 0);
	ck_assert_int_eq(bpfman_link__get(&got, h.ctx, la), 0);
	snprintf(pin, sizeof(pin), "%s", bpfman_link__pin_path(got));
	bpfman_link__free(got);
	ck_assert_int_eq(unlink(pin), 0);
	ck_assert_int_eq(bpfman_reconcile(&r, h.ctx), 0);
	ck_assert_uint_ge(bpfman_report__cnt(r), 1);
	ck_assert_uint_eq(bpfman_report__failures(r), 0);
	bpfman_report__free(r);
	ck_assert_int_eq(bpfman_link__get(&got, h.ctx, la), -ENOENT);
	ck_assert(!tc_shows(&env, "filter", "egress", "."));
	ck_assert(!tc_shows(&env, "qdisc", "", "clsact"));
	ck_assert_uint_eq(delta(&h, &env, a, 3), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, a, NULL), 0);
	netenv_destroy(&env);
	harness_close(&h);
}
END_TEST

/* bpfman_list_opts.kernel_type: programs by the type the kernel runs
 * (a TC program is sched_cls alone, ext for a dispatcher), foreign ones
 * too with `all`; links by their bpfman type's kernel type. */
static bool listed(struct harness *h, const char *kt, bool all, uint32_t id, size_t *ret_cnt)
{
	BPFMAN_OPTS(bpfman_list_opts, o, .kernel_type = kt, .all = all);
	struct bpfman_program **p = NULL;
	size_t n = 0;
	bool found = false;

	ck_assert_msg(bpfman_program__list(&p, &n, h->ctx, &o) == 0, "%s", bpfman_errmsg(h->ctx));
	for (size_t i = 0; i < n; i++) {
		found |= bpfman_program__id(p[i]) == id;
		ck_assert_msg(!strcmp(bpfman_program__kernel_type_name(p[i]), kt) ||
			      (!strcmp(kt, "sched-cls") &&
			       !strcmp(bpfman_program__kernel_type_name(p[i]), "sched_cls")),
			      "program %u of type %s listed for %s", bpfman_program__id(p[i]),
			      bpfman_program__kernel_type_name(p[i]), kt);
	}
	bpfman_program_list__free(p, n);
	if (ret_cnt)
		*ret_cnt = n;
	return found;
}

START_TEST(list_by_kernel_type)
{
	struct harness h;
	struct netenv env;
	struct bpfman_program *p = NULL;
	struct bpfman_link **links = NULL;
	char tc_kt[32];
	uint32_t tc, tp;
	uint64_t link;
	size_t n = 0, mine = 0, all = 0;

	harness_open(&h);
	netenv_create(&env);
	tc = load_one(&h, "tc_counter", "tc:tc_count");
	tp = load_one(&h, "tracepoint_counter", "tracepoint:count_getpid");
	link = attach_tc(&h, &env, tc, 10, BPFMAN_DIRECTION_INGRESS, 0);
	ck_assert_int_eq(bpfman_program__get(&p, h.ctx, tc), 0);
	snprintf(tc_kt, sizeof(tc_kt), "%s", bpfman_program__kernel_type_name(p));
	bpfman_program__free(p);
	ck_assert_msg(!strcmp(tc_kt, "sched_cls") || !strcmp(tc_kt, "ext"), "%s", tc_kt);

	ck_assert(listed(&h, tc_kt, false, tc, &mine));
	ck_assert_uint_eq(mine, 1);
	ck_assert(!listed(&h, tc_kt, false, tp, NULL));
	ck_assert(listed(&h, "tracepoint", false, tp, NULL));
	ck_assert(!listed(&h, "kprobe", false, tp, &mine));
	ck_assert_uint_eq(mine, 0);
	ck_assert(!listed(&h, "probe", false, tp, NULL));
	if (!strcmp(tc_kt, "sched_cls"))
		ck_assert(listed(&h, "sched-cls", false, tc, NULL));
	/* With all: the kernel's other programs of that type too. */
	ck_assert(listed(&h, "tracepoint", true, tp, &all));
	ck_assert_uint_ge(all, 1);

	BPFMAN_OPTS(bpfman_list_opts, lo, .kernel_type = "sched_cls");
	ck_assert_int_eq(bpfman_link__list(&links, &n, h.ctx, &lo), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(bpfman_link__id(links[0]), link);
	bpfman_link_list__free(links, n);
	BPFMAN_OPTS(bpfman_list_opts, lk, .kernel_type = "tracing");
	ck_assert_int_eq(bpfman_link__list(&links, &n, h.ctx, &lk), 0);
	ck_assert_uint_eq(n, 0);
	bpfman_link_list__free(links, n);

	BPFMAN_OPTS(bpfman_list_opts, bad, .kernel_type = "warp_drive");
	ck_assert_int_eq(bpfman_program__list((struct bpfman_program ***)&links, &n, h.ctx, &bad),
			 -EINVAL);
	ck_assert_msg(strstr(bpfman_errmsg(h.ctx), "'warp_drive' is not a kernel program type"),
		      "%s", bpfman_errmsg(h.ctx));
	ck_assert_int_eq(bpfman_link__list(&links, &n, h.ctx, &bad), -EINVAL);

	ck_assert_int_eq(bpfman_program__unload(h.ctx, tc, NULL), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, tp, NULL), 0);
	netenv_destroy(&env);
	harness_close(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tc");
	TCase *tc = tcase_create("tc");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, list_by_kernel_type);
	if (kernel_has_freplace()) {
		tcase_add_test(tc, chain_with_proceed_on_and_update);
		tcase_add_test(tc, ingress_egress_independent_foreign_filter_kept);
		tcase_add_test(tc, proceed_on_matrix);
	} else {
		tcase_add_test(tc, tc_single_program_without_freplace);
		tcase_add_test(tc, tc_single_program_foreign_filters_kept);
		tcase_add_test(tc, tc_single_program_reconcile);
	}
	suite_add_tcase(s, tc);
	return run_suite(s);
}
