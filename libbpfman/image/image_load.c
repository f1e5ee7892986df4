// SPDX-License-Identifier: Apache-2.0
/* bpfman_program__load_image: pull under the policy, then load the ELF the
 * cache extracted through the same path as a file load, recording the
 * image reference and manifest digest on every program. */
#include "internal.h"
#include "image/pull.h"
#include "model.h"
#include "program_load.h"

#include <stdlib.h>
#include <string.h>

struct spec_list {
	char **v;
	size_t n;
};

static void spec_list_clear(struct spec_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* "TYPE:FUNC" for every program the labels name, with the type they give. */
static int specs_from_labels(struct bpfman_ctx *ctx, const struct bpfman_image *img,
			     struct spec_list *ret)
{
	const struct image_config *c = &img->config;

	if (!c->programs_cnt)
		return bpfman_err(ctx, -EINVAL,
				  "image %s names no programs in its labels; name them as TYPE:FUNC in the programs to load",
				  img->reference);
	ret->v = calloc(c->programs_cnt, sizeof(*ret->v));
	if (!ret->v)
		return -ENOMEM;
	for (size_t i = 0; i < c->programs_cnt; i++, ret->n++) {
		const char *type = bpfman_program_type_name(c->programs[i].type);

		if (!type)
			return bpfman_err(ctx, -EINVAL,
					  "image %s labels program '%s' with type '%s', which libbpfman cannot load; name the programs as TYPE:FUNC in the programs to load",
					  img->reference, c->programs[i].name,
					  str_or_empty(c->programs[i].type_name));
		if (c->programs[i].type == BPFMAN_PROG_TYPE_FENTRY ||
		    c->programs[i].type == BPFMAN_PROG_TYPE_FEXIT)
			return bpfman_err(ctx, -EINVAL,
					  "image %s labels %s program '%s', which needs the kernel function it attaches to; name it as %s:%s:FUNCTION in the programs to load",
					  img->reference, type, c->programs[i].name, type,
					  c->programs[i].name);
		if (!(ret->v[i] = str_printf("%s:%s", type, c->programs[i].name)))
			return -ENOMEM;
	}
	return 0;
}

int bpfman_program__load_image(struct bpfman_program ***ret_progs, size_t *ret_cnt,
			       struct bpfman_ctx *ctx, const char *reference,
			       const struct bpfman_load_opts *opts,
			       const struct bpfman_pull_opts *pull_opts)
{
	_cleanup_(image_freep) struct bpfman_image *img = NULL;
	struct spec_list labelled = { 0 };
	int err;

	if (!ret_progs || !ret_cnt)
		return bpfman_err(ctx, -EINVAL, "ret_progs and ret_cnt are required");
	if (!OPTS_VALID(ctx, opts, bpfman_load_opts) || image_pull_opts_valid(ctx, pull_opts))
		return -EINVAL;
	if ((err = image_pull(ctx, reference, pull_opts, &img)))
		return err;

	BPFMAN_OPTS(bpfman_load_opts, lopts,
		    .programs = OPTS_GET(opts, programs, NULL),
		    .programs_cnt = OPTS_GET(opts, programs_cnt, 0),
		    .globals = OPTS_GET(opts, globals, NULL),
		    .globals_cnt = OPTS_GET(opts, globals_cnt, 0),
		    .metadata = OPTS_GET(opts, metadata, NULL),
		    .metadata_cnt = OPTS_GET(opts, metadata_cnt, 0),
		    .application = OPTS_GET(opts, application, NULL),
		    .map_owner_id = OPTS_GET(opts, map_owner_id, 0),
		    .owner = OPTS_GET(opts, owner, NULL));
	if (!lopts.programs_cnt) {
		if ((err = specs_from_labels(ctx, img, &labelled))) {
			spec_list_clear(&labelled);
			return err;
		}
		lopts.programs = (const char *const *)labelled.v;
		lopts.programs_cnt = labelled.n;
	}
	struct load_origin origin = {
		.image = img->reference,
		.image_digest = img->digest,
	};
	err = program_load_elf(ret_progs, ret_cnt, ctx, img->elf_path, &lopts, &origin);
	if (err)
		bpfman_err_prefix(ctx, err, "loading image %s (%s)", img->reference, img->digest);
	spec_list_clear(&labelled);
	return err;
}

const char *bpfman_program__image(const struct bpfman_program *prog)
{
	return prog->image;
}

const char *bpfman_program__image_digest(const struct bpfman_program *prog)
{
	return prog->image_digest;
}
