/* SPDX-License-Identifier: Apache-2.0 */
/* The records behind the opaque public handles: what the database keeps
 * about programs and links, plus the kernel's view filled in on request. */
#ifndef BPFMAN_MODEL_H
#define BPFMAN_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <bpfman/bpfman.h>

struct kv_list {
	size_t cnt;
	char **keys;
	char **values;
};

struct global_list {
	size_t cnt;
	char **names;
	unsigned char **values;
	size_t *sizes;
};

/* Lifecycle of a row; a row not in a *_DONE state after a crash tells
 * reconcile what was interrupted. */
#define ROW_LOADED "loaded"
#define ROW_UNLOADING "unloading"
#define ROW_ATTACHING "attaching"
#define ROW_ATTACHED "attached"
#define ROW_DETACHING "detaching"

struct kernel_prog_info {
	bool loaded;
	char name[16];
	uint32_t type;
	char tag[17];
	uint64_t loaded_at;
	bool gpl_compatible;
	uint32_t *map_ids;
	size_t map_ids_cnt;
	uint32_t btf_id;
	uint32_t bytes_xlated;
	uint32_t bytes_jited;
	uint32_t bytes_memlock;
	uint32_t verified_insns;
};

struct bpfman_program {
	uint32_t id;
	bool managed;
	char *state;
	enum bpfman_program_type type;
	bool retprobe;
	char *name;
	char *attach_func;
	char *path;
	char *bytecode; /* kept copy of the ELF, for restore */
	char *application;
	uint32_t map_owner_id;
	char *map_pin_dir;
	char *pin_path;
	char *boot_id;
	/* Loaded as BPF_PROG_TYPE_EXT to run in a multi-program dispatcher
	 * (xdp, tc); false when loaded as its plain type. */
	bool dispatched;
	/* Loaded from an image: its reference and manifest digest, else NULL. */
	char *image;
	char *image_digest;
	/* The identity that loaded it through the daemon (bpfman_identity_name:
	 * "uid:1000", "cert:/CN=app"); NULL when loaded directly (bpfmanctl,
	 * bindings, apply) or before owners were recorded (schema < 4). */
	char *owner;
	struct kv_list metadata;
	struct global_list globals;
	uint64_t *link_ids;
	size_t link_ids_cnt;
	int64_t seq;
	struct kernel_prog_info kernel;
	enum bpfman_status status; /* set by get/list (program_query.c) */
};

struct bpfman_link {
	uint64_t id;
	uint32_t prog_id;
	char *state;
	enum bpfman_program_type type;
	bool retprobe;
	char *tracepoint;
	char *fn_name;
	uint64_t offset;
	char *target;
	int32_t pid;
	char *iface;
	int32_t priority;
	uint32_t proceed_on;
	enum bpfman_direction direction;
	char *netns;
	int32_t position;
	char *pin_path;
	char *boot_id;
	uint32_t kernel_link_id;
	enum bpfman_status status; /* set by get/list (link_query.c) */
	struct kv_list metadata;
};

void kv_list_clear(struct kv_list *l);
int kv_list_add(struct kv_list *l, const char *key, const char *value);
const char *kv_list_get(const struct kv_list *l, const char *key);
/* JSON object text <-> list (jansson). */
char *kv_list_to_json(const struct kv_list *l);
int kv_list_from_json(struct kv_list *l, const char *json);

void global_list_clear(struct global_list *l);
int global_list_add(struct global_list *l, const char *name, const void *value,
		    size_t size);
char *global_list_to_json(const struct global_list *l);
int global_list_from_json(struct global_list *l, const char *json);

void program_clear(struct bpfman_program *p);
void link_clear(struct bpfman_link *l);

#endif
