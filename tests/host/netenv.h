/* SPDX-License-Identifier: Apache-2.0 */
/* A private network for a test: a namespace and a veth pair with
 * addresses, removed at exit (also when the test fails). */
#ifndef TEST_NETENV_H
#define TEST_NETENV_H

#include <bpfman/bpfman.h>
#include <stdint.h>

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

/* Proves that a dropping chain is never missing while it is rebuilt: floods
 * the peer with pings from our side while calling rebuild(0), rebuild(1),
 * ... for at least 3 s and 12 calls, each call waiting until packets() (the
 * chain's counters) has grown, so that every swap happens under traffic
 * however slowly ping runs (under the VM's emulated CPU far below its 500 a
 * second). Asserts that no ping was answered, that there was at least one
 * ping per rebuild, and that the chain saw most of them. */
void netenv_assert_rebuilds_drop_all(const struct netenv *env, void (*rebuild)(int i),
				     uint64_t (*packets)(void));

struct harness;
/* Attaches program id of type t to the peer end inside the namespace;
 * asserts success and returns the link ID. */
uint64_t attach_net(struct harness *h, uint32_t id, enum bpfman_program_type t,
		    const struct netenv *env, int prio, enum bpfman_direction dir);
/* The link's position in its hook's chain. */
int32_t position_of(struct harness *h, uint64_t link);

#endif
