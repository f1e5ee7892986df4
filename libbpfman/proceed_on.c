// SPDX-License-Identifier: Apache-2.0
/* bpfman's proceed-on action names and their chain-call bits
 * (include/bpfman/proceed_on.h), the one table every front end uses. */
#include "internal.h"
#include "dispatcher.h"

#include <string.h>

#include <bpfman/proceed_on.h>

_Static_assert(BPFMAN_PROCEED_ON_DISPATCHER_RETURN == (UINT32_C(1) << DISPATCHER_RETURN_BIT),
	       "the public dispatcher_return bit is the dispatchers' own");

/* Indexed by bit; NULL where the bit names no action. */
static const char *const xdp_names[32] = {
	[0] = "aborted", [1] = "drop", [2] = "pass", [3] = "tx", [4] = "redirect",
	[DISPATCHER_RETURN_BIT] = "dispatcher_return",
};

static const char *const tc_names[32] = {
	[0] = "unspec", [1] = "ok",      [2] = "reclassify", [3] = "shot",
	[4] = "pipe",   [5] = "stolen",  [6] = "queued",     [7] = "repeat",
	[8] = "redirect", [9] = "trap",
	[DISPATCHER_RETURN_BIT] = "dispatcher_return",
};

static const char *const *names_of(enum bpfman_program_type type)
{
	if (type == BPFMAN_PROG_TYPE_XDP)
		return xdp_names;
	if (type == BPFMAN_PROG_TYPE_TC)
		return tc_names;
	return NULL;
}

uint32_t bpfman_proceed_on_bit(enum bpfman_program_type type, const char *name)
{
	const char *const *names = names_of(type);

	if (!names || !name)
		return 0;
	for (unsigned int bit = 0; bit < 32; bit++)
		if (names[bit] && !strcmp(names[bit], name))
			return UINT32_C(1) << bit;
	return 0;
}

const char *bpfman_proceed_on_name(enum bpfman_program_type type, unsigned int bit)
{
	const char *const *names = names_of(type);

	return names && bit < 32 ? names[bit] : NULL;
}

uint32_t bpfman_proceed_on_valid(enum bpfman_program_type type)
{
	const char *const *names = names_of(type);
	uint32_t mask = 0;

	for (unsigned int bit = 0; names && bit < 32; bit++)
		if (names[bit])
			mask |= UINT32_C(1) << bit;
	return mask;
}

uint32_t bpfman_proceed_on_default(enum bpfman_program_type type)
{
	if (type == BPFMAN_PROG_TYPE_XDP)
		return BPFMAN_XDP_PROCEED_ON_DEFAULT;
	if (type == BPFMAN_PROG_TYPE_TC)
		return BPFMAN_TC_PROCEED_ON_DEFAULT;
	return 0;
}
