// SPDX-License-Identifier: Apache-2.0
#include "util/beneath.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define RESOLVE_STRICT (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV | \
			RESOLVE_NO_MAGICLINKS)

int beneath_root_open(const char *path)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	/* O_PATH|O_NOFOLLOW opens a final symlink itself; O_DIRECTORY then
	 * makes that ENOTDIR, which says less than ELOOP. */
	if (fd < 0 && errno == ENOTDIR) {
		struct stat st;

		if (!lstat(path, &st) && S_ISLNK(st.st_mode))
			return -ELOOP;
		return -ENOTDIR;
	}
	return fd < 0 ? -errno : fd;
}

/* True when fd is the root of a mount (statx knows since Linux 5.8; older
 * kernels leave the attribute out of the mask and st_dev decides). */
static bool mount_root(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, 0, &stx))
		return false;
	return (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	       (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/* One component below cur: no symlink, same mount. */
static int step(int cur, dev_t dev, const char *name, int flags)
{
	struct stat st;
	int fd, err;

	if (!strcmp(name, ".."))
		return -EXDEV;
	fd = openat(cur, name, flags | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		/* O_PATH|O_NOFOLLOW|O_DIRECTORY on a symlink says ENOTDIR */
		if (err == -ENOTDIR && !fstatat(cur, name, &st, AT_SYMLINK_NOFOLLOW) &&
		    S_ISLNK(st.st_mode))
			err = -ELOOP;
		return err;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		close(fd);
		return err;
	}
	if (S_ISLNK(st.st_mode)) {
		close(fd);
		return -ELOOP;
	}
	if (st.st_dev != dev || (S_ISDIR(st.st_mode) && mount_root(fd))) {
		close(fd);
		return -EXDEV;
	}
	return fd;
}

int beneath_open_walk(int root_fd, const char *rel, int flags)
{
	char *copy, *save = NULL, *comp, *next;
	struct stat st;
	int cur = -1, err;

	if (rel[0] == '/')
		return -EXDEV;
	if (fstat(root_fd, &st))
		return -errno;
	copy = strdup(rel);
	if (!copy)
		return -ENOMEM;
	cur = fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
	if (cur < 0) {
		free(copy);
		return -errno;
	}
	comp = strtok_r(copy, "/", &save);
	while (comp) {
		next = strtok_r(NULL, "/", &save);
		if (!strcmp(comp, ".")) {
			comp = next;
			continue;
		}
		err = step(cur, st.st_dev, comp, next ? O_PATH | O_DIRECTORY : flags);
		close(cur);
		if (err < 0) {
			free(copy);
			return err;
		}
		cur = err;
		comp = next;
	}
	free(copy);
	return cur;
}

int beneath_open(int root_fd, const char *rel, int flags)
{
	static int no_openat2; /* the kernel said ENOSYS once: stop asking */
	struct open_how how = {
		.flags = (unsigned)(flags | O_NOFOLLOW | O_CLOEXEC),
		.resolve = RESOLVE_STRICT,
	};
	long fd;

	if (!__atomic_load_n(&no_openat2, __ATOMIC_RELAXED)) {
		fd = syscall(SYS_openat2, root_fd, rel, &how, sizeof(how));
		if (fd >= 0) {
			struct stat st;

			/* O_PATH|O_NOFOLLOW opens a final symlink itself. */
			if ((flags & O_PATH) && !fstat((int)fd, &st) && S_ISLNK(st.st_mode)) {
				close((int)fd);
				return -ELOOP;
			}
			return (int)fd;
		}
		if (errno == ENOTDIR && (flags & O_DIRECTORY)) {
			/* A final symlink with O_DIRECTORY|O_NOFOLLOW says
			 * ENOTDIR: look again without O_DIRECTORY to tell. */
			struct open_how look = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
						 .resolve = RESOLVE_STRICT };
			struct stat st;
			int lfd = (int)syscall(SYS_openat2, root_fd, rel, &look, sizeof(look));
			bool link = lfd >= 0 && !fstat(lfd, &st) && S_ISLNK(st.st_mode);

			if (lfd >= 0)
				close(lfd);
			return link ? -ELOOP : -ENOTDIR;
		}
		if (errno != ENOSYS)
			return -errno;
		__atomic_store_n(&no_openat2, 1, __ATOMIC_RELAXED);
	}
	return beneath_open_walk(root_fd, rel, flags);
}

static int remove_tree(int parent_fd, const char *name, bool dry)
{
	DIR *dir;
	struct dirent *de;
	int fd, err = 0;

	fd = beneath_open(parent_fd, name, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	dir = fdopendir(fd);
	if (!dir) {
		err = -errno;
		close(fd);
		return err;
	}
	while (!err && (de = readdir(dir))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
			if (errno != ENOENT)
				err = -errno;
			continue;
		}
		if (S_ISDIR(st.st_mode))
			err = remove_tree(dirfd(dir), de->d_name, dry);
		else if (!dry && unlinkat(dirfd(dir), de->d_name, 0) && errno != ENOENT)
			err = -errno; /* a symlink inside goes, its target stays */
	}
	closedir(dir);
	if (!err && !dry && unlinkat(parent_fd, name, AT_REMOVEDIR) && errno != ENOENT)
		err = -errno;
	return err;
}

static int remove_at(int dir_fd, const char *name, bool tree, bool dry)
{
	struct stat st;

	if (!strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/'))
		return -EINVAL;
	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : -errno;
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	if (!S_ISDIR(st.st_mode))
		return dry ? 0 : unlinkat(dir_fd, name, 0) && errno != ENOENT ? -errno : 0;
	if (!tree)
		return -EISDIR;
	return remove_tree(dir_fd, name, dry);
}

int beneath_remove_at(int dir_fd, const char *name, bool tree)
{
	return remove_at(dir_fd, name, tree, false);
}

int beneath_check_at(int dir_fd, const char *name, bool tree)
{
	return remove_at(dir_fd, name, tree, true);
}
