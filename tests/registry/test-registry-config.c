// SPDX-License-Identifier: Apache-2.0
/* The `registries` and `registry_tls` config sections: longest location
 * wins, and every malformed entry is refused with the key that is wrong
 * (a typo must never quietly change how TLS is checked). No servers. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "servers.h"

#include "internal.h"
#include "image/registry_config.h"

START_TEST(longest_location_wins)
{
	struct test_env e;
	struct registry_settings s;

	env_open(&e, "registries:\n"
		     "  - location: reg.example:5000\n    ca_file: /etc/host-ca.pem\n"
		     "  - location: reg.example:5000/team\n    insecure: true\n"
		     "  - location: other.example\n"
		     "    client_cert: /c.pem\n    client_key: /c.key\n"
		     "registry_tls:\n  ca_file: /etc/all-ca.pem\n");
	ck_assert_int_eq(registry_settings_lookup(e.ctx, "reg.example:5000", "team/app", &s), 0);
	ck_assert(s.insecure);
	ck_assert_str_eq(s.location, "reg.example:5000/team");
	ck_assert_str_eq(s.ca_file, "/etc/all-ca.pem"); /* entry has none: the global one */
	registry_settings_clear(&s);

	/* "team" is a path component, not a string prefix. */
	ck_assert_int_eq(registry_settings_lookup(e.ctx, "reg.example:5000", "teamster/app", &s), 0);
	ck_assert(!s.insecure);
	ck_assert_str_eq(s.ca_file, "/etc/host-ca.pem");
	registry_settings_clear(&s);

	/* Host names compare case-insensitively; ports must match. */
	ck_assert_int_eq(registry_settings_lookup(e.ctx, "REG.example:5000", NULL, &s), 0);
	ck_assert_str_eq(s.location, "reg.example:5000");
	registry_settings_clear(&s);
	ck_assert_int_eq(registry_settings_lookup(e.ctx, "reg.example:5001", "team/app", &s), 0);
	ck_assert_ptr_null(s.location);
	ck_assert(!s.insecure);
	registry_settings_clear(&s);

	ck_assert_int_eq(registry_settings_lookup(e.ctx, "other.example", "x", &s), 0);
	ck_assert_str_eq(s.client_cert, "/c.pem");
	ck_assert_str_eq(s.client_key, "/c.key");
	registry_settings_clear(&s);
	env_close(&e);
}
END_TEST

static void refused(const char *yaml, const char *needle)
{
	struct test_env e;
	struct registry_settings s;

	env_open(&e, "%s", yaml);
	ck_assert_int_eq(registry_settings_lookup(e.ctx, "reg.example", "a/b", &s), -EINVAL);
	ck_assert_msg(strstr(bpfman_errmsg(e.ctx), needle), "expected \"%s\" in: %s", needle,
		      bpfman_errmsg(e.ctx));
	ck_assert_msg(strstr(bpfman_errmsg(e.ctx), e.config), "config path not named: %s",
		      bpfman_errmsg(e.ctx));
	env_close(&e);
}

START_TEST(malformed_entries_refused)
{
	refused("registries:\n  location: x\n", "registries: must be a list");
	refused("registries:\n  - insecure: true\n", "registries[0].location");
	refused("registries:\n  - location: https://reg.example\n", "without a scheme");
	refused("registries:\n  - location: reg.example/\n", "trailing slash");
	refused("registries:\n  - location: reg.example\n    insecure: yes\n",
		"registries[0].insecure: must be true or false");
	refused("registries:\n  - location: reg.example\n    insecure: \"true\"\n",
		"registries[0].insecure");
	refused("registries:\n  - location: reg.example\n    ca_file: ca.pem\n",
		"registries[0].ca_file: must be an absolute path");
	refused("registries:\n  - location: reg.example\n    client_cert: /c.pem\n",
		"client_cert and client_key go together");
	refused("registries:\n  - location: reg.example\n    tls_verify: false\n",
		"unknown key 'tls_verify'");
	refused("registries:\n  - location: a.example\n  - location: A.example\n",
		"already listed at registries[0]");
	refused("registries:\n  - 42\n", "entry 0 must be a mapping");
	refused("registry_tls:\n  cafile: /x.pem\n", "unknown key 'cafile'");
	refused("registry_tls: /x.pem\n", "registry_tls: must be a mapping");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("registry-config");
	TCase *tc = tcase_create("config");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, longest_location_wins);
	tcase_add_test(tc, malformed_entries_refused);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
