// SPDX-License-Identifier: Apache-2.0
/* The ELF rewrite that lets libbpf load static entry functions
 * (libbpfman/elf_adapt.c), checked on our own compiled test programs: the
 * named functions become global, the symbol table keeps the ELF order,
 * every relocation still names the same symbol, BTF agrees, nothing else
 * changes and the user's file is never written. */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "elf_adapt.h"

#define OBJ(name) BPF_OBJ_DIR "/" name ".bpf.o"

struct syminfo {
	char name[64];
	int bind, type;
	GElf_Addr value;
	size_t shndx;
};

/* Symbol names per relocation, in file order, and the symbol table. */
struct view {
	Elf *e;
	struct syminfo *syms;
	size_t nsyms, first_global;
	char **rel_names;
	size_t nrels;
};

static void view_of(const void *buf, size_t sz, struct view *v)
{
	Elf_Scn *scn = NULL, *symscn = NULL;
	GElf_Shdr sh, symsh = { 0 };
	Elf_Data *d;
	size_t shstrndx;

	memset(v, 0, sizeof(*v));
	ck_assert_int_ne(elf_version(EV_CURRENT), EV_NONE);
	v->e = elf_memory((char *)buf, sz);
	ck_assert_ptr_nonnull(v->e);
	ck_assert_int_eq(elf_getshdrstrndx(v->e, &shstrndx), 0);
	while ((scn = elf_nextscn(v->e, scn))) {
		gelf_getshdr(scn, &sh);
		if (sh.sh_type == SHT_SYMTAB) {
			symscn = scn;
			symsh = sh;
		}
	}
	ck_assert_ptr_nonnull(symscn);
	d = elf_getdata(symscn, NULL);
	v->nsyms = symsh.sh_size / symsh.sh_entsize;
	v->first_global = symsh.sh_info;
	v->syms = calloc(v->nsyms, sizeof(*v->syms));
	for (size_t i = 0; i < v->nsyms; i++) {
		GElf_Sym s;
		const char *n;

		ck_assert_ptr_nonnull(gelf_getsym(d, (int)i, &s));
		n = elf_strptr(v->e, symsh.sh_link, s.st_name);
		snprintf(v->syms[i].name, sizeof(v->syms[i].name), "%s", n ? n : "");
		v->syms[i].bind = GELF_ST_BIND(s.st_info);
		v->syms[i].type = GELF_ST_TYPE(s.st_info);
		v->syms[i].value = s.st_value;
		v->syms[i].shndx = s.st_shndx;
	}
	scn = NULL;
	while ((scn = elf_nextscn(v->e, scn))) {
		gelf_getshdr(scn, &sh);
		if (sh.sh_type != SHT_REL)
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t j = 0; j < sh.sh_size / sh.sh_entsize; j++) {
			GElf_Rel r;
			size_t idx;
			char buf2[160];

			ck_assert_ptr_nonnull(gelf_getrel(d, (int)j, &r));
			idx = GELF_R_SYM(r.r_info);
			ck_assert_uint_lt(idx, v->nsyms);
			/* A symbol is known by its name, kind, section and value
			 * (section symbols have no names). */
			snprintf(buf2, sizeof(buf2), "%s/%d/%zu/%llu type %llu",
				 v->syms[idx].name, v->syms[idx].type, v->syms[idx].shndx,
				 (unsigned long long)v->syms[idx].value,
				 (unsigned long long)GELF_R_TYPE(r.r_info));
			v->rel_names = realloc(v->rel_names, (v->nrels + 1) * sizeof(char *));
			v->rel_names[v->nrels++] = strdup(buf2);
		}
	}
}

static void view_clear(struct view *v)
{
	for (size_t i = 0; i < v->nrels; i++)
		free(v->rel_names[i]);
	free(v->rel_names);
	free(v->syms);
	elf_end(v->e);
}

static const struct syminfo *sym_named(const struct view *v, const char *name, size_t *idx)
{
	for (size_t i = 0; i < v->nsyms; i++)
		if (!strcmp(v->syms[i].name, name)) {
			*idx = i;
			return &v->syms[i];
		}
	return NULL;
}

static void *slurp(const char *path, size_t *sz)
{
	struct stat st;
	void *buf;
	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size);
	ck_assert_int_eq(read(fd, buf, (size_t)st.st_size), st.st_size);
	close(fd);
	*sz = (size_t)st.st_size;
	return buf;
}

static int btf_linkage(struct bpf_object *obj, const char *func)
{
	struct btf *btf = bpf_object__btf(obj);
	int id;

	ck_assert_ptr_nonnull(btf);
	id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	ck_assert_int_gt(id, 0);
	return btf_vlen(btf__type_by_id(btf, id));
}

static int silent(enum libbpf_print_level l, const char *f, va_list a)
{
	(void)l, (void)f, (void)a;
	return 0;
}

START_TEST(static_entry_becomes_global)
{
	const char *funcs[] = { "compat_tp" };
	struct elf_adapted a;
	struct view before, after;
	size_t osz, idx, bidx;
	void *orig = slurp(OBJ("compat_tracepoint"), &osz);
	void *orig2;
	struct bpf_object *obj;
	LIBBPF_OPTS(bpf_object_open_opts, o, .object_name = "compat_tracepoint.bpf.o");

	ck_assert_int_eq(elf_adapt(NULL, OBJ("compat_tracepoint"), funcs, 1, &a), 0);
	ck_assert_ptr_nonnull(a.buf);
	ck_assert_uint_eq(a.sz, osz); /* same layout, same size */
	ck_assert_ptr_nonnull(strstr(a.what, "compat_tp (in tracepoint/compat_getpid: static -> global"));

	view_of(orig, osz, &before);
	view_of(a.buf, a.sz, &after);
	ck_assert_uint_eq(after.nsyms, before.nsyms);
	ck_assert_uint_eq(after.first_global, before.first_global - 1);
	/* ELF order: every local before sh_info, none after. */
	for (size_t i = 0; i < after.nsyms; i++)
		ck_assert_int_eq(after.syms[i].bind == STB_LOCAL, i < after.first_global);
	ck_assert_ptr_nonnull(sym_named(&before, "compat_tp", &bidx));
	ck_assert_int_eq(before.syms[bidx].bind, STB_LOCAL);
	ck_assert_ptr_nonnull(sym_named(&after, "compat_tp", &idx));
	ck_assert_int_eq(after.syms[idx].bind, STB_GLOBAL);
	ck_assert_uint_eq(after.syms[idx].value, before.syms[bidx].value);
	ck_assert_uint_eq(after.syms[idx].shndx, before.syms[bidx].shndx);
	/* The static subprogram in .text is not an entry function. */
	ck_assert_ptr_nonnull(sym_named(&after, "add_step", &idx));
	ck_assert_int_eq(after.syms[idx].bind, STB_LOCAL);
	/* Every relocation names the same symbol as before. */
	ck_assert_uint_gt(before.nrels, 0);
	ck_assert_uint_eq(after.nrels, before.nrels);
	for (size_t i = 0; i < before.nrels; i++)
		ck_assert_str_eq(after.rel_names[i], before.rel_names[i]);
	view_clear(&before);
	view_clear(&after);

	/* libbpf refuses the original and opens the copy, with BTF saying
	 * global for the entry and static for the subprogram, and the same
	 * maps (counter, .rodata for -g). */
	libbpf_set_print(silent);
	obj = bpf_object__open_file(OBJ("compat_tracepoint"), NULL);
	ck_assert_ptr_null(obj);
	ck_assert_int_eq(errno, ENOTSUP);
	obj = bpf_object__open_mem(a.buf, a.sz, &o);
	ck_assert_ptr_nonnull(obj);
	ck_assert_ptr_nonnull(bpf_object__find_program_by_name(obj, "compat_tp"));
	ck_assert_int_eq(btf_linkage(obj, "compat_tp"), BTF_FUNC_GLOBAL);
	ck_assert_int_eq(btf_linkage(obj, "add_step"), BTF_FUNC_STATIC);
	ck_assert_ptr_nonnull(bpf_object__find_map_by_name(obj, "counter"));
	ck_assert_ptr_nonnull(bpf_object__find_map_by_name(obj, ".rodata"));
	bpf_object__close(obj);

	/* The user's file is only read. */
	orig2 = slurp(OBJ("compat_tracepoint"), &osz);
	ck_assert_int_eq(memcmp(orig, orig2, osz), 0);
	free(orig);
	free(orig2);
	elf_adapted_clear(&a);
}
END_TEST

START_TEST(each_static_program_type)
{
	static const struct { const char *obj, *func; } cases[] = {
		{ OBJ("compat_kprobe"), "compat_kprobe" },
		{ OBJ("compat_uprobe"), "compat_uprobe" },
		{ OBJ("compat_uretprobe"), "compat_uretprobe" },
		{ OBJ("compat_xdp"), "compat_xdp" },
		{ OBJ("compat_tc"), "compat_tc" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct elf_adapted a;
		struct bpf_object *obj;

		ck_assert_int_eq(elf_adapt(NULL, cases[i].obj, &cases[i].func, 1, &a), 0);
		ck_assert_ptr_nonnull(a.buf);
		obj = bpf_object__open_mem(a.buf, a.sz, NULL);
		ck_assert_msg(obj != NULL, "%s does not open after the rewrite", cases[i].obj);
		ck_assert_ptr_nonnull(bpf_object__find_program_by_name(obj, cases[i].func));
		bpf_object__close(obj);
		elf_adapted_clear(&a);
	}
}
END_TEST

/* Reading an image's programs: every static entry, from memory. */
START_TEST(in_memory_all_entries)
{
	struct elf_adapted a;
	size_t sz;
	void *elf = slurp(OBJ("compat_uprobe"), &sz);
	struct bpf_object *obj;

	ck_assert_int_eq(elf_adapt_mem(NULL, "the object", elf, sz, NULL, 0, &a), 0);
	ck_assert_ptr_nonnull(a.buf);
	ck_assert_ptr_nonnull(strstr(a.what, "compat_uprobe"));
	obj = bpf_object__open_mem(a.buf, a.sz, NULL);
	ck_assert_ptr_nonnull(obj);
	bpf_object__close(obj);
	elf_adapted_clear(&a);
	free(elf);
}
END_TEST

START_TEST(nothing_to_do_leaves_no_copy)
{
	const char *funcs[] = { "tc_count", "stats" };
	struct elf_adapted a;

	ck_assert_int_eq(elf_adapt(NULL, OBJ("tc_counter"), funcs, 1, &a), 0);
	ck_assert_ptr_null(a.buf);
	ck_assert_int_eq(elf_adapt(NULL, OBJ("compat_classifier"), funcs + 1, 1, &a), 0);
	ck_assert_ptr_null(a.buf);
}
END_TEST

START_TEST(refusals_say_what_to_change)
{
	const char *other[] = { "something_else" }, *legacy[] = { "legacy_tp" };
	struct elf_adapted a;

	ck_assert_int_eq(elf_adapt(NULL, OBJ("compat_tracepoint"), other, 1, &a), -ENOTSUP);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(NULL), "entry function 'compat_tp'"));
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(NULL), "without `static`"));
	ck_assert_int_eq(elf_adapt(NULL, OBJ("compat_legacy_maps"), legacy, 1, &a), -ENOTSUP);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(NULL), "legacy \"maps\" section"));
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(NULL), "SEC(\".maps\")"));
	ck_assert_int_eq(elf_adapt(NULL, "/nonexistent.bpf.o", legacy, 1, &a), -ENOENT);
	ck_assert_int_eq(elf_adapt(NULL, "/etc/hostname", legacy, 1, &a), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(bpfman_errmsg(NULL), "is not a valid BPF ELF object"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("elf-adapt");
	TCase *tc = tcase_create("rewrite");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, static_entry_becomes_global);
	tcase_add_test(tc, each_static_program_type);
	tcase_add_test(tc, in_memory_all_entries);
	tcase_add_test(tc, nothing_to_do_leaves_no_copy);
	tcase_add_test(tc, refusals_say_what_to_change);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
