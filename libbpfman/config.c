// SPDX-License-Identifier: Apache-2.0
/* The config file: YAML read by yaml_tree.c (mappings, sequences and
 * scalars; no anchors, aliases or tags, so what a reader sees is what
 * applies) turned into a jansson tree. */
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
#include "yaml_tree.h"

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
static json_t *scalar_to_json(const struct ynode *n)
{
	const char *v = n->value;

	if (!n->plain)
		return json_string(v);
	if (ynode_is_null(n))
		return json_null();
	if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "TRUE"))
		return json_true();
	if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "FALSE"))
		return json_false();
	if (matches("^[-+]?[0-9]+$", v)) {
		char *end;
		long long i;

		errno = 0;
		i = strtoll(v, &end, 10);
		if (!errno && !*end)
			return json_integer(i);
	}
	if (matches("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$", v)) {
		double d = strtod(v, NULL);

		if (isfinite(d))
			return json_real(d);
	}
	return json_string(v);
}

/* The tree yaml_tree.c read, as jansson values; NULL when out of memory. */
static json_t *to_json(const struct ynode *n)
{
	json_t *out;

	if (n->type == YNODE_SCALAR)
		return scalar_to_json(n);
	out = n->type == YNODE_MAP ? json_object() : json_array();
	for (size_t i = 0; out && i < n->cnt; i++) {
		json_t *child = to_json(n->items[i]);
		int err = !child || (n->type == YNODE_MAP ? json_object_set_new(out, n->keys[i], child)
							  : json_array_append_new(out, child));

		if (err) {
			json_decref(out);
			out = NULL;
		}
	}
	return out;
}

int config_parse_yaml(struct bpfman_ctx *ctx, const char *origin,
		      const void *buf, size_t len, json_t **ret)
{
	struct ynode **docs = NULL;
	size_t cnt = 0;
	json_t *root;
	int err;

	if (len > CONFIG_MAX_SIZE)
		return bpfman_err(ctx, -EFBIG, "%s: larger than %u bytes", origin,
				  CONFIG_MAX_SIZE);
	if ((err = yaml_read_stream(ctx, origin, buf, len, &docs, &cnt)))
		return err;
	if (cnt > 1)
		err = bpfman_err(ctx, -EINVAL,
				 "%s:%zu: more than one YAML document; the config is one document",
				 origin, docs[1]->line);
	else if (cnt && docs[0]->type != YNODE_MAP)
		err = bpfman_err(ctx, -EINVAL,
				 "%s: the top level must be a mapping of sections (e.g. 'signing:')",
				 origin);
	/* An empty stream, or one of comments only, is an empty config. */
	else if (!(root = cnt ? to_json(docs[0]) : json_object()))
		err = bpfman_err(ctx, -ENOMEM, "%s: out of memory", origin);
	else
		*ret = root;
	for (size_t i = 0; i < cnt; i++)
		ynode_free(docs[i]);
	free(docs);
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
