// SPDX-License-Identifier: Apache-2.0
/* Test servers and per-test environments for the registry tests. */
#include "servers.h"

#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "image/manifest.h"
#include "image/registry.h"

#ifndef REGISTRY_SCRIPTS
#error "REGISTRY_SCRIPTS must name tests/registry"
#endif

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "registry tests: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static void copy_field(char *dst, size_t size, const char *line, const char *key)
{
	size_t klen = strlen(key);

	if (!strncmp(line, key, klen) && line[klen] == '=')
		snprintf(dst, size, "%s", line + klen + 1);
}

#define MAX_SERVERS 8
static struct server *started[MAX_SERVERS];
static size_t started_cnt;

void servers_stop_all(void)
{
	for (size_t i = 0; i < started_cnt; i++)
		server_stop(started[i]);
	started_cnt = 0;
}

static pid_t owner_pid;

/* At exit of the test program (not of its forked test children): stop
 * the servers and remove what tests that failed half-way left behind. */
static void cleanup_at_exit(void)
{
	char cmd[256];

	if (getpid() != owner_pid)
		return;
	servers_stop_all();
	snprintf(cmd, sizeof(cmd),
		 "rm -rf /tmp/bpfman-regtest-%d-*; rmdir /sys/fs/bpf/bpfman-regtest-%d-* 2>/dev/null; true",
		 owner_pid, owner_pid);
	if (system(cmd))
		fprintf(stderr, "registry tests: cleanup failed\n");
}

__attribute__((constructor)) static void record_owner(void)
{
	owner_pid = getpid();
	atexit(cleanup_at_exit);
}

void server_start(struct server *s, const char *mode, const char *env)
{
	char cmd[2 * PATH_MAX], path[PATH_MAX + 8], line[1024];
	FILE *f;

	memset(s, 0, sizeof(*s));
	if (started_cnt == MAX_SERVERS)
		die("too many servers");
	snprintf(s->dir, sizeof(s->dir), "/tmp/bpfman-registry-%s-XXXXXX", mode);
	if (!mkdtemp(s->dir))
		die("mkdtemp: %s", strerror(errno));
	snprintf(cmd, sizeof(cmd), "%s '%s/registry-start' %s '%s' >/dev/null",
		 env ? env : "", REGISTRY_SCRIPTS, mode, s->dir);
	if (system(cmd))
		die("registry-start %s failed (see above)", mode);
	snprintf(path, sizeof(path), "%s/env", s->dir);
	f = fopen(path, "r");
	if (!f)
		die("no %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		copy_field(s->mode, sizeof(s->mode), line, "REG_MODE");
		copy_field(s->host, sizeof(s->host), line, "REG_HOST");
		copy_field(s->url, sizeof(s->url), line, "REG_URL");
		copy_field(s->storage, sizeof(s->storage), line, "REG_STORAGE");
		copy_field(s->ca, sizeof(s->ca), line, "REG_CA");
		copy_field(s->user, sizeof(s->user), line, "REG_USER");
		copy_field(s->pass, sizeof(s->pass), line, "REG_PASS");
		copy_field(s->token_stats, sizeof(s->token_stats), line, "TOKEN_STATS_URL");
		copy_field(s->other_host, sizeof(s->other_host), line, "OTHER_HOST");
		copy_field(s->log_url, sizeof(s->log_url), line, "LOG_URL");
		copy_field(s->client_cert, sizeof(s->client_cert), line, "REG_CLIENT_CERT");
		copy_field(s->client_key, sizeof(s->client_key), line, "REG_CLIENT_KEY");
	}
	fclose(f);
	if (!s->host[0])
		die("registry-start %s wrote no REG_HOST", mode);
	if (started_cnt < MAX_SERVERS)
		started[started_cnt++] = s;
}

void server_stop(struct server *s)
{
	char cmd[2 * PATH_MAX];

	if (!s->dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "'%s/registry-stop' '%s' --rm", REGISTRY_SCRIPTS, s->dir);
	if (system(cmd))
		fprintf(stderr, "registry tests: registry-stop %s failed\n", s->dir);
	s->dir[0] = '\0';
}

static void keep_log(enum bpfman_log_level level, const char *msg, void *user)
{
	struct test_env *e = user;
	size_t len = strlen(msg);
	char *n = realloc(e->log, e->log_len + len + 4);

	(void)level;
	if (!n)
		return;
	e->log = n;
	memcpy(e->log + e->log_len, msg, len);
	e->log_len += len;
	e->log[e->log_len++] = '\n';
	e->log[e->log_len] = '\0';
	if (getenv("BPFMAN_TEST_DEBUG"))
		fprintf(stderr, "[lib] %s\n", msg);
}

static int test_seq;

void env_open(struct test_env *e, const char *fmt, ...)
{
	char path[PATH_MAX + 32], bpffs[PATH_MAX], state[PATH_MAX + 8], cache[PATH_MAX + 8];
	char *yaml = NULL;
	va_list ap;
	FILE *f;
	int err;

	memset(e, 0, sizeof(*e));
	snprintf(e->dir, sizeof(e->dir), "/tmp/bpfman-regtest-%d-XXXXXX", owner_pid);
	ck_assert_ptr_nonnull(mkdtemp(e->dir));
	/* No auth file of this machine's may leak into a test: every place
	 * the search looks is inside the test's directory. */
	snprintf(path, sizeof(path), "%s/home", e->dir);
	mkdir(path, 0700);
	setenv("HOME", path, 1);
	snprintf(path, sizeof(path), "%s/run", e->dir);
	mkdir(path, 0700);
	setenv("XDG_RUNTIME_DIR", path, 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("DOCKER_CONFIG");
	unsetenv("REGISTRY_AUTH_FILE");

	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&yaml, fmt, ap), 0);
	va_end(ap);
	snprintf(e->config, sizeof(e->config), "%s/bpfman.yaml", e->dir);
	f = fopen(e->config, "w");
	ck_assert_ptr_nonnull(f);
	fputs(yaml, f);
	fclose(f);
	free(yaml);

	snprintf(state, sizeof(state), "%s/state", e->dir);
	snprintf(cache, sizeof(cache), "%s/cache", e->dir);
	snprintf(bpffs, sizeof(bpffs), "/sys/fs/bpf/bpfman-regtest-%d-%d-%d", owner_pid,
		 getpid(), test_seq++);
	BPFMAN_OPTS(bpfman_ctx_opts, opts, .state_dir = state, .runtime_dir = state,
		    .bpffs_root = bpffs, .image_cache_dir = cache, .config_path = e->config,
		    .log_fn = keep_log, .log_user_data = e, .log_level = BPFMAN_LOG_DEBUG);
	err = bpfman_ctx_new(&e->ctx, &opts);
	ck_assert_msg(err == 0, "bpfman_ctx_new: %s", bpfman_errmsg(NULL));
}

void env_close(struct test_env *e)
{
	char cmd[PATH_MAX + 32];
	const char *bpffs = e->ctx ? bpfman_ctx_bpffs_root(e->ctx) : NULL;

	if (bpffs) {
		/* The root holds only the state directory's claim by now. */
		snprintf(cmd, sizeof(cmd), "%s/owner", bpffs);
		unlink(cmd);
		rmdir(bpffs);
	}
	bpfman_ctx_free(e->ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", e->dir);
	free(e->log);
	memset(e, 0, sizeof(*e));
}

const char *env_write(struct test_env *e, const char *relpath, const char *text)
{
	static char path[PATH_MAX + 64];
	char cmd[PATH_MAX + 128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", e->dir, relpath);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	ck_assert_int_eq(system(cmd), 0);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

void ref_init(struct image_ref *ref, const struct server *s, const char *repository,
	      const char *tag)
{
	memset(ref, 0, sizeof(*ref));
	ref->registry = strdup(s->host);
	ref->api_host = strdup(s->host);
	ref->repository = strdup(repository);
	ref->tag = tag ? strdup(tag) : NULL;
}

void push_image(struct registry_client *c, const char *tag, const char *seed,
		struct pushed_image *ret)
{
	char *config = NULL, *layer = NULL, *manifest = NULL;
	int err;

	memset(ret, 0, sizeof(*ret));
	ck_assert_int_ge(asprintf(&config,
				  "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"io.ebpf.test\":\"%s\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
				  seed), 0);
	ck_assert_int_ge(asprintf(&layer, "layer bytes for %s, not a real tarball %ld", seed,
				  (long)time(NULL)), 0);
	ret->config_len = strlen(config);
	ret->layer_len = strlen(layer);
	digest_buf(config, ret->config_len, ret->config);
	digest_buf(layer, ret->layer_len, ret->layer);
	ck_assert_int_ge(asprintf(&manifest,
				  "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu},\"layers\":[{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu}]}",
				  MT_OCI_MANIFEST, MT_OCI_CONFIG, ret->config, ret->config_len,
				  MT_OCI_LAYER_GZIP, ret->layer, ret->layer_len), 0);
	ret->manifest_len = strlen(manifest);
	digest_buf(manifest, ret->manifest_len, ret->manifest);
	err = registry_push_blob(c, config, ret->config_len, ret->config);
	ck_assert_msg(err == 0, "push config: %d", err);
	err = registry_push_blob(c, layer, ret->layer_len, ret->layer);
	ck_assert_msg(err == 0, "push layer: %d", err);
	err = registry_put_manifest(c, tag, MT_OCI_MANIFEST, manifest, ret->manifest_len);
	ck_assert_msg(err == 0, "put manifest: %d", err);
	free(config);
	free(layer);
	free(manifest);
}

struct membuf {
	char *buf;
	size_t len;
};

static size_t membuf_write(char *data, size_t size, size_t n, void *user)
{
	struct membuf *m = user;
	char *nb = realloc(m->buf, m->len + size * n + 1);

	if (!nb)
		return 0;
	m->buf = nb;
	memcpy(m->buf + m->len, data, size * n);
	m->len += size * n;
	m->buf[m->len] = '\0';
	return size * n;
}

char *fetch_url(const char *url, const char *ca)
{
	struct membuf m = { 0 };
	CURL *h = curl_easy_init();
	CURLcode rc;

	ck_assert_ptr_nonnull(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, membuf_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &m);
	if (ca && ca[0])
		curl_easy_setopt(h, CURLOPT_CAINFO, ca);
	rc = curl_easy_perform(h);
	curl_easy_cleanup(h);
	ck_assert_msg(rc == CURLE_OK, "GET %s: %s", url, curl_easy_strerror(rc));
	return m.buf ? m.buf : strdup("");
}

long fetch_json_int(const char *url, const char *ca, const char *field)
{
	char *body = fetch_url(url, ca);
	json_t *root = json_loads(body, 0, NULL);
	long v;

	ck_assert_msg(root && json_is_integer(json_object_get(root, field)),
		      "no integer %s in %s", field, body);
	v = (long)json_integer_value(json_object_get(root, field));
	json_decref(root);
	free(body);
	return v;
}

int free_port(void)
{
	const char *range = getenv("REGISTRY_TEST_PORTS");
	int lo = 5000, hi = 5099;

	if (range && sscanf(range, "%d-%d", &lo, &hi) != 2)
		die("REGISTRY_TEST_PORTS must be LO-HI, not %s", range);
	for (int p = hi; p >= lo; p--) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(p),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		int ok = bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0;

		close(fd);
		if (ok)
			return p;
	}
	die("no free port in %d-%d", lo, hi);
}
