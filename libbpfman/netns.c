// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "netns.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

int netns_enter(struct bpfman_ctx *ctx, const char *path, struct netns_guard *guard)
{
	_cleanup_close_ int target = -1;
	struct statfs st;

	guard->saved_fd = -1;
	if (str_empty(path))
		return 0;
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (target < 0)
		return bpfman_err(ctx, -errno,
				  "network namespace %s: %s (create one with 'ip netns add NAME'; its path is /var/run/netns/NAME)",
				  path, strerror(errno));
	if (fstatfs(target, &st) || st.f_type != NSFS_MAGIC)
		return bpfman_err(ctx, -EINVAL, "%s is not a network namespace file (expected e.g. /var/run/netns/NAME)",
				  path);
	guard->saved_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (guard->saved_fd < 0)
		return bpfman_err(ctx, -errno, "cannot open our own network namespace: %s",
				  strerror(errno));
	if (setns(target, CLONE_NEWNET)) {
		int err = -errno;

		close(guard->saved_fd);
		guard->saved_fd = -1;
		return bpfman_err(ctx, err, "cannot enter network namespace %s: %s", path,
				  strerror(-err));
	}
	return 0;
}

void netns_leave(struct netns_guard *guard)
{
	if (guard->saved_fd < 0)
		return;
	/* Going back to where we were cannot reasonably fail; if it did, the
	 * thread would be stranded, which is worse than aborting. */
	if (setns(guard->saved_fd, CLONE_NEWNET))
		abort();
	close(guard->saved_fd);
	guard->saved_fd = -1;
}

int netns_ifindex(struct bpfman_ctx *ctx, const char *name, const char *netns, int *ret)
{
	unsigned int idx;

	if (str_empty(name))
		return bpfman_err(ctx, -EINVAL, "no interface given; name one (iface)");
	idx = if_nametoindex(name);
	if (!idx)
		return bpfman_err(ctx, -ENODEV, "no interface '%s'%s%s; see 'ip link%s'", name,
				  str_empty(netns) ? "" : " in network namespace ",
				  str_or_empty(netns), str_empty(netns) ? "" : " (with ip -n NAME)");
	*ret = (int)idx;
	return 0;
}
