// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "report.h"

#include <stdlib.h>

void report_add(struct bpfman_ctx *ctx, struct bpfman_report *report,
		enum bpfman_log_level level, enum bpfman_report_kind kind, int error,
		uint64_t old_id, uint64_t new_id, const char *fmt, ...)
{
	struct report_item *items;
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = str_vprintf(fmt, ap);
	va_end(ap);
	if (!msg)
		return;
	bpfman_log(ctx, error ? BPFMAN_LOG_ERROR : level, "%s", msg);
	if (!report) {
		free(msg);
		return;
	}
	items = realloc(report->items, (report->cnt + 1) * sizeof(*items));
	if (!items) {
		free(msg);
		return;
	}
	report->items = items;
	items[report->cnt++] = (struct report_item){ kind, error, old_id, new_id, msg };
	if (error)
		report->failures++;
}

size_t bpfman_report__cnt(const struct bpfman_report *r) { return r ? r->cnt : 0; }
size_t bpfman_report__failures(const struct bpfman_report *r) { return r ? r->failures : 0; }

enum bpfman_report_kind bpfman_report__kind(const struct bpfman_report *r, size_t i)
{
	return i < r->cnt ? r->items[i].kind : 0;
}

int bpfman_report__error(const struct bpfman_report *r, size_t i)
{
	return i < r->cnt ? r->items[i].error : -EINVAL;
}

uint64_t bpfman_report__old_id(const struct bpfman_report *r, size_t i)
{
	return i < r->cnt ? r->items[i].old_id : 0;
}

uint64_t bpfman_report__new_id(const struct bpfman_report *r, size_t i)
{
	return i < r->cnt ? r->items[i].new_id : 0;
}

const char *bpfman_report__message(const struct bpfman_report *r, size_t i)
{
	return i < r->cnt ? r->items[i].message : "";
}

void bpfman_report__free(struct bpfman_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->cnt; i++)
		free(r->items[i].message);
	free(r->items);
	free(r);
}
