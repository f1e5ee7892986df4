// SPDX-License-Identifier: Apache-2.0
/* Image configs and bpfman's labels: new style, legacy, Rust bpfman's
 * kernel-type names, and refusals that name the label and the problem. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "image/image_config.h"

static int parse(const char *labels_json, struct image_config *c)
{
	char *body = str_printf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":%s}}",
				labels_json);
	int err = image_config_parse(NULL, body, strlen(body), c);

	free(body);
	return err;
}

static void bad(const char *labels_json, int errnum, const char *needle)
{
	struct image_config c;

	ck_assert_int_eq(parse(labels_json, &c), errnum);
	ck_assert_msg(strstr(bpfman_errmsg(NULL), needle), "'%s' not in '%s'", needle,
		      bpfman_errmsg(NULL));
	ck_assert_ptr_null(c.programs);
	ck_assert_uint_eq(c.labels_cnt, 0);
}

START_TEST(programs_and_maps)
{
	struct image_config c;

	ck_assert_int_eq(parse("{\"io.ebpf.programs\":\"{\\\"xdp_stats\\\":\\\"xdp\\\",\\\"k\\\":\\\"kretprobe\\\",\\\"t\\\":\\\"tcx\\\"}\","
			       "\"io.ebpf.maps\":\"{\\\"xdp_stats_map\\\":\\\"per_cpu_array\\\"}\",\"other\":\"x\"}", &c), 0);
	ck_assert_str_eq(c.os, "linux");
	ck_assert_str_eq(c.architecture, "amd64");
	ck_assert_ptr_null(c.variant);
	ck_assert_uint_eq(c.labels_cnt, 3);
	ck_assert_str_eq(image_config_label(&c, "other"), "x");
	ck_assert_ptr_null(image_config_label(&c, "nope"));
	ck_assert_uint_eq(c.programs_cnt, 3);
	ck_assert_str_eq(c.programs[0].name, "xdp_stats");
	ck_assert_int_eq(c.programs[0].type, BPFMAN_PROG_TYPE_XDP);
	ck_assert_str_eq(c.programs[1].type_name, "kretprobe");
	ck_assert_int_eq(c.programs[1].type, BPFMAN_PROG_TYPE_KPROBE);
	ck_assert_int_eq(c.programs[2].type, BPFMAN_PROG_TYPE_TCX);
	ck_assert_uint_eq(c.maps_cnt, 1);
	ck_assert_str_eq(c.maps[0].name, "xdp_stats_map");
	ck_assert_str_eq(c.maps[0].type, "per_cpu_array");
	ck_assert_ptr_null(c.filename);
	image_config_clear(&c);
}
END_TEST

START_TEST(rust_bpfman_kernel_types)
{
	struct image_config c;

	ck_assert_int_eq(parse("{\"io.ebpf.programs\":\"{\\\"kprobe_counter\\\":\\\"probe\\\",\\\"f\\\":\\\"tracing\\\"}\","
			       "\"io.ebpf.maps\":\"{}\"}", &c), 0);
	ck_assert_int_eq(c.programs[0].type, BPFMAN_PROG_TYPE_UNSPEC);
	ck_assert_str_eq(c.programs[0].type_name, "probe");
	ck_assert_int_eq(c.programs[1].type, BPFMAN_PROG_TYPE_UNSPEC);
	ck_assert_uint_eq(c.maps_cnt, 0);
	image_config_clear(&c);
}
END_TEST

START_TEST(legacy_labels)
{
	struct image_config c;

	ck_assert_int_eq(parse("{\"io.ebpf.program_type\":\"tc\",\"io.ebpf.bpf_function_name\":\"stats\","
			       "\"io.ebpf.filename\":\"bpf_bpfel.o\",\"io.ebpf.program_name\":\"tc_counter\"}", &c), 0);
	ck_assert_uint_eq(c.programs_cnt, 1);
	ck_assert_str_eq(c.programs[0].name, "stats");
	ck_assert_int_eq(c.programs[0].type, BPFMAN_PROG_TYPE_TC);
	ck_assert_str_eq(c.filename, "bpf_bpfel.o");
	image_config_clear(&c);
}
END_TEST

START_TEST(refusals)
{
	struct image_config c;

	bad("{}", -ENOMSG, "not a bpfman bytecode image: config has no io.ebpf.programs label");
	bad("{\"io.ebpf.maps\":\"{}\"}", -ENOMSG, "not a bpfman bytecode image");
	bad("{\"io.ebpf.program_type\":\"xdp\"}", -ENOMSG, "but not io.ebpf.bpf_function_name");
	bad("{\"io.ebpf.programs\":\"{\\\"p\\\":\\\"lsm_cgroup\\\"}\"}", -EBADMSG, "program \"p\" has type \"lsm_cgroup\", which bpfman does not know");
	bad("{\"io.ebpf.programs\":\"{\\\"p\\\":\\\"XDP\\\"}\"}", -EBADMSG, "which bpfman does not know");
	bad("{\"io.ebpf.programs\":\"{\\\"p\\\":7}\"}", -EBADMSG, "the type of \"p\" is not a string");
	bad("{\"io.ebpf.programs\":\"{}\"}", -EBADMSG, "names no program");
	bad("{\"io.ebpf.programs\":\"[1]\"}", -EBADMSG, "must be a JSON object");
	bad("{\"io.ebpf.programs\":\"{xdp\"}", -EBADMSG, "label io.ebpf.programs is not valid JSON");
	bad("{\"io.ebpf.programs\":\"{\\\"a b\\\":\\\"xdp\\\"}\"}", -EBADMSG, "program name \"a b\" is not a C identifier");
	bad("{\"io.ebpf.programs\":\"{\\\"p\\\":\\\"xdp\\\",\\\"p\\\":\\\"tc\\\"}\"}", -EBADMSG, "duplicate");
	bad("{\"io.ebpf.programs\":\"{\\\"p\\\":\\\"xdp\\\"}\",\"io.ebpf.maps\":\"{\\\"m\\\":\\\"Hash Map\\\"}\"}", -EBADMSG, "map \"m\" has type");
	bad("{\"io.ebpf.programs\":\"{\\\"p\\\":\\\"xdp\\\"}\",\"io.ebpf.maps\":\"{\\\"m;\\\":\\\"hash\\\"}\"}", -EBADMSG, "map name \"m;\" is not a C identifier");
	bad("{\"io.ebpf.programs\":5}", -EBADMSG, "label \"io.ebpf.programs\" is not a string");
	bad("{\"io.ebpf.program_type\":\"xdp\",\"io.ebpf.bpf_function_name\":\"f\",\"io.ebpf.filename\":\"../x\"}",
	    -EBADMSG, "not a plain file name");
	bad("[]", -EBADMSG, "\"config.Labels\" is not an object");
	ck_assert_int_eq(image_config_parse(NULL, "[]", 2, &c), -EBADMSG);
	ck_assert(strstr(bpfman_errmsg(NULL), "not a JSON object"));
	ck_assert_int_eq(image_config_parse(NULL, "{\"os\":1}", 8, &c), -EBADMSG);
	ck_assert(strstr(bpfman_errmsg(NULL), "\"os\" is not a string"));
	ck_assert_int_eq(image_config_parse(NULL, "{", 1, &c), -EBADMSG);
	ck_assert(strstr(bpfman_errmsg(NULL), "image config is not valid JSON"));
	ck_assert_int_eq(image_config_parse(NULL, "{}", IMAGE_CONFIG_MAX_SIZE + 1, &c), -EMSGSIZE);
}
END_TEST

/* A label naming 10,000 programs: the count in the sentence is the real
 * one (it was read after the JSON was freed, and said 0), and the failure
 * is an image refusal to whoever maps kinds to statuses. */
START_TEST(too_many_entries)
{
	size_t cap = 32 + 10000 * 24;
	char *labels = malloc(cap), *p = labels;

	ck_assert_ptr_nonnull(labels);
	p += sprintf(p, "{\"io.ebpf.programs\":\"{");
	for (int i = 0; i < 10000; i++)
		p += sprintf(p, "%s\\\"p%d\\\":\\\"xdp\\\"", i ? "," : "", i);
	sprintf(p, "}\"}");
	bad(labels, -EBADMSG, "names 10000 entries, more than the 1024 accepted");
	ck_assert_int_eq(bpfman_errkind(NULL), BPFMAN_ERRKIND_IMAGE_REFUSED);
	ck_assert_str_eq(bpfman_errkind_name(bpfman_errkind(NULL)), "image-refused");
	free(labels);
}
END_TEST

START_TEST(type_names)
{
	enum bpfman_program_type t;
	static const char *const names[] = { "xdp", "tc", "tcx", "tracepoint", "kprobe",
		"kretprobe", "uprobe", "uretprobe", "fentry", "fexit" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		ck_assert_int_eq(image_program_type(names[i], &t), 0);
		ck_assert_int_ne(t, BPFMAN_PROG_TYPE_UNSPEC);
	}
	ck_assert_int_eq(image_program_type("socket_filter", &t), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("image-config");
	TCase *tc = tcase_create("labels");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, programs_and_maps);
	tcase_add_test(tc, rust_bpfman_kernel_types);
	tcase_add_test(tc, legacy_labels);
	tcase_add_test(tc, too_many_entries);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, type_names);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
