/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Authorization of callers by identity (doc/api.md, "Authorization"): the
 * daemon asks the library whether an identity (unix peer credentials or a
 * TLS client certificate) may perform an operation, against the rules of
 * the config file's `authorization` section. Without rules, root and the
 * members of the group `bpfman` are admin and everyone else is refused.
 */
#ifndef BPFMAN_AUTHZ_H
#define BPFMAN_AUTHZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "program.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Ordered: each role includes the ones below it. */
enum bpfman_role {
	BPFMAN_ROLE_NONE = 0,
	BPFMAN_ROLE_READ = 1,    /* list, get, health */
	BPFMAN_ROLE_OPERATE = 2, /* load, attach, detach, unload, pull: own programs */
	BPFMAN_ROLE_ADMIN = 3,   /* everything, limits do not apply */
};
/* "none", "read", "operate", "admin", or NULL. */
BPFMAN_API const char *bpfman_role_name(enum bpfman_role role);

/* Who is calling. */
struct bpfman_identity {
	size_t sz;
	/* unix socket peer: uid, gid and supplementary groups are set */
	bool has_unix_cred;
	uint32_t uid;
	uint32_t gid;
	const uint32_t *groups;
	size_t groups_cnt;
	/* TLS peer: the verified client certificate's subject as OpenSSL's
	 * one-line form ("/CN=app/O=example") and its subjectAltNames as
	 * "DNS:name", "URI:spiffe://...", "IP:1.2.3.4" */
	const char *cert_subject;
	const char *const *cert_sans;
	size_t cert_sans_cnt;
	size_t : 0;
};
BPFMAN_API void bpfman_identity_init(struct bpfman_identity *id, size_t sz);

/* The identity as one stable string, what bpfmand records as a program's
 * owner (bpfman_load_opts.owner) and what the owner rule compares:
 * "uid:<number>" for a unix peer (its uid only: groups and names may
 * change), else "cert:<subject>" with the certificate's one-line subject.
 * Writes it NUL-terminated to buf; returns its length, -EINVAL for an
 * identity with neither, -ENAMETOOLONG when size is too small. An owner
 * is at most 1024 bytes (bpfman_load_opts.owner), so a larger name can be
 * computed but not recorded. */
BPFMAN_API int bpfman_identity_name(char *buf, size_t size, const struct bpfman_identity *id);

/* What it wants to do. */
struct bpfman_authz_request {
	size_t sz;
	const char *operation;          /* named in refusals, e.g. "Load" */
	enum bpfman_role role;          /* the role the operation needs */
	/* Limits a rule may set; UNSPEC / NULL when the operation has none. */
	enum bpfman_program_type type;
	const char *iface;
	const char *image;              /* image reference */
	/* The recorded program or link the operation acts on (Unload, Attach,
	 * Detach, updates), 0 for none. The library reads its row: an operate
	 * rule may act only on programs whose owner is the caller's
	 * bpfman_identity_name, and the rule's limits also apply to the
	 * program's type and image and to the interfaces of its links (of the
	 * link, for link_id). An ID not recorded is -ENOENT. */
	uint32_t program_id;
	uint64_t link_id;
	size_t : 0;
};
BPFMAN_API void bpfman_authz_request_init(struct bpfman_authz_request *req, size_t sz);

/* 0 when allowed (with *ret_role, may be NULL, the role granted); -EACCES
 * with a sentence naming the identity, the operation and the rule (or the
 * default) that refused it; -EINVAL for a mistake in the config section. */
BPFMAN_API int bpfman_authorize(enum bpfman_role *ret_role, struct bpfman_ctx *ctx,
				const struct bpfman_identity *id,
				const struct bpfman_authz_request *req);

#ifdef __cplusplus
}
#endif

#endif /* BPFMAN_AUTHZ_H */
