/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bpfmand: bpfman's gRPC API over libbpfman (doc/bpfmand.md). Options and
 * environment follow bpfmanctl's global options; the loop is libev, and
 * libsystemd is opened only when systemd asks for it (systemd.h).
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef BPFMAND_SYSTEM_SQLITE
#include <sqlite3.h>
#endif

#include "events.h"
#include "server.h"
#include "systemd.h"
#include "tls.h"

#define DEFAULT_LISTEN "unix:/run/bpfman-sock/bpfman.sock"
#define MAX_LISTEN 8

enum {
	KEY_STATE_DIR = 256,
	KEY_BPFFS_ROOT,
	KEY_RUNTIME_DIR,
	KEY_IMAGE_CACHE_DIR,
	KEY_CONFIG,
	KEY_VERSION,
	KEY_IDLE_EXIT,
	KEY_MAX_CONNS,
	KEY_MAX_STREAMS,
	KEY_IDLE_TIMEOUT,
	KEY_HEADER_TIMEOUT,
	KEY_RESTORE,
	KEY_TLS_CA,
	KEY_TLS_CERT,
	KEY_TLS_KEY,
};

static const struct option longopts[] = {
	{ "listen", required_argument, NULL, 'l' },
	{ "state-dir", required_argument, NULL, KEY_STATE_DIR },
	{ "bpffs-root", required_argument, NULL, KEY_BPFFS_ROOT },
	{ "runtime-dir", required_argument, NULL, KEY_RUNTIME_DIR },
	{ "image-cache-dir", required_argument, NULL, KEY_IMAGE_CACHE_DIR },
	{ "config", required_argument, NULL, KEY_CONFIG },
	{ "idle-exit", required_argument, NULL, KEY_IDLE_EXIT },
	{ "max-connections", required_argument, NULL, KEY_MAX_CONNS },
	{ "max-streams", required_argument, NULL, KEY_MAX_STREAMS },
	{ "idle-timeout", required_argument, NULL, KEY_IDLE_TIMEOUT },
	{ "header-timeout", required_argument, NULL, KEY_HEADER_TIMEOUT },
	{ "restore", no_argument, NULL, KEY_RESTORE },
	{ "tls-ca", required_argument, NULL, KEY_TLS_CA },
	{ "tls-cert", required_argument, NULL, KEY_TLS_CERT },
	{ "tls-key", required_argument, NULL, KEY_TLS_KEY },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, KEY_VERSION },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	printf("Usage: bpfmand [OPTIONS]\n\n"
	       "Serves bpfman's gRPC API (bpfman.v1.Bpfman, grpc.health.v1.Health) over\n"
	       "libbpfman, for clients without BPF privileges.\n\n"
	       "Options:\n"
	       "  -l, --listen ADDRESS        unix:PATH or tcp:HOST:PORT (mutual TLS), repeatable\n"
	       "                              [default " DEFAULT_LISTEN "];\n"
	       "                              ignored when systemd passes sockets (LISTEN_FDS)\n"
	       "      --tls-ca FILE           CA whose client certificates are accepted (tcp:)\n"
	       "      --tls-cert FILE         server certificate chain, PEM (tcp:)\n"
	       "      --tls-key FILE          its private key, PEM (tcp:)\n"
	       "      --state-dir DIR         [env BPFMAN_STATE_DIR; default /var/lib/bpfman]\n"
	       "      --bpffs-root DIR        [env BPFMAN_BPFFS_ROOT; default /sys/fs/bpf/bpfman]\n"
	       "      --runtime-dir DIR       [env BPFMAN_RUNTIME_DIR; default /run/bpfman]\n"
	       "      --image-cache-dir DIR   [env BPFMAN_IMAGE_CACHE_DIR; default /var/cache/bpfman]\n"
	       "      --config FILE           [default /etc/bpfman/bpfman.yaml]\n"
	       "      --idle-exit SECONDS     socket-activated: exit after this long without\n"
	       "                              a connection [default 60; 0 never]\n"
	       "      --max-connections N     [default 64]\n"
	       "      --max-streams N         concurrent calls per connection [default 100]\n"
	       "      --idle-timeout SECONDS  close a silent connection [default 300]\n"
	       "      --header-timeout SECONDS  a new connection's first request must\n"
	       "                              arrive within [default 10]\n"
	       "      --restore               at start, re-create recorded programs and links\n"
	       "                              the kernel lost (after a reboot)\n"
	       "  -v, --verbose               library messages: -v info, -vv debug\n"
	       "      --version               show the version and exit\n"
	       "  -h, --help                  show this help and exit\n");
}

static const char *env_or_null(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static void log_to_stderr(enum bpfman_log_level level, const char *msg, void *user_data)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };

	(void)user_data;
	fprintf(stderr, "bpfmand: %s: %s\n",
		(unsigned)level <= BPFMAN_LOG_DEBUG ? names[level] : "log", msg);
}

static int parse_uint(const char *opt, const char *arg, unsigned long max,
		      unsigned long *ret)
{
	char *end;

	errno = 0;
	*ret = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || *arg == '-' || *ret > max) {
		fprintf(stderr, "bpfmand: --%s '%s': expected a number from 0 to %lu\n",
			opt, arg, max);
		return -1;
	}
	return 0;
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct server *srv = w->data;

	(void)revents;
	if (srv->draining)
		return;
	/* Every RPC already received has run (calls run to completion); stop
	 * accepting, let connections send what they owe, then exit. Programs
	 * stay attached: the daemon holds none of them. */
	srv->draining = true;
	listen_close_all();
	systemd_notify("STOPPING=1");
	/* Changes committed before the signal reach the watchers before
	 * their streams end. */
	events_pump(srv);
	h2_conn_drain_all(srv);
	if (!srv->conn_cnt)
		ev_break(loop, EVBREAK_ALL);
}

void server_conn_closed(struct server *srv)
{
	if (srv->draining && !srv->conn_cnt)
		ev_break(srv->loop, EVBREAK_ALL);
	else if (!srv->conn_cnt && srv->limits.exit_idle_usec)
		server_timer_arm(srv, &srv->exit_idle, srv->limits.exit_idle_usec);
}

static void on_exit_idle(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct server *srv = w->data;

	(void)revents;
	if (!srv->conn_cnt) {
		/* systemd keeps the socket and starts us again on demand. */
		srv->draining = true;
		systemd_notify("STOPPING=1");
		ev_break(loop, EVBREAK_ALL);
	}
}

/* A List of 1,000 programs allocates a few MB that free() keeps in the
 * heap; handing them back right away would cost the next call page faults,
 * so it waits until calls have stopped for a second. */
#define TRIM_DELAY_USEC 1000000

static void on_trim(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	malloc_trim(0);
}

void server_call_done(struct server *srv)
{
	server_timer_arm(srv, &srv->trim, TRIM_DELAY_USEC);
}

static const struct grpc_method *const services[] = {
	svc_bpfman_methods,
	svc_health_methods,
	svc_reflection_methods,
	svc_manager_methods,
	NULL,
};

int main(int argc, char **argv)
{
	const char *listen_addrs[MAX_LISTEN];
	int listen_cnt = 0, verbose = 0, inherited = 0, c, err, level;
	const char *tls_ca = NULL, *tls_cert = NULL, *tls_key = NULL;
	struct tls_ctx *tls = NULL;
	bool want_tcp = false, restore = false;
	unsigned long v, idle_exit = 60, idle_timeout = 300, header_timeout = 10;
	struct server srv = {
		.services = services,
		.feed_fd = -1,
		.limits = {
			.max_streams = 100,
			.max_conns = 64,
			.handshake_usec = 10 * 1000000ULL,
		},
	};
	BPFMAN_OPTS(bpfman_ctx_opts, opts,
		    .state_dir = env_or_null("BPFMAN_STATE_DIR"),
		    .bpffs_root = env_or_null("BPFMAN_BPFFS_ROOT"),
		    .runtime_dir = env_or_null("BPFMAN_RUNTIME_DIR"),
		    .image_cache_dir = env_or_null("BPFMAN_IMAGE_CACHE_DIR"),
		    .log_fn = log_to_stderr);

	while ((c = getopt_long(argc, argv, "l:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (listen_cnt == MAX_LISTEN) {
				fprintf(stderr, "bpfmand: at most %d --listen addresses\n", MAX_LISTEN);
				return 2;
			}
			listen_addrs[listen_cnt++] = optarg;
			break;
		case KEY_TLS_CA: tls_ca = optarg; break;
		case KEY_TLS_CERT: tls_cert = optarg; break;
		case KEY_TLS_KEY: tls_key = optarg; break;
		case KEY_STATE_DIR: opts.state_dir = optarg; break;
		case KEY_BPFFS_ROOT: opts.bpffs_root = optarg; break;
		case KEY_RUNTIME_DIR: opts.runtime_dir = optarg; break;
		case KEY_IMAGE_CACHE_DIR: opts.image_cache_dir = optarg; break;
		case KEY_CONFIG: opts.config_path = optarg; break;
		case KEY_IDLE_EXIT:
			if (parse_uint("idle-exit", optarg, 86400 * 365, &idle_exit))
				return 2;
			break;
		case KEY_IDLE_TIMEOUT:
			if (parse_uint("idle-timeout", optarg, 86400 * 365, &idle_timeout))
				return 2;
			break;
		case KEY_RESTORE: restore = true; break;
		case KEY_HEADER_TIMEOUT:
			if (parse_uint("header-timeout", optarg, 3600, &header_timeout) || !header_timeout)
				return 2;
			break;
		case KEY_MAX_CONNS:
			if (parse_uint("max-connections", optarg, 65536, &v) || !v)
				return 2;
			srv.limits.max_conns = (uint32_t)v;
			break;
		case KEY_MAX_STREAMS:
			if (parse_uint("max-streams", optarg, 65536, &v) || !v)
				return 2;
			srv.limits.max_streams = (uint32_t)v;
			break;
		case 'v': verbose++; break;
		case KEY_VERSION:
			printf("bpfmand %s (libbpfman %s)\n", BPFMAN_VERSION_STRING,
			       bpfman_version_string());
			return 0;
		case 'h':
			usage();
			return 0;
		default:
			fprintf(stderr, "Try 'bpfmand --help'.\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "bpfmand: unexpected argument '%s'\nTry 'bpfmand --help'.\n", argv[optind]);
		return 2;
	}
	for (int i = 0; i < listen_cnt; i++)
		want_tcp |= !strncmp(listen_addrs[i], "tcp:", 4);
	if (want_tcp && (!tls_ca || !tls_cert || !tls_key)) {
		fprintf(stderr, "bpfmand: --listen tcp: needs --tls-ca, --tls-cert and --tls-key (mutual TLS; there is no plaintext TCP)\n");
		return 2;
	}
	if ((tls_ca || tls_cert || tls_key) && !want_tcp) {
		fprintf(stderr, "bpfmand: --tls-* options apply to tcp: listeners; add --listen tcp:HOST:PORT\n");
		return 2;
	}
	if (want_tcp && !(tls = tls_server_ctx(tls_ca, tls_cert, tls_key)))
		return 1;
	srv.limits.idle_usec = idle_timeout * 1000000ULL;
	srv.limits.handshake_usec = header_timeout * 1000000ULL;
	srv.limits.exit_idle_usec = idle_exit * 1000000ULL;
	level = BPFMAN_LOG_WARN + verbose;
	opts.log_level = level > BPFMAN_LOG_DEBUG ? BPFMAN_LOG_DEBUG : (enum bpfman_log_level)level;

	/* SQLite's page cache gives each connection one block of 20 pages at
	 * its first read and writes a header into every one (~90 KB resident
	 * at once, for a start that reads a handful of pages); without that
	 * block pages are allocated as they are read. The setting is
	 * process-wide, so the program makes it, before the library's first
	 * SQLite call (sqlite3_config must precede sqlite3_initialize). The
	 * SQLite compiled into libbpfman.so (-Dsqlite=bundled) is built
	 * without the block, and its symbols are the library's own. */
#ifdef BPFMAND_SYSTEM_SQLITE
	sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
#endif
	err = bpfman_ctx_new(&srv.ctx, &opts);
	if (err) {
		fprintf(stderr, "bpfmand: error: %s\n", bpfman_errmsg(NULL));
		tls_ctx_free(tls);
		return 1;
	}
	/* bpfman_ctx_new reconciled the state with the kernel; after a reboot
	 * restore re-creates what the kernel lost (items still loaded are left
	 * alone, so this is harmless on every start). */
	if (restore) {
		struct bpfman_report *rep = NULL;

		if (bpfman_restore(&rep, srv.ctx)) {
			fprintf(stderr, "bpfmand: error: restore: %s\n", bpfman_errmsg(srv.ctx));
			err = -1;
			goto out;
		}
		for (size_t i = 0; i < bpfman_report__cnt(rep); i++)
			fprintf(stderr, "bpfmand: restore: %s\n", bpfman_report__message(rep, i));
		fprintf(stderr, "bpfmand: restore: %zu items, %zu failed\n", bpfman_report__cnt(rep),
			bpfman_report__failures(rep));
		bpfman_report__free(rep);
	}
	/* Checks the authorization section now, not at the first call. */
	{
		BPFMAN_OPTS(bpfman_identity, root, .has_unix_cred = true);
		BPFMAN_OPTS(bpfman_authz_request, req, .operation = "start", .role = BPFMAN_ROLE_READ);

		if (bpfman_authorize(NULL, srv.ctx, &root, &req) == -EINVAL) {
			fprintf(stderr, "bpfmand: error: %s\n", bpfman_errmsg(srv.ctx));
			err = -1;
			goto out;
		}
	}
	/* Not libev's default loop: that one reaps every child (SIGCHLD),
	 * which would take exit statuses from the library's own waitpid. The
	 * signals arrive through a signalfd (libev blocks them). */
	srv.loop = ev_loop_new(EVBACKEND_EPOLL | EVFLAG_SIGNALFD | EVFLAG_NOENV);
	if (!srv.loop) {
		fprintf(stderr, "bpfmand: cannot create the event loop (epoll): %s\n", strerror(errno));
		err = -1;
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	ev_signal_init(&srv.sigterm, on_signal, SIGTERM);
	ev_signal_init(&srv.sigint, on_signal, SIGINT);
	srv.sigterm.data = srv.sigint.data = &srv;
	ev_signal_start(srv.loop, &srv.sigterm);
	ev_signal_start(srv.loop, &srv.sigint);
	ev_init(&srv.trim, on_trim);
	ev_init(&srv.exit_idle, on_exit_idle);
	srv.exit_idle.data = &srv;
	if (events_start(&srv)) {
		err = -1;
		goto out;
	}

	/* LISTEN_FDS or NOTIFY_SOCKET: libsystemd until READY=1 is sent. */
	if (systemd_open() < 0) {
		err = -1;
		goto out;
	}
	if ((err = listen_inherited(&srv, &inherited))) {
		err = -1;
		goto out;
	}
	srv.socket_activated = inherited > 0;
	if (!inherited) {
		if (!listen_cnt)
			listen_addrs[listen_cnt++] = DEFAULT_LISTEN;
		for (int i = 0; i < listen_cnt; i++)
			if (listen_add(&srv, listen_addrs[i], tls)) {
				err = -1;
				goto out;
			}
	}
	if (!srv.socket_activated)
		srv.limits.exit_idle_usec = 0; /* only systemd can start us again */
	if (srv.limits.exit_idle_usec)
		server_timer_arm(&srv, &srv.exit_idle, srv.limits.exit_idle_usec);
	/* What start-up (reconcile, restore, schema checks) freed goes back
	 * before we say we are ready, not a second after the first call. */
	malloc_trim(0);
	systemd_notify("READY=1\nSTATUS=serving");
	/* Serving needs nothing of libsystemd; STOPPING=1 opens it again. */
	systemd_close();
	ev_run(srv.loop, 0);
	err = 0;
out:
	/* Every exit after the context opened frees it (a failed start under
	 * LeakSanitizer is a test failure). */
	listen_close_all();
	events_stop(&srv);
	systemd_close();
	if (srv.loop)
		ev_loop_destroy(srv.loop);
	bpfman_ctx_free(srv.ctx);
	tls_ctx_free(tls);
	return err < 0 ? 1 : 0;
}
