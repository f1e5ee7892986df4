// SPDX-License-Identifier: Apache-2.0
#include "invariants.h"

#include <bpf/bpf.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool pin_is_live(const char *path)
{
	int fd = bpf_obj_get(path);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static size_t dir_entries(const char *dir, const char *prefix, char names[][64], size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || (prefix && strncmp(de->d_name, prefix, strlen(prefix))))
			continue;
		if (n < max)
			snprintf(names[n], 64, "%.63s", de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

size_t assert_consistent(struct harness *h)
{
	struct bpfman_program **progs = NULL;
	struct bpfman_link **links = NULL;
	size_t np = 0, nl = 0, n;
	static char names[4096][64];
	char dir[512];

	ck_assert_int_eq(bpfman_program__list(&progs, &np, h->ctx, NULL), 0);
	ck_assert_int_eq(bpfman_link__list(&links, &nl, h->ctx, NULL), 0);
	for (size_t i = 0; i < np; i++) {
		ck_assert_msg(pin_is_live(bpfman_program__pin_path(progs[i])),
			      "program %u recorded but %s is not a live pin",
			      bpfman_program__id(progs[i]), bpfman_program__pin_path(progs[i]));
		ck_assert(bpfman_program__kernel_loaded(progs[i]));
	}
	for (size_t i = 0; i < nl; i++)
		ck_assert_msg(pin_is_live(bpfman_link__pin_path(links[i])),
			      "link %llu recorded but its pin is not live",
			      (unsigned long long)bpfman_link__id(links[i]));

	n = dir_entries(h->bpffs_root, "prog_", names, 4096);
	ck_assert_uint_eq(n, np);
	for (size_t i = 0; i < n; i++) {
		bool found = false;

		for (size_t j = 0; j < np && !found; j++)
			found = !strcmp(strrchr(bpfman_program__pin_path(progs[j]), '/') + 1, names[i]);
		ck_assert_msg(found, "pin %s has no record", names[i]);
	}
	snprintf(dir, sizeof(dir), "%s/links", h->bpffs_root);
	ck_assert_uint_eq(dir_entries(dir, NULL, names, 4096), nl);
	snprintf(dir, sizeof(dir), "%s/staging", h->bpffs_root);
	ck_assert_uint_eq(dir_entries(dir, NULL, names, 4096), 0);
	snprintf(dir, sizeof(dir), "%s/maps", h->bpffs_root);
	n = dir_entries(dir, NULL, names, 4096);
	for (size_t i = 0; i < n; i++) {
		bool used = false;
		char full[600];

		snprintf(full, sizeof(full), "%s/%s", dir, names[i]);
		for (size_t j = 0; j < np && !used; j++)
			used = !strcmp(bpfman_program__map_pin_dir(progs[j]), full);
		ck_assert_msg(used, "map dir %s has no program", full);
	}
	bpfman_program_list__free(progs, np);
	bpfman_link_list__free(links, nl);
	return np;
}

void unload_all(struct harness *h)
{
	struct bpfman_program **progs = NULL;
	size_t np = 0;
	struct bpfman_unload_opts force;

	bpfman_unload_opts_init(&force, sizeof(force));
	force.force = true;
	ck_assert_int_eq(bpfman_program__list(&progs, &np, h->ctx, NULL), 0);
	for (size_t i = 0; i < np; i++)
		ck_assert_msg(bpfman_program__unload(h->ctx, bpfman_program__id(progs[i]), &force) == 0,
			      "unload %u: %s", bpfman_program__id(progs[i]), bpfman_errmsg(h->ctx));
	bpfman_program_list__free(progs, np);
}
