/* SPDX-License-Identifier: Apache-2.0 */
/* File-system helpers: directories, bpffs checks, recursive removal. */
#ifndef BPFMAN_UTIL_FSUTIL_H
#define BPFMAN_UTIL_FSUTIL_H

#include <stdbool.h>
#include <sys/types.h>

/* mkdir -p with the given mode for created components. */
int mkdir_p(const char *path, mode_t mode);
/* True when path is on a bpf file system. */
bool is_bpffs(const char *path);
/* Removes a directory tree (pins are plain files to unlink). Missing is ok.
 * For tests only: the library removes nothing except through
 * owned_remove() (owned.h), which checks where a path leads first. */
int rm_rf(const char *path);
bool path_exists(const char *path);

#endif
