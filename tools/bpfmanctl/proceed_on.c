/* SPDX-License-Identifier: Apache-2.0 */
/*
 * XDP: bit = XDP action (libxdp's chain_call_actions);
 * TC:  bit = TC action + 1 (TC_ACT_UNSPEC is -1, so unspec is bit 0);
 * both: dispatcher_return = bit 31.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, reallocarray, open_memstream */
#endif
#include <stdio.h>
#include <string.h>

#include "bpfmanctl.h"
#include "proceed_on.h"

struct proceed_name {
	const char *name;
	unsigned int bit;
};

#define DISPATCHER_RETURN_BIT 31

static const struct proceed_name xdp_names[] = {
	{ "aborted", 0 },  { "drop", 1 },     { "pass", 2 },
	{ "tx", 3 },       { "redirect", 4 },
	{ "dispatcher_return", DISPATCHER_RETURN_BIT },
	{ NULL, 0 },
};

static const struct proceed_name tc_names[] = {
	{ "unspec", 0 },   { "ok", 1 },       { "reclassify", 2 },
	{ "shot", 3 },     { "pipe", 4 },     { "stolen", 5 },
	{ "queued", 6 },   { "repeat", 7 },   { "redirect", 8 },
	{ "trap", 9 },
	{ "dispatcher_return", DISPATCHER_RETURN_BIT },
	{ NULL, 0 },
};

static const struct proceed_name *table_for(enum bpfman_program_type type)
{
	if (type == BPFMAN_PROG_TYPE_XDP)
		return xdp_names;
	if (type == BPFMAN_PROG_TYPE_TC)
		return tc_names;
	return NULL;
}

const char *proceed_on_names(enum bpfman_program_type type)
{
	if (type == BPFMAN_PROG_TYPE_XDP)
		return "aborted, drop, pass, tx, redirect, dispatcher_return";
	if (type == BPFMAN_PROG_TYPE_TC)
		return "unspec, ok, reclassify, shot, pipe, stolen, queued, "
		       "repeat, redirect, trap, dispatcher_return";
	return "";
}

int proceed_on_parse(uint32_t *mask, enum bpfman_program_type type,
		     const char *name)
{
	const struct proceed_name *t = table_for(type);

	for (; t && t->name; t++)
		if (!strcmp(t->name, name)) {
			*mask |= UINT32_C(1) << t->bit;
			return 0;
		}
	fprintf(stderr, "bpfmanctl: invalid --proceed-on '%s' for %s: expected "
		"one or more of %s\n", name, bpfman_program_type_name(type),
		proceed_on_names(type));
	return CTL_EXIT_USAGE;
}

void proceed_on_each(enum bpfman_program_type type, uint32_t mask,
		     void (*fn)(const char *name, void *arg), void *arg)
{
	const struct proceed_name *t = table_for(type);
	char unknown[16];

	for (unsigned int bit = 0; bit < 32; bit++) {
		const struct proceed_name *n;

		if (!(mask & (UINT32_C(1) << bit)))
			continue;
		for (n = t; n && n->name && n->bit != bit; n++)
			;
		if (n && n->name) {
			fn(n->name, arg);
		} else {
			snprintf(unknown, sizeof(unknown), "bit%u", bit);
			fn(unknown, arg);
		}
	}
}

struct fmt_state {
	char *buf;
	size_t size, len;
};

static void append_name(const char *name, void *arg)
{
	struct fmt_state *s = arg;
	int n;

	if (s->len >= s->size)
		return;
	n = snprintf(s->buf + s->len, s->size - s->len, "%s%s",
		     s->len ? ", " : "", name);
	if (n > 0)
		s->len += (size_t)n;
}

char *proceed_on_format(char *buf, size_t size, enum bpfman_program_type type,
			uint32_t mask)
{
	struct fmt_state s = { .buf = buf, .size = size };

	if (size)
		buf[0] = '\0';
	proceed_on_each(type, mask, append_name, &s);
	return buf;
}
