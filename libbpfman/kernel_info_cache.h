/* SPDX-License-Identifier: Apache-2.0 */
/* A context's memory of what the kernel said about each pinned program, so
 * that listing the same programs again costs a stat() of each pin rather
 * than opening it, asking the kernel and closing it (~2 µs against ~10 µs
 * a program here). Sound because everything a list reports of a program
 * (name, type, tag, load time, maps, BTF, sizes, memlock) is fixed when it
 * is loaded, and a pin holds its program: while the pin is the same inode
 * (device, inode number and ctime unchanged) it is the same program and
 * still loaded. A pin removed, or replaced by another program's, misses
 * and is asked afresh. */
#ifndef BPFMAN_KERNEL_INFO_CACHE_H
#define BPFMAN_KERNEL_INFO_CACHE_H

#include <stddef.h>

#include "model.h"

struct bpfman_ctx;
struct kinfo_cache;

/* p->kernel, as program_fill_kernel_at() fills it, through ctx's cache. */
void kinfo_cache_fill(struct bpfman_ctx *ctx, struct bpfman_program *p, int root_fd,
		      const char *root);
/* Called after a list that looked at every managed program: forgets the
 * programs it did not find (unloaded since), so the cache holds at most
 * the programs of the last such list plus those of later ones. */
void kinfo_cache_sweep(struct bpfman_ctx *ctx);
void kinfo_cache_free(struct kinfo_cache *c);

#endif
