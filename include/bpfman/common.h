/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libbpfman: the context every call goes through, errors, logging, versions
 * and the rules for extensible options structs.
 *
 * ABI rules (doc/abi.md): functions return 0 or a negative errno, pointer
 * returns are NULL with errno set; every failure leaves a sentence for
 * bpfman_errmsg(); options structs start with `size_t sz` so fields can be
 * appended without breaking callers compiled against an older header.
 */
#ifndef BPFMAN_COMMON_H
#define BPFMAN_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef BPFMAN_API
#define BPFMAN_API __attribute__((visibility("default")))
#endif

/* Compile-time version of the headers; bpfman_version_number() is the
 * version of the library actually loaded. */
#define BPFMAN_VERSION_MAJOR 0
#define BPFMAN_VERSION_MINOR 1
#define BPFMAN_VERSION_PATCH 0
#define BPFMAN_VERSION_STRING "0.1.0"
#define BPFMAN_MAKE_VERSION(maj, min, pat) (((maj) << 16) | ((min) << 8) | (pat))
#define BPFMAN_VERSION_NUMBER                                                  \
	BPFMAN_MAKE_VERSION(BPFMAN_VERSION_MAJOR, BPFMAN_VERSION_MINOR,        \
			    BPFMAN_VERSION_PATCH)

/* Declare and zero an options struct with its size filled in, e.g.
 *   BPFMAN_OPTS(bpfman_ctx_opts, opts, .state_dir = "/tmp/x");
 * Callers that cannot use C macros call the struct's _init() function. */
#define BPFMAN_OPTS(TYPE, NAME, ...)                                           \
	struct TYPE NAME = ({                                                  \
		memset(&NAME, 0, sizeof(struct TYPE));                         \
		(struct TYPE){ .sz = sizeof(struct TYPE), __VA_ARGS__ };       \
	})

struct bpfman_ctx;

enum bpfman_log_level {
	BPFMAN_LOG_ERROR = 0,
	BPFMAN_LOG_WARN = 1,
	BPFMAN_LOG_INFO = 2,
	BPFMAN_LOG_DEBUG = 3,
};

/* Receives every message the library has to say; the library itself never
 * writes to stdout or stderr. `msg` has no trailing newline and is only
 * valid during the call. */
typedef void (*bpfman_log_fn)(enum bpfman_log_level level, const char *msg,
			      void *user_data);

struct bpfman_ctx_opts {
	size_t sz; /* sizeof(struct bpfman_ctx_opts) as the caller knows it */
	/* SQLite database and bytecode kept for restore; default /var/lib/bpfman */
	const char *state_dir;
	/* Directory on a bpffs mount for our pins; default /sys/fs/bpf/bpfman */
	const char *bpffs_root;
	/* Locks and sockets; default /run/bpfman */
	const char *runtime_dir;
	/* OCI image cache; default /var/cache/bpfman */
	const char *image_cache_dir;
	/* Config file; default /etc/bpfman/bpfman.yaml (a missing file is
	 * fine). A relative path is resolved against the working directory
	 * when the context is opened; the directories above must be absolute. */
	const char *config_path;
	bpfman_log_fn log_fn;
	void *log_user_data;
	/* Messages above this level are not passed to log_fn; default WARN
	 * (zero means ERROR, so set it explicitly). */
	enum bpfman_log_level log_level;
	/* Accept a state_dir, bpffs_root or image_cache_dir owned by another
	 * user or writable by group or others (doc/safety.md). Off by
	 * default: such a directory is refused. Symbolic links are never
	 * followed either way. */
	bool allow_shared_dirs;
	size_t : 0;
};

/* Fills opts with zeroes and sets sz; for callers without C macros. */
BPFMAN_API void bpfman_ctx_opts_init(struct bpfman_ctx_opts *opts, size_t sz);

/* Opens a context: creates missing directories, opens the state database
 * and reconciles it with the kernel. On failure *ret_ctx is untouched and
 * bpfman_errmsg(NULL) says why. opts may be NULL for all defaults. */
BPFMAN_API int bpfman_ctx_new(struct bpfman_ctx **ret_ctx,
			      const struct bpfman_ctx_opts *opts);
/* bpfman_ctx_new() for callers that cannot rely on per-thread state (Go,
 * whose goroutines may change OS thread between calls, or daemons): on
 * failure *ret_errmsg receives the sentence, allocated, to be released with
 * free(3) (NULL only when out of memory); on success it is set to NULL.
 * ret_errmsg may be NULL. Never touches bpfman_errmsg(NULL). */
BPFMAN_API int bpfman_ctx_new_err(struct bpfman_ctx **ret_ctx, char **ret_errmsg,
				  const struct bpfman_ctx_opts *opts);
/* NULL-safe. */
BPFMAN_API void bpfman_ctx_free(struct bpfman_ctx *ctx);

/* The sentence describing the last failure on ctx (or, with ctx NULL, the
 * last failure of bpfman_ctx_new on this thread). Never NULL; empty when
 * nothing has failed. Valid until the next call on the same ctx. A context
 * is used by one thread at a time, any thread (doc/abi.md, Threads): read
 * the sentence before another thread may call on the context. */
BPFMAN_API const char *bpfman_errmsg(const struct bpfman_ctx *ctx);

/* What kind of failure the last error on a context was, so that a front
 * end (CLI exit status, daemon gRPC status, binding exception class) can
 * tell a verifier rejection from a missing privilege without parsing the
 * sentence or trusting errno: the kernel answers EACCES both when the
 * verifier rejects a program and when a capability is missing. Values are
 * fixed and never renumbered; new kinds may be added, so treat an unknown
 * value as BPFMAN_ERRKIND_OTHER. See doc/abi.md. */
enum bpfman_errkind {
	BPFMAN_ERRKIND_NONE = 0,          /* nothing has failed */
	BPFMAN_ERRKIND_OTHER = 1,         /* failed; none of the kinds below */
	BPFMAN_ERRKIND_INVALID = 2,       /* an argument or input is invalid */
	BPFMAN_ERRKIND_NOT_FOUND = 3,     /* program, link, file, image ... absent */
	BPFMAN_ERRKIND_PERMISSION = 4,    /* the caller lacks a privilege or file access */
	BPFMAN_ERRKIND_BUSY = 5,          /* conflict: hook taken, already exists */
	BPFMAN_ERRKIND_VERIFIER = 6,      /* the kernel verifier rejected a program */
	BPFMAN_ERRKIND_IMAGE_REFUSED = 7, /* an image, its layer or signatures refused */
	BPFMAN_ERRKIND_BAD_OBJECT = 8,    /* not a valid BPF ELF object */
	BPFMAN_ERRKIND_UNSUPPORTED = 9,   /* the kernel or host lacks a feature */
	BPFMAN_ERRKIND_AUTH = 10,         /* a registry refused or needs credentials */
	BPFMAN_ERRKIND_REGISTRY = 11,     /* a registry unreachable, misbehaving, or its TLS identity unverified */
};

/* The kind of the failure bpfman_errmsg(ctx) describes (ctx NULL: the last
 * failure of bpfman_ctx_new on this thread); BPFMAN_ERRKIND_NONE when
 * nothing has failed. */
BPFMAN_API enum bpfman_errkind bpfman_errkind(const struct bpfman_ctx *ctx);
/* A stable lower-case name for a kind ("verifier", "image-refused", ...),
 * for logs and wire formats; "other" for values this library does not
 * know. Never NULL. */
BPFMAN_API const char *bpfman_errkind_name(enum bpfman_errkind kind);

/* Changes the log callback and level of an open context. */
BPFMAN_API void bpfman_ctx_set_log(struct bpfman_ctx *ctx, bpfman_log_fn fn,
				   void *user_data,
				   enum bpfman_log_level level);

/* The paths this context uses, after defaults were applied. */
BPFMAN_API const char *bpfman_ctx_state_dir(const struct bpfman_ctx *ctx);
BPFMAN_API const char *bpfman_ctx_bpffs_root(const struct bpfman_ctx *ctx);
BPFMAN_API const char *bpfman_ctx_runtime_dir(const struct bpfman_ctx *ctx);
BPFMAN_API const char *bpfman_ctx_image_cache_dir(const struct bpfman_ctx *ctx);
BPFMAN_API const char *bpfman_ctx_config_path(const struct bpfman_ctx *ctx);

/* Run-time version of the loaded library. */
BPFMAN_API const char *bpfman_version_string(void);
BPFMAN_API uint32_t bpfman_version_number(void);

#ifdef __cplusplus
}
#endif

#endif /* BPFMAN_COMMON_H */
