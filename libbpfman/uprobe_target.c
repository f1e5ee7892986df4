// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "uprobe_target.h"

#include <dirent.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_elf_file(const char *path)
{
	unsigned char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = read(fd, magic, 4) == 4 && !memcmp(magic, "\177ELF", 4);
	close(fd);
	return ok;
}

/* name matches lib<want>.so[.N...] or <want>.so[.N...] or exactly want. */
static bool lib_name_matches(const char *name, const char *want)
{
	size_t wl = strlen(want);
	const char *rest;

	if (!strcmp(name, want))
		return true;
	if (!strncmp(name, "lib", 3) && !strncmp(name + 3, want, wl))
		rest = name + 3 + wl;
	else if (!strncmp(name, want, wl))
		rest = name + wl;
	else
		return false;
	return !strncmp(rest, ".so", 3) && (rest[3] == '\0' || rest[3] == '.');
}

static char *search_dir(const char *dir, const char *want)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *best = NULL;

	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		char *cand;

		if (!lib_name_matches(de->d_name, want))
			continue;
		cand = str_printf("%s/%s", dir, de->d_name);
		if (!cand || !is_elf_file(cand)) { /* libc.so is a linker script */
			free(cand);
			continue;
		}
		/* Prefer the shortest name: libfoo.so.1 over libfoo.so.1.2.3. */
		if (!best || strlen(cand) < strlen(best)) {
			free(best);
			best = cand;
		} else {
			free(cand);
		}
	}
	closedir(d);
	return best;
}

static char *search_path_list(const char *list, const char *want)
{
	_cleanup_free_ char *copy = list ? strdup(list) : NULL;
	char *save = NULL, *dir;

	if (!copy)
		return NULL;
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *hit = search_dir(dir, want);

		if (hit)
			return hit;
	}
	return NULL;
}

/* The default directories of glibc's ld.so on Debian, after LD_LIBRARY_PATH
 * and before PATH (where a program rather than a library may be named). */
static const char default_lib_dirs[] =
	"/lib/" MULTIARCH ":/usr/lib/" MULTIARCH ":/usr/local/lib:/lib64:/usr/lib64:/lib:/usr/lib";

int uprobe_resolve_target(struct bpfman_ctx *ctx, const char *target, char **ret_path)
{
	char *hit = NULL;

	if (str_empty(target))
		return bpfman_err(ctx, -EINVAL,
				  "a uprobe needs a target (target): a path such as /usr/bin/bash or a library name such as libc");
	if (strchr(target, '/')) {
		char real[PATH_MAX];

		if (!realpath(target, real))
			return bpfman_err(ctx, -ENOENT, "uprobe target %s: %s", target,
					  strerror(errno));
		if (!is_elf_file(real))
			return bpfman_err(ctx, -ENOEXEC, "uprobe target %s is not an ELF file", target);
		*ret_path = strdup(real);
		return *ret_path ? 0 : -ENOMEM;
	}
	hit = search_path_list(getenv("LD_LIBRARY_PATH"), target);
	if (!hit)
		hit = search_path_list(default_lib_dirs, target);
	if (!hit) {
		/* A program name, found like a shell would. */
		_cleanup_free_ char *copy = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
		char *save = NULL, *dir;

		for (dir = copy ? strtok_r(copy, ":", &save) : NULL; dir && !hit;
		     dir = strtok_r(NULL, ":", &save)) {
			char *cand = str_printf("%s/%s", dir, target);

			if (cand && is_elf_file(cand))
				hit = cand;
			else
				free(cand);
		}
	}
	if (!hit)
		return bpfman_err(ctx, -ENOENT,
				  "uprobe target '%s' not found: no lib%s.so* or %s.so* in LD_LIBRARY_PATH or %s, and no program %s in PATH; give a full path",
				  target, target, target, default_lib_dirs, target);
	*ret_path = hit;
	return 0;
}

static int symbol_vaddr(Elf *elf, const char *fn, GElf_Addr *ret)
{
	Elf_Scn *scn = NULL;
	int pass;

	/* .symtab first (has static functions), then .dynsym. */
	for (pass = 0; pass < 2; pass++) {
		Elf64_Word want = pass == 0 ? SHT_SYMTAB : SHT_DYNSYM;

		scn = NULL;
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			Elf_Data *data;

			if (!gelf_getshdr(scn, &sh) || sh.sh_type != want || !sh.sh_entsize)
				continue;
			data = elf_getdata(scn, NULL);
			for (size_t i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
				GElf_Sym sym;
				const char *name;
				int t;

				if (!gelf_getsym(data, (int)i, &sym))
					continue;
				t = GELF_ST_TYPE(sym.st_info);
				if ((t != STT_FUNC && t != STT_GNU_IFUNC) || !sym.st_value ||
				    sym.st_shndx == SHN_UNDEF)
					continue;
				name = elf_strptr(elf, sh.sh_link, sym.st_name);
				if (name && !strcmp(name, fn)) {
					*ret = sym.st_value;
					return 0;
				}
			}
		}
	}
	return -ENOENT;
}

static int vaddr_to_offset(Elf *elf, GElf_Addr vaddr, uint64_t *ret)
{
	size_t n;

	if (elf_getphdrnum(elf, &n))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD ||
		    !(ph.p_flags & PF_X))
			continue;
		if (vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_memsz) {
			*ret = vaddr - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	}
	return -ENOENT;
}

int uprobe_func_offset(struct bpfman_ctx *ctx, const char *path, const char *fn,
		       uint64_t *ret_offset)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	GElf_Addr vaddr = 0;
	Elf *elf;
	int err;

	if (fd < 0)
		return bpfman_err(ctx, -errno, "cannot open %s: %s", path, strerror(errno));
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf)
		return bpfman_err(ctx, -ENOEXEC, "cannot read ELF %s: %s", path, elf_errmsg(-1));
	err = symbol_vaddr(elf, fn, &vaddr);
	if (err) {
		elf_end(elf);
		return bpfman_err(ctx, -ENOENT,
				  "function '%s' not found in the symbols of %s; check the name (C++ names are mangled) or give an offset",
				  fn, path);
	}
	err = vaddr_to_offset(elf, vaddr, ret_offset);
	elf_end(elf);
	if (err)
		return bpfman_err(ctx, -ENOEXEC,
				  "function '%s' in %s is not in an executable segment", fn, path);
	return 0;
}
