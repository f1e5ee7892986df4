// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "kernel_info.h"

#include <bpf/bpf.h>
#include <stdlib.h>
#include <string.h>
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

int kernel_prog_info_fill(int prog_fd, struct kernel_prog_info *ret)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	uint32_t *ids = NULL;
	__u32 nr;

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	nr = info.nr_map_ids;
	if (nr) {
		ids = calloc(nr, sizeof(*ids));
		if (!ids)
			return -ENOMEM;
		memset(&info, 0, sizeof(info));
		info.nr_map_ids = nr;
		info.map_ids = (__u64)(unsigned long)ids;
		len = sizeof(info);
		if (bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
			free(ids);
			return -errno;
		}
		if (info.nr_map_ids < nr)
			nr = info.nr_map_ids;
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
	ret->map_ids_cnt = nr;
	ret->btf_id = info.btf_id;
	ret->bytes_xlated = info.xlated_prog_len;
	ret->bytes_jited = info.jited_prog_len;
	ret->verified_insns = info.verified_insns;
	ret->bytes_memlock = 0;
	/* bpf_prog_info has no memlock field; fdinfo does. */
	{
		char path[64], line[128];
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", prog_fd);
		f = fopen(path, "re");
		if (f) {
			while (fgets(line, sizeof(line), f))
				if (sscanf(line, "memlock: %u", &ret->bytes_memlock) == 1)
					break;
			fclose(f);
		}
	}
	return 0;
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
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.id = 0;
	close(fd);
	return info.id;
}
