// SPDX-License-Identifier: Apache-2.0
/* The config file: YAML (libyaml) turned into a jansson tree. Only the
 * subset a config needs is accepted: mappings, sequences and scalars; no
 * anchors, aliases or tags, so what a reader sees is what applies. */
#include "internal.h"
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dlopen_yaml.h"

/* Nesting deeper than this is refused: it bounds recursion on untrusted
 * text and no real config comes near it. */
#define CONFIG_MAX_DEPTH 32

struct yaml_reader {
	struct bpfman_ctx *ctx;
	const char *origin;
	yaml_parser_t parser;
};

static int reader_err(struct yaml_reader *r, const yaml_mark_t *mark,
		      const char *what)
{
	return bpfman_err(r->ctx, -EINVAL, "%s:%zu:%zu: %s", r->origin,
			  mark->line + 1, mark->column + 1, what);
}

static int next_event(struct yaml_reader *r, yaml_event_t *ev)
{
	if (yaml_parser_parse(&r->parser, ev))
		return 0;
	return bpfman_err(r->ctx, -EINVAL, "%s:%zu:%zu: %s%s%s", r->origin,
			  r->parser.problem_mark.line + 1,
			  r->parser.problem_mark.column + 1,
			  r->parser.problem ? r->parser.problem : "invalid YAML",
			  r->parser.context ? " " : "",
			  r->parser.context ? r->parser.context : "");
}

static bool matches(const char *pattern, const char *text)
{
	regex_t re;
	bool ok;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB))
		return false;
	ok = regexec(&re, text, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

/* YAML 1.2 core schema for plain scalars; quoted scalars are strings. */
static json_t *scalar_to_json(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || strlen(v) != len)
		return json_stringn(v, len);
	if (len == 0 || !strcmp(v, "~") || !strcmp(v, "null") ||
	    !strcmp(v, "Null") || !strcmp(v, "NULL"))
		return json_null();
	if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "TRUE"))
		return json_true();
	if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "FALSE"))
		return json_false();
	if (matches("^[-+]?[0-9]+$", v)) {
		char *end;
		long long n;

		errno = 0;
		n = strtoll(v, &end, 10);
		if (!errno && !*end)
			return json_integer(n);
	}
	if (matches("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$", v)) {
		double d = strtod(v, NULL);

		if (isfinite(d))
			return json_real(d);
	}
	return json_stringn(v, len);
}

static int read_node(struct yaml_reader *r, yaml_event_t *first, int depth,
		     json_t **ret);

static int refuse_extras(struct yaml_reader *r, const yaml_event_t *ev)
{
	const yaml_char_t *anchor = NULL, *tag = NULL;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		break;
	case YAML_ALIAS_EVENT:
		return reader_err(r, &ev->start_mark,
				  "aliases (*name) are not supported in the config; write the value out");
	default:
		break;
	}
	if (anchor)
		return reader_err(r, &ev->start_mark,
				  "anchors (&name) are not supported in the config; write the value out");
	if (tag)
		return reader_err(r, &ev->start_mark,
				  "tags (!name) are not supported in the config; remove the tag");
	return 0;
}

static int read_mapping(struct yaml_reader *r, int depth, json_t **ret)
{
	json_t *obj = json_object();
	int err = 0;

	if (!obj)
		return -ENOMEM;
	for (;;) {
		yaml_event_t key, val;
		json_t *child = NULL;
		char *name;

		if ((err = next_event(r, &key)))
			break;
		if (key.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&key);
			*ret = obj;
			return 0;
		}
		if ((err = refuse_extras(r, &key))) {
			yaml_event_delete(&key);
			break;
		}
		if (key.type != YAML_SCALAR_EVENT) {
			err = reader_err(r, &key.start_mark,
					 "a mapping key must be a plain word");
			yaml_event_delete(&key);
			break;
		}
		name = strndup((const char *)key.data.scalar.value,
			       key.data.scalar.length);
		if (!name) {
			yaml_event_delete(&key);
			err = -ENOMEM;
			break;
		}
		if (json_object_get(obj, name)) {
			err = reader_err(r, &key.start_mark, "duplicate key");
			bpfman_err_prefix(r->ctx, err, "key '%s'", name);
			free(name);
			yaml_event_delete(&key);
			break;
		}
		yaml_event_delete(&key);
		if ((err = next_event(r, &val))) {
			free(name);
			break;
		}
		err = read_node(r, &val, depth + 1, &child);
		yaml_event_delete(&val);
		if (!err && json_object_set_new(obj, name, child))
			err = -ENOMEM;
		free(name);
		if (err)
			break;
	}
	json_decref(obj);
	return err;
}

static int read_sequence(struct yaml_reader *r, int depth, json_t **ret)
{
	json_t *arr = json_array();
	int err = 0;

	if (!arr)
		return -ENOMEM;
	for (;;) {
		yaml_event_t ev;
		json_t *child = NULL;

		if ((err = next_event(r, &ev)))
			break;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			*ret = arr;
			return 0;
		}
		err = read_node(r, &ev, depth + 1, &child);
		yaml_event_delete(&ev);
		if (!err && json_array_append_new(arr, child))
			err = -ENOMEM;
		if (err)
			break;
	}
	json_decref(arr);
	return err;
}

static int read_node(struct yaml_reader *r, yaml_event_t *ev, int depth,
		     json_t **ret)
{
	int err;

	if (depth > CONFIG_MAX_DEPTH)
		return reader_err(r, &ev->start_mark, "nested too deeply");
	if ((err = refuse_extras(r, ev)))
		return err;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		*ret = scalar_to_json(ev);
		return *ret ? 0 : -ENOMEM;
	case YAML_MAPPING_START_EVENT:
		return read_mapping(r, depth, ret);
	case YAML_SEQUENCE_START_EVENT:
		return read_sequence(r, depth, ret);
	default:
		return reader_err(r, &ev->start_mark, "unexpected YAML event");
	}
}

/* Reads the single document of a stream; an empty stream is {}. */
static int read_stream(struct yaml_reader *r, json_t **ret)
{
	yaml_event_t ev;
	json_t *root = NULL;
	int err;

	if ((err = next_event(r, &ev)))
		return err;
	yaml_event_delete(&ev); /* STREAM_START */
	if ((err = next_event(r, &ev)))
		return err;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		*ret = json_object();
		return *ret ? 0 : -ENOMEM;
	}
	yaml_event_delete(&ev); /* DOCUMENT_START */
	if ((err = next_event(r, &ev)))
		return err;
	err = read_node(r, &ev, 0, &root);
	yaml_event_delete(&ev);
	if (err)
		return err;
	if (json_is_null(root)) {
		json_decref(root);
		root = json_object();
		if (!root)
			return -ENOMEM;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return bpfman_err(r->ctx, -EINVAL,
				  "%s: the top level must be a mapping of sections (e.g. 'signing:')",
				  r->origin);
	}
	if ((err = next_event(r, &ev)))
		goto fail;
	yaml_event_delete(&ev); /* DOCUMENT_END */
	if ((err = next_event(r, &ev)))
		goto fail;
	if (ev.type != YAML_STREAM_END_EVENT) {
		err = reader_err(r, &ev.start_mark,
				 "more than one YAML document; the config is one document");
		yaml_event_delete(&ev);
		goto fail;
	}
	yaml_event_delete(&ev);
	*ret = root;
	return 0;
fail:
	json_decref(root);
	return err;
}

int config_parse_yaml(struct bpfman_ctx *ctx, const char *origin,
		      const void *buf, size_t len, json_t **ret)
{
	struct yaml_reader r = { .ctx = ctx, .origin = origin };
	int err;

	if (len > CONFIG_MAX_SIZE)
		return bpfman_err(ctx, -EFBIG, "%s: larger than %u bytes", origin,
				  CONFIG_MAX_SIZE);
	if ((err = dlopen_yaml(ctx)))
		return err;
	if (!yaml_parser_initialize(&r.parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&r.parser, buf, len);
	err = read_stream(&r, ret);
	yaml_parser_delete(&r.parser);
	return err;
}

static int read_file(struct bpfman_ctx *ctx, const char *path, char **ret_buf,
		     size_t *ret_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		return bpfman_err(ctx, -errno, "cannot stat config %s: %m", path);
	if (!S_ISREG(st.st_mode))
		return bpfman_err(ctx, -EINVAL, "config %s is not a regular file", path);
	if ((uint64_t)st.st_size > CONFIG_MAX_SIZE)
		return bpfman_err(ctx, -EFBIG, "config %s is larger than %u bytes",
				  path, CONFIG_MAX_SIZE);
	buf = malloc(st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	n = read(fd, buf, st.st_size);
	if (n != st.st_size) {
		free(buf);
		return bpfman_err(ctx, n < 0 ? -errno : -EIO,
				  "cannot read config %s", path);
	}
	buf[n] = '\0';
	*ret_buf = buf;
	*ret_len = n;
	return 0;
}

int config_root(struct bpfman_ctx *ctx, json_t **ret)
{
	_cleanup_free_ char *buf = NULL;
	json_t *root = NULL;
	size_t len = 0;
	int err;

	if (ctx->config) {
		*ret = ctx->config;
		return 0;
	}
	err = read_file(ctx, ctx->config_path, &buf, &len);
	if (err == -ENOENT) {
		root = json_object();
		if (!root)
			return -ENOMEM;
	} else if (err == -EACCES || err == -EPERM) {
		return bpfman_err(ctx, err, "cannot read config %s: %s",
				  ctx->config_path, strerror(-err));
	} else if (err) {
		return err;
	} else {
		err = config_parse_yaml(ctx, ctx->config_path, buf, len, &root);
		if (err)
			return err;
	}
	ctx->config = root;
	*ret = root;
	return 0;
}

int config_section(struct bpfman_ctx *ctx, const char *name, json_t **ret)
{
	json_t *root, *sec;
	int err;

	if ((err = config_root(ctx, &root)))
		return err;
	sec = json_object_get(root, name);
	if (sec && json_is_null(sec))
		sec = NULL;
	if (sec && !json_is_object(sec))
		return config_err(ctx, -EINVAL, name,
				  "must be a mapping of settings");
	*ret = sec;
	return 0;
}

int config_err(struct bpfman_ctx *ctx, int err, const char *key_path,
	       const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = str_vprintf(fmt, ap);
	va_end(ap);
	return bpfman_err(ctx, err, "%s: %s: %s", ctx->config_path, key_path,
			  msg ? msg : "invalid value");
}

void config_free(struct bpfman_ctx *ctx)
{
	json_decref(ctx->config);
	ctx->config = NULL;
}
