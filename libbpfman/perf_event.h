/* SPDX-License-Identifier: Apache-2.0 */
/* perf events for tracepoints, kprobes and uprobes, turned into pinnable
 * BPF links (BPF_LINK_TYPE_PERF_EVENT, kernel >= 5.15). */
#ifndef BPFMAN_PERF_EVENT_H
#define BPFMAN_PERF_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct bpfman_ctx;

/* Dynamic PMU type of "kprobe" or "uprobe"; -ENOENT when the kernel has
 * none. */
int perf_pmu_type(const char *pmu);
/* Bit in perf_event_attr.config that makes a retprobe. */
int perf_pmu_retprobe_bit(const char *pmu);
/* Links prog_fd to the perf event and pins the link; closes nothing. */
int perf_link_and_pin(struct bpfman_ctx *ctx, int prog_fd, int pfd, const char *pin);
int perf_event_open_probe(const char *pmu, bool retprobe, const char *name,
			  uint64_t offset, pid_t pid);
int perf_event_open_tracepoint(int tp_id);

#endif
