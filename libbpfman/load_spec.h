/* SPDX-License-Identifier: Apache-2.0 */
/* Parsing and checking what a load asks for, before anything is touched. */
#ifndef BPFMAN_LOAD_SPEC_H
#define BPFMAN_LOAD_SPEC_H

#include "model.h"

struct bpfman_ctx;

struct prog_request {
	enum bpfman_program_type type;
	char *func;
	char *attach_func; /* fentry/fexit function or lsm hook, may be NULL */
};

/* Parses "TYPE:FUNC[:ATTACH_FUNC]". */
int prog_request_parse(struct bpfman_ctx *ctx, const char *spec,
		       struct prog_request *ret);
void prog_request_clear(struct prog_request *r);

#endif
