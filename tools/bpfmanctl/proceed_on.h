/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --proceed-on action names for XDP and TC links and their bits in
 * bpfman_attach_opts.proceed_on (the dispatcher's chain-call mask).
 */
#ifndef BPFMANCTL_PROCEED_ON_H
#define BPFMANCTL_PROCEED_ON_H

#include <stddef.h>
#include <stdint.h>

#include <bpfman/bpfman.h>

/* Adds the bit of `name` for a program of `type` (XDP or TC) to *mask;
 * prints the valid names and returns CTL_EXIT_USAGE when unknown. */
int proceed_on_parse(uint32_t *mask, enum bpfman_program_type type,
		     const char *name);

/* Writes the names of the bits set in mask, separated by ", ", into buf
 * (unknown bits as "bitN"). Returns buf. */
char *proceed_on_format(char *buf, size_t size, enum bpfman_program_type type,
			uint32_t mask);

/* Calls fn for every bit name set in mask, in bit order. */
void proceed_on_each(enum bpfman_program_type type, uint32_t mask,
		     void (*fn)(const char *name, void *arg), void *arg);

/* "aborted, drop, ..." for help texts. */
const char *proceed_on_names(enum bpfman_program_type type);

#endif /* BPFMANCTL_PROCEED_ON_H */
