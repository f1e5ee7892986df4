// SPDX-License-Identifier: Apache-2.0
/* Image build (doc/images.md, "Building images"): one layer per object as
 * bpfman's Containerfile.bytecode lays it out (the file at the root under
 * its own name), a config carrying the labels bpfman's
 * `image generate-build-args` derives, an OCI manifest per platform and an
 * OCI index over them. Everything is deterministic (no timestamps), so the
 * same objects give the same digests. */
#include "internal.h"
#include "image/build.h"
#include "image/digest.h"
#include "image/elf_info.h"
#include "image/image_config.h"
#include "image/layer.h"
#include "image/store.h"

#include <fcntl.h>
#include <jansson.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PLATFORMS 64

static int read_object(struct bpfman_ctx *ctx, const char *path, void **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ unsigned char *buf = NULL;
	struct stat st;
	size_t got = 0;

	if (fd < 0)
		return bpfman_err(ctx, -errno, "cannot open bytecode file %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return bpfman_err(ctx, -EINVAL, "bytecode path %s is not a regular file", path);
	if ((uint64_t)st.st_size > LAYER_ELF_MAX_SIZE)
		return bpfman_err(ctx, -EFBIG, "bytecode file %s is %lld bytes, over the %u-byte limit",
				  path, (long long)st.st_size, LAYER_ELF_MAX_SIZE);
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return bpfman_err(ctx, n < 0 ? -errno : -EIO, "cannot read bytecode file %s", path);
		got += (size_t)n;
	}
	*ret = TAKE_PTR(buf);
	*ret_len = got;
	return 0;
}

static char *dumps(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(o);
	return s;
}

int image_build_labels(struct bpfman_ctx *ctx, const void *elf, size_t len,
		       char **ret_programs, char **ret_maps)
{
	struct elf_info info;
	json_t *progs, *maps;
	size_t kept = 0;
	int err;

	*ret_programs = *ret_maps = NULL;
	if ((err = elf_info_read(ctx, elf, len, &info)))
		return err;
	progs = json_object();
	maps = json_object();
	for (size_t i = 0; i < info.programs_cnt; i++) {
		const struct elf_program *p = &info.programs[i];

		/* Programs bpfman cannot load (lsm, socket filters, ...) stay
		 * out of the labels, as bpfman's own builder leaves them. */
		if (!p->type_name) {
			pr_info(ctx, "image build: program %s in section \"%s\" is not a type bpfman loads; leaving it out of io.ebpf.programs",
				p->name, p->section);
			continue;
		}
		json_object_set_new(progs, p->name, json_string(p->type_name));
		kept++;
	}
	for (size_t i = 0; i < info.maps_cnt; i++)
		json_object_set_new(maps, info.maps[i].name, json_string(info.maps[i].type_name));
	elf_info_clear(&info);
	if (!kept) {
		json_decref(progs);
		json_decref(maps);
		return bpfman_err(ctx, -ENOEXEC, "the object has no program bpfman can load (sections xdp, tc, tcx, tracepoint, kprobe, kretprobe, uprobe, uretprobe, fentry, fexit, lsm)");
	}
	*ret_programs = dumps(progs);
	*ret_maps = dumps(maps);
	if (!*ret_programs || !*ret_maps) {
		free(*ret_programs);
		free(*ret_maps);
		*ret_programs = *ret_maps = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Architectures whose BPF objects are big-endian (GOARCH names). */
static bool arch_big_endian(const char *arch)
{
	static const char *const be[] = { "s390x", "ppc64", "mips", "mips64" };

	for (size_t i = 0; i < ARRAY_SIZE(be); i++)
		if (!strcmp(arch, be[i]))
			return true;
	return false;
}

static int platform_parse(struct bpfman_ctx *ctx, const char *platform,
			  char os[32], char arch[32], char variant[32])
{
	char extra[2];
	int n;

	os[0] = arch[0] = variant[0] = '\0';
	n = platform ? sscanf(platform, "%31[a-z0-9_]/%31[a-z0-9_]/%31[a-z0-9_]%1s", os, arch, variant, extra) : 0;
	if (n < 2 || n > 3 || strlen(platform) != strlen(os) + strlen(arch) + 1 + (n == 3 ? strlen(variant) + 1 : 0))
		return bpfman_err(ctx, -EINVAL, "platform \"%s\" is not os/arch[/variant] in lower case, e.g. linux/amd64 or linux/arm64/v8",
				  str_or_empty(platform));
	return 0;
}

static int put_json(struct bpfman_ctx *ctx, const char *root, json_t *o, const char *mt,
		    struct descriptor *ret)
{
	_cleanup_free_ char *text = json_dumps(o, JSON_COMPACT);
	char digest[DIGEST_STR_SIZE];
	int err;

	json_decref(o);
	memset(ret, 0, sizeof(*ret));
	if (!text)
		return -ENOMEM;
	if ((err = store_put_blob(ctx, root, text, strlen(text), digest)))
		return err;
	ret->media_type = strdup(mt);
	ret->digest = strdup(digest);
	ret->size = strlen(text);
	return ret->media_type && ret->digest ? 0 : -ENOMEM;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* One object -> layer, config, manifest; *ret is the manifest. */
static int build_one(struct bpfman_ctx *ctx, const char *root, const char *path,
		     const char *platform, const struct bpfman_kv *labels, size_t labels_cnt,
		     struct descriptor *ret)
{
	_cleanup_free_ void *elf = NULL, *layer = NULL;
	_cleanup_free_ char *programs = NULL, *maps = NULL;
	char os[32], arch[32], variant[32], layer_digest[DIGEST_STR_SIZE], diff_id[DIGEST_STR_SIZE];
	struct descriptor config = { 0 };
	size_t elf_len = 0, layer_len = 0;
	json_t *cfg, *lab, *m, *layers, *ld;
	int err;

	memset(ret, 0, sizeof(*ret));
	if ((err = platform_parse(ctx, platform, os, arch, variant)))
		return err;
	if ((err = read_object(ctx, path, &elf, &elf_len)))
		return err;
	if ((err = image_build_labels(ctx, elf, elf_len, &programs, &maps)))
		return bpfman_err_prefix(ctx, err, "%s", path);
	if ((((unsigned char *)elf)[5] == 2) != arch_big_endian(arch))
		return bpfman_err(ctx, -EINVAL, "%s is a %s-endian object but %s is %s-endian; build it with clang -target %s",
				  path, ((unsigned char *)elf)[5] == 2 ? "big" : "little", platform,
				  arch_big_endian(arch) ? "big" : "little",
				  arch_big_endian(arch) ? "bpfeb" : "bpfel");
	if ((err = layer_build(ctx, elf, elf_len, base_name(path), &layer, &layer_len)) ||
	    (err = layer_diff_id(ctx, layer, layer_len, diff_id)) ||
	    (err = store_put_blob(ctx, root, layer, layer_len, layer_digest)))
		return err;

	lab = json_object();
	for (size_t i = 0; i < labels_cnt; i++)
		json_object_set_new(lab, labels[i].key, json_string(labels[i].value));
	json_object_set_new(lab, LABEL_PROGRAMS, json_string(programs));
	json_object_set_new(lab, LABEL_MAPS, json_string(maps));
	cfg = json_pack("{s:s, s:s, s:{s:o}, s:{s:s, s:[s]}}",
			"architecture", arch, "os", os,
			"config", "Labels", lab,
			"rootfs", "type", "layers", "diff_ids", diff_id);
	if (!cfg)
		return -ENOMEM;
	if (variant[0])
		json_object_set_new(cfg, "variant", json_string(variant));
	if ((err = put_json(ctx, root, cfg, MT_OCI_CONFIG, &config)))
		return err;

	layers = json_array();
	ld = json_pack("{s:s, s:s, s:I}", "mediaType", MT_OCI_LAYER_GZIP,
		       "digest", layer_digest, "size", (json_int_t)layer_len);
	json_array_append_new(layers, ld);
	m = json_pack("{s:i, s:s, s:o, s:o}", "schemaVersion", 2, "mediaType", MT_OCI_MANIFEST,
		      "config", descriptor_json(&config), "layers", layers);
	descriptor_clear(&config);
	if (!m)
		return -ENOMEM;
	if ((err = put_json(ctx, root, m, MT_OCI_MANIFEST, ret)))
		return err;
	ret->platform = strdup(platform);
	return ret->platform ? 0 : -ENOMEM;
}

int image_build_into(struct bpfman_ctx *ctx, const char *root,
		     const char *const *objects, const char *const *platforms,
		     size_t cnt, const struct bpfman_kv *labels, size_t labels_cnt,
		     struct descriptor *ret_top)
{
	struct descriptor *mans = NULL;
	json_t *idx, *arr;
	int hold, err = 0;

	memset(ret_top, 0, sizeof(*ret_top));
	if (!objects || cnt == 0)
		return bpfman_err(ctx, -EINVAL, "image build needs at least one bytecode object");
	if (!platforms && cnt != 1)
		return bpfman_err(ctx, -EINVAL, "%zu objects given without platforms; name the platform (os/arch[/variant]) of each object",
				  cnt);
	if (cnt > MAX_PLATFORMS)
		return bpfman_err(ctx, -EINVAL, "image build takes at most %d objects", MAX_PLATFORMS);
	for (size_t i = 0; i < labels_cnt; i++) {
		if (str_empty(labels[i].key) || !labels[i].value)
			return bpfman_err(ctx, -EINVAL, "extra label %zu has no key or no value", i);
		if (!strncmp(labels[i].key, "io.ebpf.", 8))
			return bpfman_err(ctx, -EINVAL, "label %s is derived from the object; leave io.ebpf.* labels out",
					  labels[i].key);
	}
	for (size_t i = 0; platforms && i < cnt; i++)
		for (size_t j = 0; j < i; j++)
			if (platforms[i] && platforms[j] && !strcmp(platforms[i], platforms[j]))
				return bpfman_err(ctx, -EINVAL, "platform %s is given twice; give one object per platform",
						  platforms[i]);
	if ((err = store_init(ctx, root)))
		return err;
	hold = store_hold(ctx, root);
	if (hold < 0)
		return hold;
	mans = calloc(cnt, sizeof(*mans));
	if (!mans) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < cnt; i++) {
		err = build_one(ctx, root, objects[i], platforms ? platforms[i] : host_platform(),
				labels, labels_cnt, &mans[i]);
		if (err)
			goto out;
	}
	if (!platforms) {
		err = descriptor_copy(ret_top, &mans[0]);
		free(ret_top->platform);
		ret_top->platform = NULL;
		goto out;
	}
	arr = json_array();
	for (size_t i = 0; i < cnt; i++)
		json_array_append_new(arr, descriptor_json(&mans[i]));
	idx = json_pack("{s:i, s:s, s:o}", "schemaVersion", 2, "mediaType", MT_OCI_INDEX,
			"manifests", arr);
	err = idx ? put_json(ctx, root, idx, MT_OCI_INDEX, ret_top) : -ENOMEM;
out:
	for (size_t i = 0; mans && i < cnt; i++)
		descriptor_clear(&mans[i]);
	free(mans);
	store_release(hold);
	if (err)
		descriptor_clear(ret_top);
	return err;
}
