/* SPDX-License-Identifier: Apache-2.0 */
/* Event messages for Watch streams (events.h); h2_conn.c queues them on
 * each stream. */
#include <stdlib.h>
#include <time.h>

#include "events.h"
#include "manager.pb-c.h"
#include "server.h"

void events_publish(struct server *srv, enum event_kind kind, uint32_t program_id,
		    uint64_t link_id, const char *message)
{
	Libbpfman__V1__Event ev = LIBBPFMAN__V1__EVENT__INIT;
	struct timespec ts;
	uint8_t *buf;
	size_t n;

	if (!srv->watchers)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	ev.kind = (Libbpfman__V1__Event__Kind)kind;
	ev.program_id = program_id;
	ev.link_id = link_id;
	ev.message = (char *)(message ? message : "");
	ev.time_unix_nano = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	n = libbpfman__v1__event__get_packed_size(&ev);
	buf = malloc(GRPC_PREFIX_LEN + n);
	if (!buf)
		return; /* a watcher misses an event rather than the call failing */
	grpc_frame_prefix(buf, n);
	libbpfman__v1__event__pack(&ev, buf + GRPC_PREFIX_LEN);
	h2_publish(srv, buf, GRPC_PREFIX_LEN + n);
	free(buf);
}
