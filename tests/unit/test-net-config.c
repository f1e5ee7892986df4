// SPDX-License-Identifier: Apache-2.0
/* The config file's "interfaces" section: XDP modes per interface, both
 * spellings of native, and the refusals naming file, key and the allowed
 * values. */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <linux/if_link.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "attach_net.h"
#include "config.h"

struct fake {
	struct bpfman_ctx ctx;
};

/* A context holding config text as if read from /etc/bpfman/test.yaml. */
static void fake_open(struct fake *f, const char *text)
{
	memset(f, 0, sizeof(*f));
	f->ctx.config_path = (char *)"/etc/bpfman/test.yaml";
	ck_assert_msg(config_parse_yaml(&f->ctx, f->ctx.config_path, text, strlen(text),
					&f->ctx.config) == 0,
		      "%s", f->ctx.errmsg);
}

static void fake_close(struct fake *f)
{
	json_decref(f->ctx.config);
	free(f->ctx.errmsg);
}

static uint32_t mode_of(const char *text, const char *iface)
{
	struct fake f;
	uint32_t mode = 99;

	fake_open(&f, text);
	ck_assert_msg(net_xdp_mode(&f.ctx, iface, &mode) == 0, "%s", f.ctx.errmsg);
	fake_close(&f);
	return mode;
}

static void refused(const char *text, const char *needle)
{
	struct fake f;
	uint32_t mode = 99;

	fake_open(&f, text);
	ck_assert_int_eq(net_xdp_mode(&f.ctx, "eth0", &mode), -EINVAL);
	ck_assert_msg(strstr(f.ctx.errmsg, needle), "'%s' not in '%s'", needle, f.ctx.errmsg);
	ck_assert_msg(!strncmp(f.ctx.errmsg, "/etc/bpfman/test.yaml: ", 23), "%s", f.ctx.errmsg);
	fake_close(&f);
}

START_TEST(modes_and_spellings)
{
	const char *cfg = "interfaces:\n"
			  "  eth0: {xdp_mode: native}\n"
			  "  eth1: {xdp_mode: drv}\n"
			  "  eth2: {xdp_mode: skb}\n"
			  "  eth3: {xdp_mode: hw}\n"
			  "  eth4: {}\n"
			  "  eth5:\n";

	ck_assert_uint_eq(mode_of(cfg, "eth0"), XDP_FLAGS_DRV_MODE);
	ck_assert_uint_eq(mode_of(cfg, "eth1"), XDP_FLAGS_DRV_MODE);
	ck_assert_uint_eq(mode_of(cfg, "eth2"), XDP_FLAGS_SKB_MODE);
	ck_assert_uint_eq(mode_of(cfg, "eth3"), XDP_FLAGS_HW_MODE);
	/* Not set: 0, the default (native, falling back to skb). */
	ck_assert_uint_eq(mode_of(cfg, "eth4"), 0);
	ck_assert_uint_eq(mode_of(cfg, "eth5"), 0);
	ck_assert_uint_eq(mode_of(cfg, "wlan0"), 0);
	ck_assert_uint_eq(mode_of("", "eth0"), 0);
	ck_assert_uint_eq(mode_of("signing: {}\n", "eth0"), 0);
	ck_assert_uint_eq(mode_of("interfaces:\n", "eth0"), 0);
	ck_assert_str_eq(net_xdp_mode_name(XDP_FLAGS_SKB_MODE), "skb");
	ck_assert_str_eq(net_xdp_mode_name(XDP_FLAGS_DRV_MODE), "native");
	ck_assert_str_eq(net_xdp_mode_name(XDP_FLAGS_HW_MODE), "hw");
	ck_assert_str_eq(net_xdp_mode_name(0), "");
}
END_TEST

START_TEST(bad_values_name_the_key)
{
	refused("interfaces:\n  eth0: {xdp_mode: generic}\n",
		"interfaces.eth0.xdp_mode: 'generic' is not an XDP mode; use one of native (or drv), skb, hw");
	refused("interfaces:\n  eth0: {xdp_mode: 1}\n",
		"interfaces.eth0.xdp_mode: must be one of native (or drv), skb, hw");
	refused("interfaces:\n  eth0: {xdp_mode: SKB}\n", "'SKB' is not an XDP mode");
	refused("interfaces:\n  eth0: {xdp_mod: skb}\n",
		"interfaces.eth0: unknown setting 'xdp_mod'; the one known is xdp_mode");
	refused("interfaces:\n  eth0: skb\n", "interfaces.eth0: must be a mapping");
	refused("interfaces: [eth0]\n", "interfaces: must be a mapping");
	/* A mistake under another interface is reported too. */
	refused("interfaces:\n  eth0: {xdp_mode: skb}\n  eth9: {xdp_mode: turbo}\n",
		"interfaces.eth9.xdp_mode: 'turbo'");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("net-config");
	TCase *tc = tcase_create("net-config");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, modes_and_spellings);
	tcase_add_test(tc, bad_values_name_the_key);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
