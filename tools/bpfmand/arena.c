/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

static void *keep(struct arena *a, void *p)
{
	if (!p) {
		a->failed = 1;
		return NULL;
	}
	if (a->cnt == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		void **n = realloc(a->ptrs, cap * sizeof(*n));

		if (!n) {
			free(p);
			a->failed = 1;
			return NULL;
		}
		a->ptrs = n;
		a->cap = cap;
	}
	a->ptrs[a->cnt++] = p;
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	return keep(a, calloc(1, size ? size : 1));
}

char *arena_strdup(struct arena *a, const char *s)
{
	return keep(a, strdup(s ? s : ""));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return keep(a, s);
}

void arena_free(struct arena *a)
{
	for (size_t i = 0; i < a->cnt; i++)
		free(a->ptrs[i]);
	free(a->ptrs);
	*a = (struct arena){ 0 };
}
