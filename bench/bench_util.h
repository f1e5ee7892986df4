/* SPDX-License-Identifier: Apache-2.0 */
/* What the C benchmark helpers share: a clock, sorting and medians, a
 * context on the bench's sandbox, and the library calls bpfmand's Load and
 * Attach make (so every in-process side of a daemon comparison makes the
 * same ones). Each exits with a message on failure: these are
 * measurement tools, not library code. */
#ifndef BPFMAN_BENCH_UTIL_H
#define BPFMAN_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

struct bpfman_ctx;

/* CLOCK_MONOTONIC in microseconds. */
double bench_now_us(void);
/* Sorts v ascending. */
void bench_sort(double *v, size_t n);
/* Sorts v and returns its median (the upper one for even n). */
double bench_median(double *v, size_t n);
/* A context on the sandbox bench/lib.sh sets up: BPFMAN_STATE_DIR,
 * BPFMAN_BPFFS_ROOT, BPFMAN_RUNTIME_DIR (else the state directory). */
struct bpfman_ctx *bench_ctx_open(const char *tool);
/* What bpfmand's Load and Attach ask the library for, for one tracepoint
 * program (count_getpid of OBJ on syscalls/sys_enter_getpid): the load,
 * the program's map_used_by (bpfman's Load reply carries it) and the
 * attach. Returns the program and link IDs. */
void bench_handlers_load_attach(const char *tool, struct bpfman_ctx *ctx, const char *obj,
				uint32_t *ret_id, uint64_t *ret_link);
/* The same, one call at a time: bpfmand's Load (the load and
 * map_used_by; returns the program ID) and its Attach (returns the link
 * ID). */
uint32_t bench_handler_load(const char *tool, struct bpfman_ctx *ctx, const char *obj);
uint64_t bench_handler_attach(const char *tool, struct bpfman_ctx *ctx, uint32_t id);

#endif
