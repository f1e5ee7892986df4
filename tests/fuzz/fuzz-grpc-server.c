// SPDX-License-Identifier: Apache-2.0
/* libFuzzer: bytes from a client of bpfmand (untrusted: any local user or
 * mTLS peer). The input is fed, as received HTTP/2, to a real connection of
 * the daemon (nghttp2 session, our stream handling, gRPC framing, the 4 MiB
 * limit), whose methods decode bpfman.v1 requests with protobuf-c and
 * translate them (pb_convert.c) as the real services do, without touching
 * the kernel. A client preface is prepended half the time so the fuzzer
 * reaches past it. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bpfman.pb-c.h"
#include "pb_convert.h"
#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void server_conn_closed(struct server *srv)
{
	(void)srv;
}

void server_call_done(struct server *srv)
{
	(void)srv;
}

static void load(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Bpfman__V1__LoadRequest *in = bpfman__v1__load_request__unpack(NULL, len, req);
	struct arena a = { 0 };
	const char *why;

	if (!in) {
		grpc_call_error(call, GRPC_INVALID_ARGUMENT, "cannot decode");
		return;
	}
	for (size_t i = 0; i < in->n_info; i++)
		pb_load_spec(&a, in->info[i], &why);
	pb_kv(&a, (void *const *)in->metadata, in->n_metadata);
	Bpfman__V1__UnloadResponse out = BPFMAN__V1__UNLOAD_RESPONSE__INIT;
	grpc_call_reply(call, &out);
	arena_free(&a);
	bpfman__v1__load_request__free_unpacked(in, NULL);
}

static void attach(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Bpfman__V1__AttachRequest *in = bpfman__v1__attach_request__unpack(NULL, len, req);
	BPFMAN_OPTS(bpfman_attach_opts, o);
	struct arena a = { 0 };
	const char *why;

	if (!in) {
		grpc_call_error(call, GRPC_INVALID_ARGUMENT, "cannot decode");
		return;
	}
	if (pb_attach_opts(&a, &o, in->attach, &why))
		grpc_call_error(call, GRPC_INVALID_ARGUMENT, "%s\n%%", why);
	else {
		Bpfman__V1__AttachResponse out = BPFMAN__V1__ATTACH_RESPONSE__INIT;
		grpc_call_reply(call, &out);
	}
	arena_free(&a);
	bpfman__v1__attach_request__free_unpacked(in, NULL);
}

static const struct grpc_method methods[] = {
	/* role 0: no authorization (there is no library context here) */
	{ "/bpfman.v1.Bpfman/Load", 0, load, false },
	{ "/bpfman.v1.Bpfman/Attach", 0, attach, false },
	/* a bidirectional stream (as reflection is) */
	{ "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", 0, load, true },
	{ NULL, 0, NULL, false },
};
static const struct grpc_method *const services[] = { methods, NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
	static struct server srv = {
		.services = services,
		.limits = { .max_streams = 100, .max_conns = 4,
			    .handshake_usec = 1000000, .idle_usec = 1000000 },
	};
	uint8_t sink[65536];
	int sv[2];

	if (!srv.loop && !(srv.loop = ev_loop_new(EVFLAG_NOENV)))
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv))
		return 0;
	if (h2_conn_start(&srv, sv[0], NULL) == 0 && srv.conns) {
		int ok = 0;

		if (size && (data[0] & 1))
			ok = h2_conn_feed(srv.conns, (const uint8_t *)preface, sizeof(preface) - 1);
		if (!ok && size > 1)
			h2_conn_feed(srv.conns, data + 1, size - 1);
		while (read(sv[1], sink, sizeof(sink)) > 0)
			;
	}
	h2_conn_close_all(&srv);
	close(sv[1]);
	return 0;
}
