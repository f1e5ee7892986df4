/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The programs that run at one network hook (XDP on an interface, TC or
 * TCX on its ingress or egress), in the order they run: ours and anyone
 * else's (programs attached by xdp-loader join our XDP dispatchers).
 */
#ifndef BPFMAN_CHAIN_H
#define BPFMAN_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "link.h"
#include "program.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bpfman_chain_opts {
	size_t sz;
	enum bpfman_program_type type; /* XDP, TC or TCX */
	const char *iface;
	enum bpfman_direction direction; /* TC, TCX */
	const char *netns;               /* NULL for ours */
	size_t : 0;
};
BPFMAN_API void bpfman_chain_opts_init(struct bpfman_chain_opts *opts, size_t sz);

struct bpfman_chain;

BPFMAN_API int bpfman_chain__get(struct bpfman_chain **ret_chain, struct bpfman_ctx *ctx,
				 const struct bpfman_chain_opts *opts);
BPFMAN_API void bpfman_chain__free(struct bpfman_chain *chain);

/* Kernel ID of the dispatcher program running the chain; 0 when there is
 * none (TCX, or one plain program attached directly). */
BPFMAN_API uint32_t bpfman_chain__dispatcher_id(const struct bpfman_chain *chain);
BPFMAN_API size_t bpfman_chain__cnt(const struct bpfman_chain *chain);
BPFMAN_API uint32_t bpfman_chain__prog_id(const struct bpfman_chain *chain, size_t i);
BPFMAN_API const char *bpfman_chain__prog_name(const struct bpfman_chain *chain, size_t i);
/* -1 where the hook has no priorities (TCX programs that are not ours, a
 * plain program attached directly). */
BPFMAN_API int32_t bpfman_chain__priority(const struct bpfman_chain *chain, size_t i);
BPFMAN_API uint32_t bpfman_chain__proceed_on(const struct bpfman_chain *chain, size_t i);
/* Our link running this slot; 0 when the program is not managed by us. */
BPFMAN_API uint64_t bpfman_chain__link_id(const struct bpfman_chain *chain, size_t i);
/* The mode an XDP hook runs in: "native", "skb" or "hw"; "" for other
 * hooks or when nothing is attached. */
BPFMAN_API const char *bpfman_chain__xdp_mode(const struct bpfman_chain *chain);

#ifdef __cplusplus
}
#endif

#endif /* BPFMAN_CHAIN_H */
