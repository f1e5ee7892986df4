/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Declarative apply (doc/apply.md): documents of the API group
 * bpfman.io/v1alpha1 (XdpProgram, TcProgram, TcxProgram, TracepointProgram,
 * KprobeProgram, UprobeProgram, FentryProgram, FexitProgram) are made true
 * on this node. Every program and link apply creates is owned by its
 * document's "kind/name" (recorded as metadata), so a later apply of the
 * same documents compares against what is there and changes only what
 * differs: same documents, same kernel program IDs.
 *
 *   bpfman_manifest__new() + bpfman_manifest__add_buffer()/__add_file()
 *   -> bpfman_apply__plan() (changes nothing) or bpfman_apply__run()
 *   or bpfman_apply__delete() -> a result: one outcome per object, the
 *   actions taken (or planned), and status entries in the shape of the
 *   seed's per-node BpfProgram (bpfman_apply_result__render()).
 *
 * Every call works through opaque handles, accessors and opts structs with
 * an _init() function, so bindings need no C macros.
 */
#ifndef BPFMAN_APPLY_H
#define BPFMAN_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "image.h"
#include "program.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Parsed documents (opaque). */
struct bpfman_manifest;

BPFMAN_API int bpfman_manifest__new(struct bpfman_manifest **ret_manifest);
/* Parses YAML or JSON text holding one or more documents ("---"
 * separated). `origin` names the text in error sentences ("-", a file
 * name). All or nothing: on any unknown field or wrong type the manifest
 * is left as it was and the sentence (bpfman_errmsg(ctx); ctx may be NULL,
 * then bpfman_errmsg(NULL)) names the origin, line, document (index, kind,
 * name) and field path. Returns -EINVAL for bad documents. */
BPFMAN_API int bpfman_manifest__add_buffer(struct bpfman_manifest *manifest,
					   struct bpfman_ctx *ctx,
					   const char *origin, const void *buf,
					   size_t len);
/* A file, or a directory: its *.yaml, *.yml and *.json files in name
 * order (not recursive). "-" reads standard input. */
BPFMAN_API int bpfman_manifest__add_file(struct bpfman_manifest *manifest,
					 struct bpfman_ctx *ctx, const char *path);
BPFMAN_API void bpfman_manifest__free(struct bpfman_manifest *manifest);

BPFMAN_API size_t bpfman_manifest__cnt(const struct bpfman_manifest *manifest);
/* "XdpProgram", ... and metadata.name of document i. */
BPFMAN_API const char *bpfman_manifest__kind(const struct bpfman_manifest *manifest, size_t i);
BPFMAN_API const char *bpfman_manifest__name(const struct bpfman_manifest *manifest, size_t i);

/* Credentials for a document's bytecode.image.imagepullsecret, resolved by
 * the caller (the Kubernetes agent reads the Secret). */
struct bpfman_apply_secret {
	const char *name;
	const char *ns; /* the secret's namespace; NULL matches any */
	const char *username;
	const char *password;
};

/* A pull secret as the caller read it (the Kubernetes agent: a Secret of
 * type kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg). The
 * engine picks the credentials for the image's registry from `auths` as it
 * does from an auth file (the most specific key wins). A document whose
 * imagepullsecret matches an entry fails (NotLoaded, with a sentence naming
 * the secret and the fix) when the entry has a `problem`, or has no
 * credentials for the image's registry, and the image has to be pulled
 * (policy Always, or not in the cache yet). */
struct bpfman_apply_pull_secret {
	const char *name;
	const char *ns; /* the secret's namespace; NULL matches any */
	/* The secret's .dockerconfigjson text ({"auths": {HOST: {"auth":
	 * base64(user:password)} or {"username", "password"}}}), or with
	 * legacy its .dockercfg (the "auths" map itself). NULL with problem. */
	const char *auths;
	bool legacy;
	/* Why the caller could not read the secret, a sentence ("not found in
	 * the API server: create it with ..."); NULL when auths is set. */
	const char *problem;
};

struct bpfman_apply_opts {
	size_t sz;
	/* This node's name; default node.name from the config file, else the
	 * host name. */
	const char *node_name;
	/* This node's labels for nodeselector; when node_labels_set is false
	 * they come from node.labels in the config file. */
	const struct bpfman_kv *node_labels;
	size_t node_labels_cnt;
	bool node_labels_set;
	/* Registry access for images (credentials, auth file, progress)
	 * when a document names no pull secret, or none of `secrets` matches. */
	const struct bpfman_registry_opts *registry;
	const struct bpfman_apply_secret *secrets;
	size_t secrets_cnt;
	/* Pull secrets as auth-file text, matched by name (and namespace)
	 * like `secrets`; `secrets` is looked at first. */
	const struct bpfman_apply_pull_secret *pull_secrets;
	size_t pull_secrets_cnt;
	/* The network namespace (a path such as /var/run/netns/NAME) in which
	 * interfaces are resolved (interfaceselector, primarynodeinterface)
	 * and XDP/TC/TCX programs attached; NULL or "" for the caller's. A
	 * link of an object in another namespace than this is moved here
	 * (detached, attached again). */
	const char *netns;
	size_t : 0;
};
BPFMAN_API void bpfman_apply_opts_init(struct bpfman_apply_opts *opts, size_t sz);

struct bpfman_apply_result;

/* What bpfman_apply__run() would do; changes nothing (images are only
 * read from the cache). */
BPFMAN_API int bpfman_apply__plan(struct bpfman_apply_result **ret_result,
				  struct bpfman_ctx *ctx,
				  const struct bpfman_manifest *manifest,
				  const struct bpfman_apply_opts *opts);
/* Makes each object true on this node. Failure is per object: a failed
 * object is reported in the result (with its sentence) and leaves nothing
 * half applied; the others proceed. Returns 0 when it could run at all;
 * bpfman_apply_result__failures() counts the objects that failed. */
BPFMAN_API int bpfman_apply__run(struct bpfman_apply_result **ret_result,
				 struct bpfman_ctx *ctx,
				 const struct bpfman_manifest *manifest,
				 const struct bpfman_apply_opts *opts);
/* Removes everything the manifest's objects own (only kind and name of
 * each document matter). */
BPFMAN_API int bpfman_apply__delete(struct bpfman_apply_result **ret_result,
				    struct bpfman_ctx *ctx,
				    const struct bpfman_manifest *manifest,
				    const struct bpfman_apply_opts *opts);
/* Status of what is applied now, from the recorded state: every object,
 * or only `kind`/`name` (either may be NULL for any; kind is matched
 * case-insensitively, "xdpprogram" as well as "XdpProgram"). */
BPFMAN_API int bpfman_apply__status(struct bpfman_apply_result **ret_result,
				    struct bpfman_ctx *ctx, const char *kind,
				    const char *name,
				    const struct bpfman_apply_opts *opts);
BPFMAN_API void bpfman_apply_result__free(struct bpfman_apply_result *result);

enum bpfman_apply_outcome {
	BPFMAN_APPLY_UNCHANGED = 0,
	BPFMAN_APPLY_CREATED = 1,
	BPFMAN_APPLY_CONFIGURED = 2,
	BPFMAN_APPLY_DELETED = 3,
	BPFMAN_APPLY_FAILED = 4,
	/* nodeselector does not match this node (anything it had is gone). */
	BPFMAN_APPLY_NOT_SELECTED = 5,
	/* delete: nothing was applied under this kind/name. */
	BPFMAN_APPLY_NOT_FOUND = 6,
};
/* "unchanged", "created", "configured", "deleted", "failed",
 * "not selected", "not found". */
BPFMAN_API const char *bpfman_apply_outcome_name(enum bpfman_apply_outcome outcome);

/* Objects, in document order. */
BPFMAN_API size_t bpfman_apply_result__object_cnt(const struct bpfman_apply_result *result);
BPFMAN_API const char *bpfman_apply_result__object_kind(const struct bpfman_apply_result *result, size_t i);
BPFMAN_API const char *bpfman_apply_result__object_name(const struct bpfman_apply_result *result, size_t i);
BPFMAN_API enum bpfman_apply_outcome bpfman_apply_result__object_outcome(const struct bpfman_apply_result *result, size_t i);
/* 0, or the negative errno of a failed object ... */
BPFMAN_API int bpfman_apply_result__object_error(const struct bpfman_apply_result *result, size_t i);
/* ... and its sentence ("" when it did not fail). */
BPFMAN_API const char *bpfman_apply_result__object_message(const struct bpfman_apply_result *result, size_t i);
BPFMAN_API size_t bpfman_apply_result__failures(const struct bpfman_apply_result *result);

enum bpfman_apply_verb {
	BPFMAN_APPLY_LOAD = 1,
	BPFMAN_APPLY_ATTACH = 2,
	BPFMAN_APPLY_UPDATE = 3, /* priority/proceed-on changed in place */
	BPFMAN_APPLY_DETACH = 4,
	BPFMAN_APPLY_UNLOAD = 5,
	BPFMAN_APPLY_KEEP = 6,   /* already as the document says */
};
/* "load", "attach", "update", "detach", "unload", "keep". */
BPFMAN_API const char *bpfman_apply_verb_name(enum bpfman_apply_verb verb);

/* Actions, in the order they were (or would be) taken. */
BPFMAN_API size_t bpfman_apply_result__action_cnt(const struct bpfman_apply_result *result);
/* Index of the action's object. */
BPFMAN_API size_t bpfman_apply_result__action_object(const struct bpfman_apply_result *result, size_t i);
BPFMAN_API enum bpfman_apply_verb bpfman_apply_result__action_verb(const struct bpfman_apply_result *result, size_t i);
/* The attach point ("eth0", "eth0/ingress", "syscalls/sys_enter_getpid",
 * "libc:malloc", ...); "" for load/unload. */
BPFMAN_API const char *bpfman_apply_result__action_attach_point(const struct bpfman_apply_result *result, size_t i);
/* What: "function pass from quay.io/...", "priority 50 -> 60", ... */
BPFMAN_API const char *bpfman_apply_result__action_detail(const struct bpfman_apply_result *result, size_t i);

/* Status entries: one per (object, attach point); an object with no
 * attach point here (not selected, failed before attaching) has one entry
 * with an empty attach point. */
BPFMAN_API size_t bpfman_apply_result__entry_cnt(const struct bpfman_apply_result *result);
BPFMAN_API size_t bpfman_apply_result__entry_object(const struct bpfman_apply_result *result, size_t i);
BPFMAN_API const char *bpfman_apply_result__entry_node(const struct bpfman_apply_result *result, size_t i);
BPFMAN_API const char *bpfman_apply_result__entry_attach_point(const struct bpfman_apply_result *result, size_t i);
/* The seed's BpfProgram condition: type "Loaded", "NotLoaded",
 * "NotSelected", "Unloaded", "MapOwnerNotFound", "MapOwnerNotLoaded";
 * reason "bpfmanLoaded", "bpfmanNotLoaded", ...; message a sentence. */
BPFMAN_API const char *bpfman_apply_result__entry_condition(const struct bpfman_apply_result *result, size_t i);
BPFMAN_API const char *bpfman_apply_result__entry_reason(const struct bpfman_apply_result *result, size_t i);
BPFMAN_API const char *bpfman_apply_result__entry_message(const struct bpfman_apply_result *result, size_t i);
/* Kernel program ID and our link ID; 0 when none. */
BPFMAN_API uint32_t bpfman_apply_result__entry_program_id(const struct bpfman_apply_result *result, size_t i);
BPFMAN_API uint64_t bpfman_apply_result__entry_link_id(const struct bpfman_apply_result *result, size_t i);
/* The program's maps: name and pin path. */
BPFMAN_API size_t bpfman_apply_result__entry_map_cnt(const struct bpfman_apply_result *result, size_t i);
BPFMAN_API const char *bpfman_apply_result__entry_map_name(const struct bpfman_apply_result *result, size_t i, size_t j);
BPFMAN_API const char *bpfman_apply_result__entry_map_path(const struct bpfman_apply_result *result, size_t i, size_t j);

enum bpfman_render_format {
	BPFMAN_RENDER_YAML = 0,
	BPFMAN_RENDER_JSON = 1,
};
/* The status entries as the seed's per-node BpfProgram objects (a YAML
 * stream of documents, or a JSON array), so front ends only print it.
 * *ret_text is the caller's to free(). */
BPFMAN_API int bpfman_apply_result__render(char **ret_text,
					   const struct bpfman_apply_result *result,
					   enum bpfman_render_format format);

#ifdef __cplusplus
}
#endif

#endif /* BPFMAN_APPLY_H */
