/* SPDX-License-Identifier: Apache-2.0 */
/* Multi-program chains behind one network hook, shared by the XDP
 * dispatcher (libxdp's protocol and bpffs layout, xdp_dispatcher.c) and our
 * TC dispatcher (same protocol shape, tc_dispatcher.c).
 *
 * A dispatcher is a BPF program with DISPATCHER_MAX_SLOTS global functions
 * "prog0".."prog9"; each slot in use is replaced (freplace) by a program of
 * type BPF_PROG_TYPE_EXT. After slot i returns r, the dispatcher goes on to
 * slot i+1 only when the chain bit for r is set in proceed_on[i]; bit 31
 * (DISPATCHER_RETURN_BIT) stands for "the slot had no program". Slots run
 * in order of ascending priority.
 *
 * The functions here work in the caller's current network namespace
 * (callers setns() around them) and never take libbpfman's state lock
 * (callers hold it). They change nothing on failure. */
#ifndef BPFMAN_DISPATCHER_H
#define BPFMAN_DISPATCHER_H

#include <limits.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include <bpfman/program.h>

#define DISPATCHER_MAX_SLOTS 10
#define DISPATCHER_RETURN_BIT 31

struct bpfman_ctx;

struct chain_prog {
	/* in */
	int prog_fd;         /* BPF_PROG_TYPE_EXT program for this slot */
	uint32_t priority;   /* lower runs first */
	uint32_t proceed_on; /* chain-call bit mask, see above */
	uint64_t link_id;    /* libbpfman link ID; 0 for a program we do not manage */
	/* out (install fills these) */
	int position;        /* slot index in the installed dispatcher */
	char link_pin[PATH_MAX]; /* where this slot's freplace link is pinned */
	char prog_pin[PATH_MAX]; /* where this slot's program is pinned */
};

/* Sorts by priority; equal priorities keep their order in the array
 * (callers list existing programs first, so a newcomer goes after
 * programs of the same priority). Sets position. */
void chain_sort(struct chain_prog *progs, size_t cnt);

/* "eth0" (or "ifindex 7" when the device is gone), for messages. */
struct ifname_buf {
	char s[32];
};
const char *dispatcher_ifname(int ifindex, struct ifname_buf *b);

/* xdp_dispatcher.c (libxdp's protocol and layout) */
int xdp_dispatcher_template(struct bpfman_ctx *ctx, int *ret_fd, const char **ret_func);
int xdp_dispatcher_read(struct bpfman_ctx *ctx, int ifindex, struct chain_prog **ret_progs,
			size_t *ret_cnt, uint32_t *ret_dispatcher_id, uint32_t *ret_foreign_id);
int xdp_dispatcher_install(struct bpfman_ctx *ctx, int ifindex, uint32_t mode,
			   struct chain_prog *progs, size_t cnt);
/* The same, but only if the interface still runs dispatcher expected_id
 * (0: nothing attached) when the swap happens; -EAGAIN otherwise. */
#define XDP_ANY_DISPATCHER UINT32_MAX
int xdp_dispatcher_install_if(struct bpfman_ctx *ctx, int ifindex, uint32_t mode,
			      uint32_t expected_id, struct chain_prog *progs, size_t cnt);

/* tc_dispatcher.c (ours; see tc_dispatcher.h for the pin layout) */
int tc_dispatcher_template(struct bpfman_ctx *ctx, int *ret_fd, const char **ret_func);
int tc_dispatcher_read(struct bpfman_ctx *ctx, const char *pin_dir, int ifindex, int direction,
		       struct chain_prog **ret_progs, size_t *ret_cnt, uint32_t *ret_dispatcher_id);
int tc_dispatcher_install(struct bpfman_ctx *ctx, const char *pin_dir, int ifindex, int direction,
			  struct chain_prog *progs, size_t cnt);

/* The template dispatcher that XDP (libxdp's) or TC (ours) programs are
 * loaded against as extensions: *ret_fd (caller closes), *ret_func the slot
 * function ("prog0"). */
int dispatcher_template(struct bpfman_ctx *ctx, enum bpfman_program_type type, int *ret_fd,
			const char **ret_func);

#endif
