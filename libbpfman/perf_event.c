// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "perf_event.h"
#include "prog_types.h"

#include <bpf/bpf.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int read_int_file(const char *path, int *ret)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%d", ret) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

int perf_pmu_type(const char *pmu)
{
	char path[128];
	int type, err;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", pmu);
	err = read_int_file(path, &type);
	return err ? err : type;
}

int perf_pmu_retprobe_bit(const char *pmu)
{
	char path[128], buf[64];
	FILE *f;
	int bit = -1;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/format/retprobe", pmu);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	/* The file reads "config:<bit>". */
	if (fgets(buf, sizeof(buf), f))
		sscanf(buf, "config:%d", &bit);
	fclose(f);
	return bit >= 0 ? bit : -EINVAL;
}

static int sys_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu)
{
	return (int)syscall(__NR_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

int perf_event_open_probe(const char *pmu, bool retprobe, const char *name,
			  uint64_t offset, pid_t pid)
{
	struct perf_event_attr attr;
	int type = perf_pmu_type(pmu), fd;

	if (type < 0)
		return type;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = (__u32)type;
	if (retprobe) {
		int bit = perf_pmu_retprobe_bit(pmu);

		if (bit < 0)
			return bit;
		attr.config |= 1ULL << bit;
	}
	/* kprobe: config1 = symbol, config2 = offset;
	 * uprobe: config1 = path, config2 = file offset. */
	attr.config1 = (__u64)(unsigned long)name;
	attr.config2 = offset;
	fd = sys_perf_event_open(&attr, pid > 0 ? pid : -1, pid > 0 ? -1 : 0);
	return fd < 0 ? -errno : fd;
}

int perf_event_open_tracepoint(int tp_id)
{
	struct perf_event_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = (__u64)tp_id;
	fd = sys_perf_event_open(&attr, -1, 0);
	return fd < 0 ? -errno : fd;
}

int perf_link_and_pin(struct bpfman_ctx *ctx, int prog_fd, int pfd, const char *pin)
{
	_cleanup_close_ int link_fd = bpf_link_create(prog_fd, pfd, BPF_PERF_EVENT, NULL);

	if (link_fd < 0)
		return bpfman_err(ctx, -errno,
				  "the kernel refused to link the program to its perf event: %s",
				  strerror(errno));
	return pin_link_fd(ctx, link_fd, pin);
}
