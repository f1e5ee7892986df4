/* SPDX-License-Identifier: Apache-2.0 */
/* Shared helpers for tests that run against a real kernel: isolated state
 * per test (own state dir, own bpffs root), kernel feature probes that skip
 * loudly, and before/after snapshots to prove a failure changed nothing. */
#ifndef TEST_HARNESS_H
#define TEST_HARNESS_H

#include <bpfman/bpfman.h>
#include <stdbool.h>
#include <stdint.h>

/* Exit code meson treats as "skipped". */
#define EXIT_SKIP 77

struct harness {
	char state_dir[256];
	char bpffs_root[256];
	struct bpfman_ctx *ctx;
};

/* Mounts bpffs/tracefs if needed, makes fresh dirs, opens a context.
 * Aborts the test on failure. */
void harness_open(struct harness *h);
/* Closes the context, asserts nothing of ours is left in bpffs, removes
 * the dirs. */
void harness_close(struct harness *h);
/* Reopens the context (as the next CLI call would). */
void harness_reopen(struct harness *h);

/* Path of a test BPF object built by meson (BPF_OBJ_DIR). */
const char *bpf_obj(const char *name);

/* Loads one program; asserts success; returns its ID. */
uint32_t load_one(struct harness *h, const char *obj, const char *spec);
/* Reads slot 0 of map `name` of program id (through its pinned maps). */
uint64_t read_counter(struct harness *h, uint32_t prog_id, const char *map);

/* Everything that must stay the same when an operation is refused. */
struct snapshot {
	size_t kernel_progs;
	size_t pins;
	size_t rows;
	size_t links;
};
void snapshot_take(struct harness *h, struct snapshot *s);
void snapshot_assert_same(struct harness *h, const struct snapshot *before);

/* The whole lifecycle of one program on one hook, observed through its
 * `counter` map: load, get, attach, trigger -> counter rises, detach,
 * trigger -> counter still, unload, gone from kernel and bpffs. */
void lifecycle_check(struct harness *h, const char *obj, const char *spec,
		     const struct bpfman_attach_opts *attach, void (*trigger)(void));

/* Waits (up to 3 s: the kernel frees programs after an RCU grace period)
 * for a program ID to disappear from the kernel. */
bool kernel_prog_gone(uint32_t id);

/* Feature probes; a missing feature prints a loud SKIP line and exits 77,
 * or fails when BPFMAN_TEST_REQUIRE_ALL is set (the VM tier sets it: there
 * every scenario must run). */
void require_kprobes(void);
void require_fentry(void);
/* Linux >= 6.6 */
bool kernel_has_tcx(void);
/* Whether the kernel runs BPF_PROG_TYPE_EXT/tracing programs (the host
 * refuses both with EPERM; probed with an fentry load). */
bool kernel_has_freplace(void);
void skip_or_fail(const char *why);

/* Runs the check suite; returns the process exit code. */
int run_suite(void *suite);

#endif
