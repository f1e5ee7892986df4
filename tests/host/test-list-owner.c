// SPDX-License-Identifier: Apache-2.0
/* bpfman_list_opts.owner: programs of two owners and one without; a list
 * by owner returns exactly that owner's (programs and links), an unknown
 * owner none, "" the programs without one, NULL all of them. The other
 * owners' programs are not even looked up in the kernel: one whose pin was
 * moved away (so it reads as gone) is not noticed by a list of another
 * owner, and is by a list of all. */
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *SPEC = "tracepoint:count_getpid";
static const char *TP = "syscalls/sys_enter_getpid";
static const char *ALICE = "uid:4242";
static const char *APP = "cert:/CN=app.example/O=Example Org";

static uint32_t load_owned(struct harness *h, const char *owner)
{
	const char *specs[] = { SPEC };
	BPFMAN_OPTS(bpfman_load_opts, lo, .programs = specs, .programs_cnt = 1, .owner = owner);
	struct bpfman_program **progs = NULL;
	size_t n = 0;
	uint32_t id;
	int err = bpfman_program__load_file(&progs, &n, h->ctx, bpf_obj("tracepoint_counter"), &lo);

	ck_assert_msg(err == 0, "load owned by %s: %s", owner, bpfman_errmsg(h->ctx));
	ck_assert_uint_eq(n, 1);
	id = bpfman_program__id(progs[0]);
	bpfman_program_list__free(progs, n);
	return id;
}

static uint64_t attach_tp(struct harness *h, uint32_t id)
{
	BPFMAN_OPTS(bpfman_attach_opts, a, .tracepoint = TP);
	uint64_t link = 0;
	int err = bpfman_program__attach(&link, h->ctx, id, &a);

	ck_assert_msg(err == 0, "attach %u: %s", id, bpfman_errmsg(h->ctx));
	return link;
}

/* The IDs a program list by `owner` (with `all`) returns, into ids[];
 * returns how many. Asserts sorted output and the owners returned. */
static size_t list_ids(struct harness *h, const char *owner, bool all, uint32_t *ids, size_t max)
{
	BPFMAN_OPTS(bpfman_list_opts, lo, .owner = owner, .all = all);
	struct bpfman_program **progs = NULL;
	size_t n = 0;
	int err = bpfman_program__list(&progs, &n, h->ctx, &lo);

	ck_assert_msg(err == 0, "list owner %s: %s", owner ? owner : "(NULL)", bpfman_errmsg(h->ctx));
	ck_assert_uint_le(n, max);
	for (size_t i = 0; i < n; i++) {
		const char *o = bpfman_program__owner(progs[i]);

		ids[i] = bpfman_program__id(progs[i]);
		if (owner)
			ck_assert_msg(!strcmp(o ? o : "", owner), "program %u of owner '%s' in the list of '%s'",
				      ids[i], o ? o : "", owner);
	}
	bpfman_program_list__free(progs, n);
	return n;
}

static size_t list_link_ids(struct harness *h, const char *owner, uint64_t *ids, size_t max)
{
	BPFMAN_OPTS(bpfman_list_opts, lo, .owner = owner);
	struct bpfman_link **links = NULL;
	size_t n = 0;
	int err = bpfman_link__list(&links, &n, h->ctx, &lo);

	ck_assert_msg(err == 0, "list links owner %s: %s", owner ? owner : "(NULL)", bpfman_errmsg(h->ctx));
	ck_assert_uint_le(n, max);
	for (size_t i = 0; i < n; i++)
		ids[i] = bpfman_link__id(links[i]);
	bpfman_link_list__free(links, n);
	return n;
}

START_TEST(list_by_owner)
{
	struct harness h;
	uint32_t a1, a2, c, none, ids[64];
	uint64_t la1, la2, lc, lnone, lids[64];
	size_t n;

	harness_open(&h);
	a1 = load_owned(&h, ALICE);
	c = load_owned(&h, APP);
	a2 = load_owned(&h, ALICE);
	none = load_one(&h, "tracepoint_counter", SPEC); /* no owner */
	la1 = attach_tp(&h, a1);
	la2 = attach_tp(&h, a2);
	lc = attach_tp(&h, c);
	lnone = attach_tp(&h, none);

	n = list_ids(&h, ALICE, false, ids, 64);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(ids[0], a1 < a2 ? a1 : a2);
	ck_assert_uint_eq(ids[1], a1 < a2 ? a2 : a1);
	n = list_ids(&h, APP, false, ids, 64);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ids[0], c);
	/* Exact match only: no prefix, no case folding, no unknown owner. */
	ck_assert_uint_eq(list_ids(&h, "uid:424", false, ids, 64), 0);
	ck_assert_uint_eq(list_ids(&h, "UID:4242", false, ids, 64), 0);
	ck_assert_uint_eq(list_ids(&h, "uid:1", false, ids, 64), 0);
	ck_assert_uint_eq(list_ids(&h, "cert:/CN=app.example", false, ids, 64), 0);
	/* "": the programs without an owner. */
	n = list_ids(&h, "", false, ids, 64);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ids[0], none);
	/* NULL: no filter. */
	ck_assert_uint_eq(list_ids(&h, NULL, false, ids, 64), 4);
	/* With `all`, an owner still lists only that owner's programs: no
	 * foreign ones, and not the other owners' as if they were foreign. */
	n = list_ids(&h, APP, true, ids, 64);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ids[0], c);
	n = list_ids(&h, "", true, ids, 64);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ids[0], none);

	/* Links: those of the owner's programs. */
	n = list_link_ids(&h, ALICE, lids, 64);
	ck_assert_uint_eq(n, 2);
	ck_assert((lids[0] == la1 && lids[1] == la2) || (lids[0] == la2 && lids[1] == la1));
	n = list_link_ids(&h, APP, lids, 64);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(lids[0], lc);
	n = list_link_ids(&h, "", lids, 64);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(lids[0], lnone);
	ck_assert_uint_eq(list_link_ids(&h, "uid:0", lids, 64), 0);
	ck_assert_uint_eq(list_link_ids(&h, NULL, lids, 64), 4);

	ck_assert_int_eq(bpfman_program__unload(h.ctx, a1, NULL), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, a2, NULL), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, c, NULL), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, none, NULL), 0);
	harness_close(&h);
}
END_TEST

struct warn_seen {
	int gone;
};

static void on_log(enum bpfman_log_level level, const char *msg, void *user_data)
{
	struct warn_seen *w = user_data;

	if (level <= BPFMAN_LOG_WARN && strstr(msg, "no longer in the kernel"))
		w->gone++;
	fprintf(stderr, "libbpfman: %s\n", msg);
}

/* A list by owner reads no kernel info of the other owners' programs. The
 * probe: APP's program's pin moved aside (the program stays in the kernel,
 * held by the moved pin; "_aside" because bpffs refuses dots in names), so
 * reading it would find it gone and warn. */
START_TEST(other_owners_not_probed)
{
	struct harness h;
	struct warn_seen w = { 0 };
	struct bpfman_program *p = NULL, **progs = NULL;
	char pin[512], aside[600];
	uint32_t a, c, ids[64];
	size_t n = 0;
	bool saw_gone = false;

	harness_open(&h);
	a = load_owned(&h, ALICE);
	c = load_owned(&h, APP);
	ck_assert_int_eq(bpfman_program__get(&p, h.ctx, c), 0);
	snprintf(pin, sizeof(pin), "%s", bpfman_program__pin_path(p));
	bpfman_program__free(p);
	snprintf(aside, sizeof(aside), "%s_aside", pin);
	ck_assert_msg(rename(pin, aside) == 0, "moving %s aside: %s", pin, strerror(errno));
	bpfman_ctx_set_log(h.ctx, on_log, &w, BPFMAN_LOG_WARN);

	n = list_ids(&h, ALICE, false, ids, 64);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ids[0], a);
	ck_assert_int_eq(w.gone, 0);
	/* The probe works: unfiltered, the moved program reads as gone. */
	ck_assert_int_eq(bpfman_program__list(&progs, &n, h.ctx, NULL), 0);
	for (size_t i = 0; i < n; i++)
		if (bpfman_program__id(progs[i]) == c)
			saw_gone = bpfman_program__status(progs[i]) == BPFMAN_STATUS_GONE;
	bpfman_program_list__free(progs, n);
	ck_assert(saw_gone);
	ck_assert_int_eq(w.gone, 1);

	ck_assert_msg(rename(aside, pin) == 0, "moving %s back: %s", pin, strerror(errno));
	ck_assert_int_eq(bpfman_program__unload(h.ctx, a, NULL), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, c, NULL), 0);
	harness_close(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("list-owner");
	TCase *tc = tcase_create("list-owner");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, list_by_owner);
	tcase_add_test(tc, other_owners_not_probed);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
