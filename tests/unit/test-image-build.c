// SPDX-License-Identifier: Apache-2.0
/* Image build from the test BPF objects: labels derived from the ELF,
 * layouts that real skopeo reads (one platform and an index), the same
 * digests on every build, the "probe"/"tracing" types settled from the
 * ELF, and refusals. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "image/build.h"
#include "image/elf_info.h"
#include "image/image_config.h"
#include "image/layer.h"
#include "image/store.h"
#include "util/fsutil.h"

#define OBJ(name) BPF_OBJ_DIR "/" name ".bpf.o"

static char root[64];

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/test-image-build-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void teardown(void)
{
	rm_rf(root);
}

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Runs a command, returns its stdout (malloc'ed), asserts it succeeded. */
static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	char buf[4096];
	size_t n;

	ck_assert_ptr_nonnull(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, n, m);
	fclose(m);
	ck_assert_msg(pclose(p) == 0, "'%s' failed: %s", cmd, out);
	return out;
}

static void labels_of(const char *obj, const char *programs, const char *maps)
{
	size_t len;
	void *elf = slurp(obj, &len);
	char *p, *m;

	ck_assert_msg(image_build_labels(NULL, elf, len, &p, &m) == 0, "%s", bpfman_errmsg(NULL));
	ck_assert_str_eq(p, programs);
	ck_assert_str_eq(m, maps);
	free(p);
	free(m);
	free(elf);
}

START_TEST(labels_from_elf)
{
	labels_of(OBJ("xdp_counter"),
		  "{\"xdp_action\":\"xdp\",\"xdp_count\":\"xdp\",\"xdp_drop\":\"xdp\",\"xdp_pass\":\"xdp\"}",
		  "{\"counter\":\"array\"}");
	labels_of(OBJ("kprobe_counter"), "{\"kprobe_count\":\"kprobe\",\"kretprobe_count\":\"kretprobe\"}",
		  "{\"counter\":\"array\"}");
	labels_of(OBJ("uprobe_counter"), "{\"uprobe_count\":\"uprobe\",\"uretprobe_count\":\"uretprobe\"}",
		  "{\"counter\":\"array\"}");
	labels_of(OBJ("fentry_counter"), "{\"fentry_count\":\"fentry\",\"fexit_count\":\"fexit\"}",
		  "{\"counter\":\"array\"}");
	labels_of(OBJ("lsm_counter"), "{\"lsm_count\":\"lsm\",\"lsm_count_named\":\"lsm\"}",
		  "{\"counter\":\"array\"}");
	/* .rodata/.data hold globals, not maps: left out as bpfman does */
	labels_of(OBJ("globals"), "{\"report_globals\":\"tracepoint\"}", "{\"seen\":\"array\"}");
	ck_assert_str_eq(elf_section_type_name("tcx/ingress"), "tcx");
	ck_assert_str_eq(elf_section_type_name("classifier"), "tc");
	ck_assert_str_eq(elf_section_type_name("tp/syscalls/x"), "tracepoint");
	ck_assert_str_eq(elf_section_type_name("?uprobe.s/lib:fn"), "uprobe");
	ck_assert_ptr_null(elf_section_type_name("tp_btf/sched_switch"));
	ck_assert_str_eq(elf_section_type_name("lsm/file_open"), "lsm");
	ck_assert_str_eq(elf_section_type_name("lsm.s/bprm_check_security"), "lsm");
	ck_assert_ptr_null(elf_section_type_name("lsm_cgroup/socket_bind"));
	ck_assert_str_eq(elf_map_type_name(6), "per_cpu_array");
	ck_assert_str_eq(elf_map_type_name(27), "ringbuf");
}
END_TEST

static struct descriptor build(const char *const *objs, const char *const *plats, size_t n)
{
	struct descriptor top;

	ck_assert_msg(image_build_into(NULL, root, objs, plats, n, NULL, 0, &top) == 0, "%s",
		      bpfman_errmsg(NULL));
	return top;
}

START_TEST(single_platform_read_by_skopeo)
{
	const char *objs[] = { OBJ("xdp_counter") };
	struct bpfman_kv extra[] = { { "org.opencontainers.image.source", "https://example.com/x" } };
	struct descriptor top;
	struct manifest m;
	struct image_config cfg;
	void *buf, *elf, *orig;
	size_t len, elf_len, orig_len;
	char *out, *cmd;

	ck_assert_int_eq(image_build_into(NULL, root, objs, NULL, 1, extra, 1, &top), 0);
	ck_assert_str_eq(top.media_type, MT_OCI_MANIFEST);
	ck_assert_ptr_null(top.platform);
	ck_assert_int_eq(store_tag(NULL, root, "latest", &top), 0);

	/* our own readers */
	ck_assert_int_eq(store_read_blob(NULL, root, top.digest, MANIFEST_MAX_SIZE, &buf, &len), 0);
	ck_assert_int_eq(manifest_parse(NULL, MT_OCI_MANIFEST, buf, len, &m), 0);
	free(buf);
	ck_assert_uint_eq(m.layers_cnt, 1);
	ck_assert_int_eq(store_read_blob(NULL, root, m.config.digest, IMAGE_CONFIG_MAX_SIZE, &buf, &len), 0);
	ck_assert_int_eq(image_config_parse(NULL, buf, len, &cfg), 0);
	free(buf);
	ck_assert_uint_eq(cfg.programs_cnt, 4);
	ck_assert_str_eq(image_config_label(&cfg, "org.opencontainers.image.source"), "https://example.com/x");
	ck_assert_str_eq(cfg.os, "linux");
	image_config_clear(&cfg);
	buf = store_blob_path(root, m.layers[0].digest);
	ck_assert_int_eq(layer_read_elf_file(NULL, buf, "xdp_counter.bpf.o", &elf, &elf_len), 0);
	free(buf);
	orig = slurp(objs[0], &orig_len);
	ck_assert_uint_eq(elf_len, orig_len);
	ck_assert(memcmp(elf, orig, orig_len) == 0);
	free(elf);
	free(orig);

	/* skopeo, which we did not write */
	cmd = str_printf("skopeo inspect oci:%s:latest", root);
	out = run(cmd);
	ck_assert_msg(strstr(out, "\"io.ebpf.programs\": \"{\\\"xdp_action\\\":\\\"xdp\\\""), "%s", out);
	ck_assert_msg(strstr(out, "\"io.ebpf.maps\": \"{\\\"counter\\\":\\\"array\\\"}\""), "%s", out);
	ck_assert(strstr(out, "\"Os\": \"linux\""));
	ck_assert(strstr(out, top.digest));
	ck_assert_msg(strstr(out, m.layers[0].digest), "%s", out);
	ck_assert(strstr(out, "\"Architecture\": \"amd64\"") || strcmp(host_platform(), "linux/amd64"));
	manifest_clear(&m);
	free(out);
	free(cmd);
	/* skopeo copies the layout (checking every blob) into a new one, which
	 * our store then reads, retags and untags */
	{
		char *policy = str_printf("%s/policy.json", root), *copy = str_printf("%s/copy", root);
		FILE *f = fopen(policy, "w");
		struct descriptor got;

		fputs("{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}", f);
		fclose(f);
		cmd = str_printf("skopeo --policy %s copy -q oci:%s:latest oci:%s:x 2>&1", policy, root, copy);
		free(run(cmd));
		free(cmd);
		ck_assert_int_eq(store_resolve(NULL, copy, "x", &got), 0);
		ck_assert_str_eq(got.digest, top.digest);
		ck_assert_int_eq(store_tag(NULL, copy, "y", &got), 0);
		ck_assert_int_eq(store_untag(NULL, copy, "x"), 0);
		descriptor_clear(&got);
		ck_assert_int_eq(store_resolve(NULL, copy, "y", &got), 0);
		descriptor_clear(&got);
		free(policy);
		free(copy);
	}
	/* the cache names entries by full reference; skopeo finds those too */
	ck_assert_int_eq(store_tag(NULL, root, "127.0.0.1:5000/bpfman/xdp_pass:v1", &top), 0);
	cmd = str_printf("skopeo inspect oci:%s:127.0.0.1:5000/bpfman/xdp_pass:v1", root);
	out = run(cmd);
	ck_assert(strstr(out, top.digest));
	free(out);
	free(cmd);
	descriptor_clear(&top);
}
END_TEST

START_TEST(index_read_by_skopeo)
{
	const char *objs[] = { OBJ("xdp_counter"), OBJ("tracepoint_counter"), OBJ("xdp_counter") };
	const char *plats[] = { "linux/amd64", "linux/arm64/v8", "linux/arm/v7" };
	struct descriptor top = build(objs, plats, 3), again;
	char *out, *cmd;
	char other[128];

	ck_assert_str_eq(top.media_type, MT_OCI_INDEX);
	ck_assert_int_eq(store_tag(NULL, root, "multi", &top), 0);
	cmd = str_printf("skopeo inspect --raw oci:%s:multi", root);
	out = run(cmd);
	ck_assert(strstr(out, "\"architecture\":\"arm64\""));
	ck_assert(strstr(out, "\"variant\":\"v7\""));
	free(out);
	free(cmd);
	/* skopeo picks the arm64 entry: the tracepoint object */
	cmd = str_printf("skopeo inspect --override-os linux --override-arch arm64 oci:%s:multi", root);
	out = run(cmd);
	ck_assert_msg(strstr(out, "\"Architecture\": \"arm64\""), "%s", out);
	ck_assert_msg(strstr(out, "count_getpid"), "%s", out);
	free(out);
	free(cmd);

	/* the same objects give the same digests, in another layout too */
	snprintf(other, sizeof(other), "%s/other", root);
	ck_assert_int_eq(image_build_into(NULL, other, objs, plats, 3, NULL, 0, &again), 0);
	ck_assert_str_eq(again.digest, top.digest);
	descriptor_clear(&again);
	descriptor_clear(&top);
}
END_TEST

static void resolve(const char *obj, const char *labels, int want_err, const char *needle,
		    enum bpfman_program_type want)
{
	char *body = str_printf("{\"config\":{\"Labels\":{\"io.ebpf.programs\":\"%s\"}}}", labels);
	struct image_config c;
	size_t len;
	void *elf = slurp(obj, &len);

	ck_assert_int_eq(image_config_parse(NULL, body, strlen(body), &c), 0);
	ck_assert_int_eq(elf_resolve_types(NULL, &c, elf, len), want_err);
	if (needle)
		ck_assert_msg(strstr(bpfman_errmsg(NULL), needle), "'%s' not in '%s'", needle,
			      bpfman_errmsg(NULL));
	if (!want_err)
		ck_assert_int_eq(c.programs[0].type, want);
	image_config_clear(&c);
	free(elf);
	free(body);
}

START_TEST(rust_types_settled_by_section)
{
	resolve(OBJ("kprobe_counter"), "{\\\"kretprobe_count\\\":\\\"probe\\\"}", 0, NULL, BPFMAN_PROG_TYPE_KPROBE);
	resolve(OBJ("uprobe_counter"), "{\\\"uprobe_count\\\":\\\"probe\\\"}", 0, NULL, BPFMAN_PROG_TYPE_UPROBE);
	resolve(OBJ("fentry_counter"), "{\\\"fexit_count\\\":\\\"tracing\\\"}", 0, NULL, BPFMAN_PROG_TYPE_FEXIT);
	resolve(OBJ("tc_counter"), "{\\\"tc_count\\\":\\\"tcx\\\"}", 0, NULL, BPFMAN_PROG_TYPE_TCX);
	resolve(OBJ("xdp_counter"), "{\\\"xdp_pass\\\":\\\"probe\\\"}", -EINVAL,
		"labels say program xdp_pass is probe, but its section \"xdp\" is xdp", 0);
	resolve(OBJ("xdp_counter"), "{\\\"nope\\\":\\\"xdp\\\"}", -ENOENT,
		"labels name program nope, which its bytecode does not contain", 0);
}
END_TEST

START_TEST(refusals)
{
	const char *xdp[] = { OBJ("xdp_counter") };
	const char *two[] = { OBJ("xdp_counter"), OBJ("xdp_counter") };
	const char *dup[] = { "linux/amd64", "linux/amd64" };
	const char *bad_plat[] = { "linux" };
	const char *be[] = { "linux/s390x" };
	const char *missing[] = { "/nonexistent/x.o" };
	const char *not_elf[] = { "/etc/hostname" };
	struct bpfman_kv ebpf[] = { { "io.ebpf.programs", "{}" } };
	struct descriptor top;

	ck_assert_int_eq(image_build_into(NULL, root, xdp, NULL, 0, NULL, 0, &top), -EINVAL);
	ck_assert(strstr(bpfman_errmsg(NULL), "at least one bytecode object"));
	ck_assert_int_eq(image_build_into(NULL, root, two, NULL, 2, NULL, 0, &top), -EINVAL);
	ck_assert(strstr(bpfman_errmsg(NULL), "without platforms"));
	ck_assert_int_eq(image_build_into(NULL, root, two, dup, 2, NULL, 0, &top), -EINVAL);
	ck_assert(strstr(bpfman_errmsg(NULL), "platform linux/amd64 is given twice"));
	ck_assert_int_eq(image_build_into(NULL, root, xdp, bad_plat, 1, NULL, 0, &top), -EINVAL);
	ck_assert(strstr(bpfman_errmsg(NULL), "is not os/arch"));
	ck_assert_int_eq(image_build_into(NULL, root, xdp, be, 1, NULL, 0, &top), -EINVAL);
	ck_assert(strstr(bpfman_errmsg(NULL), "little-endian object but linux/s390x is big-endian"));
	ck_assert_int_eq(image_build_into(NULL, root, missing, NULL, 1, NULL, 0, &top), -ENOENT);
	ck_assert(strstr(bpfman_errmsg(NULL), "/nonexistent/x.o"));
	ck_assert_int_eq(image_build_into(NULL, root, not_elf, NULL, 1, NULL, 0, &top), -ENOEXEC);
	ck_assert(strstr(bpfman_errmsg(NULL), "not an ELF file"));
	ck_assert_int_eq(image_build_into(NULL, root, xdp, NULL, 1, ebpf, 1, &top), -EINVAL);
	ck_assert(strstr(bpfman_errmsg(NULL), "derived from the object"));
	ck_assert_ptr_null(top.digest);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("image-build");
	TCase *tc = tcase_create("build");
	SRunner *sr;
	int failed;

	if (system("skopeo --version >/dev/null 2>&1") != 0) {
		fprintf(stderr, "*** FAIL: skopeo is not installed; scripts/install-deps.sh installs it. ***\n");
		return 1;
	}
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, labels_from_elf);
	tcase_add_test(tc, single_platform_read_by_skopeo);
	tcase_add_test(tc, index_read_by_skopeo);
	tcase_add_test(tc, rust_types_settled_by_section);
	tcase_add_test(tc, refusals);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
