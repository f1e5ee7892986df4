/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Programs: load from an ELF file, unload, get, list.
 *
 * A program returned by these calls is a snapshot (our state plus the
 * kernel's view at the time of the call), owned by the caller and freed with
 * bpfman_program__free() or, for lists, bpfman_program_list__free().
 */
#ifndef BPFMAN_PROGRAM_H
#define BPFMAN_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Fixed values; never renumbered. UNSPEC (zero) means "any" in filters and
 * "not a type bpfman manages" for foreign programs. */
enum bpfman_program_type {
	BPFMAN_PROG_TYPE_UNSPEC = 0,
	BPFMAN_PROG_TYPE_XDP = 1,
	BPFMAN_PROG_TYPE_TC = 2,
	BPFMAN_PROG_TYPE_TRACEPOINT = 3,
	BPFMAN_PROG_TYPE_KPROBE = 4, /* kprobe and kretprobe */
	BPFMAN_PROG_TYPE_UPROBE = 5, /* uprobe and uretprobe */
	BPFMAN_PROG_TYPE_FENTRY = 6,
	BPFMAN_PROG_TYPE_FEXIT = 7,
	BPFMAN_PROG_TYPE_TCX = 8,
	BPFMAN_PROG_TYPE_LSM = 9, /* BPF LSM, attached to the hook named at load */
};

/* "xdp", "tc", ..., or NULL for an unknown value. */
BPFMAN_API const char *bpfman_program_type_name(enum bpfman_program_type type);
/* Accepts the names above plus "kretprobe" and "uretprobe";
 * BPFMAN_PROG_TYPE_UNSPEC when the name is unknown. */
BPFMAN_API enum bpfman_program_type bpfman_program_type_from_name(const char *name);

/* One key=value pair; the element layout is frozen. */
struct bpfman_kv {
	const char *key;
	const char *value;
};

/* Bytes for a named global variable in .rodata/.data/.bss; frozen layout. */
struct bpfman_global_data {
	const char *name;
	const void *value;
	size_t size;
};

struct bpfman_load_opts {
	size_t sz;
	/* What to load, in bpfman's grammar: "TYPE:FUNC[:ATTACH_FUNC]", e.g.
	 * "tracepoint:count_getpid", "fentry:trace_open:do_sys_openat2" or
	 * "lsm:deny_open:file_open" (an LSM hook, without bpf_lsm_; fentry,
	 * fexit and lsm otherwise take it from the section, "lsm/file_open").
	 * At least one. kretprobe/uretprobe follow from the ELF section. */
	const char *const *programs;
	size_t programs_cnt;
	const struct bpfman_global_data *globals;
	size_t globals_cnt;
	/* Keys and values, and the application name, are printable text:
	 * a control character (below 0x20, or DEL) is refused (-EINVAL), so
	 * nothing recorded through libbpfman can drive a terminal it is
	 * shown on. */
	const struct bpfman_kv *metadata;
	size_t metadata_cnt;
	const char *application;
	/* Reuse the maps of this already loaded program instead of creating
	 * new ones; 0 for none. Refused (-EINVAL, naming the maps of both)
	 * when the owner has none of the object's maps: nothing would be
	 * shared. */
	uint32_t map_owner_id;
	/* Who loads it, recorded on every program (bpfman_program__owner):
	 * bpfmand passes the caller's bpfman_identity_name ("uid:1000",
	 * "cert:/CN=app"), and operate-role callers may then act only on
	 * programs they own (doc/api.md, "Authorization"). NULL for none
	 * (bpfmanctl, direct library use). Printable text, at most 1024 bytes. */
	const char *owner;
	size_t : 0;
};
BPFMAN_API void bpfman_load_opts_init(struct bpfman_load_opts *opts, size_t sz);

struct bpfman_program;

/* Loads the requested programs of one ELF object, pins them and their maps,
 * and records them. All or nothing: on failure nothing stays loaded or
 * pinned. On success *ret_progs holds *ret_cnt programs in request order. */
BPFMAN_API int bpfman_program__load_file(struct bpfman_program ***ret_progs,
					 size_t *ret_cnt,
					 struct bpfman_ctx *ctx,
					 const char *path,
					 const struct bpfman_load_opts *opts);

struct bpfman_unload_opts {
	size_t sz;
	/* Unload a map owner even while other programs use its maps; the maps
	 * stay until their last user is gone. */
	bool force;
	size_t : 0;
};
BPFMAN_API void bpfman_unload_opts_init(struct bpfman_unload_opts *opts, size_t sz);

/* Detaches every link of the program, then unloads it. */
BPFMAN_API int bpfman_program__unload(struct bpfman_ctx *ctx, uint32_t prog_id,
				      const struct bpfman_unload_opts *opts);

/* A managed program, or (when not managed) any program in the kernel. */
BPFMAN_API int bpfman_program__get(struct bpfman_program **ret_prog,
				   struct bpfman_ctx *ctx, uint32_t prog_id);

struct bpfman_list_opts {
	size_t sz;
	/* Also list programs bpfman does not manage (programs only). */
	bool all;
	/* Only this type; UNSPEC for any. */
	enum bpfman_program_type type;
	/* Only entries whose metadata holds every one of these pairs. */
	const struct bpfman_kv *match_metadata;
	size_t match_metadata_cnt;
	/* Only entries of this application; NULL for any. */
	const char *application;
	/* Links only: only links of this program; 0 for any. */
	uint32_t program_id;
	/* Only entries of this kernel program type, as libbpf names it
	 * ("sched_cls", "kprobe", "tracing", "ext", ...; '-' may stand for
	 * '_', and bpfman's "probe" means "kprobe"); NULL for any. Programs:
	 * the type the kernel runs (foreign ones too, with `all`; an XDP or TC
	 * program loaded for a dispatcher is "ext"). Links: the kernel type of
	 * the link's bpfman type (tc and tcx: "sched_cls"). An unknown name is
	 * -EINVAL. */
	const char *kernel_type;
	/* Only entries whose program's owner (bpfman_load_opts.owner, as
	 * bpfman_program__owner returns it: bpfmand's "uid:1000",
	 * "cert:/CN=app") is exactly this string: byte for byte, case
	 * sensitive, no pattern. NULL for any; "" for the programs without
	 * an owner (loaded with none, or recorded before owners existed).
	 * Programs: the database query selects them, so no other program's
	 * kernel info is read; a program bpfman does not manage has no owner
	 * and is not listed with `all` once an owner is given. Links: those
	 * whose program has that owner. */
	const char *owner;
	size_t : 0;
};
BPFMAN_API void bpfman_list_opts_init(struct bpfman_list_opts *opts, size_t sz);

/* Sorted by id. Free with bpfman_program_list__free(). */
BPFMAN_API int bpfman_program__list(struct bpfman_program ***ret_progs,
				    size_t *ret_cnt, struct bpfman_ctx *ctx,
				    const struct bpfman_list_opts *opts);
BPFMAN_API void bpfman_program_list__free(struct bpfman_program **progs,
					  size_t cnt);

/* The managed programs using the maps of program prog_id (itself and the
 * programs loaded with it as map owner, or sharing its owner), sorted; an
 * empty list when prog_id is not managed. One database query, for callers
 * that need bpfman's map_used_by without listing every program. Free
 * *ret_ids with free(). */
BPFMAN_API int bpfman_program__map_used_by(uint32_t **ret_ids, size_t *ret_cnt,
					   struct bpfman_ctx *ctx, uint32_t prog_id);
BPFMAN_API void bpfman_program__free(struct bpfman_program *prog);

/* Accessors. Strings are borrowed from the program and never NULL (empty
 * when absent) unless noted. */
BPFMAN_API uint32_t bpfman_program__id(const struct bpfman_program *prog);
BPFMAN_API bool bpfman_program__managed(const struct bpfman_program *prog);
BPFMAN_API enum bpfman_program_type bpfman_program__type(const struct bpfman_program *prog);
BPFMAN_API bool bpfman_program__retprobe(const struct bpfman_program *prog);
/* The function name given at load (kernel names are cut to 15 chars). */
BPFMAN_API const char *bpfman_program__name(const struct bpfman_program *prog);
BPFMAN_API const char *bpfman_program__attach_func(const struct bpfman_program *prog);
BPFMAN_API const char *bpfman_program__path(const struct bpfman_program *prog);
BPFMAN_API const char *bpfman_program__application(const struct bpfman_program *prog);
/* The load options' owner as recorded; NULL when it has none (loaded
 * without one, or recorded before owners existed). */
BPFMAN_API const char *bpfman_program__owner(const struct bpfman_program *prog);
BPFMAN_API const char *bpfman_program__pin_path(const struct bpfman_program *prog);
BPFMAN_API const char *bpfman_program__map_pin_dir(const struct bpfman_program *prog);
BPFMAN_API uint32_t bpfman_program__map_owner_id(const struct bpfman_program *prog);
BPFMAN_API size_t bpfman_program__metadata_cnt(const struct bpfman_program *prog);
BPFMAN_API const char *bpfman_program__metadata_key(const struct bpfman_program *prog, size_t i);
BPFMAN_API const char *bpfman_program__metadata_value(const struct bpfman_program *prog, size_t i);
BPFMAN_API size_t bpfman_program__global_cnt(const struct bpfman_program *prog);
BPFMAN_API const char *bpfman_program__global_name(const struct bpfman_program *prog, size_t i);
BPFMAN_API const void *bpfman_program__global_value(const struct bpfman_program *prog, size_t i,
						    size_t *ret_size);
BPFMAN_API size_t bpfman_program__link_cnt(const struct bpfman_program *prog);
BPFMAN_API uint64_t bpfman_program__link_id(const struct bpfman_program *prog, size_t i);

/* The kernel's view (bpf_prog_info). Zero/empty when not loaded. */
BPFMAN_API const char *bpfman_program__kernel_name(const struct bpfman_program *prog);
/* Raw enum bpf_prog_type value and its libbpf name. */
BPFMAN_API uint32_t bpfman_program__kernel_type(const struct bpfman_program *prog);
BPFMAN_API const char *bpfman_program__kernel_type_name(const struct bpfman_program *prog);
BPFMAN_API const char *bpfman_program__tag(const struct bpfman_program *prog);
/* Wall-clock load time, seconds since the epoch. */
BPFMAN_API uint64_t bpfman_program__loaded_at(const struct bpfman_program *prog);
BPFMAN_API bool bpfman_program__gpl_compatible(const struct bpfman_program *prog);
BPFMAN_API size_t bpfman_program__map_id_cnt(const struct bpfman_program *prog);
BPFMAN_API uint32_t bpfman_program__map_id(const struct bpfman_program *prog, size_t i);
BPFMAN_API uint32_t bpfman_program__btf_id(const struct bpfman_program *prog);
BPFMAN_API uint32_t bpfman_program__bytes_xlated(const struct bpfman_program *prog);
BPFMAN_API uint32_t bpfman_program__bytes_jited(const struct bpfman_program *prog);
BPFMAN_API bool bpfman_program__jited(const struct bpfman_program *prog);
BPFMAN_API uint32_t bpfman_program__bytes_memlock(const struct bpfman_program *prog);
BPFMAN_API uint32_t bpfman_program__verified_insns(const struct bpfman_program *prog);
/* Whether the kernel currently has the program (false for a managed program
 * waiting for bpfman_restore() after a reboot). */
BPFMAN_API bool bpfman_program__kernel_loaded(const struct bpfman_program *prog);

/* Whether what the state database records is in the kernel, as found by
 * the get or list call that returned the handle. */
enum bpfman_status {
	BPFMAN_STATUS_UNKNOWN = 0,	 /* not managed by libbpfman (list all) */
	BPFMAN_STATUS_IN_KERNEL = 1,	 /* recorded and in the kernel */
	/* Recorded in this boot but no longer in the kernel: something
	 * outside libbpfman removed it (its pin or the kernel object).
	 * bpfman_reconcile() forgets it. */
	BPFMAN_STATUS_GONE = 2,
	/* Recorded in an earlier boot: bpfman_restore() re-creates it. */
	BPFMAN_STATUS_NEEDS_RESTORE = 3,
};
/* "in-kernel", "gone", "needs-restore", "unknown". */
BPFMAN_API const char *bpfman_status_name(enum bpfman_status status);
BPFMAN_API enum bpfman_status bpfman_program__status(const struct bpfman_program *prog);

#ifdef __cplusplus
}
#endif

#endif /* BPFMAN_PROGRAM_H */
