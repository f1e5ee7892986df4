// SPDX-License-Identifier: Apache-2.0
/* The apply document parser (libbpfman/apply_parse.c): the seed's YAML
 * unchanged, every kind, Kubernetes' JSON, and bad documents each refused
 * with the line, the document and the field path, leaving the manifest as
 * it was. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "apply_internal.h"

static struct bpfman_manifest *m;

static void setup(void)
{
	ck_assert_int_eq(bpfman_manifest__new(&m), 0);
}

static void teardown(void)
{
	bpfman_manifest__free(m);
	m = NULL;
}

static void add_ok(const char *text)
{
	ck_assert_msg(bpfman_manifest__add_buffer(m, NULL, "test.yaml", text, strlen(text)) == 0,
		      "parse failed: %s", bpfman_errmsg(NULL));
}

static void add_file_ok(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", APPLY_DIR, name);
	ck_assert_msg(bpfman_manifest__add_file(m, NULL, path) == 0, "%s: %s", path,
		      bpfman_errmsg(NULL));
}

static const struct apply_obj *obj(size_t i)
{
	ck_assert_uint_gt(m->cnt, i);
	return m->objs[i];
}

START_TEST(seed_first_listing)
{
	const struct apply_obj *o;

	add_file_ok("seed-xdp-pass.yaml");
	o = obj(0);
	ck_assert_str_eq(bpfman_manifest__kind(m, 0), "XdpProgram");
	ck_assert_str_eq(bpfman_manifest__name(m, 0), "xdp-pass-all-nodes");
	ck_assert_str_eq(o->function, "pass"); /* the seed's spec.name */
	ck_assert(o->primary_iface);
	ck_assert_int_eq(o->priority, 0);
	ck_assert_str_eq(o->image_url, "quay.io/bpfman-bytecode/xdp_pass:latest");
	ck_assert_int_eq(o->pull_policy, BPFMAN_PULL_IF_NOT_PRESENT);
	ck_assert_uint_eq(o->globals_cnt, 1);
	ck_assert_str_eq(o->globals[0].name, "GLOBAL_u8");
	ck_assert_uint_eq(o->globals[0].size, 1);
	ck_assert_uint_eq(((const unsigned char *)o->globals[0].value)[0], 1);
	ck_assert_uint_eq(o->nodeselector.labels_cnt + o->nodeselector.exprs_cnt, 0);
	ck_assert_uint_eq(o->proceed_on, 0); /* the type's default */
}
END_TEST

START_TEST(seed_operator_copy)
{
	const struct apply_obj *o;

	add_file_ok("seed-xdp-pass-operator.yaml");
	o = obj(0);
	ck_assert_str_eq(o->function, "pass");
	ck_assert_uint_eq(o->globals[0].size, 1); /* scalar 0x01 */
	ck_assert_uint_eq(((const unsigned char *)o->globals[0].value)[0], 1);
	ck_assert_uint_eq(o->proceed_on,
			  BPFMAN_XDP_PROCEED_ON_PASS | BPFMAN_PROCEED_ON_DISPATCHER_RETURN);
	ck_assert(!o->has_mapowner); /* mapownerselector: {} */
}
END_TEST

START_TEST(seed_steps_9_and_12)
{
	add_file_ok("seed-xdp-pass-50.yaml");
	ck_assert_int_eq(obj(0)->priority, 50);
	ck_assert_uint_eq(obj(0)->proceed_on, BPFMAN_XDP_PROCEED_ON_DROP);
	teardown();
	setup();
	add_file_ok("seed-xdp-pass-60.yaml");
	ck_assert_int_eq(obj(0)->priority, 60);
}
END_TEST

START_TEST(every_kind)
{
	add_ok("apiVersion: bpfman.io/v1alpha1\nkind: XdpProgram\nmetadata: {name: a}\n"
	       "spec: {bpffunctionname: f, interfaceselector: {interfaces: [eth0, eth1]},"
	       " priority: 5, bytecode: {path: /x.o}}\n"
	       "---\napiVersion: bpfman.io/v1alpha1\nkind: TcProgram\nmetadata: {name: b}\n"
	       "spec: {bpffunctionname: f, interfaceselector: {interfaces: [eth0]}, priority: 5,"
	       " direction: egress, proceedon: [shot, ok], bytecode: {path: /x.o}}\n"
	       "---\napiVersion: bpfman.io/v1alpha1\nkind: TcxProgram\nmetadata: {name: c}\n"
	       "spec: {bpffunctionname: f, interfaceselector: {primarynodeinterface: true},"
	       " priority: 1000, direction: ingress, bytecode: {path: /x.o}}\n"
	       "---\napiVersion: bpfman.io/v1alpha1\nkind: TracepointProgram\nmetadata: {name: d}\n"
	       "spec: {bpffunctionname: f, names: [syscalls/sys_enter_openat], bytecode: {path: /x.o}}\n"
	       "---\napiVersion: bpfman.io/v1alpha1\nkind: KprobeProgram\nmetadata: {name: e}\n"
	       "spec: {bpffunctionname: f, func_name: try_to_wake_up, offset: 0, retprobe: true,"
	       " bytecode: {path: /x.o}}\n"
	       "---\napiVersion: bpfman.io/v1alpha1\nkind: UprobeProgram\nmetadata: {name: f}\n"
	       "spec: {bpffunctionname: f, func_name: malloc, target: libc, pid: 42,"
	       " bytecode: {image: {url: 'quay.io/x/y:1', imagepullpolicy: Always,"
	       " imagepullsecret: {name: s, namespace: n}}}}\n"
	       "---\napiVersion: bpfman.io/v1alpha1\nkind: FentryProgram\nmetadata: {name: g}\n"
	       "spec: {bpffunctionname: f, func_name: do_unlinkat, bytecode: {path: /x.o}}\n"
	       "---\napiVersion: bpfman.io/v1alpha1\nkind: FexitProgram\nmetadata: {name: h}\n"
	       "spec: {bpffunctionname: f, func_name: do_unlinkat, bytecode: {path: /x.o},"
	       " mapownerselector: {matchLabels: {app: a}}}\n");
	ck_assert_uint_eq(bpfman_manifest__cnt(m), 8);
	ck_assert_uint_eq(obj(0)->interfaces_cnt, 2);
	ck_assert_int_eq(obj(1)->direction, BPFMAN_DIRECTION_EGRESS);
	ck_assert_uint_eq(obj(1)->proceed_on, BPFMAN_TC_PROCEED_ON_SHOT | BPFMAN_TC_PROCEED_ON_OK);
	ck_assert(obj(2)->primary_iface);
	ck_assert_str_eq(obj(3)->tracepoints[0], "syscalls/sys_enter_openat");
	ck_assert(obj(4)->retprobe);
	ck_assert_int_eq(obj(5)->pid, 42);
	ck_assert_int_eq(obj(5)->pull_policy, BPFMAN_PULL_ALWAYS);
	ck_assert_str_eq(obj(5)->secret_name, "s");
	ck_assert_str_eq(obj(5)->secret_ns, "n");
	ck_assert_int_eq(obj(6)->type, BPFMAN_PROG_TYPE_FENTRY);
	ck_assert(obj(7)->has_mapowner);
	ck_assert_str_eq(bpfman_manifest__kind(m, 7), "FexitProgram");
}
END_TEST

/* What the Kubernetes agent hands over: JSON from API objects, []byte as
 * base64. */
START_TEST(kubernetes_json)
{
	add_ok("{\"apiVersion\":\"bpfman.io/v1alpha1\",\"kind\":\"TcxProgram\","
	       "\"metadata\":{\"name\":\"j\",\"uid\":\"u\",\"labels\":{\"a\":\"b\"}},"
	       "\"spec\":{\"bpffunctionname\":\"f\",\"globaldata\":{\"G\":\"DQwLCg==\"},"
	       "\"interfaceselector\":{\"interfaces\":[\"eth0\"]},\"priority\":7,"
	       "\"direction\":\"ingress\",\"nodeselector\":{\"matchExpressions\":"
	       "[{\"key\":\"k\",\"operator\":\"Exists\"}]},"
	       "\"bytecode\":{\"image\":{\"url\":\"r/x:1\"}}}}");
	ck_assert_uint_eq(obj(0)->globals[0].size, 4);
	ck_assert_uint_eq(((const unsigned char *)obj(0)->globals[0].value)[0], 0x0d);
	ck_assert_uint_eq(((const unsigned char *)obj(0)->globals[0].value)[3], 0x0a);
	ck_assert_uint_eq(obj(0)->nodeselector.exprs_cnt, 1);
	ck_assert_str_eq(obj(0)->labels[0].value, "b");
}
END_TEST

START_TEST(selectors_match_like_kubernetes)
{
	struct bpfman_kv node[] = { { "role", "edge" }, { "zone", "a" } };

	add_ok("apiVersion: bpfman.io/v1alpha1\nkind: TracepointProgram\nmetadata: {name: s}\n"
	       "spec:\n  bpffunctionname: f\n  names: [a/b]\n  bytecode: {path: /x.o}\n"
	       "  nodeselector:\n    matchLabels: {role: edge}\n    matchExpressions:\n"
	       "    - {key: zone, operator: In, values: [a, b]}\n"
	       "    - {key: gpu, operator: DoesNotExist}\n");
	ck_assert(apply_selector_matches(&obj(0)->nodeselector, node, 2));
	node[1].value = "c";
	ck_assert(!apply_selector_matches(&obj(0)->nodeselector, node, 2));
	ck_assert(!apply_selector_matches(&obj(0)->nodeselector, NULL, 0));
}
END_TEST

#define HEAD "apiVersion: bpfman.io/v1alpha1\nkind: XdpProgram\nmetadata:\n  name: x\n"
#define XDP_OK "  bpffunctionname: f\n  interfaceselector: {interfaces: [eth0]}\n" \
	       "  priority: 1\n  bytecode: {path: /x.o}\n"

static const struct bad {
	const char *text;
	const char *needle; /* in the sentence, with the line */
} bad_docs[] = {
	{ HEAD "spec:\n" XDP_OK "  prioritee: 3\n", "test.yaml:10: document 1 (XdpProgram x): spec: unknown field 'prioritee'" },
	{ HEAD "spec:\n" XDP_OK "  globaldata:\n    G: [0x100]\n", "test.yaml:11: document 1 (XdpProgram x): spec.globaldata.G[0]: 256 is out of range" },
	{ HEAD "spec:\n" XDP_OK "  globaldata:\n    G: 0x1\n", "test.yaml:11: document 1 (XdpProgram x): spec.globaldata.G: '0x1' is not hex bytes" },
	{ HEAD "spec:\n" XDP_OK "  proceedon: [drop, shot]\n", "test.yaml:10: document 1 (XdpProgram x): spec.proceedon[1]: 'shot' is not a xdp action" },
	{ HEAD "spec:\n  bpffunctionname: f\n  interfaceselector: {interfaces: [eth0]}\n  priority: high\n  bytecode: {path: /x.o}\n", "test.yaml:8: document 1 (XdpProgram x): spec.priority: expected an integer, got 'high'" },
	{ HEAD "spec:\n  bpffunctionname: f\n  interfaceselector: {interfaces: [eth0]}\n  priority: 1001\n  bytecode: {path: /x.o}\n", "spec.priority: 1001 is out of range; use 0 to 1000" },
	{ HEAD "spec:\n  bpffunctionname: f\n  interfaceselector: {interfaces: [eth0], primarynodeinterface: true}\n  priority: 1\n  bytecode: {path: /x.o}\n", "test.yaml:7: document 1 (XdpProgram x): spec.interfaceselector: give either interfaces" },
	{ HEAD "spec:\n  bpffunctionname: f\n  interfaceselector: {primarynodeinterface: yes}\n  priority: 1\n  bytecode: {path: /x.o}\n", "spec.interfaceselector.primarynodeinterface: expected true or false, got 'yes'" },
	{ HEAD "spec:\n  bpffunctionname: f\n  interfaceselector: {interfaces: [eth0]}\n  priority: 1\n  bytecode: {path: /x.o, image: {url: a}}\n", "test.yaml:9: document 1 (XdpProgram x): spec.bytecode: give exactly one of image and path" },
	{ HEAD "spec:\n  bpffunctionname: f\n  interfaceselector: {interfaces: [eth0]}\n  priority: 1\n  bytecode:\n    image: {url: a, imagepullpolicy: Sometimes}\n", "test.yaml:10: document 1 (XdpProgram x): spec.bytecode.image.imagepullpolicy: 'Sometimes' is not a pull policy" },
	{ HEAD "spec:\n  interfaceselector: {interfaces: [eth0]}\n  priority: 1\n  bytecode: {path: /x.o}\n", "spec: bpffunctionname is required" },
	{ HEAD "spec:\n  name: g\n" XDP_OK, "test.yaml:6: document 1 (XdpProgram x): spec.name: give the function once" },
	{ HEAD "spec:\n  bpffunctionname: f\n  bytecode: {path: /x.o}\n  priority: 1\n", "spec: interfaceselector is required for XdpProgram" },
	{ "apiVersion: bpfman.io/v1alpha1\nkind: TcProgram\nmetadata: {name: t}\nspec:\n  bpffunctionname: f\n  interfaceselector: {interfaces: [eth0]}\n  priority: 1\n  direction: sideways\n  bytecode: {path: /x.o}\n", "test.yaml:8: document 1 (TcProgram t): spec.direction: 'sideways' is not a direction" },
	{ "apiVersion: bpfman.io/v1alpha1\nkind: TracepointProgram\nmetadata: {name: t}\nspec:\n  bpffunctionname: f\n  names: [nogroup]\n  bytecode: {path: /x.o}\n", "spec.names: 'nogroup' is not GROUP/NAME" },
	{ "apiVersion: bpfman.io/v1alpha1\nkind: TracepointProgram\nmetadata: {name: t}\nspec:\n  bpffunctionname: f\n  names: syscalls/x\n  bytecode: {path: /x.o}\n", "test.yaml:6: document 1 (TracepointProgram t): spec.names: expected a list, got a scalar" },
	{ "apiVersion: bpfman.io/v1alpha1\nkind: KprobeProgram\nmetadata: {name: k}\nspec:\n  bpffunctionname: f\n  offset: -1\n  func_name: a\n  bytecode: {path: /x.o}\n", "spec.offset: -1 is out of range" },
	{ "apiVersion: bpfman.io/v1alpha1\nkind: KprobeProgram\nmetadata: {name: k}\nspec:\n  bpffunctionname: f\n  bytecode: {path: /x.o}\n", "spec: func_name is required" },
	{ "apiVersion: bpfman.io/v1alpha1\nkind: UprobeProgram\nmetadata: {name: u}\nspec:\n  bpffunctionname: f\n  func_name: a\n  target: libc\n  containers: {namespace: x}\n  bytecode: {path: /x.o}\n", "test.yaml:8: document 1 (UprobeProgram u): spec.containers: attaching inside containers is not supported" },
	{ "apiVersion: bpfman.io/v1alpha1\nkind: FentryProgram\nmetadata: {name: e}\nspec:\n  bpffunctionname: f\n  target: x\n  func_name: a\n  bytecode: {path: /x.o}\n", "spec: unknown field 'target'" },
	{ "apiVersion: bpfman.io/v1alpha1\nkind: LsmProgram\nmetadata: {name: l}\nspec: {}\n", "test.yaml:2: document 1 (LsmProgram l): kind: unknown kind 'LsmProgram'" },
	{ "apiVersion: bpfman.io/v2\nkind: XdpProgram\nmetadata: {name: l}\nspec: {}\n", "test.yaml:1: document 1 (XdpProgram l): apiVersion: expected bpfman.io/v1alpha1, got 'bpfman.io/v2'" },
	{ "apiVersion: bpfman.io/v1alpha1\nkind: XdpProgram\nmetadata: {labels: {a: b}}\nspec: {}\n", "metadata: metadata.name is required" },
	{ "apiVersion: bpfman.io/v1alpha1\nkind: XdpProgram\nmetadata: {name: x, colour: red}\nspec: {}\n", "metadata: unknown field 'colour'" },
	{ HEAD "spec:\n" XDP_OK "  nodeselector: {matchExpressions: [{key: a, operator: Near}]}\n", "spec.nodeselector.matchExpressions[0].operator: unknown operator 'Near'" },
	{ HEAD "spec:\n" XDP_OK "  nodeselector: {matchLabels: {a: [b]}}\n", "spec.nodeselector.matchLabels.a: expected a string, got a list" },
	{ HEAD "spec:\n" XDP_OK "---\n" HEAD "spec:\n" XDP_OK, "test.yaml:11: document 2 (XdpProgram x): metadata.name: XdpProgram x is already defined by document 1" },
	{ "- a\n- b\n", "test.yaml:1: document 1 (? ?): (document): expected a mapping, got a list" },
	{ HEAD "spec: &a {}\n", "test.yaml:5:7: anchors (&name) are not supported" },
	{ HEAD "spec: {a: 1, a: 2}\n", "key 'a' appears twice" },
	{ HEAD "spec: [\n", "test.yaml:" },
	/* The second document is bad: the first must not be kept either. */
	{ HEAD "spec:\n" XDP_OK "---\n" HEAD "spec:\n" XDP_OK "  bogus: 1\n", "document 2 (XdpProgram x): spec: unknown field 'bogus'" },
};

START_TEST(bad_documents_refused)
{
	const struct bad *b = &bad_docs[_i];
	int err;

	add_ok("apiVersion: bpfman.io/v1alpha1\nkind: TracepointProgram\nmetadata: {name: before}\n"
	       "spec: {bpffunctionname: f, names: [a/b], bytecode: {path: /x.o}}\n");
	err = bpfman_manifest__add_buffer(m, NULL, "test.yaml", b->text, strlen(b->text));
	ck_assert_msg(err == -EINVAL, "case %d accepted (%d):\n%s", _i, err, b->text);
	ck_assert_msg(strstr(bpfman_errmsg(NULL), b->needle), "case %d: '%s' not in '%s'", _i,
		      b->needle, bpfman_errmsg(NULL));
	/* nothing changed */
	ck_assert_uint_eq(bpfman_manifest__cnt(m), 1);
	ck_assert_str_eq(bpfman_manifest__name(m, 0), "before");
}
END_TEST

START_TEST(same_object_in_two_files)
{
	const char *t = "apiVersion: bpfman.io/v1alpha1\nkind: TracepointProgram\nmetadata: {name: d}\n"
			"spec: {bpffunctionname: f, names: [a/b], bytecode: {path: /x.o}}\n";

	add_ok(t);
	ck_assert_int_eq(bpfman_manifest__add_buffer(m, NULL, "two.yaml", t, strlen(t)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(NULL), "already defined by test.yaml: document 1"));
	ck_assert_uint_eq(bpfman_manifest__cnt(m), 1);
}
END_TEST

START_TEST(empty_documents_skipped)
{
	add_ok("---\n---\n# nothing\n");
	ck_assert_uint_eq(bpfman_manifest__cnt(m), 0);
}
END_TEST

START_TEST(kind_spellings)
{
	enum bpfman_program_type t;

	ck_assert_str_eq(apply_kind_canonical("xdpprogram", &t), "XdpProgram");
	ck_assert_int_eq(t, BPFMAN_PROG_TYPE_XDP);
	ck_assert_str_eq(apply_kind_canonical("TcxPrograms", &t), "TcxProgram");
	ck_assert_ptr_null(apply_kind_canonical("xdp", &t));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("apply-parse");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, seed_first_listing);
	tcase_add_test(tc, seed_operator_copy);
	tcase_add_test(tc, seed_steps_9_and_12);
	tcase_add_test(tc, every_kind);
	tcase_add_test(tc, kubernetes_json);
	tcase_add_test(tc, selectors_match_like_kubernetes);
	tcase_add_loop_test(tc, bad_documents_refused, 0, (int)ARRAY_SIZE(bad_docs));
	tcase_add_test(tc, same_object_in_two_files);
	tcase_add_test(tc, empty_documents_skipped);
	tcase_add_test(tc, kind_spellings);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
