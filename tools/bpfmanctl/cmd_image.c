/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl image pull|inspect|list|rm|prune (build and push in
 * cmd_image_build.c): the image cache and registries. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd_image.h"
#include "image_cli.h"
#include "output.h"

enum {
	KEY_PULL_POLICY = OPT_LONG(1),
	KEY_AUTHFILE,
	KEY_PLATFORM,
};

static const struct {
	const char *name;
	ctl_cmd_fn fn;
} image_cmds[] = {
	{ "build", cmd_image_build },
	{ "inspect", cmd_image_inspect },
	{ "list", cmd_image_list },
	{ "prune", cmd_image_prune },
	{ "pull", cmd_image_pull },
	{ "push", cmd_image_push },
	{ "rm", cmd_image_rm },
	/* Signatures (doc/signatures.md), cmd_image_sign.c */
	{ "sign", cmd_image_sign },
	{ "verify", cmd_image_verify },
	{ NULL, NULL },
};

static const struct opt image_opts[] = {
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec image_spec = {
	.name = "image",
	.usage = "SUBCOMMAND [OPTIONS]",
	.summary =
		"Manage eBPF bytecode images (OCI images in bpfman's format) and the\n"
		"image cache (--image-cache-dir).\n"
		"\n"
		"Subcommands:\n"
		"  pull      Fetch an image from a registry into the cache.\n"
		"  inspect   Show a cached image: digest, platform, labels, programs, maps.\n"
		"  list      List cached images.\n"
		"  rm        Forget a cached image (its blobs stay until prune).\n"
		"  prune     Delete cached blobs no image uses.\n"
		"  build     Build an image from ELF objects into a layout and/or push it.\n"
		"  push      Build an image from ELF objects and push it to a registry.\n"
		"  sign      Sign an image (cosign formats) with a PEM private key.\n"
		"  verify    Check an image's signatures (cosign, GPG) under the policy.",
	.opts = image_opts,
	.examples = "bpfmanctl image pull quay.io/bpfman-bytecode/go-xdp-counter:latest\n"
		    "bpfmanctl image list",
};

/* ---- pull ---- */

static const struct opt pull_opts[] = {
	OPT("image-url", 'i', OPT_ARG_ONE, "REFERENCE",
	  "The image, as [registry/]repository[:tag][@sha256:digest] (or give\n"
	  "it as the argument). Example: -i quay.io/bpfman-bytecode/xdp_pass:latest"),
	OPT("registry-auth", 'r', OPT_ARG_ONE, "BASE64", REGISTRY_AUTH_HELP),
	OPT_REGISTRY_AUTH_FILE_ENTRY,
	OPT("authfile", KEY_AUTHFILE, OPT_ARG_ONE, "FILE",
	  "An auth file (docker config.json / containers auth.json format) to\n"
	  "use instead of the usual search."),
	OPT("pull-policy", 'p', OPT_ARG_ONE, "POLICY",
	  "Always (ask the registry for the manifest; blobs are reused when its\n"
	  "digest is unchanged), IfNotPresent (default: no network when cached)\n"
	  "or Never (cache only)."),
	OPT("platform", KEY_PLATFORM, OPT_ARG_ONE, "OS/ARCH[/VARIANT]",
	  "Platform to pick from a multi-arch index [default: this host's]."),
	OPT_OUTPUT_ENTRY('o'),
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec pull_spec = {
	.name = "image pull",
	.usage = "[-i] REFERENCE [OPTIONS]",
	.summary =
		"Fetch an image into the cache, checking every digest and size, and\n"
		"show it like 'image inspect'. A progress bar is drawn on stderr when\n"
		"it is a terminal.",
	.opts = pull_opts,
	.examples = "bpfmanctl image pull -i quay.io/bpfman-bytecode/xdp_pass:latest\n"
		    "bpfmanctl image pull 127.0.0.1:5000/counter:v1 -p Always",
};

struct image_cfg {
	const char *reference;
	struct registry_cli reg;
	enum bpfman_pull_policy policy;
	const char *platform;
	int positionals;
};

static int image_opt(void *data, int key, const char *arg)
{
	struct image_cfg *cfg = data;

	switch (key) {
	case 'i':
	case OPT_KEY_POSITIONAL:
		if (cfg->reference)
			return usage_err("give one image reference (got '%s' and '%s')",
					 cfg->reference, arg);
		if (!*arg)
			return usage_err("empty image reference");
		cfg->reference = arg;
		return 0;
	case KEY_REGISTRY_AUTH_FILE:
		return args_registry_auth_file(&cfg->reg, arg);
	case 'r':
		return args_registry_auth(&cfg->reg, arg);
	case KEY_AUTHFILE:
		cfg->reg.auth_file = arg;
		return 0;
	case 'p':
		return args_pull_policy(&cfg->policy, arg);
	case KEY_PLATFORM:
		cfg->platform = arg;
		return 0;
	default:
		return usage_err("unexpected argument '%s'", arg);
	}
}

/* Parses a command whose one required argument is an image reference;
 * `hint` follows "missing image reference" when it is absent. */
static int parse_ref_cmd(const struct cmd_spec *spec, opt_fn handler, const char *hint,
			 struct image_cfg *cfg, int argc, char **argv, struct ctl_global *g)
{
	int err = opts_parse(spec, argc, argv, g, handler, cfg, NULL);

	if (err)
		return err;
	if (!cfg->reference) {
		usage_err("missing image reference%s", hint);
		fprintf(stderr, "Try 'bpfmanctl %s --help'.\n", spec->name);
		return CTL_EXIT_USAGE;
	}
	return 0;
}

int cmd_image_pull(int argc, char **argv, struct ctl_global *g)
{
	struct image_cfg cfg = { .policy = BPFMAN_PULL_IF_NOT_PRESENT };
	struct bpfman_ctx *ctx = NULL;
	struct bpfman_image *img = NULL;
	int ret, err;

	ret = parse_ref_cmd(&pull_spec, image_opt,
			    ", e.g. quay.io/bpfman-bytecode/xdp_pass:latest", &cfg, argc, argv, g);
	if (!ret)
		ret = ctl_open(&ctx, g);
	if (!ret) {
		BPFMAN_OPTS(bpfman_pull_opts, opts, .policy = cfg.policy,
			    .registry = registry_cli_opts(&cfg.reg), .platform = cfg.platform);

		err = bpfman_image__pull(&img, ctx, cfg.reference, &opts);
		registry_cli_done(&cfg.reg);
		if (err) {
			ret = ctl_fail(ctx, err);
		} else {
			print_image(g, img);
			bpfman_image__free(img);
		}
		bpfman_ctx_free(ctx);
	}
	registry_cli_free(&cfg.reg);
	return ret;
}

/* ---- inspect, rm ---- */

static const struct opt ref_opts[] = {
	OPT_OUTPUT_ENTRY('o'),
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec inspect_spec = {
	.name = "image inspect",
	.usage = "REFERENCE",
	.summary =
		"Show a cached image (no network): reference, manifest and index\n"
		"digests, platform, size, labels, and the programs and maps its labels\n"
		"name.",
	.opts = ref_opts,
	.examples = "bpfmanctl image inspect quay.io/bpfman-bytecode/xdp_pass:latest -o json",
};

static int ref_opt(void *data, int key, const char *arg)
{
	return key == OPT_KEY_POSITIONAL ? image_opt(data, key, arg)
					 : usage_err("unexpected argument '%s'", arg);
}

static int parse_plain_ref(const struct cmd_spec *spec, struct image_cfg *cfg, int argc,
			   char **argv, struct ctl_global *g)
{
	return parse_ref_cmd(spec, ref_opt, "; see 'bpfmanctl image list'", cfg, argc, argv, g);
}

int cmd_image_inspect(int argc, char **argv, struct ctl_global *g)
{
	struct image_cfg cfg = { 0 };
	struct bpfman_ctx *ctx = NULL;
	struct bpfman_image *img = NULL;
	int ret, err;

	ret = parse_plain_ref(&inspect_spec, &cfg, argc, argv, g);
	if (ret || (ret = ctl_open(&ctx, g)))
		return ret;
	err = bpfman_image__get(&img, ctx, cfg.reference);
	if (err) {
		ret = ctl_fail(ctx, err);
	} else {
		print_image(g, img);
		bpfman_image__free(img);
	}
	bpfman_ctx_free(ctx);
	return ret;
}

static const struct opt rm_opts[] = {
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec rm_spec = {
	.name = "image rm",
	.usage = "REFERENCE",
	.summary =
		"Forget a cached image. Its blobs stay until 'image prune'; programs\n"
		"already loaded from it keep running (their bytecode is kept with the\n"
		"state).",
	.opts = rm_opts,
	.examples = "bpfmanctl image rm quay.io/bpfman-bytecode/xdp_pass:latest",
};

int cmd_image_rm(int argc, char **argv, struct ctl_global *g)
{
	struct image_cfg cfg = { 0 };
	struct bpfman_ctx *ctx = NULL;
	int ret, err;

	ret = parse_plain_ref(&rm_spec, &cfg, argc, argv, g);
	if (ret || (ret = ctl_open(&ctx, g)))
		return ret;
	err = bpfman_image__remove(ctx, cfg.reference);
	ret = err ? ctl_fail(ctx, err) : CTL_EXIT_OK;
	bpfman_ctx_free(ctx);
	return ret;
}

/* ---- list, prune ---- */

static const struct cmd_spec list_spec = {
	.name = "image list",
	.usage = "[OPTIONS]",
	.summary = "List cached images: reference, manifest digest, platform, size and the\n"
		   "number of programs their labels name.",
	.opts = ref_opts,
	.examples = "bpfmanctl image list\nbpfmanctl image list -o yaml",
};

static int no_positional(void *data, int key, const char *arg)
{
	(void)data;
	(void)key;
	return usage_err("unexpected argument '%s'", arg);
}

int cmd_image_list(int argc, char **argv, struct ctl_global *g)
{
	struct bpfman_ctx *ctx = NULL;
	struct bpfman_image **imgs = NULL;
	size_t cnt = 0;
	int ret, err;

	ret = opts_parse(&list_spec, argc, argv, g, no_positional, NULL, NULL);
	if (ret || (ret = ctl_open(&ctx, g)))
		return ret;
	err = bpfman_image__list(&imgs, &cnt, ctx);
	if (err) {
		ret = ctl_fail(ctx, err);
	} else {
		print_image_list(g, imgs, cnt);
		bpfman_image_list__free(imgs, cnt);
	}
	bpfman_ctx_free(ctx);
	return ret;
}

static const struct cmd_spec prune_spec = {
	.name = "image prune",
	.usage = "",
	.summary = "Delete cached blobs (and extracted bytecode) that no cached image uses,\n"
		   "and say how many and how many bytes.",
	.opts = rm_opts,
	.examples = "bpfmanctl image prune",
};

int cmd_image_prune(int argc, char **argv, struct ctl_global *g)
{
	struct bpfman_ctx *ctx = NULL;
	size_t blobs = 0;
	uint64_t bytes = 0;
	int ret, err;

	ret = opts_parse(&prune_spec, argc, argv, g, no_positional, NULL, NULL);
	if (ret || (ret = ctl_open(&ctx, g)))
		return ret;
	err = bpfman_image__prune(ctx, &blobs, &bytes);
	if (err)
		ret = ctl_fail(ctx, err);
	else
		printf("Deleted %zu blobs, %" PRIu64 " bytes.\n", blobs, bytes);
	bpfman_ctx_free(ctx);
	return ret;
}

int cmd_image(int argc, char **argv, struct ctl_global *g)
{
	int ret;

	if (argc < 2 || argv[1][0] == '-') {
		ret = opts_parse(&image_spec, argc, argv, g, no_positional, NULL, NULL);
		if (ret)
			return ret;
		usage_err("missing subcommand: image pull|inspect|list|rm|prune|build|push");
		fprintf(stderr, "Try 'bpfmanctl image --help'.\n");
		return CTL_EXIT_USAGE;
	}
	for (size_t i = 0; image_cmds[i].name; i++)
		if (!strcmp(argv[1], image_cmds[i].name))
			return image_cmds[i].fn(argc - 1, argv + 1, g);
	usage_err("unknown subcommand 'image %s'", argv[1]);
	fprintf(stderr, "Try 'bpfmanctl image --help'.\n");
	return CTL_EXIT_USAGE;
}
