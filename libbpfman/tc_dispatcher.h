/* SPDX-License-Identifier: Apache-2.0 */
/* libbpfman's TC dispatcher (doc/tc-dispatcher.md): up to ten
 * BPF_PROG_TYPE_EXT programs chained behind one cls_bpf filter in
 * direct-action mode on an interface's clsact qdisc, with bpfman's
 * priority / proceed-on semantics (dispatcher.h).
 *
 * Our filter sits at TC_DISPATCHER_PRIORITY / TC_DISPATCHER_HANDLE on the
 * clsact ingress or egress parent; a rebuild replaces it in place, so
 * there is no moment without a chain. Filters and qdiscs of anyone else
 * are never touched.
 *
 * pin_dir: a directory on bpffs, specific to the network namespace (the
 * names below carry ifindexes), holding
 *   dispatcher-<ifindex>-<ingress|egress>-<dispatcher prog id>/
 *       prog<i>-link   the freplace link of slot i
 *       prog<i>-prog   the EXT program of slot i
 *   clsact-<ifindex>/  (empty directory) we created that device's clsact
 *
 * Everything works in the caller's current network namespace, takes no
 * lock (callers hold libbpfman's), returns 0 or a negative errno with a
 * sentence in bpfman_errmsg(), and changes nothing on failure. */
#ifndef BPFMAN_TC_DISPATCHER_H
#define BPFMAN_TC_DISPATCHER_H

#include <stddef.h>
#include <stdint.h>

#include "dispatcher.h"

#define TC_DISPATCHER_PRIORITY 50
#define TC_DISPATCHER_HANDLE 1
/* Kernel name of the dispatcher program (how our filter is recognised). */
#define TC_DISPATCHER_PROG_NAME "tc_dispatcher"

#define TC_DIRECTION_INGRESS 1
#define TC_DIRECTION_EGRESS 2

struct bpfman_ctx;

/* An unattached dispatcher that EXT programs are loaded against at load
 * time: *ret_fd (caller closes) and the slot function to target ("prog0"). */
int tc_dispatcher_template(struct bpfman_ctx *ctx, int *ret_fd, const char **ret_func);

/* Our dispatcher currently attached at (ifindex, direction), found by its
 * tc filter; fills *ret_progs (malloc'ed, in slot order; prog_fd are new
 * fds from the slot pins, the caller closes them; priority/proceed_on from
 * the dispatcher's configuration; link_id 0) and *ret_dispatcher_id (the
 * dispatcher's kernel program ID). Nothing of ours attached: cnt 0, id 0,
 * *ret_progs NULL. */
int tc_dispatcher_read(struct bpfman_ctx *ctx, const char *pin_dir, int ifindex, int direction,
		       struct chain_prog **ret_progs, size_t *ret_cnt, uint32_t *ret_dispatcher_id);

/* Installs a new dispatcher at (ifindex, direction: 1 ingress, 2 egress)
 * running exactly progs[0..cnt) (already sorted by chain_sort()), pins it
 * under pin_dir, swaps it in for the old one in one step, then removes the
 * old one's pins. Fills position, link_pin and prog_pin. Creates the clsact
 * qdisc when the device has none (and remembers that); cnt 0 removes our
 * filter, and the clsact too when we created it and nothing else is left
 * on it. Refuses (-EBUSY) a device with an `ingress` qdisc or with a
 * foreign filter at our priority/handle; more than DISPATCHER_MAX_SLOTS
 * programs: -E2BIG. */
int tc_dispatcher_install(struct bpfman_ctx *ctx, const char *pin_dir, int ifindex, int direction,
			  struct chain_prog *progs, size_t cnt);

/* Where the kernel refuses freplace there is no dispatcher: one plain
 * SCHED_CLS program (prog_fd) takes our filter spot directly, on a clsact
 * created (and remembered) as for a dispatcher. A spot already held by a
 * bpf filter (ours or not) gives -EBUSY with its program ID in
 * *ret_busy_id and no message (the caller knows whose it is); other
 * refusals as tc_dispatcher_install. */
int tc_plain_install(struct bpfman_ctx *ctx, const char *pin_dir, int ifindex, int direction,
		     int prog_fd, uint32_t *ret_busy_id);
/* Removes our filter spot if it runs prog_id (anything else there stays),
 * and the clsact we created once nothing else is on it. */
int tc_plain_remove(struct bpfman_ctx *ctx, const char *pin_dir, int ifindex, int direction,
		    uint32_t prog_id);
/* The program of a bpf filter at our spot that is not a dispatcher (0:
 * none). */
int tc_plain_prog(struct bpfman_ctx *ctx, int ifindex, int direction, uint32_t *ret_id);
/* Program IDs of all bpf filters on (ifindex, direction), ours and
 * foreign, in the order the kernel runs them; at most max. */
int tc_hook_bpf_filters(struct bpfman_ctx *ctx, int ifindex, int direction, uint32_t *ids,
			size_t max, size_t *ret_cnt);

#endif
