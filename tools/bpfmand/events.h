/* SPDX-License-Identifier: Apache-2.0 */
/* libbpfman.v1.Manager/Watch: events of operations made through this
 * daemon, sent to every open Watch stream as they happen. */
#ifndef BPFMAND_EVENTS_H
#define BPFMAND_EVENTS_H

#include <stdint.h>

struct server;

/* Values of libbpfman.v1.Event.Kind. */
enum event_kind {
	EVENT_LOADED = 1,
	EVENT_ATTACHED = 2,
	EVENT_DETACHED = 3,
	EVENT_UNLOADED = 4,
	EVENT_REPAIRED = 5,
	EVENT_RESTORED = 6,
	EVENT_UPDATED = 7,
};

void events_publish(struct server *srv, enum event_kind kind, uint32_t program_id,
		    uint64_t link_id, const char *message);

#endif
