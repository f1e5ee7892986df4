/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl image build|push: a bytecode image from ELF objects, without
 * docker or podman, into an OCI layout and/or a registry. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd_image.h"
#include "image_cli.h"

enum {
	KEY_PLATFORM = OPT_LONG(1),
	KEY_OUTPUT_FORMAT,
	KEY_AUTHFILE,
};

static const struct opt build_opts[] = {
	OPT("bytecode", 'f', OPT_ARG_ONE, "FILE",
	  "An ELF object (clang -target bpf). Repeat with --platform for a\n"
	  "multi-arch image (an index). Example: -f counter.bpf.o"),
	OPT("platform", KEY_PLATFORM, OPT_ARG_ONE, "OS/ARCH[/VARIANT]",
	  "Platform of the -f given just before it [default with one -f: this\n"
	  "host's]. Example: -f x86.o --platform linux/amd64 -f arm.o --platform\n"
	  "linux/arm64"),
	OPT("tag", 't', OPT_ARG_ONE, "REFERENCE",
	  "Push the image to this reference. Example: -t 127.0.0.1:5000/counter:v1"),
	OPT("output-dir", 'o', OPT_ARG_ONE, "DIR",
	  "Write an OCI image layout to DIR (created if missing)."),
	OPT("label", 'l', OPT_ARG_MANY, "KEY=VALUE",
	  "Extra config label; io.ebpf.programs and io.ebpf.maps are derived\n"
	  "from the ELF."),
	OPT("registry-auth", 'r', OPT_ARG_ONE, "BASE64", REGISTRY_AUTH_HELP),
	OPT_REGISTRY_AUTH_FILE_ENTRY,
	OPT("authfile", KEY_AUTHFILE, OPT_ARG_ONE, "FILE",
	  "An auth file to use instead of the usual search."),
	OPT_OUTPUT_ENTRY(KEY_OUTPUT_FORMAT),
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec build_spec = {
	.name = "image build",
	.usage = "-f FILE [--platform P]... (-o DIR | -t REF)",
	.summary =
		"Build a bytecode image as bpfman's Containerfile.bytecode lays it out\n"
		"(one tar+gzip layer holding the ELF; labels derived from the ELF), with\n"
		"no container engine. One object makes a manifest; several (each with\n"
		"--platform) make an index. Prints the digest of the top manifest or\n"
		"index.",
	.opts = build_opts,
	.examples = "bpfmanctl image build -f counter.bpf.o -o ./layout\n"
		    "bpfmanctl image build -f a.o --platform linux/amd64 \\\n"
		    "    -f b.o --platform linux/arm64 -t 127.0.0.1:5000/c:v1",
};

static const struct cmd_spec push_spec = {
	.name = "image push",
	.usage = "-f FILE [--platform P]... -t REF [OPTIONS]",
	.summary =
		"Build a bytecode image from ELF objects and push it to a registry:\n"
		"'image build' with -t required. Blobs the registry has are not sent\n"
		"again.",
	.opts = build_opts,
	.examples = "bpfmanctl image push -f counter.bpf.o -t 127.0.0.1:5000/counter:v1",
};

struct build_cfg {
	struct str_vec objects;
	const char **platforms; /* objects.n entries, NULL where not given */
	size_t platforms_set;
	const char *tag;
	const char *layout;
	struct kv_vec labels;
	struct registry_cli reg;
};

static int build_opt(void *data, int key, const char *arg)
{
	struct build_cfg *cfg = data;
	const char **p;
	int err;

	switch (key) {
	case 'f':
		if ((err = str_vec_push(&cfg->objects, arg)))
			return err;
		p = realloc(cfg->platforms, cfg->objects.n * sizeof(*p));
		if (!p)
			return usage_err("out of memory");
		p[cfg->objects.n - 1] = NULL;
		cfg->platforms = p;
		return 0;
	case KEY_PLATFORM:
		if (!cfg->objects.n || cfg->platforms[cfg->objects.n - 1])
			return usage_err("--platform %s must follow the -f FILE it describes", arg);
		if (!strchr(arg, '/'))
			return usage_err("invalid --platform '%s': expected OS/ARCH[/VARIANT], e.g. linux/amd64",
					 arg);
		cfg->platforms[cfg->objects.n - 1] = arg;
		cfg->platforms_set++;
		return 0;
	case 't':
		cfg->tag = arg;
		return 0;
	case 'o':
		cfg->layout = arg;
		return 0;
	case 'l':
		return args_kv_list(&cfg->labels, arg, "--label");
	case KEY_REGISTRY_AUTH_FILE:
		return args_registry_auth_file(&cfg->reg, arg);
	case 'r':
		return args_registry_auth(&cfg->reg, arg);
	case KEY_AUTHFILE:
		cfg->reg.auth_file = arg;
		return 0;
	default:
		return usage_err("unexpected argument '%s'", arg);
	}
}

static int parse_build(const struct cmd_spec *spec, struct build_cfg *cfg, int argc,
		       char **argv, struct ctl_global *g, bool push)
{
	int err = opts_parse(spec, argc, argv, g, build_opt, cfg, NULL);

	if (err)
		return err;
	if (!cfg->objects.n)
		err = usage_err("missing -f/--bytecode FILE (the ELF object to package)");
	else if (cfg->objects.n > 1 && cfg->platforms_set != cfg->objects.n)
		err = usage_err("with several -f, give each one its --platform OS/ARCH");
	else if (push && !cfg->tag)
		err = usage_err("missing -t/--tag REFERENCE to push to");
	else if (!cfg->tag && !cfg->layout)
		err = usage_err("nowhere to put the image: give -o/--output-dir DIR and/or -t/--tag REFERENCE");
	if (err)
		fprintf(stderr, "Try 'bpfmanctl %s --help'.\n", spec->name);
	return err;
}

static int run_build(int argc, char **argv, struct ctl_global *g, bool push)
{
	struct build_cfg cfg = { 0 };
	struct bpfman_ctx *ctx = NULL;
	char *digest = NULL;
	int ret, err;

	ret = parse_build(push ? &push_spec : &build_spec, &cfg, argc, argv, g, push);
	if (!ret)
		ret = ctl_open(&ctx, g);
	if (!ret) {
		BPFMAN_OPTS(bpfman_build_opts, opts, .objects = cfg.objects.v,
			    .platforms = cfg.platforms_set ? cfg.platforms : NULL,
			    .objects_cnt = cfg.objects.n, .layout_dir = cfg.layout,
			    .push_reference = cfg.tag, .registry = registry_cli_opts(&cfg.reg),
			    .labels = cfg.labels.v, .labels_cnt = cfg.labels.n);

		err = bpfman_image__build(&digest, ctx, &opts);
		registry_cli_done(&cfg.reg);
		if (err) {
			ret = ctl_fail(ctx, err);
		} else if (g->output == CTL_OUTPUT_JSON) {
			printf("{\n  \"digest\": \"%s\"\n}\n", digest);
		} else if (g->output == CTL_OUTPUT_YAML) {
			printf("digest: \"%s\"\n", digest);
		} else {
			printf("%s\n", digest);
		}
		free(digest);
		bpfman_ctx_free(ctx);
	}
	str_vec_free(&cfg.objects);
	free(cfg.platforms);
	kv_vec_free(&cfg.labels);
	registry_cli_free(&cfg.reg);
	return ret;
}

int cmd_image_build(int argc, char **argv, struct ctl_global *g)
{
	return run_build(argc, argv, g, false);
}

int cmd_image_push(int argc, char **argv, struct ctl_global *g)
{
	return run_build(argc, argv, g, true);
}
