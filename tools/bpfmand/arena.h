/* SPDX-License-Identifier: Apache-2.0 */
/* Every allocation made while building one reply, freed together once the
 * reply is packed (protobuf-c messages we build are trees of pointers). */
#ifndef BPFMAND_ARENA_H
#define BPFMAND_ARENA_H

#include <stddef.h>

struct arena {
	void **ptrs;
	size_t cnt, cap;
	int failed; /* an allocation failed: the reply must not be sent */
};

/* Zeroed memory, or NULL (and a->failed set). */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(struct arena *a);

#endif
