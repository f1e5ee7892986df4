/* SPDX-License-Identifier: Apache-2.0 */
/* Unary call dispatch and replies: the gRPC layer between h2_conn.c (bytes
 * of one stream) and the services (protobuf-c messages). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <protobuf-c/protobuf-c.h>

#include "server.h"

void grpc_call_reply(struct grpc_call *call, const void *protobuf_msg)
{
	const ProtobufCMessage *m = protobuf_msg;
	size_t n = protobuf_c_message_get_packed_size(m);

	call->resp = malloc(GRPC_PREFIX_LEN + n);
	if (!call->resp) {
		grpc_call_error(call, GRPC_RESOURCE_EXHAUSTED,
				"out of memory for a %zu-byte reply", n);
		return;
	}
	grpc_frame_prefix(call->resp, n);
	protobuf_c_message_pack(m, call->resp + GRPC_PREFIX_LEN);
	call->resp_len = GRPC_PREFIX_LEN + n;
	call->status = GRPC_OK;
}

void grpc_call_error(struct grpc_call *call, enum grpc_status status,
		     const char *fmt, ...)
{
	va_list ap;

	free(call->message);
	call->message = NULL;
	va_start(ap, fmt);
	if (vasprintf(&call->message, fmt, ap) < 0)
		call->message = NULL;
	va_end(ap);
	call->status = status;
	free(call->resp);
	call->resp = NULL;
	call->resp_len = 0;
}

/* The status code for a library failure: its kind (bpfman_errkind) where
 * the kind says more than errno (a verifier rejection is EACCES like a
 * missing privilege), else its errno. */
static enum grpc_status grpc_status_from_failure(int kind, int err)
{
	switch (kind) {
	case BPFMAN_ERRKIND_VERIFIER:
	case BPFMAN_ERRKIND_BAD_OBJECT:
		return GRPC_INVALID_ARGUMENT; /* the caller's program is at fault */
	case BPFMAN_ERRKIND_NOT_FOUND:
		return GRPC_NOT_FOUND;
	case BPFMAN_ERRKIND_PERMISSION:
		return GRPC_PERMISSION_DENIED;
	case BPFMAN_ERRKIND_IMAGE_REFUSED: /* policy, digests, hostile layers */
	case BPFMAN_ERRKIND_UNSUPPORTED:   /* this kernel cannot do it */
	case BPFMAN_ERRKIND_AUTH:          /* the registry refused our credentials */
		return GRPC_FAILED_PRECONDITION;
	case BPFMAN_ERRKIND_REGISTRY:
		return GRPC_UNAVAILABLE;
	default: /* INVALID, BUSY, OTHER: errno tells more (E2BIG: chain full) */
		return grpc_status_from_errno(err);
	}
}

void grpc_call_fail(struct grpc_call *call, int err)
{
	const char *msg = bpfman_errmsg(call->srv->ctx);

	if (!msg || !*msg)
		msg = strerror(err < 0 ? -err : err);
	grpc_call_error(call, grpc_status_from_failure(bpfman_errkind(call->srv->ctx), err), "%s", msg);
}

const struct grpc_method *grpc_find_method(const struct server *srv,
					   const char *path, size_t len)
{
	for (const struct grpc_method *const *s = srv->services; *s; s++)
		for (const struct grpc_method *m = *s; m->path; m++)
			if (strlen(m->path) == len && !memcmp(m->path, path, len))
				return m;
	return NULL;
}

/* The library's view of the peer; sans must hold PEER_MAX_SANS. */
static void peer_identity(const struct peer *p, struct bpfman_identity *id, const char **sans)
{
	for (size_t i = 0; i < p->sans_cnt; i++)
		sans[i] = p->sans[i];
	bpfman_identity_init(id, sizeof(*id));
	id->has_unix_cred = p->has_cred;
	id->uid = p->uid;
	id->gid = p->gid;
	id->groups = p->groups;
	id->groups_cnt = p->groups_cnt;
	id->cert_subject = *p->subject ? p->subject : NULL;
	id->cert_sans = sans;
	id->cert_sans_cnt = p->sans_cnt;
}

static bool authorize(struct grpc_call *call, const struct bpfman_authz_request *req)
{
	const char *sans[PEER_MAX_SANS];
	struct bpfman_identity id;
	int err;

	peer_identity(call->peer, &id, sans);
	err = bpfman_authorize(NULL, call->srv->ctx, &id, req);
	if (!err)
		return true;
	grpc_call_error(call, err == -EACCES ? GRPC_PERMISSION_DENIED : grpc_status_from_errno(err),
			"%s", bpfman_errmsg(call->srv->ctx));
	return false;
}

bool grpc_authorize(struct grpc_call *call, const char *operation,
		    enum bpfman_role role, enum bpfman_program_type type,
		    const char *iface, const char *image)
{
	BPFMAN_OPTS(bpfman_authz_request, req,
		    .operation = operation,
		    .role = role,
		    .type = type,
		    .iface = iface,
		    .image = image);

	return authorize(call, &req);
}

bool grpc_authorize_target(struct grpc_call *call, const char *operation,
			   enum bpfman_program_type type, const char *iface,
			   uint32_t program_id, uint64_t link_id)
{
	BPFMAN_OPTS(bpfman_authz_request, req,
		    .operation = operation,
		    .role = BPFMAN_ROLE_OPERATE,
		    .type = type,
		    .iface = iface,
		    .program_id = program_id,
		    .link_id = link_id);

	return authorize(call, &req);
}

void grpc_identity_name(const struct grpc_call *call, char *buf, size_t size)
{
	const char *sans[PEER_MAX_SANS];
	struct bpfman_identity id;

	peer_identity(call->peer, &id, sans);
	if (size && bpfman_identity_name(buf, size, &id) < 0)
		*buf = 0;
}

void grpc_dispatch(struct grpc_call *call, const struct grpc_method *m,
		   const uint8_t *body, size_t len)
{
	const uint8_t *msg;
	const char *why;
	size_t msg_len;
	enum grpc_status st;

	st = grpc_frame_unary(body, len, GRPC_MAX_MESSAGE, &msg, &msg_len, &why);
	if (st != GRPC_OK) {
		grpc_call_error(call, st, "%s", why);
		return;
	}
	if (m->role && !grpc_authorize(call, strrchr(m->path, '/') + 1, m->role,
				       BPFMAN_PROG_TYPE_UNSPEC, NULL, NULL))
		return;
	m->unary(call, msg, msg_len);
}
