// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "elf_adapt.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <linux/btf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct scan {
	Elf *e;
	size_t shstrndx;
	Elf_Scn *symscn;
	GElf_Shdr symshdr;
	Elf_Data *symdata;
	size_t nsyms;
	bool *promote;   /* per symbol index */
	size_t npromote;
};

static void scan_clear(struct scan *s)
{
	free(s->promote);
	if (s->e)
		elf_end(s->e);
	memset(s, 0, sizeof(*s));
}

static const char *sec_name(struct scan *s, size_t shndx)
{
	Elf_Scn *scn = elf_getscn(s->e, shndx);
	GElf_Shdr sh;

	if (!scn || !gelf_getshdr(scn, &sh))
		return NULL;
	return elf_strptr(s->e, s->shstrndx, sh.sh_name);
}

static bool named(const char *name, const char *const *funcs, size_t n)
{
	if (!funcs)
		return true; /* every static entry function */
	for (size_t i = 0; name && i < n; i++)
		if (!strcmp(name, funcs[i]))
			return true;
	return false;
}

/* Finds .symtab and the static entry functions among funcs; refuses what
 * libbpf cannot load for a reason that has a source-level fix. */
static int scan(struct bpfman_ctx *ctx, const char *path, int fd, Elf_Cmd cmd,
		const char *const *funcs, size_t n, struct scan *s)
{
	Elf_Scn *scn = NULL;

	memset(s, 0, sizeof(*s));
	s->e = elf_begin(fd, cmd, NULL);
	if (!s->e || elf_kind(s->e) != ELF_K_ELF || elf_getshdrstrndx(s->e, &s->shstrndx)) {
		int e = elf_errno();

		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_BAD_OBJECT, -ENOEXEC,
				       "%s is not a valid BPF ELF object: %s", path,
				       e ? elf_errmsg(e) : "its ELF header or section table is malformed or truncated");
	}
	while ((scn = elf_nextscn(s->e, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			return bpfman_err_kind(ctx, BPFMAN_ERRKIND_BAD_OBJECT, -ENOEXEC,
					       "%s is not a valid BPF ELF object: bad section header: %s",
					       path, elf_errmsg(-1));
		name = elf_strptr(s->e, s->shstrndx, sh.sh_name);
		if (name && !strcmp(name, "maps"))
			return bpfman_err(ctx, -ENOTSUP,
					  "%s declares its maps in a legacy \"maps\" section (struct bpf_map_def), which libbpf 1.0 and later do not load; declare each map as a BTF map in SEC(\".maps\") (struct { __uint(type, ...); __type(key, ...); __type(value, ...); __uint(max_entries, ...); } NAME SEC(\".maps\");) and rebuild",
					  path);
		if (sh.sh_type == SHT_SYMTAB_SHNDX)
			return bpfman_err(ctx, -ENOTSUP,
					  "%s has an extended section index table (SHT_SYMTAB_SHNDX), which BPF objects do not use; rebuild it with clang -target bpf",
					  path);
		if (sh.sh_type == SHT_SYMTAB) {
			if (s->symscn)
				return bpfman_err(ctx, -EINVAL, "%s has two symbol tables", path);
			s->symscn = scn;
			s->symshdr = sh;
		}
	}
	if (!s->symscn || !s->symshdr.sh_entsize)
		return 0; /* libbpf will say what is missing */
	s->symdata = elf_getdata(s->symscn, NULL);
	if (!s->symdata || elf_getdata(s->symscn, s->symdata))
		return bpfman_err(ctx, -EINVAL, "%s: cannot read its symbol table: %s", path,
				  elf_errmsg(-1));
	s->nsyms = s->symshdr.sh_size / s->symshdr.sh_entsize;
	s->promote = calloc(s->nsyms ? s->nsyms : 1, sizeof(*s->promote));
	if (!s->promote)
		return -ENOMEM;
	for (size_t i = 0; i < s->nsyms; i++) {
		GElf_Sym sym;
		GElf_Shdr sh;
		const char *name, *where;
		Elf_Scn *in;

		if (!gelf_getsym(s->symdata, (int)i, &sym))
			return bpfman_err(ctx, -EINVAL, "%s: bad symbol %zu", path, i);
		if (GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    GELF_ST_BIND(sym.st_info) != STB_LOCAL ||
		    sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE)
			continue;
		name = elf_strptr(s->e, s->symshdr.sh_link, sym.st_name);
		in = elf_getscn(s->e, sym.st_shndx);
		where = sec_name(s, sym.st_shndx);
		/* Static functions in .text are subprograms, which libbpf
		 * handles; only entry points (own section) need the change. */
		if (!in || !gelf_getshdr(in, &sh) || !(sh.sh_flags & SHF_EXECINSTR) ||
		    !where || !strcmp(where, ".text"))
			continue;
		/* libbpf refuses the whole object for any static entry
		 * function; we change only those the user named. */
		if (!named(name, funcs, n))
			return bpfman_err(ctx, -ENOTSUP,
					  "%s: entry function '%s' (section '%s') is static, and libbpf opens an object only when all its entry functions are global; load it too (name it in --programs) or declare it without `static`",
					  path, name ? name : "?", where);
		s->promote[i] = true;
		s->npromote++;
	}
	return 0;
}

/* Bytes that follow a struct btf_type of this kind (the BTF format,
 * Documentation/bpf/btf.rst); -1 for a kind we do not know. */
static long btf_extra(const struct btf_type *t)
{
	__u32 vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT: return 4;
	case BTF_KIND_ARRAY: return 12;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: return 12L * vlen;
	case BTF_KIND_ENUM: return 8L * vlen;
	case BTF_KIND_FUNC_PROTO: return 8L * vlen;
	case BTF_KIND_VAR: return 4;
	case BTF_KIND_DATASEC: return 12L * vlen;
	case BTF_KIND_DECL_TAG: return 4;
	case 19 /* BTF_KIND_ENUM64 */: return 12L * vlen;
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC: case BTF_KIND_FLOAT: case BTF_KIND_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

/* Gives the BTF FUNC of each promoted function global linkage, as clang
 * would have written it without `static`. Objects without .BTF are fine. */
static int btf_globalize(struct bpfman_ctx *ctx, const char *path, struct scan *s)
{
	Elf_Scn *scn = NULL;
	Elf_Data *d = NULL;
	struct btf_header hdr;
	char *types, *strs;

	while ((scn = elf_nextscn(s->e, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(s->e, s->shstrndx, sh.sh_name);
		if (name && !strcmp(name, ".BTF")) {
			d = elf_getdata(scn, NULL);
			break;
		}
	}
	if (!d)
		return 0;
	if (d->d_size < sizeof(hdr))
		goto bad;
	memcpy(&hdr, d->d_buf, sizeof(hdr));
	if (hdr.magic != BTF_MAGIC)
		return bpfman_err(ctx, -ENOTSUP,
				  "%s: its BTF is not in this machine's byte order, so its static functions cannot be adapted; declare the entry functions without `static`",
				  path);
	if (hdr.hdr_len > d->d_size || hdr.type_off > d->d_size - hdr.hdr_len ||
	    hdr.type_len > d->d_size - hdr.hdr_len - hdr.type_off ||
	    hdr.str_off > d->d_size - hdr.hdr_len ||
	    hdr.str_len > d->d_size - hdr.hdr_len - hdr.str_off)
		goto bad;
	types = (char *)d->d_buf + hdr.hdr_len + hdr.type_off;
	strs = (char *)d->d_buf + hdr.hdr_len + hdr.str_off;
	for (size_t off = 0; off < hdr.type_len;) {
		struct btf_type t;
		long extra;

		if (hdr.type_len - off < sizeof(t))
			goto bad;
		memcpy(&t, types + off, sizeof(t));
		if ((extra = btf_extra(&t)) < 0 || (size_t)extra > hdr.type_len - off - sizeof(t))
			goto bad;
		if (BTF_INFO_KIND(t.info) == BTF_KIND_FUNC && t.name_off < hdr.str_len &&
		    BTF_INFO_VLEN(t.info) == BTF_FUNC_STATIC &&
		    memchr(strs + t.name_off, '\0', hdr.str_len - t.name_off)) {
			for (size_t i = 0; i < s->nsyms; i++) {
				GElf_Sym sym;
				const char *name;

				if (!s->promote[i] || !gelf_getsym(s->symdata, (int)i, &sym))
					continue;
				name = elf_strptr(s->e, s->symshdr.sh_link, sym.st_name);
				if (name && !strcmp(name, strs + t.name_off)) {
					t.info = (t.info & ~0xffffu) | BTF_FUNC_GLOBAL;
					memcpy(types + off, &t, sizeof(t));
					elf_flagdata(d, ELF_C_SET, ELF_F_DIRTY);
				}
			}
		}
		off += sizeof(t) + (size_t)extra;
	}
	return 0;
bad:
	return bpfman_err(ctx, -EINVAL, "%s: its .BTF section is malformed", path);
}

static int renumber_relocs(struct bpfman_ctx *ctx, const char *path, struct scan *s,
			   const size_t *newidx)
{
	size_t symndx = elf_ndxscn(s->symscn);
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(s->e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d = NULL;

		if (!gelf_getshdr(scn, &sh) || sh.sh_link != symndx)
			continue;
		if (sh.sh_type == SHT_GROUP) {
			/* A group's signature is a symbol index in sh_info. */
			if (sh.sh_info >= s->nsyms)
				return bpfman_err(ctx, -EINVAL, "%s: bad section group", path);
			sh.sh_info = (GElf_Word)newidx[sh.sh_info];
			gelf_update_shdr(scn, &sh);
			continue;
		}
		if (sh.sh_type != SHT_REL && sh.sh_type != SHT_RELA)
			continue;
		while ((d = elf_getdata(scn, d))) {
			size_t cnt = sh.sh_entsize ? d->d_size / sh.sh_entsize : 0;

			for (size_t j = 0; j < cnt; j++) {
				GElf_Rela ra;
				GElf_Rel r;
				size_t sym;

				if (sh.sh_type == SHT_REL ? !gelf_getrel(d, (int)j, &r)
							  : !gelf_getrela(d, (int)j, &ra))
					return bpfman_err(ctx, -EINVAL, "%s: bad relocation", path);
				sym = GELF_R_SYM(sh.sh_type == SHT_REL ? r.r_info : ra.r_info);
				if (sym >= s->nsyms)
					return bpfman_err(ctx, -EINVAL,
							  "%s: a relocation names symbol %zu of %zu",
							  path, sym, s->nsyms);
				if (sh.sh_type == SHT_REL) {
					r.r_info = GELF_R_INFO(newidx[sym], GELF_R_TYPE(r.r_info));
					gelf_update_rel(d, (int)j, &r);
				} else {
					ra.r_info = GELF_R_INFO(newidx[sym], GELF_R_TYPE(ra.r_info));
					gelf_update_rela(d, (int)j, &ra);
				}
			}
			elf_flagdata(d, ELF_C_SET, ELF_F_DIRTY);
		}
	}
	return 0;
}

/* Locals first (minus the promoted), then the promoted, then the globals
 * that were there; sh_info = the first non-local. */
static int globalize(struct bpfman_ctx *ctx, const char *path, struct scan *s, char **what)
{
	_cleanup_free_ GElf_Sym *syms = calloc(s->nsyms, sizeof(*syms));
	_cleanup_free_ size_t *newidx = calloc(s->nsyms, sizeof(*newidx));
	size_t k = 0, first_global;
	int err;

	if (!syms || !newidx)
		return -ENOMEM;
	for (size_t i = 0; i < s->nsyms; i++)
		if (!gelf_getsym(s->symdata, (int)i, &syms[i]))
			return bpfman_err(ctx, -EINVAL, "%s: bad symbol %zu", path, i);
	for (size_t i = 0; i < s->nsyms; i++)
		if (GELF_ST_BIND(syms[i].st_info) == STB_LOCAL && !s->promote[i])
			newidx[i] = k++;
	first_global = k;
	for (size_t i = 0; i < s->nsyms; i++)
		if (s->promote[i])
			newidx[i] = k++;
	for (size_t i = 0; i < s->nsyms; i++)
		if (GELF_ST_BIND(syms[i].st_info) != STB_LOCAL)
			newidx[i] = k++;
	for (size_t i = 0; i < s->nsyms; i++) {
		GElf_Sym sym = syms[i];

		if (s->promote[i]) {
			const char *name = elf_strptr(s->e, s->symshdr.sh_link, sym.st_name);
			char *t = str_printf("%s%s%s (in %s: static -> global, symbol %zu -> %zu)",
					     *what ? *what : "", *what ? ", " : "", name,
					     sec_name(s, sym.st_shndx), i, newidx[i]);

			free(*what);
			if (!(*what = t))
				return -ENOMEM;
			sym.st_info = GELF_ST_INFO(STB_GLOBAL, GELF_ST_TYPE(sym.st_info));
		}
		if (!gelf_update_sym(s->symdata, (int)newidx[i], &sym))
			return bpfman_err(ctx, -EINVAL, "%s: cannot write symbol: %s", path,
					  elf_errmsg(-1));
	}
	elf_flagdata(s->symdata, ELF_C_SET, ELF_F_DIRTY);
	s->symshdr.sh_info = (GElf_Word)first_global;
	if (!gelf_update_shdr(s->symscn, &s->symshdr))
		return bpfman_err(ctx, -EINVAL, "%s: cannot write .symtab header: %s", path,
				  elf_errmsg(-1));
	if ((err = renumber_relocs(ctx, path, s, newidx)))
		return err;
	/* The promote flags are indexed by old symbol numbers; BTF matching
	 * goes by name, so re-index them to the new order first. */
	memset(s->promote, 0, s->nsyms * sizeof(*s->promote));
	for (size_t i = first_global; i < first_global + s->npromote; i++)
		s->promote[i] = true;
	return btf_globalize(ctx, path, s);
}

static int copy_fd(int from, int to, size_t *ret_sz)
{
	char buf[65536];
	size_t total = 0;
	ssize_t r;

	while ((r = read(from, buf, sizeof(buf))) > 0) {
		for (ssize_t w = 0, o = 0; o < r; o += w)
			if ((w = write(to, buf + o, (size_t)(r - o))) < 0)
				return -errno;
		total += (size_t)r;
	}
	if (r < 0)
		return -errno;
	*ret_sz = total;
	return 0;
}

/* fd: the object, read from offset 0; path names it in sentences. */
static int adapt_fd(struct bpfman_ctx *ctx, const char *path, int fd, const char *const *funcs,
		    size_t n, struct elf_adapted *ret)
{
	_cleanup_close_ int mfd = -1;
	struct scan s __attribute__((cleanup(scan_clear))) = { 0 };
	struct stat st;
	size_t sz;
	int err;

	memset(ret, 0, sizeof(*ret));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return bpfman_err(ctx, -EINVAL, "libelf is too old: %s", elf_errmsg(-1));
	if ((err = scan(ctx, path, fd, ELF_C_READ, funcs, n, &s)) || !s.npromote)
		return err;
	scan_clear(&s);

	/* The private copy lives in an anonymous memory file: libelf edits
	 * it in place (same layout) and nothing reaches the disk. */
	mfd = memfd_create("bpfman-elf-adapt", MFD_CLOEXEC);
	if (mfd < 0)
		return bpfman_err(ctx, -errno, "memfd_create: %s", strerror(errno));
	if (lseek(fd, 0, SEEK_SET) < 0 || (err = copy_fd(fd, mfd, &sz)))
		return bpfman_err(ctx, err ? err : -errno, "cannot copy %s: %s", path,
				  strerror(err ? -err : errno));
	if ((err = scan(ctx, path, mfd, ELF_C_RDWR, funcs, n, &s)))
		return err;
	elf_flagelf(s.e, ELF_C_SET, ELF_F_LAYOUT);
	if ((err = globalize(ctx, path, &s, &ret->what)))
		goto fail;
	if (elf_update(s.e, ELF_C_WRITE) < 0) {
		err = bpfman_err(ctx, -EINVAL, "cannot rewrite a copy of %s: %s", path,
				 elf_errmsg(-1));
		goto fail;
	}
	scan_clear(&s);
	if (fstat(mfd, &st)) {
		err = -errno;
		goto fail;
	}
	ret->sz = (size_t)st.st_size;
	ret->buf = malloc(ret->sz ? ret->sz : 1);
	if (!ret->buf) {
		err = -ENOMEM;
		goto fail;
	}
	if (pread(mfd, ret->buf, ret->sz, 0) != (ssize_t)ret->sz) {
		err = bpfman_err(ctx, -EIO, "cannot read back the adapted copy of %s", path);
		goto fail;
	}
	return 0;
fail:
	elf_adapted_clear(ret);
	return err;
}

int elf_adapt(struct bpfman_ctx *ctx, const char *path, const char *const *funcs,
	      size_t n, struct elf_adapted *ret)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

	memset(ret, 0, sizeof(*ret));
	if (fd < 0)
		return bpfman_err(ctx, -errno, "cannot open %s: %s", path, strerror(errno));
	return adapt_fd(ctx, path, fd, funcs, n, ret);
}

int elf_adapt_mem(struct bpfman_ctx *ctx, const char *what, const void *elf, size_t len,
		  const char *const *funcs, size_t n, struct elf_adapted *ret)
{
	_cleanup_close_ int fd = memfd_create("bpfman-elf", MFD_CLOEXEC);

	memset(ret, 0, sizeof(*ret));
	if (fd < 0)
		return bpfman_err(ctx, -errno, "memfd_create: %s", strerror(errno));
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, (const char *)elf + off, len - off);

		if (w < 0)
			return bpfman_err(ctx, -errno, "cannot copy %s: %s", what, strerror(errno));
		off += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	return adapt_fd(ctx, what, fd, funcs, n, ret);
}

void elf_adapted_clear(struct elf_adapted *a)
{
	free(a->buf);
	free(a->what);
	memset(a, 0, sizeof(*a));
}
