// SPDX-License-Identifier: Apache-2.0
/* XDP multi-program chains through libbpfman (libxdp's dispatcher
 * protocol), on kernels that run freplace (the VM tier; this host refuses
 * it and test-net checks the single-program fallback there). Every chain
 * behaviour is observed from counters of programs that ran on real
 * packets. */
#include "harness.h"
#include "netenv.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XDP_PASS_BIT (1u << 2)
#define XDP_DROP_BIT (1u << 1)
#define RETURN_BIT (1u << 31)

static uint64_t attach_xdp(struct harness *h, const struct netenv *env, uint32_t id, int prio,
			   uint32_t proceed)
{
	BPFMAN_OPTS(bpfman_attach_opts, a, .iface = env->peer_if, .netns = env->ns_path,
		    .priority = prio, .proceed_on = proceed);
	uint64_t link = 0;
	int err = bpfman_program__attach(&link, h->ctx, id, &a);

	ck_assert_msg(err == 0, "attach xdp %u: %d %s", id, err, bpfman_errmsg(h->ctx));
	return link;
}

static uint32_t load_dispatched(struct harness *h, const char *func)
{
	char spec[64];
	struct bpfman_program *p = NULL;
	uint32_t id;

	snprintf(spec, sizeof(spec), "xdp:%s", func);
	id = load_one(h, "xdp_counter", spec);
	ck_assert_int_eq(bpfman_program__get(&p, h->ctx, id), 0);
	bpfman_program__free(p);
	return id;
}

static bool rises(struct harness *h, const struct netenv *env, uint32_t id)
{
	uint64_t before = read_counter(h, id, "counter");

	netenv_ping(env, 3);
	return read_counter(h, id, "counter") >= before + 3;
}

static bool still(struct harness *h, const struct netenv *env, uint32_t id)
{
	uint64_t before = read_counter(h, id, "counter");

	netenv_ping(env, 3);
	return read_counter(h, id, "counter") == before;
}

START_TEST(two_programs_both_run_in_priority_order)
{
	struct harness h;
	struct netenv env;
	struct bpfman_chain *c = NULL;
	uint32_t a, b;

	harness_open(&h);
	netenv_create(&env);
	a = load_dispatched(&h, "xdp_count");
	b = load_dispatched(&h, "xdp_count");
	attach_xdp(&h, &env, b, 20, 0);
	attach_xdp(&h, &env, a, 10, 0);
	ck_assert(rises(&h, &env, a));
	ck_assert(rises(&h, &env, b));

	BPFMAN_OPTS(bpfman_chain_opts, co, .type = BPFMAN_PROG_TYPE_XDP, .iface = env.peer_if,
		    .netns = env.ns_path);
	ck_assert_int_eq(bpfman_chain__get(&c, h.ctx, &co), 0);
	ck_assert_uint_gt(bpfman_chain__dispatcher_id(c), 0);
	ck_assert_uint_eq(bpfman_chain__cnt(c), 2);
	ck_assert_uint_eq(bpfman_chain__prog_id(c, 0), a);
	ck_assert_uint_eq(bpfman_chain__prog_id(c, 1), b);
	ck_assert_int_eq(bpfman_chain__priority(c, 0), 10);
	ck_assert_uint_eq(bpfman_chain__proceed_on(c, 0), XDP_PASS_BIT | RETURN_BIT);
	bpfman_chain__free(c);

	ck_assert_int_eq(bpfman_program__unload(h.ctx, a, NULL), 0);
	ck_assert(rises(&h, &env, b)); /* the survivor keeps running */
	ck_assert_int_eq(bpfman_program__unload(h.ctx, b, NULL), 0);
	netenv_destroy(&env);
	harness_close(&h);
}
END_TEST

/* The seed's steps 9-13. */
START_TEST(proceed_on_and_priority_change)
{
	struct harness h;
	struct netenv env;
	uint32_t counter, pass;
	uint64_t pass_link;

	harness_open(&h);
	netenv_create(&env);
	counter = load_dispatched(&h, "xdp_count");
	pass = load_dispatched(&h, "xdp_pass");
	attach_xdp(&h, &env, counter, 55, XDP_PASS_BIT | RETURN_BIT);
	ck_assert(rises(&h, &env, counter));
	pass_link = attach_xdp(&h, &env, pass, 50, XDP_DROP_BIT);
	ck_assert(still(&h, &env, counter));

	BPFMAN_OPTS(bpfman_link_update_opts, up, .set_priority = true, .priority = 60);
	ck_assert_int_eq(bpfman_link__update(h.ctx, pass_link, &up), 0);
	ck_assert(rises(&h, &env, counter));

	/* proceed-on pass on the first program lets the chain continue. */
	BPFMAN_OPTS(bpfman_link_update_opts, back, .set_priority = true, .priority = 50,
		    .proceed_on = XDP_PASS_BIT);
	ck_assert_int_eq(bpfman_link__update(h.ctx, pass_link, &back), 0);
	ck_assert(rises(&h, &env, counter));

	ck_assert_int_eq(bpfman_program__unload(h.ctx, pass, NULL), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, counter, NULL), 0);
	netenv_destroy(&env);
	harness_close(&h);
}
END_TEST

START_TEST(ten_fill_eleventh_refused_drain_refill)
{
	struct harness h;
	struct netenv env;
	struct snapshot snap;
	uint32_t ids[11];
	uint64_t links[10], link = 0;

	harness_open(&h);
	netenv_create(&env);
	for (int i = 0; i < 11; i++)
		ids[i] = load_dispatched(&h, "xdp_count");
	for (int i = 0; i < 10; i++)
		links[i] = attach_xdp(&h, &env, ids[i], 100 + i, 0);
	snapshot_take(&h, &snap);
	BPFMAN_OPTS(bpfman_attach_opts, a, .iface = env.peer_if, .netns = env.ns_path, .priority = 5);
	ck_assert_int_eq(bpfman_program__attach(&link, h.ctx, ids[10], &a), -E2BIG);
	ck_assert_msg(strstr(bpfman_errmsg(h.ctx), "10 programs"), "%s", bpfman_errmsg(h.ctx));
	snapshot_assert_same(&h, &snap);
	for (int i = 0; i < 10; i++)
		ck_assert(rises(&h, &env, ids[i]));
	/* drain the even ones, refill with the eleventh in a freed slot */
	for (int i = 0; i < 10; i += 2)
		ck_assert_int_eq(bpfman_link__detach(h.ctx, links[i]), 0);
	attach_xdp(&h, &env, ids[10], 5, 0);
	ck_assert(rises(&h, &env, ids[10]));
	ck_assert(rises(&h, &env, ids[9]));
	ck_assert(still(&h, &env, ids[0]));
	for (int i = 0; i < 11; i++)
		ck_assert_int_eq(bpfman_program__unload(h.ctx, ids[i], NULL), 0);
	netenv_destroy(&env);
	harness_close(&h);
}
END_TEST

START_TEST(xdp_loader_interop_both_ways)
{
	struct harness h;
	struct netenv env;
	struct bpfman_chain *c = NULL;
	char cmd[512];
	uint32_t ours;
	bool saw_foreign = false;

	harness_open(&h);
	netenv_create(&env);
	ours = load_dispatched(&h, "xdp_count");
	attach_xdp(&h, &env, ours, 40, 0);
	/* xdp-loader adds its program to our dispatcher... */
	snprintf(cmd, sizeof(cmd), "nsenter --net=/var/run/netns/%s xdp-loader load -P 30 %s %s >/dev/null 2>&1",
		 env.ns, env.peer_if, "/usr/lib/x86_64-linux-gnu/bpf/xdpfilt_alw_all.o");
	ck_assert_int_eq(system(cmd), 0);
	ck_assert(rises(&h, &env, ours));
	snprintf(cmd, sizeof(cmd), "nsenter --net=/var/run/netns/%s xdp-loader status %s | grep -q xdp_count",
		 env.ns, env.peer_if);
	ck_assert_int_eq(system(cmd), 0);
	/* ...and we see and keep it when we rebuild. */
	uint32_t second = load_dispatched(&h, "xdp_count");
	attach_xdp(&h, &env, second, 50, 0);
	BPFMAN_OPTS(bpfman_chain_opts, co, .type = BPFMAN_PROG_TYPE_XDP, .iface = env.peer_if,
		    .netns = env.ns_path);
	ck_assert_int_eq(bpfman_chain__get(&c, h.ctx, &co), 0);
	ck_assert_uint_eq(bpfman_chain__cnt(c), 3);
	for (size_t i = 0; i < bpfman_chain__cnt(c); i++)
		saw_foreign |= bpfman_chain__link_id(c, i) == 0;
	bpfman_chain__free(c);
	ck_assert(saw_foreign);
	ck_assert(rises(&h, &env, ours));
	ck_assert(rises(&h, &env, second));
	ck_assert_int_eq(bpfman_program__unload(h.ctx, ours, NULL), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, second, NULL), 0);
	/* xdp-loader's program is still there, ours are gone. */
	ck_assert_int_eq(bpfman_chain__get(&c, h.ctx, &co), 0);
	ck_assert_uint_eq(bpfman_chain__cnt(c), 1);
	ck_assert_uint_eq(bpfman_chain__link_id(c, 0), 0);
	bpfman_chain__free(c);
	snprintf(cmd, sizeof(cmd), "nsenter --net=/var/run/netns/%s xdp-loader unload --all %s", env.ns, env.peer_if);
	ck_assert_int_eq(system(cmd), 0);
	netenv_destroy(&env);
	harness_close(&h);
}
END_TEST

START_TEST(ties_interfaces_and_metadata_across_rebuilds)
{
	struct harness h;
	struct netenv one, two;
	struct bpfman_chain *c = NULL;
	struct bpfman_link *l = NULL;
	struct bpfman_kv md[] = { { "owner", "team-a" } };
	uint32_t a, b, x;
	uint64_t la = 0;

	harness_open(&h);
	netenv_create(&one);
	netenv_create(&two);
	a = load_dispatched(&h, "xdp_count");
	b = load_dispatched(&h, "xdp_count");
	x = load_dispatched(&h, "xdp_count");
	BPFMAN_OPTS(bpfman_attach_opts, with_md, .iface = one.peer_if, .netns = one.ns_path,
		    .priority = 30, .metadata = md, .metadata_cnt = 1);
	ck_assert_int_eq(bpfman_program__attach(&la, h.ctx, a, &with_md), 0);
	/* Equal priority: the later attach runs after. */
	attach_xdp(&h, &one, b, 30, 0);
	attach_xdp(&h, &two, x, 30, 0);
	BPFMAN_OPTS(bpfman_chain_opts, co, .type = BPFMAN_PROG_TYPE_XDP, .iface = one.peer_if,
		    .netns = one.ns_path);
	ck_assert_int_eq(bpfman_chain__get(&c, h.ctx, &co), 0);
	ck_assert_uint_eq(bpfman_chain__prog_id(c, 0), a);
	ck_assert_uint_eq(bpfman_chain__prog_id(c, 1), b);
	bpfman_chain__free(c);
	/* The rebuild kept the first link's metadata and ID. */
	ck_assert_int_eq(bpfman_link__get(&l, h.ctx, la), 0);
	ck_assert_uint_eq(bpfman_link__metadata_cnt(l), 1);
	ck_assert_str_eq(bpfman_link__metadata_value(l, 0), "team-a");
	ck_assert_int_eq(bpfman_link__position(l), 0);
	bpfman_link__free(l);
	/* Interfaces are independent. */
	ck_assert_int_eq(bpfman_program__unload(h.ctx, a, NULL), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, b, NULL), 0);
	ck_assert(rises(&h, &two, x));
	ck_assert_int_eq(bpfman_program__unload(h.ctx, x, NULL), 0);
	netenv_destroy(&one);
	netenv_destroy(&two);
	harness_close(&h);
}
END_TEST

/* Every XDP action, with and without its bit in proceed-on: the second
 * program sees packets exactly when the first one's action is in it. */
START_TEST(proceed_on_matrix)
{
	struct harness h;
	struct netenv env;
	uint32_t second;

	harness_open(&h);
	netenv_create(&env);
	second = load_dispatched(&h, "xdp_count");
	attach_xdp(&h, &env, second, 50, 0);
	for (uint32_t act = 0; act <= 4; act++) { /* aborted drop pass tx redirect */
		for (int with = 0; with < 2; with++) {
			const char *specs[] = { "xdp:xdp_action" };
			struct bpfman_global_data g[] = { { "action", &act, sizeof(act) } };
			BPFMAN_OPTS(bpfman_load_opts, lo, .programs = specs, .programs_cnt = 1,
				    .globals = g, .globals_cnt = 1);
			struct bpfman_program **progs = NULL;
			size_t cnt = 0;
			uint32_t first;
			uint64_t before;
			/* "without" holds every other action, so only this one's
			 * bit decides. */
			uint32_t proceed = with ? 1u << act : 0x1fu & ~(1u << act);

			ck_assert_int_eq(bpfman_program__load_file(&progs, &cnt, h.ctx,
								   bpf_obj("xdp_counter"), &lo), 0);
			first = bpfman_program__id(progs[0]);
			bpfman_program_list__free(progs, cnt);
			attach_xdp(&h, &env, first, 10, proceed);
			before = read_counter(&h, second, "counter");
			netenv_ping(&env, 3);
			ck_assert_uint_ge(read_counter(&h, first, "counter"), 3);
			if (with)
				ck_assert_msg(read_counter(&h, second, "counter") >= before + 3,
					      "action %u in proceed-on 0x%x: the chain should go on", act,
					      proceed);
			else
				ck_assert_msg(read_counter(&h, second, "counter") == before,
					      "action %u not in proceed-on 0x%x: the chain should stop", act,
					      proceed);
			ck_assert_int_eq(bpfman_program__unload(h.ctx, first, NULL), 0);
		}
	}
	ck_assert_int_eq(bpfman_program__unload(h.ctx, second, NULL), 0);
	netenv_destroy(&env);
	harness_close(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("xdp");
	TCase *tc = tcase_create("xdp");

	if (!kernel_has_freplace())
		skip_or_fail("multi-program XDP needs freplace, which this kernel refuses");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, two_programs_both_run_in_priority_order);
	tcase_add_test(tc, proceed_on_and_priority_change);
	tcase_add_test(tc, ten_fill_eleventh_refused_drain_refill);
	tcase_add_test(tc, xdp_loader_interop_both_ways);
	tcase_add_test(tc, ties_interfaces_and_metadata_across_rebuilds);
	tcase_add_test(tc, proceed_on_matrix);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
