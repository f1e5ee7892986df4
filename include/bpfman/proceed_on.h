/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Proceed-on: which return values of a program in an XDP or TC chain let
 * the dispatcher run the next program (bpfman_attach_opts.proceed_on,
 * bpfman_link_update_opts.proceed_on, bpfman_link__proceed_on()).
 *
 * The mask has one bit per action:
 *   XDP: bit = the XDP action (XDP_ABORTED 0 ... XDP_REDIRECT 4), the
 *        layout of libxdp's chain_call_actions;
 *   TC:  bit = the TC action + 1 (TC_ACT_UNSPEC is -1, so unspec is bit 0);
 *   both: dispatcher_return = bit 31 (the slot returned "no program").
 * The values are part of the ABI and never change.
 */
#ifndef BPFMAN_PROCEED_ON_H
#define BPFMAN_PROCEED_ON_H

#include <stdint.h>

#include "common.h"
#include "program.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BPFMAN_PROCEED_ON_DISPATCHER_RETURN (UINT32_C(1) << 31)

#define BPFMAN_XDP_PROCEED_ON_ABORTED (UINT32_C(1) << 0)
#define BPFMAN_XDP_PROCEED_ON_DROP (UINT32_C(1) << 1)
#define BPFMAN_XDP_PROCEED_ON_PASS (UINT32_C(1) << 2)
#define BPFMAN_XDP_PROCEED_ON_TX (UINT32_C(1) << 3)
#define BPFMAN_XDP_PROCEED_ON_REDIRECT (UINT32_C(1) << 4)
/* bpfman's default for XDP: pass, dispatcher_return. */
#define BPFMAN_XDP_PROCEED_ON_DEFAULT                                          \
	(BPFMAN_XDP_PROCEED_ON_PASS | BPFMAN_PROCEED_ON_DISPATCHER_RETURN)

#define BPFMAN_TC_PROCEED_ON_UNSPEC (UINT32_C(1) << 0)
#define BPFMAN_TC_PROCEED_ON_OK (UINT32_C(1) << 1)
#define BPFMAN_TC_PROCEED_ON_RECLASSIFY (UINT32_C(1) << 2)
#define BPFMAN_TC_PROCEED_ON_SHOT (UINT32_C(1) << 3)
#define BPFMAN_TC_PROCEED_ON_PIPE (UINT32_C(1) << 4)
#define BPFMAN_TC_PROCEED_ON_STOLEN (UINT32_C(1) << 5)
#define BPFMAN_TC_PROCEED_ON_QUEUED (UINT32_C(1) << 6)
#define BPFMAN_TC_PROCEED_ON_REPEAT (UINT32_C(1) << 7)
#define BPFMAN_TC_PROCEED_ON_REDIRECT (UINT32_C(1) << 8)
#define BPFMAN_TC_PROCEED_ON_TRAP (UINT32_C(1) << 9)
/* bpfman's default for TC: pipe, dispatcher_return. */
#define BPFMAN_TC_PROCEED_ON_DEFAULT                                           \
	(BPFMAN_TC_PROCEED_ON_PIPE | BPFMAN_PROCEED_ON_DISPATCHER_RETURN)

/* The bit of an action named as bpfman names it ("drop", "pass",
 * "dispatcher_return", ... for XDP; "ok", "shot", "pipe", ... for TC), or
 * 0 when `name` is not an action of `type` (or type is neither XDP nor
 * TC). Names are matched exactly (lower case). */
BPFMAN_API uint32_t bpfman_proceed_on_bit(enum bpfman_program_type type, const char *name);

/* The name of bit `bit` (0..31) for `type`, or NULL when that bit names
 * no action of the type. The string is static. */
BPFMAN_API const char *bpfman_proceed_on_name(enum bpfman_program_type type, unsigned int bit);

/* Every bit that names an action of `type` (XDP or TC), 0 for others. */
BPFMAN_API uint32_t bpfman_proceed_on_valid(enum bpfman_program_type type);

/* The mask a link gets when its proceed_on is 0: bpfman's defaults above. */
BPFMAN_API uint32_t bpfman_proceed_on_default(enum bpfman_program_type type);

#ifdef __cplusplus
}
#endif

#endif /* BPFMAN_PROCEED_ON_H */
