// SPDX-License-Identifier: Apache-2.0
/* Network attach: request checks, and single-program XDP where the kernel
 * refuses freplace (this host), in a private namespace, observed through
 * counters of programs that ran on real packets. TCX is in test-tcx.c; the
 * multi-program dispatchers run in the VM tier. */
#include "harness.h"
#include "netenv.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

START_TEST(bad_network_input_changes_nothing)
{
	struct harness h;
	struct netenv env;
	struct snapshot snap;
	uint32_t tcx, xdp;
	uint64_t link = 0;

	harness_open(&h);
	netenv_create(&env);
	tcx = load_one(&h, "tc_counter", "tcx:tc_count");
	xdp = load_one(&h, "xdp_counter", "xdp:xdp_count");
	snapshot_take(&h, &snap);
	struct {
		uint32_t prog;
		const char *iface, *netns;
		int prio;
		enum bpfman_direction dir;
		uint32_t proceed;
		int err;
		const char *msg;
	} cases[] = {
		{ tcx, NULL, NULL, 1, BPFMAN_DIRECTION_INGRESS, 0, -EINVAL, "needs an interface" },
		{ tcx, "no-such-if0", NULL, 1, BPFMAN_DIRECTION_INGRESS, 0, -ENODEV, "no interface 'no-such-if0'" },
		{ tcx, env.peer_if, NULL, 1, BPFMAN_DIRECTION_INGRESS, 0, -ENODEV, "no interface" },
		{ tcx, env.peer_if, env.ns_path, 1, BPFMAN_DIRECTION_UNSPEC, 0, -EINVAL, "needs a direction" },
		{ tcx, env.peer_if, env.ns_path, 1001, BPFMAN_DIRECTION_INGRESS, 0, -EINVAL, "out of range" },
		{ tcx, env.peer_if, "/var/run/netns/no-such-ns", 1, BPFMAN_DIRECTION_INGRESS, 0, -ENOENT, "no-such-ns" },
		{ tcx, env.peer_if, "/etc/hostname", 1, BPFMAN_DIRECTION_INGRESS, 0, -EINVAL, "not a network namespace" },
		{ tcx, env.peer_if, env.ns_path, 1, BPFMAN_DIRECTION_INGRESS, 4, -EINVAL, "TCX has no proceed-on" },
		{ xdp, env.peer_if, env.ns_path, 1, BPFMAN_DIRECTION_INGRESS, 0, -EINVAL, "takes no direction" },
		{ xdp, env.peer_if, env.ns_path, 1, 0, 1u << 20, -EINVAL, "name no XDP action" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		BPFMAN_OPTS(bpfman_attach_opts, a, .iface = cases[i].iface, .netns = cases[i].netns,
			    .priority = cases[i].prio, .direction = cases[i].dir,
			    .proceed_on = cases[i].proceed);
		int err = bpfman_program__attach(&link, h.ctx, cases[i].prog, &a);

		ck_assert_msg(err == cases[i].err, "case %zu: %d %s", i, err, bpfman_errmsg(h.ctx));
		ck_assert_msg(strstr(bpfman_errmsg(h.ctx), cases[i].msg), "case %zu: '%s' lacks '%s'", i,
			      bpfman_errmsg(h.ctx), cases[i].msg);
		snapshot_assert_same(&h, &snap);
	}
	ck_assert_int_eq(bpfman_program__unload(h.ctx, tcx, NULL), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, xdp, NULL), 0);
	netenv_destroy(&env);
	harness_close(&h);
}
END_TEST

/* Where freplace is refused (this host), an XDP program is loaded plain:
 * one per interface, and a second is refused saying why. */
START_TEST(xdp_single_program_without_freplace)
{
	struct harness h;
	struct netenv env;
	struct snapshot snap;
	uint32_t a, b;
	uint64_t la, link = 0, c;

	harness_open(&h);
	netenv_create(&env);
	a = load_one(&h, "xdp_counter", "xdp:xdp_count");
	b = load_one(&h, "xdp_counter", "xdp:xdp_count");
	la = attach_net(&h, a, BPFMAN_PROG_TYPE_XDP, &env, 50, BPFMAN_DIRECTION_UNSPEC);
	c = read_counter(&h, a, "counter");
	ck_assert_int_eq(netenv_ping(&env, 4), 4);
	ck_assert_uint_ge(read_counter(&h, a, "counter"), c + 4);

	snapshot_take(&h, &snap);
	BPFMAN_OPTS(bpfman_attach_opts, second, .iface = env.peer_if, .netns = env.ns_path,
		    .priority = 10);
	ck_assert_int_eq(bpfman_program__attach(&link, h.ctx, b, &second), -EBUSY);
	ck_assert_msg(strstr(bpfman_errmsg(h.ctx), "not as an extension for a multi-program dispatcher"),
		      "%s", bpfman_errmsg(h.ctx));
	snapshot_assert_same(&h, &snap);
	/* After the first goes, the second fits. */
	ck_assert_int_eq(bpfman_link__detach(h.ctx, la), 0);
	ck_assert_int_eq(bpfman_program__attach(&link, h.ctx, b, &second), 0);
	c = read_counter(&h, b, "counter");
	ck_assert_int_eq(netenv_ping(&env, 3), 3);
	ck_assert_uint_ge(read_counter(&h, b, "counter"), c + 3);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, a, NULL), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, b, NULL), 0);
	netenv_destroy(&env);
	harness_close(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("net");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, bad_network_input_changes_nothing);
	if (!kernel_has_freplace())
		tcase_add_test(tc, xdp_single_program_without_freplace);
	else
		fprintf(stderr, "freplace works here: XDP multi-program chains are tested in test-xdp\n");
	suite_add_tcase(s, tc);
	return run_suite(s);
}
