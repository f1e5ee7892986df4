/* SPDX-License-Identifier: Apache-2.0 */
/* --proceed-on names for bpfmanctl: parsing with a usage message, and
 * formatting masks for output. The names and bits are the library's
 * (include/bpfman/proceed_on.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, reallocarray, open_memstream */
#endif
#include <stdio.h>
#include <string.h>

#include "bpfmanctl.h"
#include "proceed_on.h"

const char *proceed_on_names(enum bpfman_program_type type)
{
	static char buf[2][256];
	char *out;
	size_t len = 0;

	if (type != BPFMAN_PROG_TYPE_XDP && type != BPFMAN_PROG_TYPE_TC)
		return "";
	out = buf[type == BPFMAN_PROG_TYPE_TC];
	out[0] = '\0';
	for (unsigned int bit = 0; bit < 32; bit++) {
		const char *name = bpfman_proceed_on_name(type, bit);

		if (name && len < sizeof(buf[0]))
			len += (size_t)snprintf(out + len, sizeof(buf[0]) - len, "%s%s",
						len ? ", " : "", name);
	}
	return out;
}

int proceed_on_parse(uint32_t *mask, enum bpfman_program_type type,
		     const char *name)
{
	uint32_t bit = bpfman_proceed_on_bit(type, name);

	if (bit) {
		*mask |= bit;
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
	char unknown[16];

	for (unsigned int bit = 0; bit < 32; bit++) {
		const char *name;

		if (!(mask & (UINT32_C(1) << bit)))
			continue;
		name = bpfman_proceed_on_name(type, bit);
		if (!name) {
			snprintf(unknown, sizeof(unknown), "bit%u", bit);
			name = unknown;
		}
		fn(name, arg);
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
