// SPDX-License-Identifier: Apache-2.0
/* YAML stream -> ynode trees with lines (yaml_tree.h). */
#include "internal.h"
#include "yaml_tree.h"

#include <stdlib.h>
#include <string.h>
#include "dlopen_yaml.h"

/* Bounds recursion on untrusted text; no document or config comes near it. */
#define YAML_MAX_DEPTH 32

struct yreader {
	struct bpfman_ctx *ctx;
	const char *origin;
	yaml_parser_t parser;
};

static int yerr(struct yreader *r, const yaml_mark_t *m, const char *what)
{
	return bpfman_err(r->ctx, -EINVAL, "%s:%zu:%zu: %s", r->origin,
			  m->line + 1, m->column + 1, what);
}

static int ynext(struct yreader *r, yaml_event_t *ev)
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

void ynode_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->cnt; i++) {
		ynode_free(n->items[i]);
		if (n->keys)
			free(n->keys[i]);
	}
	free(n->items);
	free(n->keys);
	free(n->key_lines);
	free(n->value);
	free(n);
}

struct ynode *ynode_get(const struct ynode *map, const char *key)
{
	if (!map || map->type != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->cnt; i++)
		if (!strcmp(map->keys[i], key))
			return map->items[i];
	return NULL;
}

bool ynode_is_null(const struct ynode *n)
{
	return n && n->type == YNODE_SCALAR && n->plain &&
	       (!*n->value || !strcmp(n->value, "~") || !strcmp(n->value, "null") ||
		!strcmp(n->value, "Null") || !strcmp(n->value, "NULL"));
}

static int refuse_extras(struct yreader *r, const yaml_event_t *ev)
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
		return yerr(r, &ev->start_mark,
			    "aliases (*name) are not supported; write the value out");
	default:
		break;
	}
	if (anchor)
		return yerr(r, &ev->start_mark,
			    "anchors (&name) are not supported; write the value out");
	if (tag)
		return yerr(r, &ev->start_mark,
			    "tags (!name) are not supported; remove the tag");
	return 0;
}

static int push(struct ynode *n, struct ynode *child, char *key, size_t key_line)
{
	struct ynode **items = realloc(n->items, (n->cnt + 1) * sizeof(*items));

	if (!items)
		return -ENOMEM;
	n->items = items;
	if (n->type == YNODE_MAP) {
		char **keys = realloc(n->keys, (n->cnt + 1) * sizeof(*keys));
		size_t *lines;

		if (!keys)
			return -ENOMEM;
		n->keys = keys;
		lines = realloc(n->key_lines, (n->cnt + 1) * sizeof(*lines));
		if (!lines)
			return -ENOMEM;
		n->key_lines = lines;
		n->keys[n->cnt] = key;
		n->key_lines[n->cnt] = key_line;
	}
	n->items[n->cnt++] = child;
	return 0;
}

/* Reads the node that starts with *first (consumed). */
static int read_node(struct yreader *r, yaml_event_t *first, int depth,
		     struct ynode **ret)
{
	_cleanup_free_ struct ynode *n = NULL;
	yaml_event_t ev;
	int err;

	err = refuse_extras(r, first);
	if (err)
		return err;
	if (depth > YAML_MAX_DEPTH)
		return yerr(r, &first->start_mark, "nesting too deep");
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->line = first->start_mark.line + 1;
	switch (first->type) {
	case YAML_SCALAR_EVENT:
		n->type = YNODE_SCALAR;
		if (strlen((char *)first->data.scalar.value) != first->data.scalar.length)
			return yerr(r, &first->start_mark, "NUL bytes are not allowed in values");
		n->value = strdup((char *)first->data.scalar.value);
		if (!n->value)
			return -ENOMEM;
		n->plain = first->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		*ret = TAKE_PTR(n);
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		break;
	default:
		return yerr(r, &first->start_mark, "unexpected YAML event");
	}
	n->type = first->type == YAML_SEQUENCE_START_EVENT ? YNODE_SEQ : YNODE_MAP;
	for (;;) {
		struct ynode *child = NULL;
		char *key = NULL;
		size_t key_line = 0;

		err = ynext(r, &ev);
		if (err)
			goto fail;
		if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (n->type == YNODE_MAP) {
			if (ev.type != YAML_SCALAR_EVENT) {
				err = yerr(r, &ev.start_mark, "mapping keys must be plain strings");
				yaml_event_delete(&ev);
				goto fail;
			}
			err = refuse_extras(r, &ev);
			if (err) {
				yaml_event_delete(&ev);
				goto fail;
			}
			key_line = ev.start_mark.line + 1;
			if (strlen((char *)ev.data.scalar.value) != ev.data.scalar.length) {
				err = yerr(r, &ev.start_mark, "NUL bytes are not allowed in keys");
				yaml_event_delete(&ev);
				goto fail;
			}
			if (ynode_get(n, (char *)ev.data.scalar.value)) {
				_cleanup_free_ char *msg = str_printf(
					"key '%s' appears twice in one mapping; keep one",
					(char *)ev.data.scalar.value);

				err = yerr(r, &ev.start_mark, msg ? msg : "duplicate key");
				yaml_event_delete(&ev);
				goto fail;
			}
			key = strdup((char *)ev.data.scalar.value);
			yaml_event_delete(&ev);
			if (!key) {
				err = -ENOMEM;
				goto fail;
			}
			err = ynext(r, &ev);
			if (err) {
				free(key);
				goto fail;
			}
		}
		err = read_node(r, &ev, depth + 1, &child);
		yaml_event_delete(&ev);
		if (!err)
			err = push(n, child, key, key_line);
		if (err) {
			ynode_free(child);
			free(key);
			goto fail;
		}
	}
	*ret = TAKE_PTR(n);
	return 0;
fail:
	ynode_free(TAKE_PTR(n));
	return err;
}

static void docs_free(struct ynode **docs, size_t cnt)
{
	for (size_t i = 0; i < cnt; i++)
		ynode_free(docs[i]);
	free(docs);
}

int yaml_read_stream(struct bpfman_ctx *ctx, const char *origin,
		     const void *buf, size_t len, struct ynode ***ret_docs,
		     size_t *ret_cnt)
{
	struct yreader r = { .ctx = ctx, .origin = origin };
	struct ynode **docs = NULL;
	size_t cnt = 0;
	yaml_event_t ev;
	int err = 0;

	if ((err = dlopen_yaml(ctx)))
		return err;
	if (!yaml_parser_initialize(&r.parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&r.parser, buf, len);
	for (;;) {
		struct ynode *doc = NULL;

		err = ynext(&r, &ev);
		if (err)
			break;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type != YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			continue; /* stream start, document end */
		}
		yaml_event_delete(&ev);
		err = ynext(&r, &ev);
		if (err)
			break;
		if (ev.type == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		err = read_node(&r, &ev, 0, &doc);
		yaml_event_delete(&ev);
		if (err)
			break;
		if (ynode_is_null(doc)) { /* "---" followed by nothing */
			ynode_free(doc);
			continue;
		}
		struct ynode **more = realloc(docs, (cnt + 1) * sizeof(*more));

		if (!more) {
			ynode_free(doc);
			err = -ENOMEM;
			break;
		}
		docs = more;
		docs[cnt++] = doc;
	}
	yaml_parser_delete(&r.parser);
	if (err) {
		docs_free(docs, cnt);
		return err == -ENOMEM ? bpfman_err(ctx, -ENOMEM, "%s: out of memory", origin) : err;
	}
	*ret_docs = docs;
	*ret_cnt = cnt;
	return 0;
}
