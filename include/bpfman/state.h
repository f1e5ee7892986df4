/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keeping the database and the kernel in agreement: reconcile after a crash,
 * restore after a reboot. Both return a report of what they did.
 */
#ifndef BPFMAN_STATE_H
#define BPFMAN_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

enum bpfman_report_kind {
	BPFMAN_REPORT_PROGRAM = 1,
	BPFMAN_REPORT_LINK = 2,
	BPFMAN_REPORT_MAP = 3,
	BPFMAN_REPORT_PIN = 4,
};

struct bpfman_report;

/* Compares the database with the kernel and bpffs and repairs what a crash
 * left half done: rows without kernel objects, pins without rows, operations
 * interrupted midway. bpfman_ctx_new() runs it too and logs each repair at
 * WARN level. */
BPFMAN_API int bpfman_reconcile(struct bpfman_report **ret_report,
				struct bpfman_ctx *ctx);

/* After a reboot: reloads every recorded program from its kept bytecode and
 * re-attaches its links (same link IDs, same metadata; program IDs are the
 * kernel's and change). Items that fail are reported and the rest proceed:
 * the call returns 0 when it could run at all, and
 * bpfman_report__failures() counts the items that failed. Items already in
 * the kernel are left alone, so running it twice is harmless. */
BPFMAN_API int bpfman_restore(struct bpfman_report **ret_report,
			      struct bpfman_ctx *ctx);

BPFMAN_API size_t bpfman_report__cnt(const struct bpfman_report *report);
BPFMAN_API size_t bpfman_report__failures(const struct bpfman_report *report);
BPFMAN_API enum bpfman_report_kind bpfman_report__kind(const struct bpfman_report *report, size_t i);
/* 0 when the item was repaired/restored, else a negative errno. */
BPFMAN_API int bpfman_report__error(const struct bpfman_report *report, size_t i);
BPFMAN_API uint64_t bpfman_report__old_id(const struct bpfman_report *report, size_t i);
BPFMAN_API uint64_t bpfman_report__new_id(const struct bpfman_report *report, size_t i);
BPFMAN_API const char *bpfman_report__message(const struct bpfman_report *report, size_t i);
BPFMAN_API void bpfman_report__free(struct bpfman_report *report);

#ifdef __cplusplus
}
#endif

#endif /* BPFMAN_STATE_H */
