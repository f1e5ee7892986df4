// SPDX-License-Identifier: Apache-2.0
/* The config file reader: YAML's core-schema scalars, structure, and the
 * refusals (anchors, aliases, tags, duplicates, several documents). */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "internal.h"
#include "config.h"

static json_t *parse_ok(const char *text)
{
	json_t *root = NULL;

	ck_assert_msg(config_parse_yaml(NULL, "test.yaml", text, strlen(text), &root) == 0,
		      "parse failed: %s", bpfman_errmsg(NULL));
	return root;
}

static void parse_fails(const char *text, const char *needle)
{
	json_t *root = NULL;
	int err = config_parse_yaml(NULL, "test.yaml", text, strlen(text), &root);

	ck_assert_int_eq(err, -EINVAL);
	ck_assert_ptr_null(root);
	ck_assert_msg(strstr(bpfman_errmsg(NULL), needle),
		      "'%s' not in '%s'", needle, bpfman_errmsg(NULL));
}

START_TEST(scalars_follow_core_schema)
{
	json_t *root = parse_ok("a: true\nb: 'true'\nc: 42\nd: -7\ne: 1.5\nf: ~\n"
				"g: hello world\nh: \"42\"\ni: 0x10\n");

	ck_assert(json_is_true(json_object_get(root, "a")));
	ck_assert_str_eq(json_string_value(json_object_get(root, "b")), "true");
	ck_assert_int_eq(json_integer_value(json_object_get(root, "c")), 42);
	ck_assert_int_eq(json_integer_value(json_object_get(root, "d")), -7);
	ck_assert(json_real_value(json_object_get(root, "e")) == 1.5);
	ck_assert(json_is_null(json_object_get(root, "f")));
	ck_assert_str_eq(json_string_value(json_object_get(root, "g")), "hello world");
	ck_assert_str_eq(json_string_value(json_object_get(root, "h")), "42");
	/* Only decimal integers are numbers; 0x10 stays text. */
	ck_assert_str_eq(json_string_value(json_object_get(root, "i")), "0x10");
	json_decref(root);
}
END_TEST

START_TEST(nested_sections)
{
	json_t *root = parse_ok("interfaces:\n  eth0:\n    xdp_mode: skb\n"
				"registries:\n  - location: 127.0.0.1:5000\n    insecure: true\n");
	json_t *regs = json_object_get(root, "registries");

	ck_assert_str_eq(json_string_value(json_object_get(
		json_object_get(json_object_get(root, "interfaces"), "eth0"), "xdp_mode")), "skb");
	ck_assert_uint_eq(json_array_size(regs), 1);
	ck_assert(json_is_true(json_object_get(json_array_get(regs, 0), "insecure")));
	json_decref(root);
}
END_TEST

START_TEST(empty_is_empty_object)
{
	json_t *root = parse_ok("");

	ck_assert(json_is_object(root));
	ck_assert_uint_eq(json_object_size(root), 0);
	json_decref(root);
	root = parse_ok("# only a comment\n");
	ck_assert(json_is_object(root));
	json_decref(root);
}
END_TEST

START_TEST(refusals_name_line_and_problem)
{
	parse_fails("a: 1\na: 2\n", "test.yaml:2:1: key 'a' appears twice");
	parse_fails("a: &x 1\nb: *x\n", "anchors");
	parse_fails("a: !!str 1\n", "tags");
	parse_fails("- a\n- b\n", "top level must be a mapping");
	parse_fails("a: [1, 2\n", "test.yaml:");
	parse_fails("? [a]\n: 1\n", "mapping keys must be plain strings");
	parse_fails("a: \"x\\0y\"\n", "NUL bytes");
	parse_fails("a: 1\n---\nb: 2\n", "test.yaml:3: more than one YAML document");
}
END_TEST

START_TEST(depth_is_bounded)
{
	char text[512] = "";
	json_t *root = NULL;

	for (int i = 0; i < 60; i++)
		strcat(text, "[");
	ck_assert_int_eq(config_parse_yaml(NULL, "deep.yaml", text, strlen(text), &root),
			 -EINVAL);
	ck_assert_ptr_null(root);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("yaml");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, scalars_follow_core_schema);
	tcase_add_test(tc, nested_sections);
	tcase_add_test(tc, empty_is_empty_object);
	tcase_add_test(tc, refusals_name_line_and_problem);
	tcase_add_test(tc, depth_is_bounded);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
