/* SPDX-License-Identifier: Apache-2.0 */
/* A private network for a test: a namespace and a veth pair with
 * addresses, removed at exit (also when the test fails). */
#ifndef TEST_NETENV_H
#define TEST_NETENV_H

struct netenv {
	char ns[32];       /* namespace name */
	char ns_path[64];  /* /var/run/netns/<ns> */
	char host_if[16];  /* veth end in our namespace, 10.x.y.1 */
	char peer_if[16];  /* veth end in ns, 10.x.y.2 */
	char peer_ip[32];
};

void netenv_create(struct netenv *env);
/* Sends n pings from our side to the peer; returns how many were answered. */
int netenv_ping(const struct netenv *env, int n);
void netenv_destroy(struct netenv *env);

#endif
