// SPDX-License-Identifier: Apache-2.0
/* Crash consistency: bpfmanctl is killed with SIGKILL at random points of
 * load, attach, detach and unload, many times. After each kill the next
 * context open repairs, and the database, bpffs and kernel agree; and the
 * change feed, replayed from its start, gives exactly the programs and
 * links recorded (an event commits with its change or not at all). */
#include "invariants.h"

#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Many on the host; fewer where every command is slow (the emulated VM),
 * via BPFMAN_CRASH_ROUNDS. */
#define DEFAULT_ROUNDS 150

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void run_killed(struct harness *h, char *const argv[], unsigned delay_us)
{
	pid_t pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setenv("BPFMAN_STATE_DIR", h->state_dir, 1);
		setenv("BPFMAN_BPFFS_ROOT", h->bpffs_root, 1);
		setenv("BPFMAN_RUNTIME_DIR", h->state_dir, 1);
		int null = open("/dev/null", 1);
		dup2(null, 1);
		dup2(null, 2);
		execv(BPFMANCTL, argv);
		_exit(127);
	}
	if (delay_us != UINT32_MAX) {
		usleep(delay_us);
		kill(pid, SIGKILL);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(!(WIFEXITED(status) && WEXITSTATUS(status) == 127), "cannot exec %s", BPFMANCTL);
}

/* Sorted-insensitive set of IDs, small. */
struct idset {
	uint64_t v[4096];
	size_t n;
};

static void idset_add(struct idset *s, uint64_t id)
{
	for (size_t i = 0; i < s->n; i++)
		ck_assert_msg(s->v[i] != id, "the feed announces %llu twice", (unsigned long long)id);
	ck_assert_uint_lt(s->n, 4096);
	s->v[s->n++] = id;
}

static bool idset_del(struct idset *s, uint64_t id)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == id) {
			s->v[i] = s->v[--s->n];
			return true;
		}
	return false;
}

/* Replays the whole feed: LOADED/ATTACHED add, UNLOADED/DETACHED remove
 * what was added, REPAIRED removes a link (link_id set) or program (a row
 * reconcile removed may never have been announced: an interrupted attach).
 * What remains must be exactly the rows. */
static void assert_feed_matches(struct harness *h)
{
	static struct idset progs, links;
	struct bpfman_program **pl = NULL;
	struct bpfman_link **ll = NULL;
	size_t np = 0, nl = 0;
	uint64_t cursor = 0;

	progs.n = links.n = 0;
	for (;;) {
		struct bpfman_events *ev = NULL;
		size_t n;

		ck_assert_int_eq(bpfman_events__read(&ev, h->ctx, cursor, 500), 0);
		ck_assert_msg(!bpfman_events__gap(ev), "the feed was pruned: raise events.keep here");
		n = bpfman_events__cnt(ev);
		for (size_t i = 0; i < n; i++) {
			uint32_t p = bpfman_events__program_id(ev, i);
			uint64_t l = bpfman_events__link_id(ev, i);

			ck_assert_uint_eq(bpfman_events__seq(ev, i), cursor + 1);
			cursor = bpfman_events__seq(ev, i);
			switch (bpfman_events__kind(ev, i)) {
			case BPFMAN_EVENT_LOADED: idset_add(&progs, p); break;
			case BPFMAN_EVENT_ATTACHED: idset_add(&links, l); break;
			case BPFMAN_EVENT_UNLOADED:
				ck_assert_msg(idset_del(&progs, p), "program %u unloaded, never loaded", p);
				break;
			case BPFMAN_EVENT_DETACHED:
				ck_assert_msg(idset_del(&links, l), "link %llu detached, never attached",
					      (unsigned long long)l);
				break;
			case BPFMAN_EVENT_REPAIRED:
				if (l)
					idset_del(&links, l);
				else
					idset_del(&progs, p);
				break;
			default:
				ck_abort_msg("unexpected event kind %d", bpfman_events__kind(ev, i));
			}
		}
		bpfman_events__free(ev);
		if (n < 500)
			break;
	}
	ck_assert_int_eq(bpfman_program__list(&pl, &np, h->ctx, NULL), 0);
	ck_assert_int_eq(bpfman_link__list(&ll, &nl, h->ctx, NULL), 0);
	ck_assert_msg(np == progs.n && nl == links.n,
		      "the feed says %zu programs and %zu links, the state has %zu and %zu",
		      progs.n, links.n, np, nl);
	for (size_t i = 0; i < np; i++)
		ck_assert_msg(idset_del(&progs, bpfman_program__id(pl[i])),
			      "program %u is recorded but the feed never loaded it", bpfman_program__id(pl[i]));
	for (size_t i = 0; i < nl; i++)
		ck_assert_msg(idset_del(&links, bpfman_link__id(ll[i])),
			      "link %llu is recorded but the feed never attached it",
			      (unsigned long long)bpfman_link__id(ll[i]));
	bpfman_program_list__free(pl, np);
	bpfman_link_list__free(ll, nl);
}

START_TEST(kill9_anywhere_is_repaired)
{
	struct harness h;
	char id[32], link[32];
	unsigned seed = (unsigned)time(NULL);
	size_t killed_mid = 0;

	int rounds = getenv("BPFMAN_CRASH_ROUNDS") ? atoi(getenv("BPFMAN_CRASH_ROUNDS")) : DEFAULT_ROUNDS;

	if (rounds <= 0)
		rounds = DEFAULT_ROUNDS;
	fprintf(stderr, "crash test seed %u, %d rounds\n", seed, rounds);
	srand(seed);
	harness_open(&h);

	/* Kill points must span whole commands on this machine, which may be
	 * a slow emulated VM: time one uninterrupted load first. */
	char *probe[] = { "bpfmanctl", "load", "file", "-p", (char *)bpf_obj("tracepoint_counter"),
			  "--programs", "tracepoint:count_getpid", NULL };
	double t0 = now_us();

	run_killed(&h, probe, UINT32_MAX);
	unsigned span = (unsigned)(2 * (now_us() - t0)) + 1000;

	fprintf(stderr, "one load takes %.1f ms; killing within %.1f ms\n", span / 2000.0,
		span / 1000.0);
	for (int round = 0; round < rounds; round++) {
		struct bpfman_program **progs = NULL;
		struct bpfman_link **links = NULL;
		size_t np = 0, nl = 0;
		/* Kill anywhere from before exec to after completion. */
		unsigned delay = (unsigned)rand() % span;
		int op = rand() % 4;

		ck_assert_int_eq(bpfman_program__list(&progs, &np, h.ctx, NULL), 0);
		ck_assert_int_eq(bpfman_link__list(&links, &nl, h.ctx, NULL), 0);
		if (np)
			snprintf(id, sizeof(id), "%u", bpfman_program__id(progs[rand() % np]));
		if (nl)
			snprintf(link, sizeof(link), "%llu",
				 (unsigned long long)bpfman_link__id(links[rand() % nl]));
		bpfman_program_list__free(progs, np);
		bpfman_link_list__free(links, nl);

		if (op == 0 || np == 0) {
			char *argv[] = { "bpfmanctl", "load", "file", "-p",
					 (char *)bpf_obj("tracepoint_counter"), "--programs",
					 "tracepoint:count_getpid", NULL };
			run_killed(&h, argv, delay);
		} else if (op == 1) {
			char *argv[] = { "bpfmanctl", "attach", id, "tracepoint", "-t",
					 "syscalls/sys_enter_getpid", NULL };
			run_killed(&h, argv, delay);
		} else if (op == 2 && nl) {
			char *argv[] = { "bpfmanctl", "detach", link, NULL };
			run_killed(&h, argv, delay);
		} else {
			char *argv[] = { "bpfmanctl", "unload", id, "--force", NULL };
			run_killed(&h, argv, delay);
		}
		/* The next command (here: our reopen) repairs. */
		harness_reopen(&h);
		killed_mid += assert_consistent(&h) > 0;
		assert_feed_matches(&h);
	}
	fprintf(stderr, "%d rounds, %zu with programs loaded\n", rounds, killed_mid);
	unload_all(&h);
	assert_consistent(&h);
	assert_feed_matches(&h);
	harness_close(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("crash");
	TCase *tc = tcase_create("crash");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, kill9_anywhere_is_repaired);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
