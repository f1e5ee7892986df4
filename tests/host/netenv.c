// SPDX-License-Identifier: Apache-2.0
#include "netenv.h"
#include "harness.h"

#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Environments to remove if the test ends early (a failed assertion
 * exits the test process). */
static struct netenv *live[8];

static void destroy_at_exit(void)
{
	for (size_t i = 0; i < 8; i++)
		if (live[i])
			netenv_destroy(live[i]);
}

static void sh(const char *cmd)
{
	ck_assert_msg(system(cmd) == 0, "command failed: %s", cmd);
}

/* A /24 no interface here uses yet: another run (or one killed before it
 * could clean up) may hold the one our pid hashes to, and a duplicate
 * route would send our pings to its namespace. */
static int free_subnet(int start)
{
	for (int i = 0; i < 250; i++) {
		int id = (start + i) % 250 + 1;
		char cmd[128], out[64] = "";
		FILE *f;

		snprintf(cmd, sizeof(cmd), "ip -o addr show to 10.231.%d.0/24 2>/dev/null", id);
		f = popen(cmd, "r");
		if (!f)
			continue;
		if (!fgets(out, sizeof(out), f)) {
			pclose(f);
			return id;
		}
		pclose(f);
	}
	ck_abort_msg("no free 10.231.x.0/24 test subnet");
	return -1;
}

void netenv_create(struct netenv *env)
{
	static int n;
	int id = free_subnet(getpid() + n++);
	char host_ip[32];

	snprintf(env->ns, sizeof(env->ns), "bpfmt%d-%d", getpid(), n);
	snprintf(env->ns_path, sizeof(env->ns_path), "/var/run/netns/%s", env->ns);
	snprintf(env->host_if, sizeof(env->host_if), "bpfmh%d", getpid() % 100000 * 10 + n);
	snprintf(env->peer_if, sizeof(env->peer_if), "bpfmp%d", getpid() % 100000 * 10 + n);
	snprintf(host_ip, sizeof(host_ip), "10.231.%d.1", id);
	snprintf(env->peer_ip, sizeof(env->peer_ip), "10.231.%d.2", id);
	static bool registered;

	for (size_t i = 0; i < 8; i++)
		if (!live[i]) {
			live[i] = env;
			break;
		}
	if (!registered) {
		atexit(destroy_at_exit);
		registered = true;
	}
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "ip netns add %s && ip link add name %s type veth peer name %s netns %s && "
		 "ip addr add %s/24 dev %s && ip link set dev %s up && "
		 "ip -n %s addr add %s/24 dev %s && ip -n %s link set dev %s up && "
		 "ip -n %s link set dev lo up",
		 env->ns, env->host_if, env->peer_if, env->ns, host_ip, env->host_if, env->host_if,
		 env->ns, env->peer_ip, env->peer_if, env->ns, env->peer_if, env->ns);
	sh(cmd);
	/* Permanent neighbour entries: a chain that drops must not also starve
	 * ARP, so every ping is exactly one IP packet each way. */
	snprintf(cmd, sizeof(cmd),
		 "ip neigh replace %s dev %s nud permanent "
		 "lladdr $(ip -n %s -br link show dev %s | awk '{print $3}') && "
		 "ip -n %s neigh replace %s dev %s nud permanent "
		 "lladdr $(cat /sys/class/net/%s/address)",
		 env->peer_ip, env->host_if, env->ns, env->peer_if,
		 env->ns, host_ip, env->peer_if, env->host_if);
	sh(cmd);
}

/* ping's summary line; sent and got stay as they are when there is none. */
static void read_ping_summary(FILE *f, int *sent, int *got)
{
	char line[256];

	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%d packets transmitted, %d received", sent, got) == 2)
			return;
}

int netenv_ping(const struct netenv *env, int n)
{
	char cmd[256];
	FILE *f;
	int sent = 0, got = 0;

	snprintf(cmd, sizeof(cmd), "ping -c %d -i 0.05 -W 1 -q %s 2>/dev/null", n, env->peer_ip);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	read_ping_summary(f, &sent, &got);
	pclose(f);
	return got;
}

void netenv_assert_rebuilds_drop_all(const struct netenv *env, void (*rebuild)(int i),
				     uint64_t (*packets)(void))
{
	char out[64];
	struct timespec t0, t;
	int rebuilds = 0, sent = -1, answered = -1;
	pid_t pid;
	FILE *f;

	snprintf(out, sizeof(out), "/tmp/netenv-flood-%d", getpid());
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fd, 1);
		dup2(fd, 2);
		execlp("ping", "ping", "-q", "-i", "0.002", "-W", "1", env->peer_ip, (char *)NULL);
		_exit(127);
	}
	usleep(300 * 1000); /* ping is flooding */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		uint64_t seen;

		clock_gettime(CLOCK_MONOTONIC, &t);
		if (rebuilds >= 12 && t.tv_sec - t0.tv_sec >= 3)
			break;
		rebuild(rebuilds++);
		seen = packets();
		for (int ms = 0; packets() == seen; ms++) {
			ck_assert_msg(ms < 5000, "no packet reached the chain within 5 s of rebuild %d",
				      rebuilds);
			usleep(1000);
		}
	}
	kill(pid, SIGINT);
	waitpid(pid, NULL, 0);
	f = fopen(out, "r");
	ck_assert_ptr_nonnull(f);
	read_ping_summary(f, &sent, &answered);
	fclose(f);
	unlink(out);
	fprintf(stderr, "%d rebuilds under a ping flood: %d pings sent, %d answered\n", rebuilds,
		sent, answered);
	ck_assert_int_ge(sent, rebuilds);
	ck_assert_int_eq(answered, 0);
	ck_assert_uint_gt(packets(), (uint64_t)sent / 2);
}

void netenv_destroy(struct netenv *env)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "ip link del %s 2>/dev/null; ip netns del %s 2>/dev/null",
		 env->host_if, env->ns);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: cleanup of %s failed\n", env->ns);
	for (size_t i = 0; i < 8; i++)
		if (live[i] == env)
			live[i] = NULL;
}

uint64_t attach_net(struct harness *h, uint32_t id, enum bpfman_program_type t,
			   const struct netenv *env, int prio, enum bpfman_direction dir)
{
	BPFMAN_OPTS(bpfman_attach_opts, a, .iface = env->peer_if, .netns = env->ns_path,
		    .priority = prio, .direction = dir);
	uint64_t link = 0;
	int err = bpfman_program__attach(&link, h->ctx, id, &a);

	ck_assert_msg(err == 0, "attach %s: %d %s", bpfman_program_type_name(t), err,
		      bpfman_errmsg(h->ctx));
	return link;
}

int32_t position_of(struct harness *h, uint64_t link)
{
	struct bpfman_link *l = NULL;
	int32_t pos;

	ck_assert_int_eq(bpfman_link__get(&l, h->ctx, link), 0);
	pos = bpfman_link__position(l);
	bpfman_link__free(l);
	return pos;
}
