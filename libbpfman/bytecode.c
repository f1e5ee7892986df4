// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "owned.h"
#include "bytecode.h"
#include "db.h"
#include "paths.h"
#include "util/fsutil.h"
#include "dlopen_crypto.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int bytecode_check_elf(struct bpfman_ctx *ctx, const char *path)
{
	unsigned char magic[4] = { 0 };
	_cleanup_close_ int fd = -1;
	struct stat st;
	ssize_t n;

	if (str_empty(path))
		return bpfman_err(ctx, -EINVAL, "no bytecode path given; pass the path of a BPF object file (.o)");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bpfman_err(ctx, -errno, "cannot open bytecode file %s: %s",
				  path, strerror(errno));
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode))
		return bpfman_err(ctx, -EINVAL, "bytecode path %s is not a regular file", path);
	n = read(fd, magic, sizeof(magic));
	if (n != (ssize_t)sizeof(magic) || memcmp(magic, "\177ELF", 4))
		return bpfman_err(ctx, -ENOEXEC,
				  "%s is not an ELF file; give a BPF object built with 'clang -target bpf -g -O2 -c prog.bpf.c'",
				  path);
	return 0;
}

/* OpenSSL's low-level SHA-256, deprecated in 3.0 in favour of EVP. EVP's
 * first digest initialises the provider machinery, which costs more than
 * every other part of a CLI load together (measured with callgrind: 5 of
 * 14 million instructions); this call hashes one small file per load. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static int sha256_file(int fd, char hex[65])
{
	unsigned char buf[65536], md[SHA256_DIGEST_LENGTH];
	SHA256_CTX sha;
	ssize_t n;

	SHA256_Init(&sha);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		SHA256_Update(&sha, buf, (size_t)n);
	if (n < 0)
		return -errno;
	SHA256_Final(md, &sha);
	hex_encode(md, sizeof(md), hex);
	return 0;
}
#pragma GCC diagnostic pop

static int copy_fd(int in, int out)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) > 0) {
		char *p = buf;

		while (n > 0) {
			ssize_t w = write(out, p, (size_t)n);

			if (w < 0)
				return -errno;
			p += w;
			n -= w;
		}
	}
	return n < 0 ? -errno : 0;
}

int bytecode_keep(struct bpfman_ctx *ctx, const char *path, char **ret_kept)
{
	_cleanup_free_ char *dir = path_bytecode_dir(ctx), *kept = NULL, *tmp = NULL;
	_cleanup_close_ int in = -1, out = -1;
	char hex[65];
	int err;

	if (!dir)
		return -ENOMEM;
	in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return bpfman_err(ctx, -errno, "cannot open %s: %s", path, strerror(errno));
	if ((err = dlopen_crypto(ctx)))
		return err; /* its sentence names the package to install */
	if ((err = sha256_file(in, hex)))
		return bpfman_err(ctx, err, "cannot read %s: %s", path, strerror(-err));
	if ((err = mkdir_p(dir, 0700)))
		return bpfman_err(ctx, err, "cannot create %s: %s", dir, strerror(-err));
	kept = str_printf("%s/%s.o", dir, hex);
	tmp = str_printf("%s/.%s.%d.tmp", dir, hex, getpid());
	if (!kept || !tmp)
		return -ENOMEM;
	if (!path_exists(kept)) {
		out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (out < 0)
			return bpfman_err(ctx, -errno, "cannot create %s: %s", tmp, strerror(errno));
		if (lseek(in, 0, SEEK_SET) < 0 || (err = copy_fd(in, out)) ||
		    fsync(out) < 0 || rename(tmp, kept) < 0) {
			err = err ? err : -errno;
			owned_remove(ctx, OWNED_STATE, tmp, "bytecode/", 0, NULL);
			return bpfman_err(ctx, err, "cannot keep a copy of %s in %s: %s",
					  path, dir, strerror(-err));
		}
	}
	*ret_kept = TAKE_PTR(kept);
	return 0;
}

int bytecode_release(struct bpfman_ctx *ctx, const char *kept, unsigned int except_prog,
		     const char *row)
{
	int users = 1;

	if (str_empty(kept))
		return 0;
	if (db_prog_count_bytecode_users(ctx, kept, except_prog, &users) == 0 && users == 0)
		return owned_remove(ctx, OWNED_STATE, kept, "bytecode/", 0, row);
	return 0;
}
