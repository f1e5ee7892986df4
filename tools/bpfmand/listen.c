/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Listening sockets: those systemd passes (LISTEN_FDS, read by libsystemd's
 * sd_listen_fds, systemd.h) and those --listen asks for: unix:PATH, and
 * tcp:HOST:PORT always with mutual TLS (there is no plaintext TCP by
 * design).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netdb.h>
#include <sys/un.h>
#include <unistd.h>

#include "server.h"
#include "systemd.h"

#define MAX_LISTENERS 16

static struct listener {
	struct server *srv;
	int fd;
	char *unlink_path; /* our socket file, removed at exit */
	struct tls_ctx *tls;      /* tcp: mutual TLS */
	ev_io io;
} listeners[MAX_LISTENERS];
static int listener_cnt;

static void on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
	struct listener *l = w->data;
	struct server *srv = l->srv;
	int cfd, fd = w->fd;

	(void)revents;
	for (;;) {
		cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				fprintf(stderr, "bpfmand: warning: accept: %s\n", strerror(errno));
			return;
		}
		if (srv->draining || srv->conn_cnt >= srv->limits.max_conns) {
			/* Over the limit: refuse this one, keep the others. */
			close(cfd);
			continue;
		}
		ev_timer_stop(loop, &srv->exit_idle);
		h2_conn_start(srv, cfd, l->tls);
	}
}

static int add_fd(struct server *srv, int fd, const char *unlink_path, struct tls_ctx *tls)
{
	struct listener *l;

	if (listener_cnt == MAX_LISTENERS) {
		fprintf(stderr, "bpfmand: at most %d listening sockets\n", MAX_LISTENERS);
		return -E2BIG;
	}
	l = &listeners[listener_cnt];
	l->srv = srv;
	l->fd = fd;
	l->tls = tls;
	l->unlink_path = unlink_path ? strdup(unlink_path) : NULL;
	if (unlink_path && !l->unlink_path)
		return -ENOMEM;
	ev_io_init(&l->io, on_accept, fd, EV_READ);
	l->io.data = l;
	ev_io_start(srv->loop, &l->io);
	listener_cnt++;
	return 0;
}

int listen_inherited(struct server *srv, int *ret_cnt)
{
	/* systemd_open() (main.c) opened libsystemd if LISTEN_FDS is set. */
	int n = sym_sd_listen_fds ? sym_sd_listen_fds(1) : 0, err;

	*ret_cnt = n > 0 ? n : 0;
	for (int i = 0; i < n; i++) {
		int fd = SD_LISTEN_FDS_START + i;

		if (sym_sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) <= 0) {
			fprintf(stderr, "bpfmand: passed file descriptor %d is not a listening stream socket; fix the .socket unit\n", fd);
			return -EINVAL;
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		/* Passed sockets are unix sockets: a TCP one would need TLS
		 * settings systemd cannot pass. */
		if (sym_sd_is_socket_unix(fd, SOCK_STREAM, 1, NULL, 0) <= 0) {
			fprintf(stderr, "bpfmand: passed socket %d is not a unix stream socket; serve TCP with --listen tcp:HOST:PORT and TLS options instead\n", fd);
			return -EINVAL;
		}
		if ((err = add_fd(srv, fd, NULL, NULL)))
			return err;
	}
	return 0;
}

/* A socket file left by a daemon that died is replaced; one still answered
 * by a running daemon is not. */
static int clear_stale(const char *path, const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, live;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "bpfmand: %s exists and is not a socket; remove it or choose another --listen path\n", path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	live = !connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (live) {
		fprintf(stderr, "bpfmand: another server already answers on %s; stop it or choose another --listen path\n", path);
		return -EADDRINUSE;
	}
	return unlink(path) ? -errno : 0;
}

static int listen_unix(struct server *srv, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *dir, *slash;
	int fd, err;

	if (!*path || strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "bpfmand: unix socket path '%s' is empty or longer than %zu bytes\n",
			path, sizeof(sa.sun_path) - 1);
		return -EINVAL;
	}
	strcpy(sa.sun_path, path);
	/* The directory holding the socket, made when missing (0755: access
	 * is decided by the socket's own mode). */
	dir = strdup(path);
	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0755) && errno != EEXIST) {
			err = -errno;
			fprintf(stderr, "bpfmand: cannot create %s: %s\n", dir, strerror(errno));
			free(dir);
			return err;
		}
	}
	free(dir);
	if ((err = clear_stale(path, &sa)))
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0660) ||
	    listen(fd, 128)) {
		err = -errno;
		fprintf(stderr, "bpfmand: cannot listen on unix:%s: %s\n", path, strerror(errno));
		close(fd);
		return err;
	}
	return add_fd(srv, fd, path, NULL);
}

static int listen_tcp(struct server *srv, const char *hostport, struct tls_ctx *tls)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	struct addrinfo *ai = NULL;
	char host[256];
	const char *colon = strrchr(hostport, ':');
	size_t hlen;
	int fd, err, one = 1;

	if (!tls) {
		fprintf(stderr, "bpfmand: --listen tcp:%s needs mutual TLS: give --tls-ca, --tls-cert and --tls-key (there is no plaintext TCP)\n", hostport);
		return -EINVAL;
	}
	if (!colon || colon == hostport || !colon[1]) {
		fprintf(stderr, "bpfmand: --listen tcp:%s: expected tcp:HOST:PORT, e.g. tcp:127.0.0.1:50051 or tcp:[::1]:50051\n", hostport);
		return -EINVAL;
	}
	hlen = (size_t)(colon - hostport);
	if (hostport[0] == '[' && hlen >= 2 && hostport[hlen - 1] == ']') {
		hostport++;
		hlen -= 2;
	}
	if (hlen >= sizeof(host))
		return -ENAMETOOLONG;
	memcpy(host, hostport, hlen);
	host[hlen] = 0;
	if ((err = getaddrinfo(host, colon + 1, &hints, &ai))) {
		fprintf(stderr, "bpfmand: --listen tcp:%s: %s\n", hostport, gai_strerror(err));
		return -EINVAL;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 128)) {
		err = -errno;
		fprintf(stderr, "bpfmand: cannot listen on tcp:%s: %s\n", hostport, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return err;
	}
	freeaddrinfo(ai);
	return add_fd(srv, fd, NULL, tls);
}

int listen_add(struct server *srv, const char *address, struct tls_ctx *tls)
{
	if (!strncmp(address, "unix:", 5))
		return listen_unix(srv, address + 5);
	if (!strncmp(address, "tcp:", 4))
		return listen_tcp(srv, address + 4, tls);
	fprintf(stderr, "bpfmand: --listen '%s': expected unix:PATH or tcp:HOST:PORT\n", address);
	return -EINVAL;
}

void listen_close_all(void)
{
	for (int i = 0; i < listener_cnt; i++) {
		ev_io_stop(listeners[i].srv->loop, &listeners[i].io);
		close(listeners[i].fd);
		if (listeners[i].unlink_path) {
			unlink(listeners[i].unlink_path);
			free(listeners[i].unlink_path);
		}
	}
	listener_cnt = 0;
}
