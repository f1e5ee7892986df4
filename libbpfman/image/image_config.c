// SPDX-License-Identifier: Apache-2.0
/* Image config blobs and bpfman's bytecode labels (doc/images.md,
 * "Labels"). io.ebpf.programs and io.ebpf.maps are JSON objects encoded as
 * label strings: {"xdp_stats":"xdp"} and {"xdp_stats_map":"per_cpu_array"}.
 * Images without them may carry the legacy single-program labels. */
#include "internal.h"
#include "image/image_config.h"

#include <jansson.h>
#include <string.h>

#define MAX_LABELS 1024
#define MAX_OBJECTS 1024 /* programs or maps in one label */
#define MAX_NAME_LEN 512

void image_config_clear(struct image_config *c)
{
	if (!c)
		return;
	free(c->os);
	free(c->architecture);
	free(c->variant);
	for (size_t i = 0; i < c->labels_cnt; i++) {
		free(c->label_keys[i]);
		free(c->label_values[i]);
	}
	free(c->label_keys);
	free(c->label_values);
	for (size_t i = 0; i < c->programs_cnt; i++) {
		free(c->programs[i].name);
		free(c->programs[i].type_name);
	}
	free(c->programs);
	for (size_t i = 0; i < c->maps_cnt; i++) {
		free(c->maps[i].name);
		free(c->maps[i].type);
	}
	free(c->maps);
	free(c->filename);
	memset(c, 0, sizeof(*c));
}

const char *image_config_label(const struct image_config *c, const char *key)
{
	for (size_t i = 0; i < c->labels_cnt; i++)
		if (!strcmp(c->label_keys[i], key))
			return c->label_values[i];
	return NULL;
}

/* Program and map names are C identifiers in the object; anything else
 * (quotes, control characters) is refused before it reaches a terminal. */
static bool name_valid(const char *s, bool allow_dot)
{
	size_t len = strlen(s);

	if (len == 0 || len > MAX_NAME_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		      (i > 0 && c >= '0' && c <= '9') || (allow_dot && c == '.')))
			return false;
	}
	return true;
}

static bool type_word_valid(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

int image_program_type(const char *type_name, enum bpfman_program_type *ret)
{
	/* Rust bpfman labels with kernel types: "probe" covers kprobe and
	 * uprobe, "tracing" fentry and fexit; the ELF section settles it. */
	if (!strcmp(type_name, "probe") || !strcmp(type_name, "tracing")) {
		*ret = BPFMAN_PROG_TYPE_UNSPEC;
		return 0;
	}
	*ret = bpfman_program_type_from_name(type_name);
	return *ret == BPFMAN_PROG_TYPE_UNSPEC ? -1 : 0;
}

#define KNOWN_TYPES "xdp, tc, tcx, tracepoint, kprobe, kretprobe, uprobe, uretprobe, fentry, fexit, lsm (and probe, tracing as Rust bpfman writes them)"

static int add_program(struct bpfman_ctx *ctx, struct image_config *c, const char *label,
		       const char *name, const char *type_name)
{
	struct image_program *p = &c->programs[c->programs_cnt];

	if (!name_valid(name, false))
		return bpfman_err(ctx, -EBADMSG, "label %s: program name \"%.80s\" is not a C identifier (at most %d characters)",
				  label, name, MAX_NAME_LEN);
	if (!type_word_valid(type_name) || image_program_type(type_name, &p->type))
		return bpfman_err(ctx, -EBADMSG, "label %s: program \"%s\" has type \"%.40s\", which bpfman does not know; known types: " KNOWN_TYPES,
				  label, name, type_name);
	p->name = strdup(name);
	p->type_name = strdup(type_name);
	c->programs_cnt++;
	return p->name && p->type_name ? 0 : -ENOMEM;
}

/* A label whose value is a JSON object of name -> type strings. */
static int parse_object_label(struct bpfman_ctx *ctx, const char *label, const char *value,
			      json_t **ret)
{
	json_error_t jerr;
	json_t *obj = json_loads(value, JSON_REJECT_DUPLICATES, &jerr), *v;
	const char *key;

	*ret = NULL;
	if (!obj)
		return bpfman_err(ctx, -EBADMSG, "label %s is not valid JSON: %s (column %d); it must be an object such as {\"name\":\"type\"}",
				  label, jerr.text, jerr.column);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return bpfman_err(ctx, -EBADMSG, "label %s must be a JSON object such as {\"name\":\"type\"}", label);
	}
	if (json_object_size(obj) > MAX_OBJECTS) {
		size_t n = json_object_size(obj); /* read before the object is freed */

		json_decref(obj);
		return bpfman_err(ctx, -EBADMSG, "label %s names %zu entries, more than the %d accepted",
				  label, n, MAX_OBJECTS);
	}
	json_object_foreach(obj, key, v) {
		if (!json_is_string(v)) {
			int err = bpfman_err(ctx, -EBADMSG, "label %s: the type of \"%.80s\" is not a string", label, key);

			json_decref(obj);
			return err;
		}
	}
	*ret = obj;
	return 0;
}

static int parse_programs(struct bpfman_ctx *ctx, struct image_config *c, const char *value)
{
	json_t *obj, *v;
	const char *key;
	int err;

	if ((err = parse_object_label(ctx, LABEL_PROGRAMS, value, &obj)))
		return err;
	if (json_object_size(obj) == 0) {
		json_decref(obj);
		return bpfman_err(ctx, -EBADMSG, "label " LABEL_PROGRAMS " names no program; the image has nothing to load");
	}
	c->programs = calloc(json_object_size(obj), sizeof(*c->programs));
	if (!c->programs) {
		json_decref(obj);
		return -ENOMEM;
	}
	json_object_foreach(obj, key, v) {
		if ((err = add_program(ctx, c, LABEL_PROGRAMS, key, json_string_value(v))))
			break;
	}
	json_decref(obj);
	return err;
}

static int parse_maps(struct bpfman_ctx *ctx, struct image_config *c, const char *value)
{
	json_t *obj, *v;
	const char *key;
	int err = 0;

	if ((err = parse_object_label(ctx, LABEL_MAPS, value, &obj)))
		return err;
	c->maps = calloc(json_object_size(obj) + 1, sizeof(*c->maps));
	if (!c->maps) {
		json_decref(obj);
		return -ENOMEM;
	}
	json_object_foreach(obj, key, v) {
		struct image_map *m = &c->maps[c->maps_cnt];

		if (!name_valid(key, true)) {
			err = bpfman_err(ctx, -EBADMSG, "label " LABEL_MAPS ": map name \"%.80s\" is not a C identifier", key);
			break;
		}
		if (!type_word_valid(json_string_value(v))) {
			err = bpfman_err(ctx, -EBADMSG, "label " LABEL_MAPS ": map \"%s\" has type \"%.40s\"; types are lower-case words such as hash or per_cpu_array",
					 key, json_string_value(v));
			break;
		}
		m->name = strdup(key);
		m->type = strdup(json_string_value(v));
		c->maps_cnt++;
		if (!m->name || !m->type) {
			err = -ENOMEM;
			break;
		}
	}
	json_decref(obj);
	return err;
}

static int parse_legacy(struct bpfman_ctx *ctx, struct image_config *c)
{
	const char *type = image_config_label(c, LABEL_PROGRAM_TYPE);
	const char *fn = image_config_label(c, LABEL_FUNCTION_NAME);
	const char *file = image_config_label(c, LABEL_FILENAME);

	if (!type && !fn)
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -ENOMSG,
				  "not a bpfman bytecode image: config has no " LABEL_PROGRAMS " label (nor the legacy " LABEL_PROGRAM_TYPE " and " LABEL_FUNCTION_NAME "); build it with libbpfman's image build or bpfman's Containerfile.bytecode");
	if (!type || !fn)
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -ENOMSG, "bytecode image has the legacy label %s but not %s; both are needed to name the program",
				  type ? LABEL_PROGRAM_TYPE : LABEL_FUNCTION_NAME,
				  type ? LABEL_FUNCTION_NAME : LABEL_PROGRAM_TYPE);
	if (file) {
		if (!*file || strlen(file) > 255 || strstr(file, "..") || strchr(file, '\n'))
			return bpfman_err(ctx, -EBADMSG, "label " LABEL_FILENAME " \"%.80s\" is not a plain file name", file);
		if (!(c->filename = strdup(file)))
			return -ENOMEM;
	}
	c->programs = calloc(1, sizeof(*c->programs));
	if (!c->programs)
		return -ENOMEM;
	return add_program(ctx, c, LABEL_PROGRAM_TYPE, fn, type);
}

static int dup_string(struct bpfman_ctx *ctx, json_t *root, const char *key, char **ret)
{
	json_t *v = json_object_get(root, key);

	if (!v)
		return 0;
	if (!json_is_string(v))
		return bpfman_err(ctx, -EBADMSG, "image config: \"%s\" is not a string", key);
	*ret = strdup(json_string_value(v));
	return *ret ? 0 : -ENOMEM;
}

int image_config_parse(struct bpfman_ctx *ctx, const void *buf, size_t len,
		       struct image_config *ret)
{
	struct image_config c = { 0 };
	json_t *root, *cfg, *labels, *v;
	json_error_t jerr;
	const char *key, *programs, *maps;
	int err;

	memset(ret, 0, sizeof(*ret));
	if (len > IMAGE_CONFIG_MAX_SIZE)
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EMSGSIZE, "image config of %zu bytes is over the %u-byte limit",
				  len, IMAGE_CONFIG_MAX_SIZE);
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return bpfman_err(ctx, -EBADMSG, "image config is not valid JSON: %s (line %d, column %d)",
				  jerr.text, jerr.line, jerr.column);
	if (!json_is_object(root)) {
		err = bpfman_err(ctx, -EBADMSG, "image config is not a JSON object");
		goto out;
	}
	if ((err = dup_string(ctx, root, "os", &c.os)) ||
	    (err = dup_string(ctx, root, "architecture", &c.architecture)) ||
	    (err = dup_string(ctx, root, "variant", &c.variant)))
		goto out;
	cfg = json_object_get(root, "config");
	if (cfg && !json_is_object(cfg) && !json_is_null(cfg)) {
		err = bpfman_err(ctx, -EBADMSG, "image config: \"config\" is not an object");
		goto out;
	}
	labels = json_object_get(cfg, "Labels");
	if (labels && !json_is_object(labels) && !json_is_null(labels)) {
		err = bpfman_err(ctx, -EBADMSG, "image config: \"config.Labels\" is not an object");
		goto out;
	}
	if (json_object_size(labels) > MAX_LABELS) {
		err = bpfman_err(ctx, -EBADMSG, "image config has %zu labels, more than the %d accepted",
				 json_object_size(labels), MAX_LABELS);
		goto out;
	}
	c.label_keys = calloc(json_object_size(labels) + 1, sizeof(char *));
	c.label_values = calloc(json_object_size(labels) + 1, sizeof(char *));
	if (!c.label_keys || !c.label_values) {
		err = -ENOMEM;
		goto out;
	}
	json_object_foreach(labels, key, v) {
		if (!json_is_string(v)) {
			err = bpfman_err(ctx, -EBADMSG, "image config: label \"%.80s\" is not a string", key);
			goto out;
		}
		c.label_keys[c.labels_cnt] = strdup(key);
		c.label_values[c.labels_cnt] = strdup(json_string_value(v));
		c.labels_cnt++;
		if (!c.label_keys[c.labels_cnt - 1] || !c.label_values[c.labels_cnt - 1]) {
			err = -ENOMEM;
			goto out;
		}
	}
	programs = image_config_label(&c, LABEL_PROGRAMS);
	maps = image_config_label(&c, LABEL_MAPS);
	if (programs)
		err = parse_programs(ctx, &c, programs);
	else
		err = parse_legacy(ctx, &c);
	if (!err && maps)
		err = parse_maps(ctx, &c, maps);
out:
	json_decref(root);
	if (err) {
		image_config_clear(&c);
		return err;
	}
	*ret = c;
	return 0;
}
