// SPDX-License-Identifier: Apache-2.0
/* What "detach returned" means (include/bpfman/link.h): by default the
 * kernel has released the link when the call returns, so the program never
 * counts again; with no_wait the pin and record are gone at once and the
 * kernel releases the link shortly after, from its deferred context.
 * Tracepoint links, the case where the two differ most. */
#include "harness.h"

#include <bpf/bpf.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 20

static void trigger_getpid(int n)
{
	for (int i = 0; i < n; i++)
		syscall(SYS_getpid);
}

/* Whether the kernel still lists a link ID; takes no reference (an fd
 * would make us the link's last holder). */
static bool kernel_link_exists(uint32_t id)
{
	__u32 next = 0;

	return !bpf_link_get_next_id(id - 1, &next) && next == id;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Attaches, checks it counts, returns the link ID and its kernel link ID. */
static uint64_t attach_counting(struct harness *h, uint32_t id, uint32_t *ret_kernel_id)
{
	BPFMAN_OPTS(bpfman_attach_opts, a, .tracepoint = "syscalls/sys_enter_getpid");
	struct bpfman_link *l = NULL;
	uint64_t link = 0, before = read_counter(h, id, "counter");
	int err = bpfman_program__attach(&link, h->ctx, id, &a);

	ck_assert_msg(err == 0, "attach: %d %s", err, bpfman_errmsg(h->ctx));
	trigger_getpid(3);
	ck_assert_uint_ge(read_counter(h, id, "counter"), before + 3);
	ck_assert_int_eq(bpfman_link__get(&l, h->ctx, link), 0);
	*ret_kernel_id = bpfman_link__kernel_link_id(l);
	ck_assert_uint_gt(*ret_kernel_id, 0);
	bpfman_link__free(l);
	return link;
}

static void assert_frozen(struct harness *h, uint32_t id, const char *when)
{
	uint64_t c = read_counter(h, id, "counter");

	trigger_getpid(1000);
	ck_assert_msg(read_counter(h, id, "counter") == c,
		      "%s: the program still counted 1000 getpid calls after detach", when);
}

START_TEST(default_detach_has_released_the_link)
{
	struct harness h;
	uint32_t id, kid;

	harness_open(&h);
	id = load_one(&h, "tracepoint_counter", "tracepoint:count_getpid");
	for (int r = 0; r < ROUNDS; r++) {
		uint64_t link = attach_counting(&h, id, &kid);

		ck_assert_int_eq(bpfman_link__detach(h.ctx, link), 0);
		/* Released before the return, not just unpinned. */
		ck_assert_msg(!kernel_link_exists(kid),
			      "round %d: kernel link %u still exists after detach returned", r, kid);
		assert_frozen(&h, id, "default detach");
	}
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	harness_close(&h);
}
END_TEST

START_TEST(no_wait_detach_releases_shortly_after)
{
	struct harness h;
	BPFMAN_OPTS(bpfman_detach_opts, o, .no_wait = true);
	struct bpfman_link *l = NULL;
	int still_there = 0;
	double worst = 0;
	uint32_t id, kid;

	harness_open(&h);
	id = load_one(&h, "tracepoint_counter", "tracepoint:count_getpid");
	for (int r = 0; r < ROUNDS; r++) {
		uint64_t link = attach_counting(&h, id, &kid);
		double t0 = now_ms(), t;

		ck_assert_int_eq(bpfman_link__detach_opts(h.ctx, link, &o), 0);
		/* Gone from our state at once... */
		ck_assert_int_eq(bpfman_link__get(&l, h.ctx, link), -ENOENT);
		still_there += kernel_link_exists(kid);
		/* ...and from the kernel shortly after; the deadline is far
		 * above the few ms measured, to hold on a loaded machine. */
		while (kernel_link_exists(kid)) {
			ck_assert_msg(now_ms() - t0 < 5000,
				      "round %d: kernel link %u not released 5 s after a no_wait detach",
				      r, kid);
			usleep(100);
		}
		/* The kernel frees a link's ID before it unhooks the program
		 * (bpf_link_free: ID first, then release), so a run or two may
		 * still count right after the ID is gone: wait for the counter
		 * to stand still under the same deadline, then insist. */
		for (uint64_t c = ~0ull; c != read_counter(&h, id, "counter");) {
			ck_assert_msg(now_ms() - t0 < 5000,
				      "round %d: the program still counts 5 s after a no_wait detach", r);
			c = read_counter(&h, id, "counter");
			trigger_getpid(100);
		}
		t = now_ms() - t0;
		worst = t > worst ? t : worst;
		assert_frozen(&h, id, "no_wait detach, once the kernel released the link");
	}
	printf("no_wait: kernel link still listed at return in %d of %d rounds; released within %.2f ms\n",
	       still_there, ROUNDS, worst);
	ck_assert_int_eq(bpfman_program__unload(h.ctx, id, NULL), 0);
	harness_close(&h);
}
END_TEST

START_TEST(detach_opts_refuse_unknown_fields)
{
	struct harness h;
	struct {
		struct bpfman_detach_opts o;
		uint64_t future;
	} big = { .o = { .sz = sizeof(big) }, .future = 1 };

	harness_open(&h);
	ck_assert_int_eq(bpfman_link__detach_opts(h.ctx, 1, &big.o), -EINVAL);
	ck_assert_int_eq(bpfman_link__detach_opts(h.ctx, 12345, NULL), -ENOENT);
	harness_close(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("detach");
	TCase *tc = tcase_create("detach");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, default_detach_has_released_the_link);
	tcase_add_test(tc, no_wait_detach_releases_shortly_after);
	tcase_add_test(tc, detach_opts_refuse_unknown_fields);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
