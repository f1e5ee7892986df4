// SPDX-License-Identifier: Apache-2.0
/* The kernel info of listed programs, kept per context (kernel_info_cache.h
 * says why it is sound). An open-addressing table keyed by program ID; a
 * context is used by one thread at a time (doc/abi.md), so no lock. */
#include "internal.h"
#include "kernel_info.h"
#include "kernel_info_cache.h"
#include "program_query.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct kinfo_entry {
	uint32_t id;
	unsigned int stamp; /* the context's list that last used it */
	dev_t dev;
	ino_t ino;
	struct timespec ctime;
	struct kernel_prog_info info;
};

struct kinfo_cache {
	struct kinfo_entry **slots; /* NULL or an entry; never removed alone */
	size_t cap;		    /* a power of two, or 0 */
	size_t cnt;
};

static void entry_free(struct kinfo_entry *e)
{
	if (e)
		free(e->info.map_ids);
	free(e);
}

static void cache_clear(struct kinfo_cache *c)
{
	for (size_t i = 0; i < c->cap; i++)
		entry_free(c->slots[i]);
	free(c->slots);
	c->slots = NULL;
	c->cap = c->cnt = 0;
}

void kinfo_cache_free(struct kinfo_cache *c)
{
	if (!c)
		return;
	cache_clear(c);
	free(c);
}

static size_t slot_of(const struct kinfo_cache *c, uint32_t id)
{
	size_t i = (id * 2654435761u) & (c->cap - 1);

	while (c->slots[i] && c->slots[i]->id != id)
		i = (i + 1) & (c->cap - 1);
	return i;
}

/* Room for one more entry at a load of at most a half; false without
 * memory (the caller then simply does not cache). */
static bool reserve(struct kinfo_cache *c)
{
	struct kinfo_cache grown = { .cap = c->cap ? c->cap * 2 : 64 };

	if ((c->cnt + 1) * 2 <= c->cap)
		return true;
	grown.slots = calloc(grown.cap, sizeof(*grown.slots));
	if (!grown.slots)
		return false;
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i])
			grown.slots[slot_of(&grown, c->slots[i]->id)] = c->slots[i];
	free(c->slots);
	c->slots = grown.slots;
	c->cap = grown.cap;
	return true;
}

static bool same_inode(const struct kinfo_entry *e, const struct stat *st)
{
	return e->dev == st->st_dev && e->ino == st->st_ino &&
	       e->ctime.tv_sec == st->st_ctim.tv_sec && e->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

static int info_copy(struct kernel_prog_info *dst, const struct kernel_prog_info *src)
{
	uint32_t *ids = NULL;

	if (src->map_ids_cnt) {
		ids = malloc(src->map_ids_cnt * sizeof(*ids));
		if (!ids)
			return -ENOMEM;
		memcpy(ids, src->map_ids, src->map_ids_cnt * sizeof(*ids));
	}
	free(dst->map_ids);
	*dst = *src;
	dst->map_ids = ids;
	return 0;
}

/* stat() of the pin, from root_fd when it lies under root (as
 * kernel_obj_get_at resolves it), not following a symlink. */
static int pin_stat(int root_fd, const char *root, const char *pin, struct stat *st)
{
	const char *rel = root_fd >= 0 ? pin_below(root, pin) : NULL;

	return rel ? fstatat(root_fd, rel, st, AT_SYMLINK_NOFOLLOW)
		   : fstatat(AT_FDCWD, pin, st, AT_SYMLINK_NOFOLLOW);
}

static void remember(struct kinfo_cache *c, uint32_t id, unsigned int stamp,
		     const struct stat *st, const struct kernel_prog_info *info)
{
	struct kinfo_entry *e;
	size_t i;

	if (!reserve(c))
		return;
	i = slot_of(c, id);
	e = c->slots[i];
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e)
			return;
		e->id = id;
		c->slots[i] = e;
		c->cnt++;
	}
	e->stamp = stamp;
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->ctime = st->st_ctim;
	if (info_copy(&e->info, info))
		e->ino = 0, e->dev = 0, e->ctime = (struct timespec){ 0 }; /* never matches a pin */
}

void kinfo_cache_fill(struct bpfman_ctx *ctx, struct bpfman_program *p, int root_fd,
		      const char *root)
{
	struct kinfo_cache *c = ctx->kinfo_cache;
	struct stat st;

	if (str_empty(p->pin_path))
		return;
	if (!c && ctx->lists_served) {
		/* From a context's second list on: a one-shot caller
		 * (bpfmanctl) lists once and would pay the stat for nothing. */
		c = ctx->kinfo_cache = calloc(1, sizeof(*c));
	}
	if (!c) {
		program_fill_kernel_at(p, root_fd, root);
		return;
	}
	/* The stat comes first: if the pin is replaced between it and the
	 * kernel's answer below, the entry carries the old inode, which the
	 * next stat no longer finds, so a wrong answer is never reused. */
	if (pin_stat(root_fd, root, p->pin_path, &st))
		return; /* no pin: not loaded, as program_fill_kernel_at says */
	if (c->cap) {
		struct kinfo_entry *e = c->slots[slot_of(c, p->id)];

		if (e && same_inode(e, &st) && !info_copy(&p->kernel, &e->info)) {
			e->stamp = ctx->lists_served;
			return;
		}
	}
	program_fill_kernel_at(p, root_fd, root);
	if (p->kernel.loaded)
		remember(c, p->id, ctx->lists_served, &st, &p->kernel);
}

void kinfo_cache_sweep(struct bpfman_ctx *ctx)
{
	struct kinfo_cache *c = ctx->kinfo_cache;
	struct kinfo_cache kept = { 0 };
	size_t stale = 0;

	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++)
		stale += c->slots[i] && c->slots[i]->stamp != ctx->lists_served;
	if (!stale)
		return;
	for (size_t i = 0; i < c->cap; i++) {
		struct kinfo_entry *e = c->slots[i];

		c->slots[i] = NULL;
		if (e && e->stamp == ctx->lists_served && reserve(&kept)) {
			kept.slots[slot_of(&kept, e->id)] = e;
			kept.cnt++;
		} else {
			entry_free(e);
		}
	}
	cache_clear(c);
	*c = kept;
}
