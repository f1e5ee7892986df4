// SPDX-License-Identifier: Apache-2.0
/* The one way the library deletes anything (owned.h, doc/safety.md). */
#include "internal.h"
#include "owned.h"
#include "util/beneath.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

/* The part of path beneath root, or NULL when path is not beneath it. */
static const char *beneath(const char *root, const char *path)
{
	size_t len = strlen(root);

	if (strncmp(path, root, len) || path[len] != '/')
		return NULL;
	return path + len + 1;
}

/* No empty, "." or ".." component: the path must say plainly where it is. */
static bool plain(const char *rel)
{
	const char *c = rel;

	if (!*rel)
		return false;
	while (*c) {
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n;
		if (*c)
			c++;
		if (!*c && c[-1] == '/')
			return false;
	}
	return true;
}

static bool shape_matches(const char *rel, const char *shape)
{
	size_t len;

	if (!shape)
		return true;
	len = strlen(shape);
	if (strncmp(rel, shape, len))
		return false;
	/* "maps/": one name inside; "prog_": one name starting so. */
	return rel[len] && !strchr(rel + len, '/');
}

static const char *reason(int err, bool bpffs)
{
	switch (err) {
	case -ELOOP:
		return "a symbolic link is in its way, and libbpfman never follows one";
	case -EXDEV:
		return "it leads onto another file system (a mount point is in its way)";
	case -ENOTDIR:
		return "something on its way is not a directory";
	case -EMEDIUMTYPE:
		return bpffs ? "it is not on a bpf file system" : "it is on an unexpected file system";
	default:
		return NULL;
	}
}

static int refuse(struct bpfman_ctx *ctx, int err, const char *path, const char *row,
		  const char *why, const char *what, const char *root)
{
	return bpfman_err(ctx, err,
			  "refusing to remove %s (named by %s): %s; libbpfman deletes only what it created beneath its %s %s, so nothing was removed%s",
			  path, row ? row : "libbpfman itself", why, what, root,
			  row ? ": the row was edited or belongs to another setup; correct or delete it" : "");
}

int owned_remove_under(struct bpfman_ctx *ctx, const char *root, const char *what,
		       bool bpffs, const char *path, const char *shape, unsigned int flags,
		       const char *row)
{
	_cleanup_free_ char *rel = NULL, *why = NULL;
	_cleanup_close_ int root_fd = -1, dir_fd = -1;
	const char *r = str_empty(path) ? NULL : beneath(root, path);
	char *slash, *name;
	struct statfs sfs;
	int err;

	if (str_empty(path))
		return 0;
	if (!r)
		return refuse(ctx, -EXDEV, path, row,
			      (why = str_printf("it is not beneath the %s %s", what, root)) ? why : "",
			      what, root);
	if (!plain(r) || !shape_matches(r, shape))
		return refuse(ctx, -EXDEV, path, row,
			      "libbpfman never keeps anything of that kind there", what, root);
	rel = strdup(r);
	if (!rel)
		return -ENOMEM;
	root_fd = beneath_root_open(root);
	if (root_fd == -ENOENT)
		return 0; /* no root, nothing beneath it */
	if (root_fd < 0)
		return refuse(ctx, root_fd, path, row,
			      reason(root_fd, bpffs) ? reason(root_fd, bpffs)
							   : strerror(-root_fd),
			      what, root);
	slash = strrchr(rel, '/');
	if (slash) {
		*slash = '\0';
		name = slash + 1;
		dir_fd = beneath_open(root_fd, rel, O_PATH | O_DIRECTORY);
		if (dir_fd == -ENOENT)
			return 0;
		if (dir_fd < 0) {
			*slash = '/';
			return refuse(ctx, dir_fd, path, row,
				      reason(dir_fd, bpffs) ? reason(dir_fd, bpffs)
								  : strerror(-dir_fd),
				      what, root);
		}
	} else {
		name = rel;
		dir_fd = TAKE_FD(root_fd);
	}
	if (bpffs && (fstatfs(dir_fd, &sfs) || sfs.f_type != BPF_FS_MAGIC))
		return refuse(ctx, -EMEDIUMTYPE, path, row, reason(-EMEDIUMTYPE, true), what,
			      root);
	err = flags & OWNED_CHECK ? beneath_check_at(dir_fd, name, flags & OWNED_TREE)
				  : beneath_remove_at(dir_fd, name, flags & OWNED_TREE);
	if (!err)
		return 0;
	if (reason(err, bpffs))
		return refuse(ctx, err, path, row, reason(err, bpffs), what, root);
	if (err == -EISDIR)
		return refuse(ctx, err, path, row, "it is a directory where libbpfman keeps a pin",
			      what, root);
	return bpfman_err(ctx, err, "cannot remove %s (named by %s): %s", path,
			  row ? row : "libbpfman itself", strerror(-err));
}

int owned_remove(struct bpfman_ctx *ctx, enum owned_root root, const char *path,
		 const char *shape, unsigned int flags, const char *row)
{
	switch (root) {
	case OWNED_BPFFS:
		return owned_remove_under(ctx, ctx->bpffs_root, "bpffs root", true, path, shape,
					  flags, row);
	case OWNED_STATE:
		return owned_remove_under(ctx, ctx->state_dir, "state directory", false, path,
					  shape, flags, row);
	case OWNED_CACHE:
		return owned_remove_under(ctx, ctx->image_cache_dir, "image cache", false, path,
					  shape, flags, row);
	}
	return -EINVAL;
}

static const char *root_path(struct bpfman_ctx *ctx, enum owned_root root)
{
	return root == OWNED_BPFFS ? ctx->bpffs_root :
	       root == OWNED_STATE ? ctx->state_dir : ctx->image_cache_dir;
}

DIR *owned_opendir(struct bpfman_ctx *ctx, enum owned_root root, const char *path)
{
	const char *rel = beneath(root_path(ctx, root), path);
	_cleanup_close_ int root_fd = -1;
	int fd;
	DIR *d;

	if (!strcmp(path, root_path(ctx, root)))
		rel = ".";
	if (!rel) {
		errno = EXDEV;
		return NULL;
	}
	root_fd = beneath_root_open(root_path(ctx, root));
	if (root_fd < 0) {
		errno = -root_fd;
		return NULL;
	}
	if (!strcmp(rel, ".")) {
		fd = openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		fd = fd < 0 ? -errno : fd;
	} else
		fd = beneath_open(root_fd, rel, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	d = fdopendir(fd);
	if (!d)
		close(fd);
	return d;
}

static const char *user_name(uid_t uid, char *buf, size_t size)
{
	struct passwd pw, *res = NULL;
	char tmp[1024];

	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) || !res)
		snprintf(buf, size, "uid %u", (unsigned)uid);
	else
		snprintf(buf, size, "%s (uid %u)", res->pw_name, (unsigned)uid);
	return buf;
}

int owned_dir_check(struct bpfman_ctx *ctx, const char *path, const char *what)
{
	char owner[300], me[300];
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : bpfman_err(ctx, -errno, "cannot check %s %s: %s", what,
							path, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return bpfman_err(ctx, -ELOOP,
				  "%s %s is a symbolic link; libbpfman does not follow links to the directories it deletes in: give the real directory",
				  what, path);
	if (!S_ISDIR(st.st_mode))
		return bpfman_err(ctx, -ENOTDIR, "%s %s is not a directory", what, path);
	if (ctx->allow_shared_dirs)
		return 0;
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return bpfman_err(ctx, -EUCLEAN,
				  "%s %s belongs to %s, not to root or to this process's user %s: its owner could make libbpfman delete or trust what they choose; give a directory of your own, change its owner, or allow shared directories explicitly (allow_shared_dirs)",
				  what, path, user_name(st.st_uid, owner, sizeof(owner)),
				  user_name(geteuid(), me, sizeof(me)));
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return bpfman_err(ctx, -EUCLEAN,
				  "%s %s is writable by %s (mode %04o): others could plant what libbpfman would delete or trust; remove that permission (chmod go-w %s), give another directory, or allow shared directories explicitly (allow_shared_dirs)",
				  what, path, st.st_mode & S_IWOTH ? "others" : "its group",
				  (unsigned)(st.st_mode & 07777), path);
	return 0;
}
