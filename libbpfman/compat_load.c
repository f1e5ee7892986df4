// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "compat_load.h"
#include "elf_adapt.h"

#include <bpf/libbpf.h>
#include <stdlib.h>
#include <string.h>

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* libbpf would pin these at <pin_root>/<name> (default /sys/fs/bpf),
 * reusing whatever map another object left there under that name. Ours
 * are pinned per load under <bpffs root>/maps/<program id>/ like every
 * other map, and shared only on request (--map-owner-id). */
static void drop_pin_by_name(struct bpfman_ctx *ctx, struct bpf_object *obj, const char *path)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		if (!bpf_map__pin_path(map))
			continue;
		pr_debug(ctx, "%s: map '%s' is declared LIBBPF_PIN_BY_NAME; it is pinned with this program's maps, not at %s",
			 path, bpf_map__name(map), bpf_map__pin_path(map));
		bpf_map__set_pin_path(map, NULL);
	}
}

int compat_open(struct bpfman_ctx *ctx, const char *path, const struct prog_request *reqs,
		size_t cnt, const struct libbpf_capture *cap, struct bpf_object **ret)
{
	_cleanup_free_ const char **funcs = calloc(cnt ? cnt : 1, sizeof(*funcs));
	struct elf_adapted a;
	struct bpf_object *obj;
	int err;

	if (!funcs)
		return -ENOMEM;
	for (size_t i = 0; i < cnt; i++)
		funcs[i] = reqs[i].func;
	if ((err = elf_adapt(ctx, path, funcs, cnt, &a)))
		return err;
	if (a.buf) {
		LIBBPF_OPTS(bpf_object_open_opts, o, .object_name = base_name(path));

		pr_debug(ctx, "%s: loading a private copy with these entry functions made global (bpfman's loader accepts static ones, libbpf does not): %s",
			 path, a.what);
		obj = bpf_object__open_mem(a.buf, a.sz, &o);
	} else {
		obj = bpf_object__open_file(path, NULL);
	}
	err = obj ? 0 : -errno;
	/* libbpf keeps its own copy of the ELF image. */
	elf_adapted_clear(&a);
	if (err)
		return libbpf_open_failed(ctx, cap, err, path);
	drop_pin_by_name(ctx, obj, path);
	*ret = obj;
	return 0;
}

static enum bpf_attach_type default_attach_type(enum bpf_prog_type t)
{
	return t == BPF_PROG_TYPE_XDP ? BPF_XDP : 0;
}

/* A section that one of our types claims by its prefix, e.g. "classifier"
 * in "classifier/stats" for tc and tcx. */
static const struct prog_type_desc *claimed_by(const char *sec)
{
	for (int t = BPFMAN_PROG_TYPE_XDP; t <= BPFMAN_PROG_TYPE_TCX; t++) {
		const struct prog_type_desc *d = prog_type_desc((enum bpfman_program_type)t);
		bool rp;

		if (d && prog_type_section_fits(d, sec, &rp))
			return d;
	}
	return NULL;
}

int compat_settle_type(struct bpfman_ctx *ctx, struct bpf_program *prog,
		       const struct prog_type_desc *desc, const char *func, bool *retprobe)
{
	const char *sec = bpf_program__section_name(prog);
	const struct prog_type_desc *other;
	bool fits = prog_type_section_fits(desc, sec, retprobe);

	if (bpf_program__type(prog) != BPF_PROG_TYPE_UNSPEC) {
		/* libbpf knows the section: it must name the declared type. */
		if (fits && bpf_program__type(prog) == desc->kernel_type)
			return 0;
		goto refuse;
	}
	/* libbpf does not know the section. The declaration decides, unless
	 * the section's prefix names another type ("xdp/x" declared tc). */
	other = fits ? desc : claimed_by(sec);
	if ((other && other->kernel_type != desc->kernel_type) || prog_type_has_btf_target(desc))
		goto refuse;
	bpf_program__set_type(prog, desc->kernel_type);
	bpf_program__set_expected_attach_type(prog, default_attach_type(desc->kernel_type));
	pr_debug(ctx, "program '%s': libbpf does not know section '%s'; loading it as a %s program as declared",
		 func, sec, desc->name);
	return 0;
refuse:
	return bpfman_err(ctx, -EINVAL,
			  "program '%s' is in ELF section '%s', which does not make it a %s program; load it with the type its section names, or fix the SEC() in its source",
			  func, sec, desc->name);
}
