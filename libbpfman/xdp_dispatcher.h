/* SPDX-License-Identifier: Apache-2.0 */
/* XDP multi-program chains in libxdp's own format (doc: DESIGN.md,
 * "Program types and attach points"), so that `xdp-loader status` shows
 * our programs and libxdp / xdp-loader treat our dispatchers as theirs.
 *
 * A dispatcher is libxdp's shipped object (/usr/lib/<triplet>/bpf/
 * xdp-dispatcher.o, or $LIBXDP_OBJECT_PATH/xdp-dispatcher.o) loaded with
 * its configuration (<xdp/prog_dispatcher.h>: magic 236, version 2, one
 * rodata map) and attached to the interface with netlink. Each program of
 * the chain is a BPF_PROG_TYPE_EXT program linked into slot "prog<i>".
 *
 * Pins, in libxdp's layout, under libxdp's directory
 * <$LIBXDP_BPFFS or /sys/fs/bpf>/xdp:
 *   dispatch-<ifindex>-<dispatcher prog id>/prog<i>-link   freplace link of slot i
 *   dispatch-<ifindex>-<dispatcher prog id>/prog<i>-prog   EXT program of slot i
 * written and removed under libxdp's lock (flock on that directory).
 * Ifindexes are per network namespace, and so (as in libxdp) are these
 * names; the program ID makes them unique.
 *
 * libxdp rebuilds a dispatcher it finds by re-linking the pinned EXT
 * programs, so programs attached by xdp-loader and ours survive each
 * other's rebuilds. Chain semantics are libxdp's: after slot i returns r,
 * slot i+1 runs when bit r of chain_call_actions[i] is set; when the chain
 * runs past the last slot the dispatcher returns XDP_PASS.
 * chain_call_actions always carries DISPATCHER_RETURN_BIT (31), as libxdp
 * writes it.
 *
 * Everything works in the caller's current network namespace, takes no
 * libbpfman lock (callers hold theirs), returns 0 or a negative errno with
 * a sentence in bpfman_errmsg(), and changes nothing on failure. */
#ifndef BPFMAN_XDP_DISPATCHER_H
#define BPFMAN_XDP_DISPATCHER_H

#include <stddef.h>
#include <stdint.h>

#include "dispatcher.h"

/* Kernel name of a libxdp dispatcher program. */
#define XDP_DISPATCHER_PROG_NAME "xdp_dispatcher"

struct bpfman_ctx;

/* An unattached dispatcher (libxdp's object, all slots enabled) that EXT
 * programs are loaded against at load time: sets *ret_fd (caller closes)
 * and *ret_func, the slot function to target ("prog0"). */
int xdp_dispatcher_template(struct bpfman_ctx *ctx, int *ret_fd, const char **ret_func);

/* What is attached to ifindex now (native or generic mode).
 * - A libxdp dispatcher: *ret_progs (malloc'ed, caller frees; each prog_fd
 *   is a new fd the caller closes) holds its slots in order: prog_fd from
 *   the pinned prog<i>-prog, priority and proceed_on from the dispatcher's
 *   run_prios / chain_call_actions (bit 31 included, as libxdp writes it),
 *   position i, link_pin / prog_pin, link_id 0; *ret_dispatcher_id is its
 *   program ID.
 * - A plain XDP program: *ret_cnt 0, *ret_foreign_id its ID.
 * - Nothing: all zero (*ret_progs NULL).
 * A dispatcher of another format (older or newer libxdp) or one whose pins
 * are gone is an error that says how to clear it. */
int xdp_dispatcher_read(struct bpfman_ctx *ctx, int ifindex, struct chain_prog **ret_progs,
			size_t *ret_cnt, uint32_t *ret_dispatcher_id, uint32_t *ret_foreign_id);

/* Installs a new dispatcher on ifindex running exactly progs[0..cnt)
 * (sorted with chain_sort()), pins it in libxdp's layout and swaps it in
 * for the current one in one netlink call (XDP_FLAGS_REPLACE with the old
 * program; a first attach uses XDP_FLAGS_UPDATE_IF_NOEXIST), then removes
 * the old dispatcher's pins. Fills position, link_pin and prog_pin.
 * mode: 0 = native, falling back to generic (skb) when the driver refuses;
 * XDP_FLAGS_SKB_MODE or XDP_FLAGS_DRV_MODE forces one. A replacement keeps
 * the old dispatcher's mode (a different forced mode is refused).
 * cnt 0 detaches the dispatcher and removes its pins (a plain program, not
 * being a dispatcher, is left alone: 0).
 * Refuses: more than DISPATCHER_MAX_SLOTS programs (-E2BIG); a plain XDP
 * program on the interface (-EBUSY: never replaced); the interface's
 * program changing underneath (another tool attached meanwhile: -EAGAIN). */
int xdp_dispatcher_install(struct bpfman_ctx *ctx, int ifindex, uint32_t mode,
			   struct chain_prog *progs, size_t cnt);

/* libxdp's pin directory (<$LIBXDP_BPFFS or /sys/fs/bpf>/xdp) into buf,
 * created when missing, as libxdp does. */
int xdp_dispatcher_pin_root(struct bpfman_ctx *ctx, char *buf, size_t size);

#endif
