// SPDX-License-Identifier: Apache-2.0
/* The public image API (bpfman/image.h) called directly, against a real
 * docker-registry on 127.0.0.1 (tests/registry/registry-start): defaults,
 * accessors, load from labels, the recorded image on programs, options
 * checking, remove/prune, build into a layout and push. The CLI tests
 * (test-image-*.sh) cover the same paths end to end. */
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static char reg_dir[300], reg_host[64], work[200], digest[80], ref[160];
static char cache_dir[300], config_path[300];

static void run(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0) {
		fprintf(stderr, "FAIL: '%s' exited %d\n", cmd, rc);
		exit(EXIT_FAILURE);
	}
}

static void read_line(const char *cmd, char *buf, size_t size)
{
	FILE *p = popen(cmd, "r");

	if (!p || !fgets(buf, (int)size, p)) {
		fprintf(stderr, "FAIL: no output from '%s'\n", cmd);
		exit(EXIT_FAILURE);
	}
	buf[strcspn(buf, "\n")] = '\0';
	pclose(p);
}

static const char *host_arch(void)
{
	static struct utsname u;

	uname(&u);
	return !strcmp(u.machine, "x86_64") ? "amd64" : !strcmp(u.machine, "aarch64") ? "arm64"
										    : u.machine;
}

/* A harness whose context also has its own image cache and a config that
 * names the test registry insecure (plain HTTP). */
static void open_image_harness(struct harness *h)
{
	static int n;

	harness_open(h);
	bpfman_ctx_free(h->ctx);
	snprintf(cache_dir, sizeof(cache_dir), "%s/cache-%d-%d", work, getpid(), n++);
	BPFMAN_OPTS(bpfman_ctx_opts, opts, .state_dir = h->state_dir, .bpffs_root = h->bpffs_root,
		    .runtime_dir = h->state_dir, .image_cache_dir = cache_dir,
		    .config_path = config_path);
	ck_assert_int_eq(bpfman_ctx_new(&h->ctx, &opts), 0);
}

START_TEST(policy_names)
{
	ck_assert_str_eq(bpfman_pull_policy_name(BPFMAN_PULL_ALWAYS), "Always");
	ck_assert_str_eq(bpfman_pull_policy_name(BPFMAN_PULL_IF_NOT_PRESENT), "IfNotPresent");
	ck_assert_str_eq(bpfman_pull_policy_name(BPFMAN_PULL_NEVER), "Never");
	ck_assert_ptr_null(bpfman_pull_policy_name((enum bpfman_pull_policy)7));
	ck_assert_int_eq(bpfman_pull_policy_from_name("ifnotpresent"), BPFMAN_PULL_IF_NOT_PRESENT);
	ck_assert_int_eq(bpfman_pull_policy_from_name("NEVER"), BPFMAN_PULL_NEVER);
	ck_assert_int_eq(bpfman_pull_policy_from_name("sometimes"), -1);
	ck_assert_int_eq(bpfman_pull_policy_from_name(NULL), -1);
}
END_TEST

START_TEST(pull_defaults_and_accessors)
{
	struct harness h;
	struct bpfman_image *img = NULL, *again = NULL, **all = NULL;
	char platform[96];
	size_t cnt = 0;
	bool programs_label = false;

	open_image_harness(&h);
	/* opts NULL: policy Always, this host's platform, no credentials. */
	ck_assert_msg(bpfman_image__pull(&img, h.ctx, ref, NULL) == 0, "%s", bpfman_errmsg(h.ctx));
	ck_assert_str_eq(bpfman_image__reference(img), ref);
	ck_assert_str_eq(bpfman_image__digest(img), digest);
	ck_assert_ptr_null(bpfman_image__index_digest(img));
	snprintf(platform, sizeof(platform), "linux/%s", host_arch());
	ck_assert_str_eq(bpfman_image__platform(img), platform);
	ck_assert_uint_gt(bpfman_image__size(img), 1000);
	for (size_t i = 0; i < bpfman_image__label_cnt(img); i++)
		if (!strcmp(bpfman_image__label_key(img, i), "io.ebpf.programs"))
			programs_label = !strcmp(bpfman_image__label_value(img, i),
						 "{\"count_getpid\":\"tracepoint\"}");
	ck_assert(programs_label);
	ck_assert_ptr_null(bpfman_image__label_key(img, 99));
	ck_assert_uint_eq(bpfman_image__program_cnt(img), 1);
	ck_assert_str_eq(bpfman_image__program_name(img, 0), "count_getpid");
	ck_assert_int_eq(bpfman_image__program_type(img, 0), BPFMAN_PROG_TYPE_TRACEPOINT);
	ck_assert_int_eq(bpfman_image__program_type(img, 1), BPFMAN_PROG_TYPE_UNSPEC);
	ck_assert_uint_eq(bpfman_image__map_cnt(img), 1);
	ck_assert_str_eq(bpfman_image__map_name(img, 0), "counter");
	ck_assert_str_eq(bpfman_image__map_type(img, 0), "array");

	ck_assert_int_eq(bpfman_image__get(&again, h.ctx, ref), 0);
	ck_assert_str_eq(bpfman_image__digest(again), digest);
	ck_assert_int_eq(bpfman_image__list(&all, &cnt, h.ctx), 0);
	ck_assert_uint_eq(cnt, 1);
	ck_assert_str_eq(bpfman_image__reference(all[0]), ref);
	bpfman_image_list__free(all, cnt);
	bpfman_image__free(again);
	bpfman_image__free(img);
	bpfman_image__free(NULL);
	harness_close(&h);
}
END_TEST

START_TEST(load_from_labels_records_image)
{
	struct harness h;
	struct bpfman_program **progs = NULL, *p = NULL;
	size_t cnt = 0;
	uint32_t id, file_id;

	open_image_harness(&h);
	/* Both opts NULL: the labels' programs, policy Always. */
	ck_assert_msg(bpfman_program__load_image(&progs, &cnt, h.ctx, ref, NULL, NULL) == 0, "%s",
		      bpfman_errmsg(h.ctx));
	ck_assert_uint_eq(cnt, 1);
	id = bpfman_program__id(progs[0]);
	ck_assert_str_eq(bpfman_program__name(progs[0]), "count_getpid");
	ck_assert_str_eq(bpfman_program__image(progs[0]), ref);
	ck_assert_str_eq(bpfman_program__image_digest(progs[0]), digest);
	bpfman_program_list__free(progs, cnt);
	/* What was recorded, read back through a new context. */
	harness_reopen(&h);
	ck_assert_int_eq(bpfman_program__get(&p, h.ctx, id), 0);
	ck_assert_str_eq(bpfman_program__image(p), ref);
	ck_assert_str_eq(bpfman_program__image_digest(p), digest);
	bpfman_program__free(p);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);

	file_id = load_one(&h, "tracepoint_counter", "tracepoint:count_getpid");
	ck_assert_int_eq(bpfman_program__get(&p, h.ctx, file_id), 0);
	ck_assert_ptr_null(bpfman_program__image(p));
	ck_assert_ptr_null(bpfman_program__image_digest(p));
	bpfman_program__free(p);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, file_id, NULL), 0);
	harness_close(&h);
}
END_TEST

START_TEST(options_are_checked)
{
	struct harness h;
	struct bpfman_image *img = NULL;
	struct bpfman_program **progs = NULL;
	size_t cnt = 0;
	struct {
		struct bpfman_pull_opts o;
		char tail[8];
	} bigger;

	open_image_harness(&h);
	BPFMAN_OPTS(bpfman_registry_opts, half, .username = "tester");
	BPFMAN_OPTS(bpfman_pull_opts, opts, .registry = &half);
	ck_assert_int_eq(bpfman_image__pull(&img, h.ctx, ref, &opts), -EINVAL);
	ck_assert(strstr(bpfman_errmsg(h.ctx), "password"));
	/* A newer caller's struct with unknown non-zero bytes is refused. */
	memset(&bigger, 0, sizeof(bigger));
	bigger.o.sz = sizeof(bigger);
	bigger.tail[3] = 1;
	ck_assert_int_eq(bpfman_image__pull(&img, h.ctx, ref, &bigger.o), -EINVAL);
	ck_assert_int_eq(bpfman_image__pull(NULL, h.ctx, ref, NULL), -EINVAL);
	ck_assert_int_eq(bpfman_image__pull(&img, h.ctx, "", NULL), -EINVAL);
	ck_assert(strstr(bpfman_errmsg(h.ctx), "reference"));
	ck_assert_int_eq(bpfman_program__load_image(&progs, &cnt, h.ctx, "", NULL, NULL), -EINVAL);
	ck_assert_int_eq(bpfman_image__get(&img, h.ctx, ref), -ENOENT);
	ck_assert(strstr(bpfman_errmsg(h.ctx), "not in the cache"));
	harness_close(&h);
}
END_TEST

START_TEST(remove_then_prune)
{
	struct harness h;
	struct bpfman_image *img = NULL;
	size_t blobs = 0;
	uint64_t bytes = 0;

	open_image_harness(&h);
	ck_assert_int_eq(bpfman_image__pull(&img, h.ctx, ref, NULL), 0);
	bpfman_image__free(img);
	ck_assert_int_eq(bpfman_image__prune(h.ctx, &blobs, &bytes), 0);
	ck_assert_uint_eq(blobs, 0); /* everything is in use */
	ck_assert_int_eq(bpfman_image__remove(h.ctx, ref), 0);
	ck_assert_int_eq(bpfman_image__remove(h.ctx, ref), -ENOENT);
	ck_assert_int_eq(bpfman_image__get(&img, h.ctx, ref), -ENOENT);
	ck_assert_int_eq(bpfman_image__prune(h.ctx, &blobs, &bytes), 0);
	ck_assert_uint_ge(blobs, 3); /* manifest, config, layer */
	ck_assert_uint_gt(bytes, 1000);
	ck_assert_int_eq(bpfman_image__prune(h.ctx, NULL, NULL), 0);
	harness_close(&h);
}
END_TEST

START_TEST(build_into_layout_and_push)
{
	struct harness h;
	struct bpfman_image *img = NULL;
	char *built = NULL, *pushed = NULL, layout[300], target[200];
	const char *objects[] = { bpf_obj("tracepoint_counter") };

	open_image_harness(&h);
	snprintf(layout, sizeof(layout), "%s/layout-%d", work, getpid());
	snprintf(target, sizeof(target), "%s/api/built:v1", reg_host);
	BPFMAN_OPTS(bpfman_build_opts, none, .objects = objects, .objects_cnt = 1);
	ck_assert_int_eq(bpfman_image__build(&built, h.ctx, &none), -EINVAL);
	BPFMAN_OPTS(bpfman_build_opts, opts, .objects = objects, .objects_cnt = 1,
		    .layout_dir = layout);
	ck_assert_msg(bpfman_image__build(&built, h.ctx, &opts) == 0, "%s", bpfman_errmsg(h.ctx));
	ck_assert(!strncmp(built, "sha256:", 7) && strlen(built) == 71);
	opts.layout_dir = NULL;
	opts.push_reference = target;
	ck_assert_msg(bpfman_image__build(&pushed, h.ctx, &opts) == 0, "%s", bpfman_errmsg(h.ctx));
	ck_assert_str_eq(pushed, built); /* reproducible */
	ck_assert_int_eq(bpfman_image__pull(&img, h.ctx, target, NULL), 0);
	ck_assert_str_eq(bpfman_image__digest(img), built);
	bpfman_image__free(img);
	free(built);
	free(pushed);
	harness_close(&h);
}
END_TEST

static pid_t main_pid;

/* check forks a process per test; only the parent stops the registry. */
static void stop_registry(void)
{
	char cmd[600];

	if (getpid() != main_pid)
		return;
	snprintf(cmd, sizeof(cmd), "%s/registry-stop %s; rm -rf %s", REGISTRY_SCRIPTS, reg_dir,
		 work);
	if (system(cmd))
		fprintf(stderr, "warning: could not clean up %s\n", work);
}

int main(void)
{
	char cmd[1024];
	Suite *s = suite_create("image-api");
	TCase *tc = tcase_create("api");
	FILE *f;

	if (system("command -v docker-registry >/dev/null")) {
		skip_or_fail("docker-registry is missing (scripts/install-deps.sh installs it)");
		return EXIT_SKIP;
	}
	snprintf(work, sizeof(work), "/tmp/bpfman-image-api-XXXXXX");
	if (!mkdtemp(work))
		return EXIT_FAILURE;
	snprintf(reg_dir, sizeof(reg_dir), "%s/reg", work);
	main_pid = getpid();
	atexit(stop_registry);
	setenv("REGISTRY_TEST_PORTS", "5100-5199", 0);
	snprintf(cmd, sizeof(cmd), "%s/registry-start plain %s >/dev/null", REGISTRY_SCRIPTS,
		 reg_dir);
	run(cmd);
	snprintf(cmd, sizeof(cmd), ". %s/env && echo $REG_HOST", reg_dir);
	read_line(cmd, reg_host, sizeof(reg_host));
	/* The image as bpfman's Containerfile.bytecode lays it out, pushed by
	 * hand over the distribution API (mkimage.py --push). The labels are
	 * the ones image build derives from this object. */
	snprintf(cmd, sizeof(cmd), "python3 %s %s/src --elf %s --push %s/api/counter", MKIMAGE,
		 work, bpf_obj("tracepoint_counter"), reg_host);
	read_line(cmd, digest, sizeof(digest));
	snprintf(ref, sizeof(ref), "%s/api/counter:latest", reg_host);
	snprintf(config_path, sizeof(config_path), "%s/bpfman.yaml", work);
	f = fopen(config_path, "w");
	if (!f)
		return EXIT_FAILURE;
	fprintf(f, "registries:\n  - location: \"%s\"\n    insecure: true\n", reg_host);
	fclose(f);

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, policy_names);
	tcase_add_test(tc, pull_defaults_and_accessors);
	tcase_add_test(tc, load_from_labels_records_image);
	tcase_add_test(tc, options_are_checked);
	tcase_add_test(tc, remove_then_prune);
	tcase_add_test(tc, build_into_layout_and_push);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
