/* SPDX-License-Identifier: Apache-2.0 */
/* Running a piece of work inside another network namespace: network attach
 * points may name one (e.g. /var/run/netns/blue). The calling thread moves
 * there and back; nothing else in the process is affected. */
#ifndef BPFMAN_NETNS_H
#define BPFMAN_NETNS_H

struct bpfman_ctx;

struct netns_guard {
	int saved_fd; /* our own namespace, -1 when we did not move */
};

/* path NULL or "" stays put. Refuses a path that is not a network
 * namespace with a sentence. */
int netns_enter(struct bpfman_ctx *ctx, const char *path, struct netns_guard *guard);
void netns_leave(struct netns_guard *guard);

/* The interface index of name in the current namespace, or a sentence
 * naming the interface and the namespace. */
int netns_ifindex(struct bpfman_ctx *ctx, const char *name, const char *netns, int *ret);

#endif
