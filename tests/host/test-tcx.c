// SPDX-License-Identifier: Apache-2.0
/* TCX links (Linux >= 6.6: this host and the 6.12 VM): priority becomes
 * order, TCX_NEXT continues the chain, egress, duplicates; on an older
 * kernel (the 6.1 VM) the attach is refused with a clear error. Observed
 * through counters of programs that ran on real packets. */
#include "harness.h"
#include "netenv.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

START_TEST(tcx_priority_orders_the_chain)
{
	struct harness h;
	struct netenv env;
	uint32_t first, second, stopper;
	uint64_t l1, l2, l3, c1, c2, c3;

	harness_open(&h);
	netenv_create(&env);
	/* Both continue with TCX_NEXT: both see every packet. */
	second = load_one(&h, "tc_counter", "tcx:tcx_next_count");
	first = load_one(&h, "tc_counter", "tcx:tcx_next_count");
	l2 = attach_net(&h, second, BPFMAN_PROG_TYPE_TCX, &env, 20, BPFMAN_DIRECTION_INGRESS);
	l1 = attach_net(&h, first, BPFMAN_PROG_TYPE_TCX, &env, 10, BPFMAN_DIRECTION_INGRESS);
	ck_assert_int_eq(position_of(&h, l1), 0);
	ck_assert_int_eq(position_of(&h, l2), 1);
	c1 = read_counter(&h, first, "counter");
	c2 = read_counter(&h, second, "counter");
	ck_assert_int_eq(netenv_ping(&env, 5), 5);
	ck_assert_uint_ge(read_counter(&h, first, "counter"), c1 + 5);
	ck_assert_uint_ge(read_counter(&h, second, "counter"), c2 + 5);

	/* A program returning TC_ACT_OK (TCX_PASS) at priority 15 ends the
	 * chain: the priority-20 program stops seeing packets. */
	stopper = load_one(&h, "tc_counter", "tcx:tc_count");
	l3 = attach_net(&h, stopper, BPFMAN_PROG_TYPE_TCX, &env, 15, BPFMAN_DIRECTION_INGRESS);
	ck_assert_int_eq(position_of(&h, l3), 1);
	ck_assert_int_eq(position_of(&h, l2), 2);
	c1 = read_counter(&h, first, "counter");
	c2 = read_counter(&h, second, "counter");
	c3 = read_counter(&h, stopper, "counter");
	ck_assert_int_eq(netenv_ping(&env, 5), 5);
	ck_assert_uint_ge(read_counter(&h, first, "counter"), c1 + 5);
	ck_assert_uint_ge(read_counter(&h, stopper, "counter"), c3 + 5);
	ck_assert_uint_eq(read_counter(&h, second, "counter"), c2);

	ck_assert_int_eq(bpfman_link__detach(h.ctx, l3), 0);
	c2 = read_counter(&h, second, "counter");
	ck_assert_int_eq(netenv_ping(&env, 3), 3);
	ck_assert_uint_ge(read_counter(&h, second, "counter"), c2 + 3);

	ck_assert_int_eq(bpfman_program__unload(h.ctx, first, NULL), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, second, NULL), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, stopper, NULL), 0);
	netenv_destroy(&env);
	harness_close(&h);
}
END_TEST

START_TEST(tcx_egress_and_duplicates)
{
	struct harness h;
	struct netenv env;
	struct snapshot snap;
	uint32_t id;
	uint64_t link = 0, c;

	harness_open(&h);
	netenv_create(&env);
	id = load_one(&h, "tc_counter", "tcx:tcx_next_count");
	attach_net(&h, id, BPFMAN_PROG_TYPE_TCX, &env, 10, BPFMAN_DIRECTION_EGRESS);
	c = read_counter(&h, id, "counter");
	ck_assert_int_eq(netenv_ping(&env, 4), 4);
	/* the peer's replies leave through its egress */
	ck_assert_uint_ge(read_counter(&h, id, "counter"), c + 4);

	snapshot_take(&h, &snap);
	BPFMAN_OPTS(bpfman_attach_opts, dup, .iface = env.peer_if, .netns = env.ns_path,
		    .priority = 10, .direction = BPFMAN_DIRECTION_EGRESS);
	ck_assert_int_lt(bpfman_program__attach(&link, h.ctx, id, &dup), 0);
	ck_assert_msg(strstr(bpfman_errmsg(h.ctx), "already attached"), "%s", bpfman_errmsg(h.ctx));
	snapshot_assert_same(&h, &snap);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	netenv_destroy(&env);
	harness_close(&h);
}
END_TEST

START_TEST(deleted_netns_cleaned_by_next_operation)
{
	struct harness h;
	struct netenv env;
	struct bpfman_link **links = NULL;
	size_t n = 0;
	uint32_t id;

	harness_open(&h);
	netenv_create(&env);
	id = load_one(&h, "tc_counter", "tcx:tcx_next_count");
	attach_net(&h, id, BPFMAN_PROG_TYPE_TCX, &env, 10, BPFMAN_DIRECTION_INGRESS);
	netenv_destroy(&env);
	/* The next operation (here: opening a context) repairs. */
	harness_reopen(&h);
	ck_assert_int_eq(bpfman_link__list(&links, &n, h.ctx, NULL), 0);
	ck_assert_uint_eq(n, 0);
	bpfman_link_list__free(links, n);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	harness_close(&h);
}
END_TEST

START_TEST(tcx_refused_on_old_kernel)
{
	struct harness h;
	struct netenv env;
	struct snapshot snap;
	uint64_t link = 0;
	uint32_t id;

	harness_open(&h);
	netenv_create(&env);
	id = load_one(&h, "tc_counter", "tcx:tcx_next_count");
	snapshot_take(&h, &snap);
	BPFMAN_OPTS(bpfman_attach_opts, a, .iface = env.peer_if, .netns = env.ns_path,
		    .priority = 10, .direction = BPFMAN_DIRECTION_INGRESS);
	ck_assert_int_lt(bpfman_program__attach(&link, h.ctx, id, &a), 0);
	ck_assert_msg(strstr(bpfman_errmsg(h.ctx), "TCX needs Linux 6.6"), "%s", bpfman_errmsg(h.ctx));
	snapshot_assert_same(&h, &snap);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	netenv_destroy(&env);
	harness_close(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tcx");
	TCase *tc = tcase_create("tcx");

	tcase_set_timeout(tc, 120);
	if (kernel_has_tcx()) {
		tcase_add_test(tc, tcx_priority_orders_the_chain);
		tcase_add_test(tc, tcx_egress_and_duplicates);
		tcase_add_test(tc, deleted_netns_cleaned_by_next_operation);
	} else {
		fprintf(stderr, "kernel older than 6.6: checking that TCX is refused clearly\n");
		tcase_add_test(tc, tcx_refused_on_old_kernel);
	}
	suite_add_tcase(s, tc);
	return run_suite(s);
}
