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
#include <stdlib.h>

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

/* A context reading config text written to <state_dir>/bpfman.yaml. */
static struct bpfman_ctx *ctx_with_config(struct harness *h, const char *yaml)
{
	char path[512];
	struct bpfman_ctx *ctx = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/bpfman.yaml", h->state_dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(yaml, f);
	fclose(f);
	BPFMAN_OPTS(bpfman_ctx_opts, o, .state_dir = h->state_dir, .bpffs_root = h->bpffs_root,
		    .runtime_dir = h->state_dir, .config_path = path);
	ck_assert_int_eq(bpfman_ctx_new(&ctx, &o), 0);
	return ctx;
}

/* Whether `ip link` flags dev with what: "xdp" (native), "xdpgeneric". */
static bool link_shows(const char *ns, const char *dev, const char *what)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "ip %s%s link show dev %s | grep -q ' %s '",
		 ns ? "-n " : "", ns ? ns : "", dev, what);
	return system(cmd) == 0;
}

static const char *chain_mode(struct bpfman_ctx *ctx, const char *iface, const char *netns,
			      char *buf, size_t sz)
{
	struct bpfman_chain *c = NULL;
	BPFMAN_OPTS(bpfman_chain_opts, co, .type = BPFMAN_PROG_TYPE_XDP, .iface = iface,
		    .netns = netns);

	ck_assert_int_eq(bpfman_chain__get(&c, ctx, &co), 0);
	snprintf(buf, sz, "%s", bpfman_chain__xdp_mode(c));
	bpfman_chain__free(c);
	return buf;
}

/* interfaces.<ifname>.xdp_mode in the config file picks the XDP mode per
 * interface (doc/config.md); a bad value is refused naming file, key and
 * the allowed values, and changes nothing. Works with the dispatcher (VM
 * tier) and with plain XDP (this host). */
START_TEST(xdp_mode_from_config)
{
	struct harness h;
	struct netenv env;
	struct snapshot snap;
	struct bpfman_ctx *ctx, *bad;
	char yaml[512], mode[16];
	uint32_t a, b;
	uint64_t la, lb, link = 0, c;
	int err;

	harness_open(&h);
	netenv_create(&env);
	snprintf(yaml, sizeof(yaml),
		 "interfaces:\n  %s:\n    xdp_mode: skb\n  %s:\n    xdp_mode: drv\n",
		 env.peer_if, env.host_if);
	ctx = ctx_with_config(&h, yaml);
	a = load_one(&h, "xdp_counter", "xdp:xdp_count");
	b = load_one(&h, "xdp_counter", "xdp:xdp_count");

	BPFMAN_OPTS(bpfman_attach_opts, in_ns, .iface = env.peer_if, .netns = env.ns_path,
		    .priority = 50);
	ck_assert_msg(bpfman_program__attach(&la, ctx, a, &in_ns) == 0, "%s", bpfman_errmsg(ctx));
	ck_assert_msg(link_shows(env.ns, env.peer_if, "xdpgeneric"), "%s is not in skb mode",
		      env.peer_if);
	ck_assert_str_eq(chain_mode(ctx, env.peer_if, env.ns_path, mode, sizeof(mode)), "skb");
	c = read_counter(&h, a, "counter");
	ck_assert_int_eq(netenv_ping(&env, 3), 3);
	ck_assert_uint_ge(read_counter(&h, a, "counter"), c + 3);

	BPFMAN_OPTS(bpfman_attach_opts, here, .iface = env.host_if, .priority = 50);
	ck_assert_msg(bpfman_program__attach(&lb, ctx, b, &here) == 0, "%s", bpfman_errmsg(ctx));
	ck_assert_msg(link_shows(NULL, env.host_if, "xdp"), "%s is not in native mode", env.host_if);
	ck_assert_str_eq(chain_mode(ctx, env.host_if, NULL, mode, sizeof(mode)), "native");
	c = read_counter(&h, b, "counter");
	ck_assert_int_eq(netenv_ping(&env, 3), 3); /* replies come in on host_if */
	ck_assert_uint_ge(read_counter(&h, b, "counter"), c + 3);
	ck_assert_int_eq(bpfman_link__detach(ctx, la), 0);
	bpfman_ctx_free(ctx);

	/* Bad values and keys: refused before anything changes, naming the
	 * file and key; a detach does not read the config. */
	const struct {
		const char *setting, *needle;
	} bads[] = {
		{ "\n    xdp_mode: fast", "'fast' is not an XDP mode; use one of native (or drv), skb, hw" },
		{ "\n    mtu: 9000", "unknown setting 'mtu'" },
		{ " skb", "must be a mapping" },
		{ "\n    xdp_mode: [skb]", "must be one of native (or drv), skb, hw" },
	};
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		char key[64];

		snprintf(yaml, sizeof(yaml), "interfaces:\n  %s:%s\n", env.peer_if, bads[i].setting);
		bad = ctx_with_config(&h, yaml);
		snapshot_take(&h, &snap);
		err = bpfman_program__attach(&link, bad, a, &in_ns);
		ck_assert_int_eq(err, -EINVAL);
		snprintf(key, sizeof(key), "bpfman.yaml: interfaces.%s", env.peer_if);
		ck_assert_msg(strstr(bpfman_errmsg(bad), key) && strstr(bpfman_errmsg(bad), bads[i].needle),
			      "case %zu: %s", i, bpfman_errmsg(bad));
		snapshot_assert_same(&h, &snap);
		bpfman_ctx_free(bad);
	}
	ck_assert_int_eq(bpfman_link__detach(bad = ctx_with_config(&h, yaml), lb), 0);
	bpfman_ctx_free(bad);
	ck_assert(!link_shows(NULL, env.host_if, "xdp"));
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
	tcase_add_test(tc, xdp_mode_from_config);
	if (!kernel_has_freplace())
		tcase_add_test(tc, xdp_single_program_without_freplace);
	else
		fprintf(stderr, "freplace works here: XDP multi-program chains are tested in test-xdp\n");
	suite_add_tcase(s, tc);
	return run_suite(s);
}
