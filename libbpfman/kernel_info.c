// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "kernel_info.h"

#include <bpf/bpf.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* bpf_prog_info.load_time is boot-based nanoseconds; convert to the wall
 * clock so callers can print a date. */
static uint64_t boot_ns_to_epoch_s(uint64_t boot_ns)
{
	struct timespec real, boot;
	int64_t offset_ns;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	offset_ns = (int64_t)(real.tv_sec - boot.tv_sec) * 1000000000LL +
		    (real.tv_nsec - boot.tv_nsec);
	return (uint64_t)((int64_t)boot_ns + offset_ns) / 1000000000ULL;
}

/* Enough map IDs for nearly every program in one bpf() call; programs
 * using more take a second call. */
#define MAP_IDS_GUESS 32

static int read_memlock(int prog_fd, uint32_t *ret)
{
	char path[64], buf[512];
	ssize_t n;
	char *line;
	int fd;

	/* bpf_prog_info has no memlock field; fdinfo does. */
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", prog_fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	line = strstr(buf, "memlock:");
	return line && sscanf(line, "memlock: %u", ret) == 1 ? 0 : -ENOENT;
}

/* A program's memlock is fixed when it is loaded (the kernel sizes its
 * pages during verification and never again), but reading it costs an
 * open/read/close of fdinfo: half the syscalls of listing a program. Keep
 * what was read, keyed by the program's ID and load time (an ID reused
 * after wrapping has another load time), in a small direct-mapped table
 * shared by every context of the process: a long-lived process such as
 * bpfmand lists 1,000 programs with two syscalls each instead of five,
 * and the number stays the kernel's. Bounded: a collision replaces. */
#define MEMLOCK_SLOTS 2048
static struct memlock_slot {
	uint64_t load_time;
	uint32_t id;
	uint32_t memlock;
} memlock_cache[MEMLOCK_SLOTS];
static pthread_mutex_t memlock_lock = PTHREAD_MUTEX_INITIALIZER;

static void prog_memlock(int prog_fd, const struct bpf_prog_info *info, uint32_t *ret)
{
	struct memlock_slot *slot = &memlock_cache[info->id % MEMLOCK_SLOTS];
	bool hit;

	pthread_mutex_lock(&memlock_lock);
	hit = info->id && slot->id == info->id && slot->load_time == info->load_time;
	if (hit)
		*ret = slot->memlock;
	pthread_mutex_unlock(&memlock_lock);
	if (hit || read_memlock(prog_fd, ret))
		return;
	pthread_mutex_lock(&memlock_lock);
	*slot = (struct memlock_slot){ .load_time = info->load_time, .id = info->id,
				       .memlock = *ret };
	pthread_mutex_unlock(&memlock_lock);
}

int kernel_prog_info_fill(int prog_fd, struct kernel_prog_info *ret)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	uint32_t *ids = calloc(MAP_IDS_GUESS, sizeof(*ids));
	__u32 nr = MAP_IDS_GUESS;

	if (!ids)
		return -ENOMEM;
	for (;;) {
		memset(&info, 0, sizeof(info));
		info.nr_map_ids = nr;
		info.map_ids = (__u64)(unsigned long)ids;
		len = sizeof(info);
		if (bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
			free(ids);
			return -errno;
		}
		if (info.nr_map_ids <= nr)
			break;
		/* More maps than the guess: the kernel told us how many. */
		nr = info.nr_map_ids;
		free(ids);
		ids = calloc(nr, sizeof(*ids));
		if (!ids)
			return -ENOMEM;
	}
	free(ret->map_ids);
	ret->loaded = true;
	memcpy(ret->name, info.name, sizeof(ret->name));
	ret->name[sizeof(ret->name) - 1] = '\0';
	ret->type = info.type;
	hex_encode(info.tag, sizeof(info.tag), ret->tag);
	ret->loaded_at = boot_ns_to_epoch_s(info.load_time);
	ret->gpl_compatible = info.gpl_compatible;
	ret->map_ids = ids;
	ret->map_ids_cnt = info.nr_map_ids;
	ret->btf_id = info.btf_id;
	ret->bytes_xlated = info.xlated_prog_len;
	ret->bytes_jited = info.jited_prog_len;
	ret->verified_insns = info.verified_insns;
	ret->bytes_memlock = 0;
	prog_memlock(prog_fd, &info, &ret->bytes_memlock);
	return 0;
}

#ifndef BPF_F_PATH_FD
#define BPF_F_PATH_FD (1U << 14)
#endif

/* Set once a kernel refused BPF_F_PATH_FD (before 6.5): never retried. */
static bool path_fd_refused;

const char *pin_below(const char *root, const char *pin)
{
	size_t n = root ? strlen(root) : 0;

	if (n && !strncmp(pin, root, n) && pin[n] == '/' && pin[n + 1])
		return pin + n + 1;
	return NULL;
}

int kernel_obj_get_at(int root_fd, const char *root, const char *pin)
{
	const char *rel = root_fd >= 0 ? pin_below(root, pin) : NULL;
	int fd;

	if (rel && !__atomic_load_n(&path_fd_refused, __ATOMIC_RELAXED)) {
		/* bpf_attr's obj_get part with path_fd, which Debian 12's
		 * headers and libbpf 1.1 do not know yet. */
		struct {
			uint64_t pathname;
			uint32_t bpf_fd;
			uint32_t file_flags;
			int32_t path_fd;
		} attr = { .pathname = (uint64_t)(unsigned long)rel,
			   .file_flags = BPF_F_PATH_FD, .path_fd = root_fd };

		fd = (int)syscall(__NR_bpf, BPF_OBJ_GET, &attr, sizeof(attr));
		if (fd >= 0)
			return fd;
		if (errno != EINVAL && errno != E2BIG)
			return -errno;
		__atomic_store_n(&path_fd_refused, true, __ATOMIC_RELAXED);
	}
	fd = bpf_obj_get(pin);
	return fd < 0 ? -errno : fd;
}

uint32_t kernel_prog_id(int prog_fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return 0;
	return info.id;
}

static bool fd_is_bpf_link(int fd)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return true; /* no /proc: trust the pin */
	target[n] = '\0';
	return !strcmp(target, "anon_inode:bpf-link");
}

uint32_t kernel_link_id_of_pin(const char *pin)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);
	int fd;

	if (str_empty(pin))
		return 0;
	fd = bpf_obj_get(pin);
	if (fd < 0)
		return 0;
	/* A pin may hold a program instead (a plain TC filter's record):
	 * its info would read as a link's. */
	if (!fd_is_bpf_link(fd)) {
		close(fd);
		return 0;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.id = 0;
	close(fd);
	return info.id;
}
