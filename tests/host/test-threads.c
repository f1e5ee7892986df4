// SPDX-License-Identifier: Apache-2.0
/* The threading contract of doc/abi.md, meant to run under ThreadSanitizer
 * (tests/run-all.sh builds it with -Db_sanitize=thread):
 *  - threads with a context each, on one state directory, load, attach,
 *    list, get, detach and unload at once;
 *  - one context passed between threads that serialise with a mutex (what
 *    the Go binding does: goroutines hop OS threads between calls);
 *  - bpfman_ctx_new_err gives each thread the sentence of its own failure. */
#include "invariants.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define THREADS 4
#define CYCLES 4

struct worker {
	struct harness *h;
	const char *obj; /* resolved before the threads start (bpf_obj's buffer is static) */
	struct bpfman_ctx *ctx; /* own context, or the shared one */
	pthread_mutex_t *serialise; /* NULL with an own context */
	int n;
	char error[512];
};

static void lock(struct worker *w)
{
	if (w->serialise)
		pthread_mutex_lock(w->serialise);
}

static void unlock(struct worker *w)
{
	if (w->serialise)
		pthread_mutex_unlock(w->serialise);
}

/* Records the first failure with the context's sentence, read before the
 * caller's lock is given up (the contract of bpfman_errmsg). */
static bool failed(struct worker *w, const char *what)
{
	if (!w->error[0])
		snprintf(w->error, sizeof(w->error), "thread %d %s: %s", w->n, what,
			 bpfman_errmsg(w->ctx));
	return false;
}

static bool cycle(struct worker *w, const char *app)
{
	const char *specs[] = { "tracepoint:count_getpid" };
	BPFMAN_OPTS(bpfman_load_opts, lo, .programs = specs, .programs_cnt = 1,
		    .application = app);
	BPFMAN_OPTS(bpfman_attach_opts, ao, .tracepoint = "syscalls/sys_enter_getpid");
	BPFMAN_OPTS(bpfman_list_opts, mine, .application = app);
	struct bpfman_program **progs = NULL, *p = NULL;
	struct bpfman_link *l = NULL;
	size_t cnt = 0;
	uint64_t link = 0;
	uint32_t id;
	bool ok = true;

	lock(w);
	if (bpfman_program__load_file(&progs, &cnt, w->ctx, w->obj, &lo))
		ok = failed(w, "load");
	unlock(w);
	if (!ok)
		return false;
	id = bpfman_program__id(progs[0]);
	bpfman_program_list__free(progs, cnt);

	lock(w);
	if (bpfman_program__attach(&link, w->ctx, id, &ao))
		ok = failed(w, "attach");
	unlock(w);
	syscall(SYS_getpid);

	lock(w);
	if (ok && bpfman_program__list(&progs, &cnt, w->ctx, &mine))
		ok = failed(w, "list");
	else if (ok) {
		if (cnt != 1 || bpfman_program__id(progs[0]) != id)
			ok = failed(w, "list shows another program set");
		bpfman_program_list__free(progs, cnt);
	}
	if (ok && bpfman_program__get(&p, w->ctx, id))
		ok = failed(w, "get");
	else if (ok) {
		if (strcmp(bpfman_program__application(p), app))
			ok = failed(w, "get shows another application");
		bpfman_program__free(p);
	}
	if (ok && bpfman_link__get(&l, w->ctx, link))
		ok = failed(w, "link get");
	bpfman_link__free(l);
	if (link && bpfman_link__detach(w->ctx, link))
		ok = failed(w, "detach");
	if (bpfman_program__unload(w->ctx, id, NULL))
		ok = failed(w, "unload");
	unlock(w);
	return ok;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	char app[32];

	snprintf(app, sizeof(app), "thread-%d", w->n);
	if (!w->ctx) {
		BPFMAN_OPTS(bpfman_ctx_opts, opts, .state_dir = w->h->state_dir,
			    .bpffs_root = w->h->bpffs_root, .runtime_dir = w->h->state_dir);
		char *msg = NULL;

		if (bpfman_ctx_new_err(&w->ctx, &msg, &opts)) {
			snprintf(w->error, sizeof(w->error), "thread %d ctx: %s", w->n,
				 msg ? msg : "?");
			free(msg);
			return NULL;
		}
	}
	for (int c = 0; c < CYCLES && cycle(w, app); c++)
		;
	if (!w->serialise) {
		bpfman_ctx_free(w->ctx);
		w->ctx = NULL;
	}
	return NULL;
}

static void run_workers(struct harness *h, struct bpfman_ctx *shared,
			pthread_mutex_t *serialise)
{
	struct worker w[THREADS];
	pthread_t t[THREADS];
	char obj[512];

	snprintf(obj, sizeof(obj), "%s", bpf_obj("tracepoint_counter"));

	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .h = h, .obj = obj, .ctx = shared, .serialise = serialise, .n = i };
		ck_assert_int_eq(pthread_create(&t[i], NULL, run, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < THREADS; i++)
		ck_assert_msg(!w[i].error[0], "%s", w[i].error);
	ck_assert_uint_eq(assert_consistent(h), 0);
}

START_TEST(context_per_thread)
{
	struct harness h;

	harness_open(&h);
	run_workers(&h, NULL, NULL);
	harness_close(&h);
}
END_TEST

START_TEST(shared_context_serialised)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	struct harness h;

	harness_open(&h);
	run_workers(&h, h.ctx, &m);
	harness_close(&h);
}
END_TEST

/* Each thread fails bpfman_ctx_new_err with its own bad path and must get
 * back the sentence naming that path, whatever the others do. */
static void *bad_ctx(void *arg)
{
	intptr_t n = (intptr_t)arg;
	char dir[64], want[128];
	void *wrong = NULL;

	snprintf(dir, sizeof(dir), "relative-%ld", (long)n);
	snprintf(want, sizeof(want), "'%s' is not an absolute path", dir);
	for (int i = 0; i < 200 && !wrong; i++) {
		BPFMAN_OPTS(bpfman_ctx_opts, o, .state_dir = dir);
		struct bpfman_ctx *ctx = NULL;
		char *msg = NULL;

		if (bpfman_ctx_new_err(&ctx, &msg, &o) != -EINVAL || !msg || !strstr(msg, want))
			wrong = (void *)1;
		free(msg);
	}
	return wrong;
}

START_TEST(ctx_errors_are_per_call)
{
	pthread_t t[THREADS];

	for (intptr_t i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, bad_ctx, (void *)i), 0);
	for (int i = 0; i < THREADS; i++) {
		void *wrong = NULL;

		pthread_join(t[i], &wrong);
		ck_assert_msg(!wrong, "thread %d got another failure's sentence", i);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("threads");
	TCase *tc = tcase_create("threads");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, context_per_thread);
	tcase_add_test(tc, shared_context_serialised);
	tcase_add_test(tc, ctx_errors_are_per_call);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
