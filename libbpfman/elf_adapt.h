/* SPDX-License-Identifier: Apache-2.0 */
/* bpfman's loader (aya) accepts entry functions declared `static`; libbpf
 * refuses to open any object with a static function in a program section.
 * To load bpfman's images with libbpf, we hand libbpf a private in-memory
 * copy of the object in which the entry functions the user named are
 * global, exactly as if their source had no `static`:
 *   - .symtab: each named symbol's binding becomes STB_GLOBAL and it moves
 *     after the locals (the ELF rule libelf and linkers rely on), sh_info
 *     is the new first non-local index, and every relocation section that
 *     refers to .symtab has its symbol indices renumbered;
 *   - .BTF: the function's BTF_KIND_FUNC linkage becomes global (the kernel
 *     requires a global FUNC for an extension program, i.e. for XDP and TC
 *     programs loaded for a dispatcher).
 * Nothing else changes; the user's file and the image cache are only read.
 * See doc/compat.md. */
#ifndef BPFMAN_ELF_ADAPT_H
#define BPFMAN_ELF_ADAPT_H

#include <stddef.h>

struct bpfman_ctx;

struct elf_adapted {
	void *buf;    /* the rewritten object, NULL when nothing needed changing */
	size_t sz;
	char *what;   /* "f (static -> global), g (...)" for the debug log */
};

/* Reads path; if a function in funcs[0..n) is a static entry function
 * (STT_FUNC, STB_LOCAL, in an executable section other than .text), fills
 * ret with a rewritten copy. Also refuses, with a sentence, objects that
 * libbpf cannot load at all for a reason bpfman's loader accepts (a legacy
 * "maps" section). 0 (ret->buf may be NULL) or -errno. */
int elf_adapt(struct bpfman_ctx *ctx, const char *path, const char *const *funcs,
	      size_t n, struct elf_adapted *ret);
/* The same for an object in memory (an image's layer); funcs NULL: every
 * static entry function, for reading an object's programs without loading
 * any (image labels). what names the object in sentences. */
int elf_adapt_mem(struct bpfman_ctx *ctx, const char *what, const void *elf, size_t len,
		  const char *const *funcs, size_t n, struct elf_adapted *ret);
void elf_adapted_clear(struct elf_adapted *a);

#endif
