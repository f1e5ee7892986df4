/* SPDX-License-Identifier: Apache-2.0 */
/* The config file (doc/config.md): YAML read once per context into a JSON
 * tree, so every area reads its own section with jansson and checks it
 * itself. A missing file is an empty config. */
#ifndef BPFMAN_CONFIG_H
#define BPFMAN_CONFIG_H

#include <jansson.h>

struct bpfman_ctx;

/* Largest config file accepted. */
#define CONFIG_MAX_SIZE (1u << 20)

/* The whole file as a JSON object (borrowed; lives as long as ctx). Plain
 * scalars become true/false/null/integers/reals where YAML 1.2's core
 * schema says so, quoted ones stay strings. Anchors, aliases, tags and
 * duplicate keys are refused with the file, line and column. */
int config_root(struct bpfman_ctx *ctx, json_t **ret);
/* A top-level mapping (borrowed), or NULL in *ret when absent. -EINVAL
 * when present but not a mapping. */
int config_section(struct bpfman_ctx *ctx, const char *name, json_t **ret);
/* Parses YAML text (for tests and fuzzing); `origin` names it in errors. */
int config_parse_yaml(struct bpfman_ctx *ctx, const char *origin,
		      const void *buf, size_t len, json_t **ret);
/* An error about a config value, naming the file and the key path:
 * "<config_path>: signing.allow_unsigned: <message>". */
int config_err(struct bpfman_ctx *ctx, int err, const char *key_path,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void config_free(struct bpfman_ctx *ctx);

#endif
