/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Links: a program attached to a hook. Link IDs are issued by libbpfman and
 * stay the same for the life of the attachment (across dispatcher rebuilds
 * and restores), unlike kernel link IDs.
 */
#ifndef BPFMAN_LINK_H
#define BPFMAN_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "program.h"

#ifdef __cplusplus
extern "C" {
#endif

enum bpfman_direction {
	BPFMAN_DIRECTION_UNSPEC = 0,
	BPFMAN_DIRECTION_INGRESS = 1,
	BPFMAN_DIRECTION_EGRESS = 2,
};

struct bpfman_attach_opts {
	size_t sz;
	/* tracepoint: "group/name" */
	const char *tracepoint;
	/* kprobe, uprobe: function name (may be NULL for a uprobe with an
	 * offset), and offset from it (or from the file start) */
	const char *fn_name;
	uint64_t offset;
	/* uprobe: path or library name ("libc"), resolved like the dynamic
	 * linker would */
	const char *target;
	/* uprobe: only this process; 0 for all */
	int32_t pid;
	/* xdp, tc, tcx (network attach) */
	const char *iface;
	int32_t priority;
	uint32_t proceed_on; /* bit mask; 0 for the type's default */
	enum bpfman_direction direction;
	const char *netns; /* path such as /var/run/netns/NAME; NULL for ours */
	const struct bpfman_kv *metadata;
	size_t metadata_cnt;
	size_t : 0;
};
BPFMAN_API void bpfman_attach_opts_init(struct bpfman_attach_opts *opts, size_t sz);

/* Attaches a loaded program where opts says; the kind of hook follows from
 * the program's type. On success *ret_link_id is the new link's ID. */
BPFMAN_API int bpfman_program__attach(uint64_t *ret_link_id,
				      struct bpfman_ctx *ctx, uint32_t prog_id,
				      const struct bpfman_attach_opts *opts);

/* Detaches a link and forgets it. When it returns, the kernel has released
 * the link: the program is unhooked, so no event after the return runs it
 * through this link. For perf-event links (tracepoint, kprobe, uprobe) the
 * kernel has also waited until no run is in flight, an RCU tasks-trace
 * grace period: tens of ms, more under load. Same as
 * bpfman_link__detach_opts() with NULL opts. */
BPFMAN_API int bpfman_link__detach(struct bpfman_ctx *ctx, uint64_t link_id);

struct bpfman_detach_opts {
	size_t sz;
	/* Return without waiting for the kernel to release the link, as bpfman
	 * does. The link's pin and record are gone when the call returns, but
	 * where the kernel cannot detach a link of that type on request
	 * (tracepoint, kprobe, uprobe, fentry, fexit, lsm) it releases the link
	 * later, from its own deferred context (after an RCU grace period, on
	 * a workqueue): until then the program still runs, and its kernel link
	 * ID is still listed. Measured: within 7 ms (doc/architecture.md,
	 * "Detach and when a program stops"). Links the kernel can detach on
	 * request (xdp, tcx) and dispatcher and tc links are detached before
	 * the return either way. */
	bool no_wait;
	size_t : 0;
};
BPFMAN_API void bpfman_detach_opts_init(struct bpfman_detach_opts *opts, size_t sz);
BPFMAN_API int bpfman_link__detach_opts(struct bpfman_ctx *ctx, uint64_t link_id,
					const struct bpfman_detach_opts *opts);

struct bpfman_link_update_opts {
	size_t sz;
	/* New priority (0..1000) when set_priority is true. */
	bool set_priority;
	int32_t priority;
	/* New proceed-on mask; 0 leaves it unchanged. */
	uint32_t proceed_on;
	size_t : 0;
};
BPFMAN_API void bpfman_link_update_opts_init(struct bpfman_link_update_opts *opts, size_t sz);

/* Changes the priority or proceed-on of an XDP or TC link in place: the
 * chain is rebuilt and swapped atomically for traffic, keeping the link ID.
 * TCX links cannot move in place (the kernel has no such operation): detach
 * and attach again. */
BPFMAN_API int bpfman_link__update(struct bpfman_ctx *ctx, uint64_t link_id,
				   const struct bpfman_link_update_opts *opts);

struct bpfman_link;

BPFMAN_API int bpfman_link__get(struct bpfman_link **ret_link,
				struct bpfman_ctx *ctx, uint64_t link_id);
/* Sorted by id. opts: type, program_id, match_metadata, application. */
BPFMAN_API int bpfman_link__list(struct bpfman_link ***ret_links,
				 size_t *ret_cnt, struct bpfman_ctx *ctx,
				 const struct bpfman_list_opts *opts);
BPFMAN_API void bpfman_link_list__free(struct bpfman_link **links, size_t cnt);
BPFMAN_API void bpfman_link__free(struct bpfman_link *link);

BPFMAN_API uint64_t bpfman_link__id(const struct bpfman_link *link);
BPFMAN_API uint32_t bpfman_link__program_id(const struct bpfman_link *link);
BPFMAN_API enum bpfman_program_type bpfman_link__type(const struct bpfman_link *link);
BPFMAN_API bool bpfman_link__retprobe(const struct bpfman_link *link);
BPFMAN_API const char *bpfman_link__tracepoint(const struct bpfman_link *link);
BPFMAN_API const char *bpfman_link__fn_name(const struct bpfman_link *link);
BPFMAN_API uint64_t bpfman_link__offset(const struct bpfman_link *link);
BPFMAN_API const char *bpfman_link__target(const struct bpfman_link *link);
BPFMAN_API int32_t bpfman_link__pid(const struct bpfman_link *link);
BPFMAN_API const char *bpfman_link__iface(const struct bpfman_link *link);
BPFMAN_API int32_t bpfman_link__priority(const struct bpfman_link *link);
BPFMAN_API uint32_t bpfman_link__proceed_on(const struct bpfman_link *link);
BPFMAN_API enum bpfman_direction bpfman_link__direction(const struct bpfman_link *link);
BPFMAN_API const char *bpfman_link__netns(const struct bpfman_link *link);
/* Position in the interface's chain; -1 when not a chained hook. */
BPFMAN_API int32_t bpfman_link__position(const struct bpfman_link *link);
BPFMAN_API const char *bpfman_link__pin_path(const struct bpfman_link *link);
/* Kernel link ID right now; 0 when the kernel has none (perf-event links on
 * old kernels, or before restore). */
BPFMAN_API uint32_t bpfman_link__kernel_link_id(const struct bpfman_link *link);
/* Whether the link is in the kernel now (program.h, enum bpfman_status). */
BPFMAN_API enum bpfman_status bpfman_link__status(const struct bpfman_link *link);
BPFMAN_API size_t bpfman_link__metadata_cnt(const struct bpfman_link *link);
BPFMAN_API const char *bpfman_link__metadata_key(const struct bpfman_link *link, size_t i);
BPFMAN_API const char *bpfman_link__metadata_value(const struct bpfman_link *link, size_t i);

#ifdef __cplusplus
}
#endif

#endif /* BPFMAN_LINK_H */
