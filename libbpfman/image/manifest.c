// SPDX-License-Identifier: Apache-2.0
/* OCI image indexes and manifests, Docker schema2 lists and manifests
 * (doc/images.md, "Manifests and platforms"). Bodies come from registries
 * and caches, so every field is checked: schemaVersion 2, media types that
 * agree with Content-Type, digests in sha256 form, sizes that are
 * non-negative integers, bounded counts. */
#include "internal.h"
#include "image/digest.h"
#include "image/manifest.h"

#include <jansson.h>
#include <string.h>
#include <sys/utsname.h>

/* Bounds for untrusted bodies (a bytecode image has one layer). An image
 * layout's own index.json (the cache) may list many more references. */
#define MAX_ENTRIES 1024
#define MAX_LAYOUT_ENTRIES 65536
#define LAYOUT_INDEX_MAX_SIZE (64u << 20)
#define MAX_ANNOTATIONS 256
/* JSON integers are exact up to 2^53; no blob is near that. */
#define MAX_BLOB_SIZE ((1ull << 53) - 1)

const char *manifest_accept(void)
{
	return MT_OCI_INDEX ", " MT_OCI_MANIFEST ", " MT_DOCKER_LIST ", " MT_DOCKER_MANIFEST;
}

static const char *kind_media_type(enum manifest_kind k)
{
	switch (k) {
	case MANIFEST_OCI_INDEX: return MT_OCI_INDEX;
	case MANIFEST_DOCKER_LIST: return MT_DOCKER_LIST;
	case MANIFEST_OCI: return MT_OCI_MANIFEST;
	case MANIFEST_DOCKER: return MT_DOCKER_MANIFEST;
	}
	return "?";
}

static int kind_of(const char *mt, enum manifest_kind *ret)
{
	for (int k = MANIFEST_OCI_INDEX; k <= MANIFEST_DOCKER; k++) {
		if (!strcmp(mt, kind_media_type(k))) {
			*ret = k;
			return 0;
		}
	}
	return -1;
}

void descriptor_clear(struct descriptor *d)
{
	if (!d)
		return;
	free(d->media_type);
	free(d->digest);
	free(d->platform);
	free(d->artifact_type);
	for (size_t i = 0; i < d->annotations_cnt; i++) {
		free(d->annotation_keys[i]);
		free(d->annotation_values[i]);
	}
	free(d->annotation_keys);
	free(d->annotation_values);
	memset(d, 0, sizeof(*d));
}

static int strs_copy(char ***dk, char ***dv, char *const *sk, char *const *sv, size_t n)
{
	*dk = calloc(n ? n : 1, sizeof(char *));
	*dv = calloc(n ? n : 1, sizeof(char *));
	if (!*dk || !*dv)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		(*dk)[i] = strdup(sk[i]);
		(*dv)[i] = strdup(sv[i]);
		if (!(*dk)[i] || !(*dv)[i])
			return -ENOMEM;
	}
	return 0;
}

int descriptor_copy(struct descriptor *dst, const struct descriptor *src)
{
	struct descriptor d = { .size = src->size };

#define DUP(f) do { if (src->f && !(d.f = strdup(src->f))) goto nomem; } while (0)
	DUP(media_type);
	DUP(digest);
	DUP(platform);
	DUP(artifact_type);
#undef DUP
	d.annotations_cnt = src->annotations_cnt;
	if (strs_copy(&d.annotation_keys, &d.annotation_values, src->annotation_keys,
		      src->annotation_values, src->annotations_cnt))
		goto nomem;
	*dst = d;
	return 0;
nomem:
	descriptor_clear(&d);
	return -ENOMEM;
}

void manifest_clear(struct manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->manifests_cnt; i++)
		descriptor_clear(&m->manifests[i]);
	free(m->manifests);
	descriptor_clear(&m->config);
	for (size_t i = 0; i < m->layers_cnt; i++)
		descriptor_clear(&m->layers[i]);
	free(m->layers);
	free(m->artifact_type);
	descriptor_clear(m->subject);
	free(m->subject);
	for (size_t i = 0; i < m->annotations_cnt; i++) {
		free(m->annotation_keys[i]);
		free(m->annotation_values[i]);
	}
	free(m->annotation_keys);
	free(m->annotation_values);
	memset(m, 0, sizeof(*m));
}

bool manifest_is_index(const struct manifest *m)
{
	return m->kind == MANIFEST_OCI_INDEX || m->kind == MANIFEST_DOCKER_LIST;
}

/* A media type: "type/subtype" of printable characters, bounded. */
static bool media_type_valid(const char *s)
{
	const char *slash = strchr(s, '/');

	if (!slash || slash == s || !slash[1] || strlen(s) > 255)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static int get_string(struct bpfman_ctx *ctx, json_t *obj, const char *key,
		      bool required, const char *where, const char **ret)
{
	json_t *v = json_object_get(obj, key);

	*ret = NULL;
	if (!v) {
		if (required)
			return bpfman_err(ctx, -EBADMSG, "%s has no \"%s\"", where, key);
		return 0;
	}
	if (!json_is_string(v))
		return bpfman_err(ctx, -EBADMSG, "%s: \"%s\" is not a string", where, key);
	*ret = json_string_value(v);
	return 0;
}

static int parse_annotations(struct bpfman_ctx *ctx, json_t *obj, const char *where,
			     char ***ret_keys, char ***ret_values, size_t *ret_cnt)
{
	json_t *ann = json_object_get(obj, "annotations"), *v;
	const char *key;
	size_t n = 0;

	*ret_keys = NULL;
	*ret_values = NULL;
	*ret_cnt = 0;
	if (!ann || json_is_null(ann))
		return 0;
	if (!json_is_object(ann))
		return bpfman_err(ctx, -EBADMSG, "%s: \"annotations\" is not an object", where);
	if (json_object_size(ann) > MAX_ANNOTATIONS)
		return bpfman_err(ctx, -EBADMSG, "%s has %zu annotations, more than the %d accepted",
				  where, json_object_size(ann), MAX_ANNOTATIONS);
	*ret_keys = calloc(json_object_size(ann) + 1, sizeof(char *));
	*ret_values = calloc(json_object_size(ann) + 1, sizeof(char *));
	if (!*ret_keys || !*ret_values)
		return -ENOMEM;
	json_object_foreach(ann, key, v) {
		if (!json_is_string(v))
			return bpfman_err(ctx, -EBADMSG, "%s: annotation \"%s\" is not a string", where, key);
		(*ret_keys)[n] = strdup(key);
		(*ret_values)[n] = strdup(json_string_value(v));
		if (!(*ret_keys)[n] || !(*ret_values)[n])
			return -ENOMEM;
		*ret_cnt = ++n;
	}
	return 0;
}

/* "os/arch[/variant]" from an index entry's platform object. */
static int parse_platform(struct bpfman_ctx *ctx, json_t *p, const char *where, char **ret)
{
	const char *os, *arch, *variant;
	int err;

	*ret = NULL;
	if (!p)
		return 0;
	if (!json_is_object(p))
		return bpfman_err(ctx, -EBADMSG, "%s: \"platform\" is not an object", where);
	if ((err = get_string(ctx, p, "os", true, where, &os)) ||
	    (err = get_string(ctx, p, "architecture", true, where, &arch)) ||
	    (err = get_string(ctx, p, "variant", false, where, &variant)))
		return err;
	if (!*os || !*arch || strchr(os, '/') || strchr(arch, '/') ||
	    (variant && (!*variant || strchr(variant, '/'))))
		return bpfman_err(ctx, -EBADMSG, "%s: platform os/architecture/variant must be non-empty words without '/'", where);
	*ret = variant ? str_printf("%s/%s/%s", os, arch, variant) : str_printf("%s/%s", os, arch);
	return *ret ? 0 : -ENOMEM;
}

static int parse_descriptor(struct bpfman_ctx *ctx, json_t *obj, const char *where,
			    bool with_platform, struct descriptor *ret)
{
	struct descriptor d = { 0 };
	const char *mt, *digest, *at;
	json_t *size;
	int err;

	memset(ret, 0, sizeof(*ret));
	if (!json_is_object(obj))
		return bpfman_err(ctx, -EBADMSG, "%s is not a JSON object", where);
	if ((err = get_string(ctx, obj, "mediaType", true, where, &mt)) ||
	    (err = get_string(ctx, obj, "digest", true, where, &digest)) ||
	    (err = get_string(ctx, obj, "artifactType", false, where, &at)))
		return err;
	if (!media_type_valid(mt))
		return bpfman_err(ctx, -EBADMSG, "%s: mediaType \"%.80s\" is not a media type", where, mt);
	if (!digest_valid(digest))
		return bpfman_err(ctx, -EBADMSG, "%s: digest \"%.80s\" is not sha256:<64 lower-case hex digits>", where, digest);
	size = json_object_get(obj, "size");
	if (!size)
		return bpfman_err(ctx, -EBADMSG, "%s has no \"size\"", where);
	if (!json_is_integer(size) || json_integer_value(size) < 0 ||
	    (uint64_t)json_integer_value(size) > MAX_BLOB_SIZE)
		return bpfman_err(ctx, -EBADMSG, "%s: size must be a non-negative integer below 2^53", where);
	d.size = (uint64_t)json_integer_value(size);
	/* A manifest an index points at must fit what we accept. */
	if ((!strcmp(mt, MT_OCI_MANIFEST) || !strcmp(mt, MT_OCI_INDEX) ||
	     !strcmp(mt, MT_DOCKER_MANIFEST) || !strcmp(mt, MT_DOCKER_LIST)) &&
	    d.size > MANIFEST_MAX_SIZE)
		return bpfman_err(ctx, -EBADMSG, "%s: a manifest of %llu bytes is over the %u-byte limit",
				  where, (unsigned long long)d.size, MANIFEST_MAX_SIZE);
	if (at && !media_type_valid(at))
		return bpfman_err(ctx, -EBADMSG, "%s: artifactType \"%.80s\" is not a media type", where, at);
	d.media_type = strdup(mt);
	d.digest = strdup(digest);
	d.artifact_type = at ? strdup(at) : NULL;
	if (!d.media_type || !d.digest || (at && !d.artifact_type)) {
		descriptor_clear(&d);
		return -ENOMEM;
	}
	err = with_platform ? parse_platform(ctx, json_object_get(obj, "platform"), where, &d.platform) : 0;
	if (!err)
		err = parse_annotations(ctx, obj, where, &d.annotation_keys,
					&d.annotation_values, &d.annotations_cnt);
	if (err) {
		descriptor_clear(&d);
		return err;
	}
	*ret = d;
	return 0;
}

static int parse_descriptor_array(struct bpfman_ctx *ctx, json_t *root, const char *key,
				  bool with_platform, size_t max, struct descriptor **ret,
				  size_t *ret_cnt)
{
	json_t *arr = json_object_get(root, key);
	size_t n = json_array_size(arr);
	char where[64];
	int err;

	if (!arr)
		return bpfman_err(ctx, -EBADMSG, "manifest has no \"%s\" list", key);
	if (!json_is_array(arr))
		return bpfman_err(ctx, -EBADMSG, "manifest: \"%s\" is not a list", key);
	if (n > max)
		return bpfman_err(ctx, -EBADMSG, "manifest lists %zu %s, more than the %zu accepted", n, key, max);
	*ret = calloc(n ? n : 1, sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		snprintf(where, sizeof(where), "manifest %s[%zu]", key, i);
		err = parse_descriptor(ctx, json_array_get(arr, i), where, with_platform, &(*ret)[i]);
		if (err)
			return err;
		*ret_cnt = i + 1;
	}
	return 0;
}

/* "application/vnd.oci.image.manifest.v1+json; charset=utf-8" -> the type. */
static char *content_type_base(const char *ct)
{
	size_t len = strcspn(ct, ";");

	while (len && (ct[len - 1] == ' ' || ct[len - 1] == '\t'))
		len--;
	while (len && (*ct == ' ' || *ct == '\t')) {
		ct++;
		len--;
	}
	return strndup(ct, len);
}

static int decide_kind(struct bpfman_ctx *ctx, const char *content_type, json_t *root,
		       enum manifest_kind *ret)
{
	_cleanup_free_ char *ct = NULL;
	const char *body_mt;
	enum manifest_kind ck, bk;
	bool have_ct, have_body;
	int err;

	if ((err = get_string(ctx, root, "mediaType", false, "manifest", &body_mt)))
		return err;
	if (content_type) {
		ct = content_type_base(content_type);
		if (!ct)
			return -ENOMEM;
	}
	/* Generic JSON types say nothing about the kind. */
	have_ct = ct && *ct && strcmp(ct, "application/json") && strcmp(ct, "application/octet-stream");
	have_body = body_mt != NULL;
	if (have_ct && kind_of(ct, &ck)) {
		if (strstr(ct, "manifest.v1+prettyjws") || !strcmp(ct, "application/vnd.docker.distribution.manifest.v1+json"))
			return bpfman_err(ctx, -ENOTSUP, "the registry sent a Docker schema 1 manifest, which is not supported; push the image again with a current tool (schema 2 or OCI)");
		return bpfman_err(ctx, -EBADMSG, "Content-Type \"%.100s\" is not a manifest type this client accepts (%s)",
				  ct, manifest_accept());
	}
	if (have_body && kind_of(body_mt, &bk))
		return bpfman_err(ctx, -EBADMSG, "manifest mediaType \"%.100s\" is not one this client accepts (%s)",
				  body_mt, manifest_accept());
	if (have_ct && have_body && ck != bk)
		return bpfman_err(ctx, -EBADMSG, "Content-Type \"%s\" disagrees with the manifest's mediaType \"%s\"; the registry or the manifest is wrong",
				  ct, body_mt);
	if (have_body || have_ct) {
		*ret = have_body ? bk : ck;
		return 0;
	}
	/* Older OCI bodies may omit mediaType: the shape decides. */
	if (json_object_get(root, "manifests")) {
		*ret = MANIFEST_OCI_INDEX;
		return 0;
	}
	if (json_object_get(root, "config") && json_object_get(root, "layers")) {
		*ret = MANIFEST_OCI;
		return 0;
	}
	return bpfman_err(ctx, -EBADMSG, "manifest has no mediaType and no Content-Type names one, and it has neither \"manifests\" nor \"config\" and \"layers\"");
}

static int parse(struct bpfman_ctx *ctx, const char *content_type, const void *buf,
		 size_t len, bool layout, struct manifest *ret)
{
	size_t max_len = layout ? LAYOUT_INDEX_MAX_SIZE : MANIFEST_MAX_SIZE;
	struct manifest m = { 0 };
	json_t *root, *sv, *subj;
	json_error_t jerr;
	const char *at;
	int err;

	memset(ret, 0, sizeof(*ret));
	if (len > max_len)
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EMSGSIZE, "manifest of %zu bytes is over the %zu-byte limit", len, max_len);
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return bpfman_err(ctx, -EBADMSG, "manifest is not valid JSON: %s (line %d, column %d)",
				  jerr.text, jerr.line, jerr.column);
	if (!json_is_object(root)) {
		err = bpfman_err(ctx, -EBADMSG, "manifest is not a JSON object");
		goto out;
	}
	sv = json_object_get(root, "schemaVersion");
	if (!json_is_integer(sv) || json_integer_value(sv) != 2) {
		err = bpfman_err(ctx, -EBADMSG, "manifest schemaVersion must be 2%s",
				 sv ? "" : " (it has none)");
		goto out;
	}
	if ((err = decide_kind(ctx, content_type, root, &m.kind)))
		goto out;
	if (manifest_is_index(&m)) {
		if (json_object_get(root, "layers") || json_object_get(root, "config")) {
			err = bpfman_err(ctx, -EBADMSG, "an index must not have \"config\" or \"layers\"");
			goto out;
		}
		err = parse_descriptor_array(ctx, root, "manifests", true,
					     layout ? MAX_LAYOUT_ENTRIES : MAX_ENTRIES,
					     &m.manifests, &m.manifests_cnt);
	} else {
		if (json_object_get(root, "manifests")) {
			err = bpfman_err(ctx, -EBADMSG, "an image manifest must not have \"manifests\"");
			goto out;
		}
		if (!json_object_get(root, "config")) {
			err = bpfman_err(ctx, -EBADMSG, "image manifest has no \"config\"");
			goto out;
		}
		err = parse_descriptor(ctx, json_object_get(root, "config"), "manifest config", false, &m.config);
		if (!err)
			err = parse_descriptor_array(ctx, root, "layers", false, MAX_ENTRIES,
						     &m.layers, &m.layers_cnt);
	}
	if (err)
		goto out;
	if ((err = get_string(ctx, root, "artifactType", false, "manifest", &at)))
		goto out;
	if (at) {
		if (!media_type_valid(at)) {
			err = bpfman_err(ctx, -EBADMSG, "manifest artifactType \"%.80s\" is not a media type", at);
			goto out;
		}
		if (!(m.artifact_type = strdup(at))) {
			err = -ENOMEM;
			goto out;
		}
	}
	subj = json_object_get(root, "subject");
	if (subj) {
		m.subject = calloc(1, sizeof(*m.subject));
		if (!m.subject) {
			err = -ENOMEM;
			goto out;
		}
		if ((err = parse_descriptor(ctx, subj, "manifest subject", false, m.subject)))
			goto out;
	}
	err = parse_annotations(ctx, root, "manifest", &m.annotation_keys,
				&m.annotation_values, &m.annotations_cnt);
out:
	json_decref(root);
	if (err) {
		manifest_clear(&m);
		return err < 0 ? err : -EBADMSG;
	}
	*ret = m;
	return 0;
}

int manifest_parse(struct bpfman_ctx *ctx, const char *content_type,
		   const void *buf, size_t len, struct manifest *ret)
{
	return parse(ctx, content_type, buf, len, false, ret);
}

int manifest_parse_layout_index(struct bpfman_ctx *ctx, const void *buf, size_t len,
				struct manifest *ret)
{
	int err = parse(ctx, MT_OCI_INDEX, buf, len, true, ret);

	if (!err && !manifest_is_index(ret)) {
		manifest_clear(ret);
		return bpfman_err(ctx, -EBADMSG, "index.json is not an image index");
	}
	return err;
}

static int platform_json(const char *platform, json_t *obj)
{
	char os[32], arch[32], variant[32];
	int n;

	n = sscanf(platform, "%31[^/]/%31[^/]/%31s", os, arch, variant);
	if (n < 2)
		return -EINVAL;
	json_object_set_new(obj, "architecture", json_string(arch));
	json_object_set_new(obj, "os", json_string(os));
	if (n == 3)
		json_object_set_new(obj, "variant", json_string(variant));
	return 0;
}

json_t *descriptor_json(const struct descriptor *d)
{
	json_t *o = json_object(), *ann;

	if (!o)
		return NULL;
	json_object_set_new(o, "mediaType", json_string(d->media_type));
	json_object_set_new(o, "digest", json_string(d->digest));
	json_object_set_new(o, "size", json_integer((json_int_t)d->size));
	if (d->artifact_type)
		json_object_set_new(o, "artifactType", json_string(d->artifact_type));
	if (d->annotations_cnt) {
		ann = json_object();
		for (size_t i = 0; i < d->annotations_cnt; i++)
			json_object_set_new(ann, d->annotation_keys[i],
					    json_string(d->annotation_values[i]));
		json_object_set_new(o, "annotations", ann);
	}
	if (d->platform) {
		json_t *p = json_object();

		if (platform_json(d->platform, p) == 0)
			json_object_set_new(o, "platform", p);
		else
			json_decref(p);
	}
	return o;
}

const char *descriptor_annotation(const struct descriptor *d, const char *key)
{
	for (size_t i = 0; i < d->annotations_cnt; i++)
		if (!strcmp(d->annotation_keys[i], key))
			return d->annotation_values[i];
	return NULL;
}

/* GOARCH names (what image indexes use) for uname's machine names. */
static const struct {
	const char *machine, *platform;
} arch_map[] = {
	{ "x86_64", "linux/amd64" },
	{ "aarch64", "linux/arm64/v8" },
	{ "arm64", "linux/arm64/v8" },
	{ "armv8l", "linux/arm/v7" },
	{ "armv7l", "linux/arm/v7" },
	{ "armv6l", "linux/arm/v6" },
	{ "armv5tel", "linux/arm/v5" },
	{ "i386", "linux/386" },
	{ "i486", "linux/386" },
	{ "i586", "linux/386" },
	{ "i686", "linux/386" },
	{ "ppc64le", "linux/ppc64le" },
	{ "ppc64", "linux/ppc64" },
	{ "s390x", "linux/s390x" },
	{ "riscv64", "linux/riscv64" },
	{ "loongarch64", "linux/loong64" },
	{ "mips64", "linux/mips64" },
	{ "mips", "linux/mips" },
};

const char *host_platform(void)
{
	static __thread char buf[96];
	struct utsname u;

	if (uname(&u) == 0) {
		for (size_t i = 0; i < ARRAY_SIZE(arch_map); i++)
			if (!strcmp(u.machine, arch_map[i].machine))
				return arch_map[i].platform;
		snprintf(buf, sizeof(buf), "linux/%s", u.machine);
		return buf;
	}
	return "linux/amd64";
}

/* Splits "os/arch[/variant]"; arm64's default variant is v8. */
static bool platform_split(const char *p, char os[32], char arch[32], char variant[32])
{
	int n;
	char extra[2];

	os[0] = arch[0] = variant[0] = '\0';
	if (!p || strlen(p) > 90)
		return false;
	n = sscanf(p, "%31[^/]/%31[^/]/%31[^/]%1s", os, arch, variant, extra);
	if (n < 2 || n > 3 || strchr(p, ' '))
		return false;
	if (n == 2 && p[strlen(p) - 1] == '/')
		return false;
	if (!variant[0] && !strcmp(arch, "arm64"))
		strcpy(variant, "v8");
	return true;
}

int platform_validate(struct bpfman_ctx *ctx, const char *platform)
{
	size_t parts = 1, len = 0;

	for (const char *p = platform ? platform : ""; *p; p++) {
		if (*p == '/') {
			if (!len || ++parts > 3)
				break;
			len = 0;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_') {
			if (++len > 31)
				break;
		} else {
			break;
		}
		if (!p[1] && len && parts >= 2)
			return 0;
	}
	return bpfman_err(ctx, -EINVAL,
			  "platform \"%.100s\" is not os/arch[/variant] in lower case, e.g. linux/amd64 or linux/arm64/v8",
			  str_or_empty(platform));
}

bool platform_satisfies(const char *have, const char *want)
{
	char hos[32], harch[32], hvar[32], wos[32], warch[32], wvar[32];

	if (!platform_split(have, hos, harch, hvar) || !platform_split(want, wos, warch, wvar))
		return false;
	return !strcmp(hos, wos) && !strcmp(harch, warch) &&
	       (!hvar[0] || !wvar[0] || !strcmp(hvar, wvar));
}

int manifest_pick_platform(struct bpfman_ctx *ctx, const struct manifest *index,
			   const char *platform, const struct descriptor **ret)
{
	char wos[32], warch[32], wvar[32], os[32], arch[32], var[32];
	const struct descriptor *generic = NULL;
	_cleanup_free_ char *have = NULL;
	size_t have_len = 0;
	FILE *f;

	*ret = NULL;
	if (!platform)
		platform = host_platform();
	if (!platform_split(platform, wos, warch, wvar))
		return bpfman_err(ctx, -EINVAL, "platform \"%s\" is not os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8", platform);
	for (size_t i = 0; i < index->manifests_cnt; i++) {
		const struct descriptor *d = &index->manifests[i];

		if (!d->platform || !platform_split(d->platform, os, arch, var))
			continue;
		if (strcmp(os, wos) || strcmp(arch, warch))
			continue;
		if (!strcmp(var, wvar)) {
			*ret = d; /* exact: the best there is */
			return 0;
		}
		/* An entry without a variant fits any variant of its arch;
		 * a requested platform without a variant takes any. */
		if (!generic && (!var[0] || !wvar[0]))
			generic = d;
	}
	if (generic) {
		*ret = generic;
		return 0;
	}
	f = open_memstream(&have, &have_len);
	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < index->manifests_cnt; i++)
		fprintf(f, "%s%s", i ? ", " : "",
			index->manifests[i].platform ? index->manifests[i].platform : "(no platform)");
	if (!index->manifests_cnt)
		fputs("none", f);
	fclose(f);
	return bpfman_err(ctx, -ENOENT, "the image index has no manifest for platform %s; it has: %s. Build the image for %s or pick one of those platforms",
			  platform, have ? have : "?", platform);
}
