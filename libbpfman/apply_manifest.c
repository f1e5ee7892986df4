// SPDX-License-Identifier: Apache-2.0
/* Manifests: documents gathered from buffers, files and directories. */
#include "internal.h"
#include "apply_internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Larger files are refused: no manifest comes near it. */
#define MANIFEST_MAX_SIZE (16u << 20)

int bpfman_manifest__new(struct bpfman_manifest **ret)
{
	if (!ret)
		return -EINVAL;
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : -ENOMEM;
}

void bpfman_manifest__free(struct bpfman_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cnt; i++)
		apply_obj_free(m->objs[i]);
	free(m->objs);
	free(m);
}

size_t bpfman_manifest__cnt(const struct bpfman_manifest *m)
{
	return m ? m->cnt : 0;
}

const char *bpfman_manifest__kind(const struct bpfman_manifest *m, size_t i)
{
	return m && i < m->cnt ? m->objs[i]->kind : "";
}

const char *bpfman_manifest__name(const struct bpfman_manifest *m, size_t i)
{
	return m && i < m->cnt ? m->objs[i]->name : "";
}

int bpfman_manifest__add_buffer(struct bpfman_manifest *m, struct bpfman_ctx *ctx,
				const char *origin, const void *buf, size_t len)
{
	struct apply_obj **objs = NULL, **all;
	size_t cnt = 0;
	int err;

	if (!m || (!buf && len))
		return bpfman_err(ctx, -EINVAL, "manifest and buffer are required");
	if (!origin)
		origin = "(buffer)";
	err = apply_parse_docs(ctx, origin, buf ? buf : "", len, &objs, &cnt);
	if (err)
		return err;
	for (size_t i = 0; i < cnt; i++)
		for (size_t j = 0; j < m->cnt; j++)
			if (objs[i]->kind == m->objs[j]->kind &&
			    !strcmp(objs[i]->name, m->objs[j]->name)) {
				err = bpfman_err(ctx, -EINVAL,
						 "%s: %s %s is already defined by %s; give each object one document",
						 objs[i]->origin, objs[i]->kind, objs[i]->name,
						 m->objs[j]->origin);
				goto fail;
			}
	all = realloc(m->objs, (m->cnt + cnt + 1) * sizeof(*all));
	if (!all) {
		err = bpfman_err(ctx, -ENOMEM, "out of memory");
		goto fail;
	}
	m->objs = all;
	memcpy(all + m->cnt, objs, cnt * sizeof(*objs));
	m->cnt += cnt;
	free(objs);
	return 0;
fail:
	for (size_t i = 0; i < cnt; i++)
		apply_obj_free(objs[i]);
	free(objs);
	return err;
}

static int read_fd(struct bpfman_ctx *ctx, int fd, const char *name, char **ret, size_t *ret_len)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;

	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *more;

			if (cap >= MANIFEST_MAX_SIZE) {
				free(buf);
				return bpfman_err(ctx, -EFBIG, "%s: larger than %u MiB; split it into several files",
						  name, MANIFEST_MAX_SIZE >> 20);
			}
			cap = cap ? cap * 2 : 65536;
			more = realloc(buf, cap + 1);
			if (!more) {
				free(buf);
				return bpfman_err(ctx, -ENOMEM, "out of memory");
			}
			buf = more;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			free(buf);
			return bpfman_err(ctx, -e, "cannot read %s: %s", name, strerror(e));
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}

static int add_one_file(struct bpfman_manifest *m, struct bpfman_ctx *ctx, const char *path)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	size_t len = 0;
	int err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bpfman_err(ctx, -errno, "cannot open %s: %s", path, strerror(errno));
	err = read_fd(ctx, fd, path, &buf, &len);
	if (err)
		return err;
	return bpfman_manifest__add_buffer(m, ctx, path, buf, len);
}

static bool manifest_name(const char *n)
{
	size_t l = strlen(n);

	return n[0] != '.' &&
	       ((l > 5 && !strcmp(n + l - 5, ".yaml")) || (l > 4 && !strcmp(n + l - 4, ".yml")) ||
		(l > 5 && !strcmp(n + l - 5, ".json")));
}

int bpfman_manifest__add_file(struct bpfman_manifest *m, struct bpfman_ctx *ctx, const char *path)
{
	struct dirent **names = NULL;
	struct stat st;
	int n, err = 0;

	if (!m || !path)
		return bpfman_err(ctx, -EINVAL, "manifest and path are required");
	if (!strcmp(path, "-")) {
		_cleanup_free_ char *buf = NULL;
		size_t len = 0;

		err = read_fd(ctx, STDIN_FILENO, "standard input", &buf, &len);
		if (!err)
			err = bpfman_manifest__add_buffer(m, ctx, "-", buf, len);
		return err;
	}
	if (stat(path, &st))
		return bpfman_err(ctx, -errno, "cannot read %s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return add_one_file(m, ctx, path);
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0)
		return bpfman_err(ctx, -errno, "cannot list %s: %s", path, strerror(errno));
	for (int i = 0; i < n; i++) {
		if (!err && manifest_name(names[i]->d_name)) {
			_cleanup_free_ char *p = str_printf("%s/%s", path, names[i]->d_name);

			err = p ? add_one_file(m, ctx, p) : bpfman_err(ctx, -ENOMEM, "out of memory");
		}
		free(names[i]);
	}
	free(names);
	return err;
}
