// SPDX-License-Identifier: Apache-2.0
/* Load+Attach through bpfmand from a client without a Go runtime: HTTP/2
 * by nghttp2, bpfman.v1 messages by protobuf-c, gRPC's 5-byte message
 * framing by the daemon's own grpc_frame.c. bench/daemon.sh times the same
 * sequence through bpfman's Go client (bench/goload); the difference
 * between the two is the client's own work per call, not the daemon's.
 *
 *   grpc_load_attach SOCKET TRACEPOINT_OBJECT ITERATIONS
 *       prints "load-attach ITERATIONS MEDIAN_MICROSECONDS", timed as
 *       goload times it: Load (one tracepoint program, count_getpid) and
 *       Attach (syscalls/sys_enter_getpid) timed, Detach and Unload not; a
 *       sentinel program of the same object stays loaded meanwhile; one
 *       untimed warm-up iteration first. One connection, one call at a
 *       time, blocking I/O.
 *
 *   grpc_load_attach SOCKET TRACEPOINT_OBJECT ITERATIONS paired
 *       each iteration also makes the same calls in this process through
 *       libbpfman (bench_handlers_load_attach: the load, the program's
 *       map_used_by that bpfmand's Load reply carries, the attach, as
 *       bench/lifecycle_inproc load-attach makes them),
 *       the two sides taking turns going first, tens of milliseconds apart
 *       (a Detach waits for the kernel's release), so the machine's load
 *       drifting (other jobs, a WAL checkpoint's fsyncs) hits both sides of
 *       a pair alike; prints "paired ITERATIONS
 *       MEDIAN_DAEMON_US MEDIAN_INPROC_US MEDIAN_OF_THE_PAIRS'_RATIOS".
 *       State goes where BPFMAN_STATE_DIR / BPFMAN_BPFFS_ROOT /
 *       BPFMAN_RUNTIME_DIR say: the daemon's own, as bpfmanctl beside it. */
#include <bpfman/bpfman.h>
#include <errno.h>
#include <nghttp2/nghttp2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bpfman.pb-c.h"
#include "bench_util.h"
#include "grpc_frame.h"

struct client {
	int fd;
	nghttp2_session *session;
	int32_t stream;
	bool closed;
	const uint8_t *req; /* framed request, sent as the stream's body */
	size_t req_len, req_off;
	uint8_t out[8192]; /* what nghttp2 gave to send, written at once */
	size_t out_len;
	uint8_t reply[65536];
	size_t reply_len;
	char status[8], message[512];
};

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "grpc_load_attach: %s: %s\n", what, detail);
	exit(1);
}

/* nghttp2 hands over a request frame by frame (HEADERS, then DATA): they
 * are gathered here and written with one write(), as gRPC's own clients
 * do, so the daemon is woken once per call, not once per frame. */
static ssize_t on_send(nghttp2_session *s, const uint8_t *data, size_t len, int flags, void *user)
{
	struct client *c = user;

	(void)s;
	(void)flags;
	if (len > sizeof(c->out) - c->out_len)
		return c->out_len ? NGHTTP2_ERR_WOULDBLOCK : NGHTTP2_ERR_CALLBACK_FAILURE;
	memcpy(c->out + c->out_len, data, len);
	c->out_len += len;
	return (ssize_t)len;
}

static int flush_out(struct client *c)
{
	size_t off = 0;

	while (off < c->out_len) {
		ssize_t n = write(c->fd, c->out + off, c->out_len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	c->out_len = 0;
	return 0;
}

/* Everything nghttp2 has to send, in as few writes as the buffer allows. */
static int send_all(struct client *c)
{
	while (nghttp2_session_want_write(c->session)) {
		if (nghttp2_session_send(c->session) || flush_out(c))
			return -1;
	}
	return flush_out(c);
}

static ssize_t read_body(nghttp2_session *s, int32_t stream, uint8_t *buf, size_t len,
			 uint32_t *flags, nghttp2_data_source *src, void *user)
{
	struct client *c = user;
	size_t n = c->req_len - c->req_off;

	(void)s;
	(void)stream;
	(void)src;
	if (n > len)
		n = len;
	memcpy(buf, c->req + c->req_off, n);
	c->req_off += n;
	if (c->req_off == c->req_len)
		*flags |= NGHTTP2_DATA_FLAG_EOF;
	return (ssize_t)n;
}

static int on_data(nghttp2_session *s, uint8_t flags, int32_t stream, const uint8_t *data,
		   size_t len, void *user)
{
	struct client *c = user;

	(void)s;
	(void)flags;
	if (stream != c->stream)
		return 0;
	if (len > sizeof(c->reply) - c->reply_len)
		return NGHTTP2_ERR_CALLBACK_FAILURE;
	memcpy(c->reply + c->reply_len, data, len);
	c->reply_len += len;
	return 0;
}

static int on_header(nghttp2_session *s, const nghttp2_frame *frame, const uint8_t *name,
		     size_t name_len, const uint8_t *value, size_t value_len, uint8_t flags,
		     void *user)
{
	struct client *c = user;

	(void)s;
	(void)flags;
	if (frame->hd.stream_id != c->stream)
		return 0;
	if (name_len == 11 && !memcmp(name, "grpc-status", 11))
		snprintf(c->status, sizeof(c->status), "%.*s", (int)value_len, (const char *)value);
	else if (name_len == 12 && !memcmp(name, "grpc-message", 12))
		snprintf(c->message, sizeof(c->message), "%.*s", (int)value_len, (const char *)value);
	return 0;
}

static int on_close(nghttp2_session *s, int32_t stream, uint32_t error, void *user)
{
	struct client *c = user;

	(void)s;
	(void)error;
	if (stream == c->stream)
		c->closed = true;
	return 0;
}

static void connect_to(struct client *c, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	nghttp2_session_callbacks *cb;

	if (strlen(path) >= sizeof(sa.sun_path))
		die(path, "socket path too long");
	strcpy(sa.sun_path, path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)))
		die(path, strerror(errno));
	if (nghttp2_session_callbacks_new(&cb))
		die("nghttp2", "out of memory");
	nghttp2_session_callbacks_set_send_callback(cb, on_send);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data);
	nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
	nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_close);
	if (nghttp2_session_client_new(&c->session, cb, c))
		die("nghttp2", "cannot create a client session");
	nghttp2_session_callbacks_del(cb);
	if (nghttp2_submit_settings(c->session, NGHTTP2_FLAG_NONE, NULL, 0))
		die("nghttp2", "cannot queue SETTINGS");
}

/* One unary call: msg packed and framed as the request; returns the reply's
 * message (inside c->reply) and its length. Any status but OK is fatal. */
static const uint8_t *call(struct client *c, const char *method, const ProtobufCMessage *msg,
			   size_t *ret_len)
{
	uint8_t req[4096];
	size_t n = protobuf_c_message_get_packed_size(msg);
	char path[128];
	const uint8_t *out;
	const char *why = NULL;
	nghttp2_data_provider body = { .read_callback = read_body };

	if (n + GRPC_PREFIX_LEN > sizeof(req))
		die(method, "request too large");
	grpc_frame_prefix(req, n);
	protobuf_c_message_pack(msg, req + GRPC_PREFIX_LEN);
	snprintf(path, sizeof(path), "/bpfman.v1.Bpfman/%s", method);
	nghttp2_nv hdrs[] = {
#define NV(k, v) { (uint8_t *)(k), (uint8_t *)(v), strlen(k), strlen(v), NGHTTP2_NV_FLAG_NONE }
		NV(":method", "POST"), NV(":scheme", "http"), NV(":authority", "localhost"),
		NV(":path", path), NV("content-type", "application/grpc"), NV("te", "trailers"),
#undef NV
	};
	c->req = req;
	c->req_len = n + GRPC_PREFIX_LEN;
	c->req_off = 0;
	c->reply_len = 0;
	c->closed = false;
	c->status[0] = c->message[0] = '\0';
	c->stream = nghttp2_submit_request(c->session, NULL, hdrs, sizeof(hdrs) / sizeof(hdrs[0]),
					   &body, c);
	if (c->stream < 0)
		die(method, nghttp2_strerror(c->stream));
	while (!c->closed) {
		uint8_t buf[16384];
		ssize_t got;

		if (send_all(c))
			die(method, "sending failed");
		if (c->closed)
			break;
		got = read(c->fd, buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			die(method, got ? strerror(errno) : "the server closed the connection");
		if (nghttp2_session_mem_recv(c->session, buf, (size_t)got) < 0)
			die(method, "malformed HTTP/2 from the server");
	}
	if (strcmp(c->status, "0"))
		die(method, c->message[0] ? c->message : "no grpc-status 0");
	if (grpc_frame_unary(c->reply, c->reply_len, sizeof(c->reply), &out, ret_len, &why) != GRPC_OK)
		die(method, why);
	return out;
}

static uint32_t load(struct client *c, const char *obj)
{
	Bpfman__V1__BytecodeLocation loc = BPFMAN__V1__BYTECODE_LOCATION__INIT;
	Bpfman__V1__LoadInfo info = BPFMAN__V1__LOAD_INFO__INIT;
	Bpfman__V1__LoadInfo *infos[] = { &info };
	Bpfman__V1__LoadRequest req = BPFMAN__V1__LOAD_REQUEST__INIT;
	Bpfman__V1__LoadResponse *resp;
	const uint8_t *msg;
	size_t len;
	uint32_t id;

	loc.location_case = BPFMAN__V1__BYTECODE_LOCATION__LOCATION_FILE;
	loc.file = (char *)obj;
	info.name = "count_getpid";
	info.program_type = BPFMAN__V1__BPFMAN_PROGRAM_TYPE__TRACEPOINT;
	req.bytecode = &loc;
	req.n_info = 1;
	req.info = infos;
	msg = call(c, "Load", &req.base, &len);
	resp = bpfman__v1__load_response__unpack(NULL, len, msg);
	if (!resp || resp->n_programs != 1 || !resp->programs[0]->kernel_info)
		die("Load", "the reply does not hold one program");
	id = resp->programs[0]->kernel_info->id;
	bpfman__v1__load_response__free_unpacked(resp, NULL);
	return id;
}

static uint32_t attach(struct client *c, uint32_t id)
{
	Bpfman__V1__TracepointAttachInfo tp = BPFMAN__V1__TRACEPOINT_ATTACH_INFO__INIT;
	Bpfman__V1__AttachInfo ai = BPFMAN__V1__ATTACH_INFO__INIT;
	Bpfman__V1__AttachRequest req = BPFMAN__V1__ATTACH_REQUEST__INIT;
	Bpfman__V1__AttachResponse *resp;
	const uint8_t *msg;
	size_t len;
	uint32_t link;

	tp.tracepoint = "syscalls/sys_enter_getpid";
	ai.info_case = BPFMAN__V1__ATTACH_INFO__INFO_TRACEPOINT_ATTACH_INFO;
	ai.tracepoint_attach_info = &tp;
	req.id = id;
	req.attach = &ai;
	msg = call(c, "Attach", &req.base, &len);
	resp = bpfman__v1__attach_response__unpack(NULL, len, msg);
	if (!resp || !resp->link_id)
		die("Attach", "the reply holds no link ID");
	link = resp->link_id;
	bpfman__v1__attach_response__free_unpacked(resp, NULL);
	return link;
}

static void detach_unload(struct client *c, uint32_t link, uint32_t id)
{
	Bpfman__V1__DetachRequest d = BPFMAN__V1__DETACH_REQUEST__INIT;
	Bpfman__V1__UnloadRequest u = BPFMAN__V1__UNLOAD_REQUEST__INIT;
	size_t len;

	d.link_id = link;
	u.id = id;
	if (link)
		(void)call(c, "Detach", &d.base, &len);
	(void)call(c, "Unload", &u.base, &len);
}

/* One in-process Load+Attach, timed, then its untimed Detach and Unload. */
static double inproc_side(struct bpfman_ctx *ctx, const char *obj)
{
	uint32_t id;
	uint64_t link;
	double t0 = bench_now_us(), t;

	bench_handlers_load_attach("grpc_load_attach", ctx, obj, &id, &link);
	t = bench_now_us() - t0;
	if (bpfman_link__detach(ctx, link) || bpfman_program__unload(ctx, id, NULL))
		die("libbpfman detach/unload", bpfman_errmsg(ctx));
	return t;
}

static double daemon_load_attach(struct client *c, const char *obj, uint32_t *ret_id,
				 uint32_t *ret_link)
{
	double t0 = bench_now_us();

	*ret_id = load(c, obj);
	*ret_link = attach(c, *ret_id);
	return bench_now_us() - t0;
}

int main(int argc, char **argv)
{
	struct client c = { .fd = -1 };
	struct bpfman_ctx *ctx = NULL;
	double *t, *ti = NULL, *ratio = NULL;
	uint32_t sentinel;
	bool paired;
	int iters;

	paired = argc == 5 && !strcmp(argv[4], "paired");
	if ((argc != 4 && !paired) || (iters = atoi(argv[3])) < 1) {
		fprintf(stderr, "usage: %s SOCKET TRACEPOINT_OBJECT ITERATIONS [paired]\n", argv[0]);
		return 2;
	}
	t = calloc((size_t)iters, sizeof(*t));
	if (paired) {
		ti = calloc((size_t)iters, sizeof(*ti));
		ratio = calloc((size_t)iters, sizeof(*ratio));
		ctx = bench_ctx_open("grpc_load_attach");
	}
	if (!t || (paired && (!ti || !ratio)))
		die("memory", strerror(errno));
	connect_to(&c, argv[1]);
	sentinel = load(&c, argv[2]);
	for (int i = -1; i < iters; i++) {
		uint32_t id, link;
		double td, tin = 0;

		/* Each timed Load+Attach follows a Detach and Unload, on both
		 * sides and in both orders: a load right after another load
		 * finds the kernel's paths warm and is ~20% faster, which
		 * would flatter whichever side went second. */
		if (paired && (i & 1))
			tin = inproc_side(ctx, argv[2]);
		td = daemon_load_attach(&c, argv[2], &id, &link);
		detach_unload(&c, link, id);
		if (paired && !(i & 1))
			tin = inproc_side(ctx, argv[2]);
		if (i < 0)
			continue;
		t[i] = td;
		if (paired) {
			ti[i] = tin;
			ratio[i] = td / tin;
		}
	}
	detach_unload(&c, 0, sentinel);
	if (paired)
		printf("paired %d %.1f %.1f %.3f\n", iters, bench_median(t, (size_t)iters),
		       bench_median(ti, (size_t)iters), bench_median(ratio, (size_t)iters));
	else
		printf("load-attach %d %.1f\n", iters, bench_median(t, (size_t)iters));
	nghttp2_session_del(c.session);
	close(c.fd);
	bpfman_ctx_free(ctx);
	free(t);
	free(ti);
	free(ratio);
	return 0;
}
