/* SPDX-License-Identifier: Apache-2.0 */
/* A YAML (or JSON) stream read into plain trees that keep each node's line,
 * so errors about a document can point at the field: the one YAML reader,
 * for apply documents (apply_parse.c) and the config file (config.c).
 * Anchors, aliases, tags, duplicate keys and NUL bytes are refused: what a
 * reader sees applies. */
#ifndef BPFMAN_YAML_TREE_H
#define BPFMAN_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

struct bpfman_ctx;

enum ynode_type { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP };

struct ynode {
	enum ynode_type type;
	size_t line; /* 1-based */
	/* scalar: */
	char *value;
	bool plain; /* unquoted: may be a number, bool or null */
	/* sequence items, or mapping values with keys[i]: */
	struct ynode **items;
	char **keys;
	size_t *key_lines;
	size_t cnt;
};

/* Every document of the stream, in order (empty documents skipped). */
int yaml_read_stream(struct bpfman_ctx *ctx, const char *origin,
		     const void *buf, size_t len, struct ynode ***ret_docs,
		     size_t *ret_cnt);
void ynode_free(struct ynode *n);
/* The value of key in a mapping, or NULL. */
struct ynode *ynode_get(const struct ynode *map, const char *key);
/* Plain null scalar ("", "~", "null"). */
bool ynode_is_null(const struct ynode *n);

#endif
