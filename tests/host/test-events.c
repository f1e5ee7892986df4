// SPDX-License-Identifier: Apache-2.0
/* The change feed (bpfman/event.h) on this kernel: each change is one event
 * in order, a refused or failed operation leaves none, another process's
 * change wakes the descriptor, pruning to events.keep marks a gap, a cursor
 * ahead of the feed is a gap, every event names the program's owner, and
 * older databases (schema 3, 5) are migrated.
 * Crashes (kill -9 anywhere) are covered by test-crash.c, which replays the
 * feed after each repair. */
#include "harness.h"
#include "sql_child.h"

#include <bpf/bpf.h>
#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *TP = "syscalls/sys_enter_getpid";

static struct bpfman_events *read_after(struct bpfman_ctx *ctx, uint64_t after)
{
	struct bpfman_events *ev = NULL;
	int err = bpfman_events__read(&ev, ctx, after, 0);

	ck_assert_msg(err == 0, "bpfman_events__read: %d %s", err, bpfman_errmsg(ctx));
	return ev;
}

static uint64_t last_seq(struct bpfman_ctx *ctx)
{
	uint64_t seq = 99;

	ck_assert_int_eq(bpfman_events_last_seq(&seq, ctx), 0);
	return seq;
}

static void expect(const struct bpfman_events *ev, size_t i, enum bpfman_event_kind kind,
		   uint32_t prog, uint64_t link)
{
	ck_assert_uint_gt(bpfman_events__cnt(ev), i);
	ck_assert_msg(bpfman_events__kind(ev, i) == kind && bpfman_events__program_id(ev, i) == prog &&
			      bpfman_events__link_id(ev, i) == link,
		      "event %zu is kind %d program %u link %llu (%s); expected kind %d program %u link %llu",
		      i, bpfman_events__kind(ev, i), bpfman_events__program_id(ev, i),
		      (unsigned long long)bpfman_events__link_id(ev, i), bpfman_events__message(ev, i),
		      kind, prog, (unsigned long long)link);
	ck_assert_uint_gt(bpfman_events__time_ns(ev, i), 1700000000ull * 1000000000ull);
	ck_assert_str_ne(bpfman_events__message(ev, i), "");
}

static uint64_t attach_tp(struct harness *h, uint32_t id)
{
	BPFMAN_OPTS(bpfman_attach_opts, ao, .tracepoint = TP);
	uint64_t link = 0;
	int err = bpfman_program__attach(&link, h->ctx, id, &ao);

	ck_assert_msg(err == 0, "attach: %s", bpfman_errmsg(h->ctx));
	return link;
}

START_TEST(each_change_once_in_order)
{
	struct harness h;
	struct bpfman_events *ev;
	uint64_t link, start, none = 0;
	uint32_t id;

	harness_open(&h);
	ck_assert_uint_eq(last_seq(h.ctx), 0);
	ev = read_after(h.ctx, 0);
	ck_assert_uint_eq(bpfman_events__cnt(ev), 0);
	ck_assert(!bpfman_events__gap(ev));
	bpfman_events__free(ev);

	id = load_one(&h, "tracepoint_counter", "tracepoint:count_getpid");
	link = attach_tp(&h, id);
	ck_assert_int_eq(bpfman_link__detach(h.ctx, link), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);

	ev = read_after(h.ctx, 0);
	ck_assert_uint_eq(bpfman_events__cnt(ev), 4);
	expect(ev, 0, BPFMAN_EVENT_LOADED, id, 0);
	expect(ev, 1, BPFMAN_EVENT_ATTACHED, id, link);
	expect(ev, 2, BPFMAN_EVENT_DETACHED, id, link);
	expect(ev, 3, BPFMAN_EVENT_UNLOADED, id, 0);
	for (size_t i = 0; i < 4; i++)
		ck_assert_uint_eq(bpfman_events__seq(ev, i), i + 1);
	ck_assert_uint_eq(bpfman_events__last_seq(ev), 4);
	ck_assert(strstr(bpfman_events__message(ev, 1), TP));
	bpfman_events__free(ev);

	/* A cursor reads only what follows it; max bounds a batch. */
	ev = read_after(h.ctx, 2);
	ck_assert_uint_eq(bpfman_events__cnt(ev), 2);
	ck_assert_uint_eq(bpfman_events__seq(ev, 0), 3);
	bpfman_events__free(ev);
	ck_assert_int_eq(bpfman_events__read(&ev, h.ctx, 0, 3), 0);
	ck_assert_uint_eq(bpfman_events__cnt(ev), 3);
	bpfman_events__free(ev);

	/* Unloading a program with a link: DETACHED then UNLOADED, one
	 * transaction. */
	start = last_seq(h.ctx);
	id = load_one(&h, "tracepoint_counter", "tracepoint:count_getpid");
	link = attach_tp(&h, id);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	ev = read_after(h.ctx, start);
	ck_assert_uint_eq(bpfman_events__cnt(ev), 4);
	expect(ev, 2, BPFMAN_EVENT_DETACHED, id, link);
	expect(ev, 3, BPFMAN_EVENT_UNLOADED, id, 0);
	bpfman_events__free(ev);

	/* Refused and failed operations record nothing: a missing program or
	 * link, a tracepoint the kernel does not have (the link row was
	 * written and is rolled back), an update the type cannot do. */
	start = last_seq(h.ctx);
	id = load_one(&h, "tracepoint_counter", "tracepoint:count_getpid");
	link = attach_tp(&h, id);
	start += 2;
	{
		BPFMAN_OPTS(bpfman_attach_opts, bad, .tracepoint = "syscalls/sys_enter_no_such_call");
		BPFMAN_OPTS(bpfman_link_update_opts, uo, .set_priority = true, .priority = 5);

		ck_assert_int_ne(bpfman_program__attach(&none, h.ctx, id, &bad), 0);
		ck_assert_int_ne(bpfman_program__attach(&none, h.ctx, 987654, NULL), 0);
		ck_assert_int_ne(bpfman_link__detach(h.ctx, 424242), 0);
		ck_assert_int_ne(bpfman_program__unload(h.ctx, 987654, NULL), 0);
		ck_assert_int_ne(bpfman_link__update(h.ctx, link, &uo), 0);
	}
	ck_assert_uint_eq(last_seq(h.ctx), start);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	harness_close(&h);
}
END_TEST

/* Another process's change wakes the descriptor, and the event is there to
 * read once it is readable. */
START_TEST(descriptor_wakes_for_another_process)
{
	struct harness h;
	struct bpfman_events *ev;
	struct pollfd p;
	uint64_t before;
	pid_t pid;
	int fd = -1, status;

	harness_open(&h);
	ck_assert_int_eq(bpfman_events_fd(&fd, h.ctx), 0);
	ck_assert_int_ge(fd, 0);
	before = last_seq(h.ctx);
	/* Nothing yet: the wait times out. */
	ck_assert_int_eq(bpfman_events_wait(h.ctx, before, 200), 0);

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		usleep(300 * 1000);
		setenv("BPFMAN_STATE_DIR", h.state_dir, 1);
		setenv("BPFMAN_BPFFS_ROOT", h.bpffs_root, 1);
		setenv("BPFMAN_RUNTIME_DIR", h.state_dir, 1);
		execl(BPFMANCTL, "bpfmanctl", "load", "file", "-p", bpf_obj("tracepoint_counter"),
		      "--programs", "tracepoint:count_getpid", (char *)NULL);
		_exit(127);
	}
	/* Blocks until the other process commits. */
	ck_assert_int_eq(bpfman_events_wait(h.ctx, before, 20000), 1);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "bpfmanctl load failed");
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	ck_assert_int_eq(poll(&p, 1, 5000), 1);
	ev = read_after(h.ctx, before);
	ck_assert_uint_eq(bpfman_events__cnt(ev), 1);
	ck_assert_int_eq(bpfman_events__kind(ev, 0), BPFMAN_EVENT_LOADED);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, bpfman_events__program_id(ev, 0), NULL), 0);
	bpfman_events__free(ev);
	close(fd);
	harness_close(&h);
}
END_TEST

/* events.keep bounds the table; a cursor behind the pruned range or ahead
 * of the newest event is told it missed something. */
START_TEST(pruned_cursor_is_a_gap)
{
	struct harness h;
	struct bpfman_ctx *ctx = NULL;
	struct bpfman_events *ev;
	char config[300];
	FILE *f;
	uint64_t last;

	harness_open(&h);
	snprintf(config, sizeof(config), "%s/bpfman.yaml", h.state_dir);
	f = fopen(config, "w");
	ck_assert_ptr_nonnull(f);
	fputs("events:\n  keep: 3\n", f);
	fclose(f);
	{
		BPFMAN_OPTS(bpfman_ctx_opts, opts, .state_dir = h.state_dir,
			    .bpffs_root = h.bpffs_root, .runtime_dir = h.state_dir,
			    .config_path = config);

		ck_assert_int_eq(bpfman_ctx_new(&ctx, &opts), 0);
	}
	for (int i = 0; i < 4; i++) {
		const char *specs[] = { "tracepoint:count_getpid" };
		BPFMAN_OPTS(bpfman_load_opts, lo, .programs = specs, .programs_cnt = 1);
		struct bpfman_program **progs = NULL;
		size_t n = 0;

		ck_assert_int_eq(bpfman_program__load_file(&progs, &n, ctx, bpf_obj("tracepoint_counter"), &lo), 0);
		ck_assert_int_eq(bpfman_program__unload(ctx, bpfman_program__id(progs[0]), NULL), 0);
		bpfman_program_list__free(progs, n);
	}
	last = last_seq(ctx);
	ck_assert_uint_eq(last, 8);
	/* Behind: gap, and what is kept follows. */
	ev = read_after(ctx, 1);
	ck_assert(bpfman_events__gap(ev));
	ck_assert_uint_eq(bpfman_events__cnt(ev), 3);
	ck_assert_uint_eq(bpfman_events__seq(ev, 0), 6);
	ck_assert_uint_eq(bpfman_events__last_seq(ev), 8);
	bpfman_events__free(ev);
	/* Exactly at the edge of what was pruned: nothing missed. */
	ev = read_after(ctx, 5);
	ck_assert(!bpfman_events__gap(ev));
	ck_assert_uint_eq(bpfman_events__cnt(ev), 3);
	bpfman_events__free(ev);
	ev = read_after(ctx, 4);
	ck_assert(bpfman_events__gap(ev));
	bpfman_events__free(ev);
	/* Up to date, then ahead (a cursor from another database). */
	ev = read_after(ctx, 8);
	ck_assert(!bpfman_events__gap(ev));
	ck_assert_uint_eq(bpfman_events__cnt(ev), 0);
	bpfman_events__free(ev);
	ev = read_after(ctx, 1000);
	ck_assert(bpfman_events__gap(ev));
	bpfman_events__free(ev);
	ck_assert_int_eq(bpfman_events_wait(ctx, 1000, 0), 1);
	bpfman_ctx_free(ctx);
	harness_close(&h);
}
END_TEST

static void sql(const char *db_path, const char *stmt)
{
	char *v = sql_in_child(db_path, stmt);

	ck_assert_msg(v, "%s: failed (above)", stmt);
	free(v);
}

/* Closes the context and rewrites its database as an older libbpfman left
 * it (stmts); the path of the database in db. */
static void downgrade(struct harness *h, char *db, size_t size, const char *stmts)
{
	bpfman_ctx_free(h->ctx);
	h->ctx = NULL;
	snprintf(db, size, "%s/state.db", h->state_dir);
	sql(db, stmts);
}

/* Loads count_getpid recorded with an owner, as bpfmand does. */
static uint32_t load_owned(struct harness *h, const char *owner)
{
	const char *specs[] = { "tracepoint:count_getpid" };
	BPFMAN_OPTS(bpfman_load_opts, lo, .programs = specs, .programs_cnt = 1, .owner = owner);
	struct bpfman_program **progs = NULL;
	size_t cnt = 0;
	uint32_t id;

	ck_assert_int_eq(bpfman_program__load_file(&progs, &cnt, h->ctx, bpf_obj("tracepoint_counter"), &lo), 0);
	id = bpfman_program__id(progs[0]);
	bpfman_program_list__free(progs, cnt);
	return id;
}

/* A database written by libbpfman before the feed (schema 3, no events
 * table) is migrated on open, its programs intact, and records from then on. */
START_TEST(schema_3_database_is_migrated)
{
	struct harness h;
	struct bpfman_events *ev;
	char db[300];
	char *v;
	uint32_t id;

	harness_open(&h);
	id = load_one(&h, "tracepoint_counter", "tracepoint:count_getpid");
	downgrade(&h, db, sizeof(db),
		  "DROP TABLE events; DELETE FROM sqlite_sequence WHERE name = 'events';"
		  "UPDATE meta SET value = '3' WHERE key = 'schema_version';");
	v = sql_in_child(db, "SELECT name FROM sqlite_master WHERE name = 'events';");
	ck_assert_msg(v && !*v, "the events table survived the downgrade (or the query failed)");
	free(v);

	harness_reopen(&h);
	v = sql_in_child(db, "SELECT value FROM meta WHERE key = 'schema_version';");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v, "6");
	free(v);
	ck_assert_uint_eq(last_seq(h.ctx), 0);
	{
		struct bpfman_program *p = NULL;

		ck_assert_int_eq(bpfman_program__get(&p, h.ctx, id), 0);
		bpfman_program__free(p);
	}
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	ev = read_after(h.ctx, 0);
	ck_assert_uint_eq(bpfman_events__cnt(ev), 1);
	expect(ev, 0, BPFMAN_EVENT_UNLOADED, id, 0);
	bpfman_events__free(ev);
	harness_close(&h);
}
END_TEST

/* A reboot, as restore sees one: the rows are of an earlier boot and the
 * kernel objects and pins are gone (removed here, on this kernel). Restore
 * re-creates the program under a new kernel ID: RESTORED names the new ID
 * and the old one; the link keeps its ID and is RESTORED on the new
 * program. The negative placeholder IDs restore uses meanwhile are never
 * announced. */
START_TEST(restore_is_announced_with_old_and_new_ids)
{
	struct harness h;
	struct bpfman_events *ev;
	char db[300], cmd[1200];
	uint64_t link, start;
	uint32_t id, new_id;

	harness_open(&h);
	id = load_one(&h, "tracepoint_counter", "tracepoint:count_getpid");
	link = attach_tp(&h, id);
	start = last_seq(h.ctx);
	bpfman_ctx_free(h.ctx);
	h.ctx = NULL;
	snprintf(db, sizeof(db), "%s/state.db", h.state_dir);
	sql(db, "UPDATE programs SET boot_id = 'an-earlier-boot'; UPDATE links SET boot_id = 'an-earlier-boot';");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/prog_%u' '%s/links/%llu' '%s/maps/%u'", h.bpffs_root, id,
		 h.bpffs_root, (unsigned long long)link, h.bpffs_root, id);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert(kernel_prog_gone(id));

	harness_reopen(&h);
	/* Rows of an earlier boot wait for restore: no repair announced. */
	ck_assert_uint_eq(last_seq(h.ctx), start);
	{
		struct bpfman_report *r = NULL;

		ck_assert_int_eq(bpfman_restore(&r, h.ctx), 0);
		ck_assert_uint_eq(bpfman_report__failures(r), 0);
		bpfman_report__free(r);
	}
	ev = read_after(h.ctx, start);
	ck_assert_uint_eq(bpfman_events__cnt(ev), 2);
	new_id = bpfman_events__program_id(ev, 0);
	ck_assert_uint_ne(new_id, id);
	ck_assert_int_gt((int32_t)new_id, 0);
	expect(ev, 0, BPFMAN_EVENT_RESTORED, new_id, 0);
	ck_assert_uint_eq(bpfman_events__old_program_id(ev, 0), id);
	expect(ev, 1, BPFMAN_EVENT_RESTORED, new_id, link);
	ck_assert_uint_eq(bpfman_events__old_program_id(ev, 1), 0);
	bpfman_events__free(ev);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, new_id, NULL), 0);
	harness_close(&h);
}
END_TEST

/* Every event of an owned program names its owner, the unload's too (the
 * row is gone by the time anyone reads it); a program without one has
 * NULL. The owner is what bpfmand records (bpfman_identity_name). */
START_TEST(events_name_the_owner)
{
	struct bpfman_events *ev;
	struct harness h;
	uint64_t link, start;
	uint32_t id, plain;

	harness_open(&h);
	start = last_seq(h.ctx);
	id = load_owned(&h, "cert:/CN=app/O=example");
	plain = load_one(&h, "tracepoint_counter", "tracepoint:count_getpid");
	link = attach_tp(&h, id);
	ck_assert_int_eq(bpfman_link__detach(h.ctx, link), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, plain, NULL), 0);

	ev = read_after(h.ctx, start);
	ck_assert_uint_eq(bpfman_events__cnt(ev), 6);
	expect(ev, 0, BPFMAN_EVENT_LOADED, id, 0);
	expect(ev, 1, BPFMAN_EVENT_LOADED, plain, 0);
	expect(ev, 2, BPFMAN_EVENT_ATTACHED, id, link);
	expect(ev, 3, BPFMAN_EVENT_DETACHED, id, link);
	expect(ev, 4, BPFMAN_EVENT_UNLOADED, id, 0);
	expect(ev, 5, BPFMAN_EVENT_UNLOADED, plain, 0);
	for (size_t i = 0; i < 6; i++) {
		if (bpfman_events__program_id(ev, i) == id)
			ck_assert_str_eq(bpfman_events__owner(ev, i), "cert:/CN=app/O=example");
		else
			ck_assert_ptr_null(bpfman_events__owner(ev, i));
	}
	ck_assert_ptr_null(bpfman_events__owner(ev, 6)); /* past the end */
	ck_assert_ptr_null(bpfman_events__owner(NULL, 0));
	bpfman_events__free(ev);
	harness_close(&h);
}
END_TEST

/* Schema 5 (a feed without owners): events.owner is added on open; the
 * events recorded before have none, the ones after do. */
START_TEST(schema_5_database_gains_event_owners)
{
	struct bpfman_events *ev;
	struct harness h;
	char db[300];
	char *v;
	uint32_t id;

	harness_open(&h);
	id = load_owned(&h, "uid:4242");
	downgrade(&h, db, sizeof(db),
		  "ALTER TABLE events DROP COLUMN owner;"
		  "UPDATE meta SET value = '5' WHERE key = 'schema_version';");

	harness_reopen(&h);
	v = sql_in_child(db, "SELECT value FROM meta WHERE key = 'schema_version';");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v, "6");
	free(v);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	ev = read_after(h.ctx, 0);
	ck_assert_uint_eq(bpfman_events__cnt(ev), 2);
	expect(ev, 0, BPFMAN_EVENT_LOADED, id, 0);
	ck_assert_ptr_null(bpfman_events__owner(ev, 0));
	expect(ev, 1, BPFMAN_EVENT_UNLOADED, id, 0);
	ck_assert_str_eq(bpfman_events__owner(ev, 1), "uid:4242");
	bpfman_events__free(ev);
	harness_close(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("events");
	TCase *tc = tcase_create("events");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, each_change_once_in_order);
	tcase_add_test(tc, descriptor_wakes_for_another_process);
	tcase_add_test(tc, pruned_cursor_is_a_gap);
	tcase_add_test(tc, schema_3_database_is_migrated);
	tcase_add_test(tc, restore_is_announced_with_old_and_new_ids);
	tcase_add_test(tc, events_name_the_owner);
	tcase_add_test(tc, schema_5_database_gains_event_owners);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
