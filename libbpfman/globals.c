// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "globals.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <string.h>

/* Finds `name` among the variables of every data section; on success sets
 * the map holding it, its offset and size. */
static int find_var(struct bpf_object *obj, const char *name,
		    struct bpf_map **ret_map, __u32 *ret_off, __u32 *ret_size)
{
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map;

	if (!btf)
		return -ENOENT;
	bpf_object__for_each_map(map, obj) {
		/* libbpf names internal maps "<obj prefix>.rodata" (or just
		 * ".rodata"); the section is from the first dot on. */
		const char *sec = strchr(bpf_map__name(map), '.');
		const struct btf_type *t;
		const struct btf_var_secinfo *vs;
		int id;

		if (!bpf_map__is_internal(map) || !sec)
			continue;
		/* libbpf names internal maps after their section. */
		id = btf__find_by_name_kind(btf, sec, BTF_KIND_DATASEC);
		if (id < 0)
			continue;
		t = btf__type_by_id(btf, id);
		vs = btf_var_secinfos(t);
		for (int i = 0; i < btf_vlen(t); i++, vs++) {
			const struct btf_type *var = btf__type_by_id(btf, vs->type);

			if (strcmp(btf__name_by_offset(btf, var->name_off), name))
				continue;
			*ret_map = map;
			*ret_off = vs->offset;
			*ret_size = vs->size;
			return 0;
		}
	}
	return -ENOENT;
}

int globals_apply(struct bpfman_ctx *ctx, struct bpf_object *obj,
		  const struct global_list *globals)
{
	for (size_t i = 0; i < globals->cnt; i++) {
		struct bpf_map *map = NULL;
		__u32 off = 0, size = 0;
		size_t data_sz = 0;
		char *data;

		if (find_var(obj, globals->names[i], &map, &off, &size))
			return bpfman_err(ctx, -ENOENT,
					  "global variable '%s' not found in .rodata, .data or .bss of %s; check the name (globals need BTF: build with clang -g)",
					  globals->names[i], bpf_object__name(obj));
		if (size != globals->sizes[i])
			return bpfman_err(ctx, -EINVAL,
					  "global variable '%s' is %u bytes but %zu were given; pass exactly %u bytes (%u hex digit pairs)",
					  globals->names[i], size, globals->sizes[i], size, size);
		data = (char *)bpf_map__initial_value(map, &data_sz);
		if (!data || (size_t)off + size > data_sz)
			return bpfman_err(ctx, -EINVAL,
					  "global variable '%s' lies in %s, which holds no initial data (.bss or .kconfig cannot be set)",
					  globals->names[i], bpf_map__name(map));
		memcpy(data + off, globals->values[i], size);
	}
	return 0;
}
