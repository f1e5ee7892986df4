// SPDX-License-Identifier: Apache-2.0
/* The on-disk OCI layout: blobs checked before they become visible,
 * index.json entries, prune, and many processes at once. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "image/digest.h"
#include "image/store.h"
#include "util/fsutil.h"

static char root[64];

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/test-image-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void teardown(void)
{
	rm_rf(root);
}

static size_t count_files(const char *rel)
{
	char *p = str_printf("%s/%s", root, rel);
	char *cmd = str_printf("ls -A %s 2>/dev/null | wc -l", p);
	FILE *f = popen(cmd, "r");
	size_t n = 0;

	ck_assert(fscanf(f, "%zu", &n) == 1);
	pclose(f);
	free(cmd);
	free(p);
	return n;
}

static struct descriptor put(const char *mt, const char *text)
{
	struct descriptor d = { 0 };
	char digest[DIGEST_STR_SIZE];

	ck_assert_int_eq(store_put_blob(NULL, root, text, strlen(text), digest), 0);
	d.media_type = strdup(mt);
	d.digest = strdup(digest);
	d.size = strlen(text);
	return d;
}

START_TEST(layout_files)
{
	char *p;
	struct stat st;

	ck_assert_int_eq(store_init(NULL, root), 0);
	ck_assert_int_eq(store_init(NULL, root), 0);
	p = str_printf("%s/oci-layout", root);
	ck_assert_int_eq(stat(p, &st), 0);
	free(p);
	p = str_printf("%s/index.json", root);
	ck_assert_int_eq(stat(p, &st), 0);
	free(p);
	p = str_printf("%s/blobs/sha256", root);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	free(p);
}
END_TEST

START_TEST(blobs_checked)
{
	struct blob_writer *w;
	char digest[DIGEST_STR_SIZE], want[DIGEST_STR_SIZE];
	void *buf;
	size_t len;
	char *path;
	int fd;

	ck_assert_int_eq(store_init(NULL, root), 0);
	ck_assert_int_eq(store_put_blob(NULL, root, "hello", 5, digest), 0);
	digest_buf("hello", 5, want);
	ck_assert_str_eq(digest, want);
	ck_assert(store_has_blob(root, digest, 5));
	ck_assert(store_has_blob(root, digest, 0));
	ck_assert(!store_has_blob(root, digest, 6));
	ck_assert_int_eq(store_read_blob(NULL, root, digest, 100, &buf, &len), 0);
	ck_assert_uint_eq(len, 5);
	ck_assert(memcmp(buf, "hello", 5) == 0);
	free(buf);
	ck_assert_int_eq(store_read_blob(NULL, root, digest, 4, &buf, &len), -EMSGSIZE);
	ck_assert(strstr(bpfman_errmsg(NULL), "over the 4-byte limit"));

	/* a digest mismatch names both digests; nothing becomes visible */
	digest_buf("other", 5, want);
	ck_assert_int_eq(store_blob_begin(NULL, root, want, 5, &w), 0);
	ck_assert_int_eq(store_blob_write(NULL, w, "hellO", 5), 0);
	ck_assert_int_eq(store_blob_commit(NULL, w, digest), -EBADMSG);
	ck_assert(strstr(bpfman_errmsg(NULL), want));
	ck_assert(strstr(bpfman_errmsg(NULL), "does not match its digest"));
	ck_assert(!store_has_blob(root, want, 0));
	/* longer than the descriptor: refused at once */
	ck_assert_int_eq(store_blob_begin(NULL, root, want, 3, &w), 0);
	ck_assert_int_eq(store_blob_write(NULL, w, "other", 5), -EMSGSIZE);
	ck_assert(strstr(bpfman_errmsg(NULL), "larger than the 3 bytes"));
	store_blob_abort(w);
	/* shorter than the descriptor */
	ck_assert_int_eq(store_blob_begin(NULL, root, want, 9, &w), 0);
	ck_assert_int_eq(store_blob_write(NULL, w, "other", 5), 0);
	ck_assert_int_eq(store_blob_commit(NULL, w, NULL), -EBADMSG);
	ck_assert(strstr(bpfman_errmsg(NULL), "has 5 bytes, its descriptor says 9"));
	ck_assert_uint_eq(count_files("tmp"), 0);
	ck_assert_int_eq(store_blob_begin(NULL, root, "sha256:nothex", 9, &w), -EINVAL);

	/* a blob changed on disk is caught on read */
	digest_buf("hello", 5, digest);
	path = store_blob_path(root, digest);
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_eq(write(fd, "jello", 5), 5);
	close(fd);
	ck_assert_int_eq(store_read_blob(NULL, root, digest, 100, &buf, &len), -EBADMSG);
	ck_assert(strstr(bpfman_errmsg(NULL), "is corrupt"));
	free(path);
	ck_assert_ptr_null(store_blob_path(root, "md5:x"));
}
END_TEST

START_TEST(tags)
{
	struct descriptor a = put(MT_OCI_MANIFEST, "{\"a\":1}");
	struct descriptor b = put(MT_OCI_MANIFEST, "{\"b\":1}");
	struct descriptor got;
	struct store_entry *e;
	size_t n;

	ck_assert_int_eq(store_tag(NULL, root, "quay.io/x/y:latest", &a), 0);
	ck_assert_int_eq(store_tag(NULL, root, "quay.io/x/z:v1", &b), 0);
	ck_assert_int_eq(store_resolve(NULL, root, "quay.io/x/y:latest", &got), 0);
	ck_assert_str_eq(got.digest, a.digest);
	ck_assert_str_eq(descriptor_annotation(&got, "org.opencontainers.image.ref.name"), "quay.io/x/y:latest");
	descriptor_clear(&got);
	/* re-tagging moves the name */
	ck_assert_int_eq(store_tag(NULL, root, "quay.io/x/y:latest", &b), 0);
	ck_assert_int_eq(store_resolve(NULL, root, "quay.io/x/y:latest", &got), 0);
	ck_assert_str_eq(got.digest, b.digest);
	ck_assert_uint_eq(got.annotations_cnt, 1);
	descriptor_clear(&got);
	ck_assert_int_eq(store_list(NULL, root, &e, &n), 0);
	ck_assert_uint_eq(n, 2);
	store_entries_free(e, n);
	ck_assert_int_eq(store_untag(NULL, root, "quay.io/x/y:latest"), 0);
	ck_assert_int_eq(store_untag(NULL, root, "quay.io/x/y:latest"), -ENOENT);
	ck_assert(strstr(bpfman_errmsg(NULL), "quay.io/x/y:latest is not in the image layout"));
	ck_assert_int_eq(store_resolve(NULL, root, "quay.io/x/y:latest", &got), -ENOENT);
	ck_assert_int_eq(store_tag(NULL, root, "bad name", &a), -EINVAL);
	ck_assert(strstr(bpfman_errmsg(NULL), "space"));
	descriptor_clear(&a);
	descriptor_clear(&b);
}
END_TEST

START_TEST(prune_keeps_what_is_reachable)
{
	struct descriptor cfg = put(MT_OCI_CONFIG, "{\"config\":1}");
	struct descriptor layer = put(MT_OCI_LAYER_GZIP, "layer-bytes");
	struct descriptor junk = put(MT_OCI_LAYER_GZIP, "unreferenced");
	struct descriptor man, idx, other_layer, other_man;
	char *text, *p;
	size_t blobs;
	uint64_t bytes;
	FILE *f;

	text = str_printf("{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%llu},"
			  "\"layers\":[{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%llu}]}",
			  MT_OCI_MANIFEST, MT_OCI_CONFIG, cfg.digest, (unsigned long long)cfg.size,
			  MT_OCI_LAYER_GZIP, layer.digest, (unsigned long long)layer.size);
	man = put(MT_OCI_MANIFEST, text);
	free(text);
	/* an index naming the manifest and a platform never pulled */
	text = str_printf("{\"schemaVersion\":2,\"mediaType\":\"%s\",\"manifests\":[{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%llu,"
			  "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},{\"mediaType\":\"%s\",\"digest\":\"sha256:%064d\",\"size\":3}]}",
			  MT_OCI_INDEX, MT_OCI_MANIFEST, man.digest, (unsigned long long)man.size,
			  MT_OCI_MANIFEST, 7);
	idx = put(MT_OCI_INDEX, text);
	free(text);
	other_layer = put(MT_OCI_LAYER_GZIP, "other-layer");
	text = str_printf("{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%llu},"
			  "\"layers\":[{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%llu}]}",
			  MT_OCI_MANIFEST, MT_OCI_CONFIG, cfg.digest, (unsigned long long)cfg.size,
			  MT_OCI_LAYER_GZIP, other_layer.digest, (unsigned long long)other_layer.size);
	other_man = put(MT_OCI_MANIFEST, text);
	free(text);
	ck_assert_int_eq(store_tag(NULL, root, "r/idx:1", &idx), 0);
	ck_assert_int_eq(store_tag(NULL, root, "r/other:1", &other_man), 0);
	/* extracted ELFs of a live and a dead layer, and a killed writer's file */
	p = str_printf("%s/bytecode", root);
	mkdir_p(p, 0755);
	free(p);
	p = str_printf("%s/bytecode/%s.o", root, digest_hex(layer.digest));
	f = fopen(p, "w");
	fputs("elf", f);
	fclose(f);
	free(p);
	p = str_printf("%s/bytecode/%s.o", root, digest_hex(junk.digest));
	f = fopen(p, "w");
	fputs("elf!", f);
	fclose(f);
	free(p);
	p = str_printf("%s/tmp/blob-leftover", root);
	f = fopen(p, "w");
	fclose(f);
	free(p);

	ck_assert_int_eq(store_prune(NULL, root, &blobs, &bytes), 0);
	ck_assert_uint_eq(blobs, 1);
	ck_assert_uint_eq(bytes, strlen("unreferenced") + 4);
	ck_assert(!store_has_blob(root, junk.digest, 0));
	ck_assert(store_has_blob(root, idx.digest, 0) && store_has_blob(root, man.digest, 0) &&
		  store_has_blob(root, cfg.digest, 0) && store_has_blob(root, layer.digest, 0));
	ck_assert_uint_eq(count_files("bytecode"), 1);
	ck_assert_uint_eq(count_files("tmp"), 0);

	/* untagging the index frees its manifest and layer, not the shared config */
	ck_assert_int_eq(store_untag(NULL, root, "r/idx:1"), 0);
	ck_assert_int_eq(store_prune(NULL, root, &blobs, NULL), 0);
	ck_assert_uint_eq(blobs, 3);
	ck_assert(store_has_blob(root, cfg.digest, 0) && store_has_blob(root, other_layer.digest, 0));
	ck_assert(!store_has_blob(root, layer.digest, 0));
	ck_assert_uint_eq(count_files("bytecode"), 0);

	/* an unreadable tagged manifest stops prune; nothing is deleted */
	p = store_blob_path(root, other_man.digest);
	f = fopen(p, "w");
	fputs("garbage", f);
	fclose(f);
	free(p);
	ck_assert_int_lt(store_prune(NULL, root, &blobs, NULL), 0);
	ck_assert(strstr(bpfman_errmsg(NULL), "cannot prune"));
	ck_assert(store_has_blob(root, cfg.digest, 0));
	descriptor_clear(&cfg);
	descriptor_clear(&layer);
	descriptor_clear(&junk);
	descriptor_clear(&man);
	descriptor_clear(&idx);
	descriptor_clear(&other_layer);
	descriptor_clear(&other_man);
}
END_TEST

/* Eight processes tag 25 names each: index.json loses none of them. */
START_TEST(concurrent_tags_lose_nothing)
{
	struct descriptor d = put(MT_OCI_MANIFEST, "{\"shared\":1}");
	struct store_entry *e;
	size_t n;
	int status;

	for (int p = 0; p < 8; p++) {
		if (fork() == 0) {
			for (int i = 0; i < 25; i++) {
				char name[64];
				char *text = str_printf("{\"p\":%d,\"i\":%d}", p, i);
				char digest[DIGEST_STR_SIZE];

				snprintf(name, sizeof(name), "r/p%d:%d", p, i);
				/* racing writers of one blob agree too */
				if (store_put_blob(NULL, root, "{\"same\":1}", 10, digest) ||
				    store_put_blob(NULL, root, text, strlen(text), digest) ||
				    store_tag(NULL, root, name, &d))
					_exit(1);
				free(text);
			}
			_exit(0);
		}
	}
	for (int p = 0; p < 8; p++) {
		ck_assert_int_gt(wait(&status), 0);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ck_assert_int_eq(store_list(NULL, root, &e, &n), 0);
	ck_assert_uint_eq(n, 200);
	store_entries_free(e, n);
	ck_assert_uint_eq(count_files("tmp"), 0);
	descriptor_clear(&d);
}
END_TEST

/* A pull holding the store has written a blob it has not tagged yet:
 * prune waits for it instead of deleting the blob. */
START_TEST(prune_waits_for_holders)
{
	int ready[2];
	pid_t pid;
	char digest[DIGEST_STR_SIZE], c;
	size_t blobs;
	int status;

	ck_assert_int_eq(store_init(NULL, root), 0);
	ck_assert_int_eq(pipe(ready), 0);
	pid = fork();
	if (pid == 0) {
		int hold = store_hold(NULL, root);
		struct descriptor d = { .media_type = (char *)MT_OCI_LAYER_GZIP, .size = 9 };

		if (hold < 0 || store_put_blob(NULL, root, "{\"new\":1}", 9, digest))
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		usleep(500 * 1000);
		d.digest = digest;
		if (store_tag(NULL, root, "r/new:1", &d))
			_exit(1);
		store_release(hold);
		_exit(0);
	}
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	ck_assert_int_eq(store_prune(NULL, root, &blobs, NULL), 0);
	ck_assert_uint_eq(blobs, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	digest_buf("{\"new\":1}", 9, digest);
	ck_assert(store_has_blob(root, digest, 9));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("image-store");
	TCase *tc = tcase_create("store");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, layout_files);
	tcase_add_test(tc, blobs_checked);
	tcase_add_test(tc, tags);
	tcase_add_test(tc, prune_keeps_what_is_reachable);
	tcase_add_test(tc, concurrent_tags_lose_nothing);
	tcase_add_test(tc, prune_waits_for_holders);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
