/* SPDX-License-Identifier: Apache-2.0 */
#ifndef BPFMAN_REPORT_H
#define BPFMAN_REPORT_H

#include <bpfman/bpfman.h>

struct bpfman_ctx;

struct report_item {
	enum bpfman_report_kind kind;
	int error;
	uint64_t old_id;
	uint64_t new_id;
	char *message;
};

struct bpfman_report {
	size_t cnt;
	size_t failures;
	struct report_item *items;
};

/* Appends an item and logs it: failures at ERROR, others at `level`
 * (WARN for repairs, which a user must notice; INFO for restores). report
 * may be NULL (only logs). */
void report_add(struct bpfman_ctx *ctx, struct bpfman_report *report,
		enum bpfman_log_level level, enum bpfman_report_kind kind, int error,
		uint64_t old_id, uint64_t new_id, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

#endif
