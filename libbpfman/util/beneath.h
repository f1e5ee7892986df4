/* SPDX-License-Identifier: Apache-2.0 */
/* Reaching and removing entries beneath a directory without ever following
 * a symbolic link or leaving the directory's mount: openat2() with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV, or on kernels
 * without openat2 (before 5.6) a walk one component at a time with
 * O_NOFOLLOW that compares st_dev. Errors (negative errno):
 *   -ELOOP   a symbolic link is in the way (or is the entry itself)
 *   -EXDEV   the path leaves the directory or crosses a mount point
 *   -ENOENT  something on the way is missing
 * Knows nothing of bpfman. */
#ifndef BPFMAN_UTIL_BENEATH_H
#define BPFMAN_UTIL_BENEATH_H

#include <stdbool.h>

/* Opens the directory `path` itself, refusing a symbolic link as its last
 * component. Returns an fd (O_PATH) or -errno. */
int beneath_root_open(const char *path);

/* Opens `rel` (relative, no leading '/') beneath the directory root_fd.
 * flags are open(2) flags; O_NOFOLLOW and O_CLOEXEC are always added.
 * Returns an fd or -errno. */
int beneath_open(int root_fd, const char *rel, int flags);
/* The same through the component walk only (tests use it to cover kernels
 * without openat2). */
int beneath_open_walk(int root_fd, const char *rel, int flags);

/* Removes the entry `name` of the directory dir_fd: a non-directory with
 * unlink, a directory only when `tree` is set, with everything below it.
 * A symbolic link as `name` is refused (-ELOOP); links inside a tree are
 * removed, never followed; a tree never descends into another mount
 * (-EXDEV). A missing entry is success. */
int beneath_remove_at(int dir_fd, const char *name, bool tree);
/* The same walk, removing nothing: the error beneath_remove_at() would
 * meet before removing anything (a mount point deep in a tree included). */
int beneath_check_at(int dir_fd, const char *name, bool tree);

#endif
