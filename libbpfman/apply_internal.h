/* SPDX-License-Identifier: Apache-2.0 */
/* Declarative apply, shared by its files: the parsed object (one document),
 * the manifest, and the result. apply_parse.c fills objects, apply_node.c
 * answers node questions (selectors, interfaces), apply.c plans and acts,
 * apply_result.c holds and renders results. */
#ifndef BPFMAN_APPLY_INTERNAL_H
#define BPFMAN_APPLY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpfman/apply.h>

/* Metadata keys that record ownership on programs and links. */
#define APPLY_META_OWNER "bpfman.io/owner"       /* "XdpProgram/name" */
#define APPLY_META_SPEC "bpfman.io/apply-spec"   /* digest of what was loaded */
#define APPLY_META_ATTACH "bpfman.io/attach-point"

#define APPLY_MAX_POINTS 64

struct apply_selector {
	/* matchLabels */
	struct bpfman_kv *labels;
	size_t labels_cnt;
	/* matchExpressions: key, operator (In, NotIn, Exists, DoesNotExist),
	 * values */
	struct apply_expr {
		char *key;
		char *op;
		char **values;
		size_t values_cnt;
	} *exprs;
	size_t exprs_cnt;
};

struct apply_obj {
	enum bpfman_program_type type;
	const char *kind; /* static: "XdpProgram", ... */
	char *name;
	char *origin; /* "file.yaml: document 2" for sentences */
	size_t line;
	struct bpfman_kv *labels; /* metadata.labels */
	size_t labels_cnt;

	struct apply_selector nodeselector;
	struct apply_selector mapowner;
	bool has_mapowner;

	char *function; /* bpffunctionname (or the seed's spec.name) */
	char *image_url;
	int pull_policy; /* enum bpfman_pull_policy */
	char *secret_name;
	char *secret_ns;
	char *path;

	struct bpfman_global_data *globals;
	size_t globals_cnt;

	/* xdp, tc, tcx */
	char **interfaces;
	size_t interfaces_cnt;
	bool primary_iface;
	int32_t priority;
	uint32_t proceed_on;
	enum bpfman_direction direction;
	/* tracepoint */
	char **tracepoints;
	size_t tracepoints_cnt;
	/* kprobe, uprobe, fentry, fexit */
	char *func_name;
	uint64_t offset;
	bool retprobe;
	char *target;
	int32_t pid;
};

struct bpfman_manifest {
	struct apply_obj **objs;
	size_t cnt;
};

void apply_obj_free(struct apply_obj *obj);
/* Parses documents into objects (apply_parse.c); all or nothing. */
int apply_parse_docs(struct bpfman_ctx *ctx, const char *origin,
		     const void *buf, size_t len, struct apply_obj ***ret_objs,
		     size_t *ret_cnt);
/* "XdpProgram" for any spelling ("xdpprogram", "xdpprograms"), else NULL;
 * *ret_type gets its program type. */
const char *apply_kind_canonical(const char *kind, enum bpfman_program_type *ret_type);

/* apply_node.c */
struct apply_node {
	char *name;
	struct bpfman_kv *labels;
	size_t labels_cnt;
	char **label_store; /* owns the strings of labels when read from config */
	size_t label_store_cnt;
};
int apply_node_init(struct apply_node *node, struct bpfman_ctx *ctx,
		    const struct bpfman_apply_opts *opts);
void apply_node_fini(struct apply_node *node);
bool apply_selector_matches(const struct apply_selector *sel,
			    const struct bpfman_kv *labels, size_t labels_cnt);
/* The interface of the default IPv4 (else IPv6) route in this network
 * namespace. */
int apply_primary_iface(struct bpfman_ctx *ctx, char **ret_iface);

/* apply_result.c */
struct apply_entry {
	size_t obj;
	char *attach_point;
	const char *condition;
	const char *reason;
	char *message;
	uint32_t prog_id;
	uint64_t link_id;
	char **map_names;
	char **map_paths;
	size_t map_cnt;
};

struct apply_action {
	size_t obj;
	enum bpfman_apply_verb verb;
	char *attach_point;
	char *detail;
};

struct apply_result_obj {
	char *kind;
	char *name;
	enum bpfman_program_type type;
	enum bpfman_apply_outcome outcome;
	int error;
	char *message;
};

struct bpfman_apply_result {
	char *node;
	struct apply_result_obj *objs;
	size_t objs_cnt;
	struct apply_action *actions;
	size_t actions_cnt;
	struct apply_entry *entries;
	size_t entries_cnt;
};

int result_add_obj(struct bpfman_apply_result *res, const char *kind,
		   const char *name, enum bpfman_program_type type);
int result_add_action(struct bpfman_apply_result *res, size_t obj,
		      enum bpfman_apply_verb verb, const char *attach_point,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Drops actions of obj from index `from` on (a failed object's). */
void result_truncate_actions(struct bpfman_apply_result *res, size_t from);
struct apply_entry *result_add_entry(struct bpfman_apply_result *res, size_t obj,
				     const char *attach_point,
				     const char *condition, const char *reason,
				     const char *message);
/* Fills the entry's map names and pin paths from the pinned maps in dir. */
void result_entry_maps(struct apply_entry *e, const char *map_pin_dir);

#endif
