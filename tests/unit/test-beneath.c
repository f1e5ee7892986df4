// SPDX-License-Identifier: Apache-2.0
/* util/beneath.c: reaching and removing entries beneath a directory never
 * follows a symbolic link and never climbs out, through openat2() and
 * through the component walk used where openat2 is missing. Crossing a
 * mount needs root and is tested in tests/cli/test-safety.sh. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/beneath.h"
#include "util/fsutil.h"

static char base[] = "/tmp/bpfman-beneath-XXXXXX";
static char root[600], victim[600];

static void put(const char *dir, const char *name)
{
	char p[1200];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs("precious\n", f);
	fclose(f);
}

static bool exists(const char *dir, const char *name)
{
	char p[1200];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return lstat(p, &st) == 0;
}

/* root/{a/b/file, link-dir -> victim, link-file -> victim/v, tree/{x, in -> victim}}
 * victim/{v, sub/w} */
static void setup(void)
{
	char p[1200];

	strcpy(base, "/tmp/bpfman-beneath-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
	snprintf(root, sizeof(root), "%s/root", base);
	snprintf(victim, sizeof(victim), "%s/victim", base);
	snprintf(p, sizeof(p), "%s/a/b", root);
	ck_assert_int_eq(mkdir_p(p, 0700), 0);
	put(p, "file");
	snprintf(p, sizeof(p), "%s/sub", victim);
	ck_assert_int_eq(mkdir_p(p, 0700), 0);
	put(victim, "v");
	put(p, "w");
	snprintf(p, sizeof(p), "%s/link-dir", root);
	ck_assert_int_eq(symlink(victim, p), 0);
	snprintf(p, sizeof(p), "%s/link-file", root);
	ck_assert_int_eq(symlink("../victim/v", p), 0);
	snprintf(p, sizeof(p), "%s/tree", root);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	put(p, "x");
	snprintf(p, sizeof(p), "%s/tree/in", root);
	ck_assert_int_eq(symlink(victim, p), 0);
}

static void teardown(void)
{
	rm_rf(base);
}

typedef int (*open_fn)(int, const char *, int);

static void check_open(open_fn fn)
{
	int rfd = beneath_root_open(root), fd;

	ck_assert_int_ge(rfd, 0);
	fd = fn(rfd, "a/b/file", O_RDONLY);
	ck_assert_int_ge(fd, 0);
	close(fd);
	fd = fn(rfd, "a//b/./file", O_RDONLY);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(fn(rfd, "link-dir/v", O_RDONLY), -ELOOP);
	ck_assert_int_eq(fn(rfd, "link-file", O_RDONLY), -ELOOP);
	ck_assert_int_eq(fn(rfd, "link-file", O_PATH), -ELOOP);
	ck_assert_int_eq(fn(rfd, "link-dir", O_PATH | O_DIRECTORY), -ELOOP);
	ck_assert_int_eq(fn(rfd, "../victim/v", O_RDONLY), -EXDEV);
	ck_assert_int_eq(fn(rfd, "a/../../victim/v", O_RDONLY), -EXDEV);
	ck_assert_int_eq(fn(rfd, victim, O_RDONLY), -EXDEV);
	ck_assert_int_eq(fn(rfd, "a/missing", O_RDONLY), -ENOENT);
	close(rfd);
}

START_TEST(open_with_openat2)
{
	check_open(beneath_open);
}
END_TEST

START_TEST(open_with_the_walk)
{
	check_open(beneath_open_walk);
}
END_TEST

START_TEST(root_may_not_be_a_link)
{
	char p[1200];

	snprintf(p, sizeof(p), "%s/link-dir", root);
	ck_assert_int_eq(beneath_root_open(p), -ELOOP);
}
END_TEST

START_TEST(remove_refuses_a_link_and_keeps_its_target)
{
	int rfd = beneath_root_open(root);

	ck_assert_int_eq(beneath_remove_at(rfd, "link-dir", true), -ELOOP);
	ck_assert_int_eq(beneath_remove_at(rfd, "link-file", false), -ELOOP);
	ck_assert_int_eq(beneath_check_at(rfd, "link-dir", true), -ELOOP);
	ck_assert(exists(root, "link-dir") && exists(victim, "v") && exists(victim, "sub/w"));
	ck_assert_int_eq(beneath_remove_at(rfd, "..", true), -EINVAL);
	ck_assert_int_eq(beneath_remove_at(rfd, "a/b", true), -EINVAL);
	close(rfd);
}
END_TEST

START_TEST(remove_tree_removes_links_inside_not_their_targets)
{
	int rfd = beneath_root_open(root);

	ck_assert_int_eq(beneath_check_at(rfd, "tree", true), 0);
	ck_assert(exists(root, "tree/x"));
	ck_assert_int_eq(beneath_remove_at(rfd, "tree", false), -EISDIR);
	ck_assert_int_eq(beneath_remove_at(rfd, "tree", true), 0);
	ck_assert(!exists(root, "tree"));
	ck_assert(exists(victim, "v") && exists(victim, "sub/w"));
	ck_assert_int_eq(beneath_remove_at(rfd, "tree", true), 0); /* missing: fine */
	ck_assert_int_eq(beneath_remove_at(rfd, "a", true), 0);
	ck_assert(!exists(root, "a"));
	close(rfd);
}
END_TEST

START_TEST(mkdir_p_makes_parents_and_accepts_what_exists)
{
	char p[1200];
	struct stat st;

	/* Three missing levels, then the same path again (already there). */
	snprintf(p, sizeof(p), "%s/new/deeper/deepest", root);
	ck_assert_int_eq(mkdir_p(p, 0700), 0);
	ck_assert(stat(p, &st) == 0 && S_ISDIR(st.st_mode));
	ck_assert_int_eq(mkdir_p(p, 0700), 0);
	/* Under a regular file: refused, nothing made. */
	snprintf(p, sizeof(p), "%s/a/b/file/sub", root);
	ck_assert_int_eq(mkdir_p(p, 0700), -ENOTDIR);
	snprintf(p, sizeof(p), "%s/a/b/file/sub/more", root);
	ck_assert_int_eq(mkdir_p(p, 0700), -ENOTDIR);
	ck_assert_int_eq(mkdir_p("", 0700), -ENAMETOOLONG);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("beneath");
	TCase *tc = tcase_create("beneath");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, open_with_openat2);
	tcase_add_test(tc, open_with_the_walk);
	tcase_add_test(tc, root_may_not_be_a_link);
	tcase_add_test(tc, remove_refuses_a_link_and_keeps_its_target);
	tcase_add_test(tc, remove_tree_removes_links_inside_not_their_targets);
	tcase_add_test(tc, mkdir_p_makes_parents_and_accepts_what_exists);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
