// SPDX-License-Identifier: Apache-2.0
/* Image layers (doc/images.md, "Layers"). Reading: a layer is untrusted
 * tar, gzip- or zstd-compressed or plain (libarchive detects which); only the
 * bytecode's data is read into memory, every other entry's data is
 * skipped, and anything that could write outside a directory or is not a
 * plain file is refused. Writing: a reproducible tar+gzip of one file. */
#include "internal.h"
#include "image/digest.h"
#include "image/layer.h"
#include "dlopen_libs.h"

#include <archive.h>
#include <archive_entry.h>
#include <string.h>
#include <sys/stat.h>

/* A bytecode layer holds one file (and maybe a directory or two). */
#define LAYER_MAX_ENTRIES 1024
/* Bytes of entry data a layer may declare in total (a gzip bomb of many
 * maximal entries would otherwise cost minutes of inflating). */
#define LAYER_MAX_TOTAL (4ull * LAYER_ELF_MAX_SIZE)

static void archive_freep(struct archive **a)
{
	if (*a)
		sym_archive_read_free(*a);
}

/* "./a/b" -> "a/b"; NULL for absolute paths and any ".." component. */
static const char *entry_path_check(const char *p)
{
	const char *c;

	if (p[0] == '/')
		return NULL;
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	for (c = p; *c; ) {
		size_t len = strcspn(c, "/");

		if (len == 2 && c[0] == '.' && c[1] == '.')
			return NULL;
		c += len;
		if (*c == '/')
			c++;
	}
	return p;
}

static const char *filename_normalise(const char *f)
{
	while (*f == '/')
		f++;
	while (f[0] == '.' && f[1] == '/')
		f += 2;
	return f;
}

static int read_entry_data(struct bpfman_ctx *ctx, struct archive *a, const char *name,
			   int64_t size, void **ret, size_t *ret_len)
{
	_cleanup_free_ unsigned char *buf = malloc(size > 0 ? (size_t)size : 1);
	size_t got = 0;
	la_ssize_t n;

	if (!buf)
		return bpfman_err(ctx, -ENOMEM, "out of memory reading layer entry %s", name);
	while (got < (size_t)size) {
		n = sym_archive_read_data(a, buf + got, (size_t)size - got);
		if (n < 0)
			return bpfman_err(ctx, -EBADMSG, "layer entry %s is corrupt: %s", name,
					  sym_archive_error_string(a));
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != (size_t)size)
		return bpfman_err(ctx, -EBADMSG, "layer entry %s is truncated: %zu of %lld bytes",
				  name, got, (long long)size);
	*ret = TAKE_PTR(buf);
	*ret_len = got;
	return 0;
}

static int scan(struct bpfman_ctx *ctx, struct archive *a, const char *filename,
		void **ret_elf, size_t *ret_len)
{
	_cleanup_free_ void *elf = NULL;
	_cleanup_free_ char *elf_name = NULL;
	struct archive_entry *e;
	uint64_t total = 0;
	size_t elf_len = 0, entries = 0;
	int r;

	if (filename)
		filename = filename_normalise(filename);
	while ((r = sym_archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *raw = sym_archive_entry_pathname(e), *path;
		mode_t type = sym_archive_entry_filetype(e);
		int64_t size = sym_archive_entry_size(e);
		unsigned char magic[4];
		la_ssize_t n;

		if (++entries > LAYER_MAX_ENTRIES)
			return bpfman_err(ctx, -EBADMSG, "layer has more than %d entries; a bytecode layer holds one object file",
					  LAYER_MAX_ENTRIES);
		if (!raw)
			return bpfman_err(ctx, -EBADMSG, "layer entry %zu has no readable path name", entries);
		path = entry_path_check(raw);
		if (!path)
			return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EPERM, "layer entry \"%.200s\" has an absolute path or a \"..\" component; refusing the layer",
					  raw);
		if (sym_archive_entry_hardlink(e))
			return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EPERM, "layer entry \"%.200s\" is a hard link; bytecode layers hold plain files only",
					  raw);
		if (type == AE_IFDIR)
			continue;
		if (type == AE_IFLNK)
			return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EPERM, "layer entry \"%.200s\" is a symbolic link; bytecode layers hold plain files only",
					  raw);
		if (type != AE_IFREG)
			return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EPERM, "layer entry \"%.200s\" is a device, fifo or socket; bytecode layers hold plain files only",
					  raw);
		if (size < 0 || (uint64_t)size > LAYER_ELF_MAX_SIZE)
			return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EFBIG, "layer entry \"%.200s\" is %lld bytes, over the %u-byte limit",
					  raw, (long long)size, LAYER_ELF_MAX_SIZE);
		total += (uint64_t)size;
		if (total > LAYER_MAX_TOTAL)
			return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EFBIG, "layer entries add up to more than %llu bytes; refusing the layer",
					  LAYER_MAX_TOTAL);
		if (filename) {
			if (strcmp(path, filename))
				continue;
			r = read_entry_data(ctx, a, raw, size, &elf, &elf_len);
			if (r)
				return r;
			if (elf_len < 4 || memcmp(elf, "\177ELF", 4))
				return bpfman_err(ctx, -ENOEXEC, "layer entry \"%.200s\" (named by io.ebpf.filename) is not an ELF object",
						  raw);
			*ret_elf = TAKE_PTR(elf);
			*ret_len = elf_len;
			return 0;
		}
		/* Without a name: the one regular file that is an ELF. Peek at
		 * the magic; only the ELF's data is read in full. */
		if (size < 4)
			continue;
		n = sym_archive_read_data(a, magic, sizeof(magic));
		if (n < 0)
			return bpfman_err(ctx, -EBADMSG, "layer entry \"%.200s\" is corrupt: %s", raw,
					  sym_archive_error_string(a));
		if (n != 4 || memcmp(magic, "\177ELF", 4))
			continue;
		if (elf)
			return bpfman_err(ctx, -EBADMSG, "layer holds two ELF files, \"%s\" and \"%.200s\"; name the bytecode with the io.ebpf.filename label or build one object per image",
					  elf_name, raw);
		elf_name = strdup(raw);
		elf = malloc((size_t)size);
		if (!elf || !elf_name)
			return -ENOMEM;
		memcpy(elf, magic, 4);
		elf_len = 4;
		while (elf_len < (size_t)size) {
			n = sym_archive_read_data(a, (char *)elf + elf_len, (size_t)size - elf_len);
			if (n < 0)
				return bpfman_err(ctx, -EBADMSG, "layer entry \"%.200s\" is corrupt: %s",
						  raw, sym_archive_error_string(a));
			if (n == 0)
				break;
			elf_len += (size_t)n;
		}
		if (elf_len != (size_t)size)
			return bpfman_err(ctx, -EBADMSG, "layer entry \"%.200s\" is truncated", raw);
	}
	if (r != ARCHIVE_EOF)
		return bpfman_err(ctx, -EBADMSG, "layer is not a readable tar archive (plain, gzip or zstd): %s",
				  sym_archive_error_string(a) ? sym_archive_error_string(a) : "unknown error");
	if (filename)
		return bpfman_err(ctx, -ENOENT, "layer has no file \"%s\" (named by io.ebpf.filename)", filename);
	if (!elf)
		return bpfman_err(ctx, -ENOEXEC, "layer holds no ELF file; a bytecode image carries the BPF object (.o) in its layer");
	*ret_elf = TAKE_PTR(elf);
	*ret_len = elf_len;
	return 0;
}

/* libarchive is opened on first use (dlopen_libs.h): NULL with errno
 * ENOPKG (and the sentence on ctx) when it cannot be, ENOMEM otherwise. */
static struct archive *archive_new(struct bpfman_ctx *ctx, bool write)
{
	struct archive *a;

	if (dlopen_archive(ctx)) {
		errno = ENOPKG;
		return NULL;
	}
	a = write ? sym_archive_write_new() : sym_archive_read_new();
	if (!a)
		errno = ENOMEM;
	return a;
}

static struct archive *reader_new(struct bpfman_ctx *ctx)
{
	struct archive *a = archive_new(ctx, false);

	if (!a)
		return NULL;
	sym_archive_read_support_filter_gzip(a);
	sym_archive_read_support_filter_zstd(a);
	sym_archive_read_support_filter_none(a);
	sym_archive_read_support_format_tar(a);
	return a;
}

int layer_read_elf(struct bpfman_ctx *ctx, const void *blob, size_t blob_len,
		   const char *filename, void **ret_elf, size_t *ret_len)
{
	_cleanup_(archive_freep) struct archive *a = reader_new(ctx);

	*ret_elf = NULL;
	*ret_len = 0;
	if (!a)
		return -errno;
	if (sym_archive_read_open_memory(a, blob, blob_len) != ARCHIVE_OK)
		return bpfman_err(ctx, -EBADMSG, "layer is not a readable tar archive (plain, gzip or zstd): %s",
				  sym_archive_error_string(a));
	return scan(ctx, a, filename, ret_elf, ret_len);
}

int layer_read_elf_file(struct bpfman_ctx *ctx, const char *blob_path,
			const char *filename, void **ret_elf, size_t *ret_len)
{
	_cleanup_(archive_freep) struct archive *a = reader_new(ctx);
	int err;

	*ret_elf = NULL;
	*ret_len = 0;
	if (!a)
		return -errno;
	if (sym_archive_read_open_filename(a, blob_path, 65536) != ARCHIVE_OK)
		return bpfman_err(ctx, sym_archive_errno(a) > 0 ? -sym_archive_errno(a) : -EBADMSG,
				  "cannot read layer %s: %s", blob_path, sym_archive_error_string(a));
	err = scan(ctx, a, filename, ret_elf, ret_len);
	if (err)
		return bpfman_err_prefix(ctx, err, "layer %s", blob_path);
	return 0;
}

struct membuf {
	unsigned char *buf;
	size_t len, cap;
};

static la_ssize_t membuf_write(struct archive *a, void *data, const void *buf, size_t len)
{
	struct membuf *m = data;

	(void)a;
	if (m->len + len > m->cap) {
		size_t cap = (m->cap ? m->cap * 2 : 65536);
		unsigned char *p;

		while (cap < m->len + len)
			cap *= 2;
		p = realloc(m->buf, cap);
		if (!p)
			return -1;
		m->buf = p;
		m->cap = cap;
	}
	memcpy(m->buf + m->len, buf, len);
	m->len += len;
	return (la_ssize_t)len;
}

static void archive_write_freep(struct archive **a)
{
	if (*a)
		sym_archive_write_free(*a);
}

int layer_build(struct bpfman_ctx *ctx, const void *elf, size_t elf_len,
		const char *name, void **ret_blob, size_t *ret_len)
{
	_cleanup_(archive_write_freep) struct archive *a = archive_new(ctx, true);
	struct membuf m = { 0 };
	struct archive_entry *e;
	int r;

	*ret_blob = NULL;
	*ret_len = 0;
	if (str_empty(name) || strchr(name, '/') || !strcmp(name, "..") || !strcmp(name, ".") ||
	    strlen(name) > 100)
		return bpfman_err(ctx, -EINVAL, "layer file name \"%s\" must be a plain file name of at most 100 characters",
				  str_or_empty(name));
	if (elf_len > LAYER_ELF_MAX_SIZE)
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EFBIG, "object of %zu bytes is over the %u-byte layer limit",
				  elf_len, LAYER_ELF_MAX_SIZE);
	if (!a)
		return -errno;
	/* ustar, one block per record, and gzip without a timestamp or
	 * name: the same object always gives the same digest. */
	if (sym_archive_write_set_format_ustar(a) != ARCHIVE_OK ||
	    sym_archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    sym_archive_write_set_filter_option(a, "gzip", "timestamp", NULL) != ARCHIVE_OK ||
	    sym_archive_write_set_bytes_per_block(a, 512) != ARCHIVE_OK ||
	    sym_archive_write_open(a, &m, NULL, membuf_write, NULL) != ARCHIVE_OK)
		goto fail;
	e = sym_archive_entry_new();
	if (!e)
		goto fail;
	sym_archive_entry_set_pathname(e, name);
	sym_archive_entry_set_filetype(e, AE_IFREG);
	sym_archive_entry_set_perm(e, 0644);
	sym_archive_entry_set_size(e, (la_int64_t)elf_len);
	sym_archive_entry_set_uid(e, 0);
	sym_archive_entry_set_gid(e, 0);
	sym_archive_entry_set_mtime(e, 0, 0);
	r = sym_archive_write_header(a, e);
	sym_archive_entry_free(e);
	if (r != ARCHIVE_OK)
		goto fail;
	if (elf_len && sym_archive_write_data(a, elf, elf_len) != (la_ssize_t)elf_len)
		goto fail;
	if (sym_archive_write_close(a) != ARCHIVE_OK)
		goto fail;
	*ret_blob = m.buf;
	*ret_len = m.len;
	return 0;
fail:
	r = bpfman_err(ctx, -EIO, "cannot write the layer archive: %s",
		       sym_archive_error_string(a) ? sym_archive_error_string(a) : "out of memory");
	free(m.buf);
	return r;
}

int layer_diff_id(struct bpfman_ctx *ctx, const void *blob, size_t blob_len,
		  char ret_digest[DIGEST_STR_SIZE])
{
	_cleanup_(archive_freep) struct archive *a = archive_new(ctx, false);
	struct archive_entry *e;
	struct digest_stream s;
	char buf[65536];
	la_ssize_t n;

	if (!a)
		return -errno;
	sym_archive_read_support_filter_gzip(a);
	sym_archive_read_support_filter_zstd(a);
	sym_archive_read_support_filter_none(a);
	sym_archive_read_support_format_raw(a);
	if (sym_archive_read_open_memory(a, blob, blob_len) != ARCHIVE_OK ||
	    sym_archive_read_next_header(a, &e) != ARCHIVE_OK)
		return bpfman_err(ctx, -EBADMSG, "cannot decompress layer: %s", sym_archive_error_string(a));
	digest_stream_init(&s);
	while ((n = sym_archive_read_data(a, buf, sizeof(buf))) > 0)
		digest_stream_update(&s, buf, (size_t)n);
	if (n < 0)
		return bpfman_err(ctx, -EBADMSG, "cannot decompress layer: %s", sym_archive_error_string(a));
	digest_stream_final(&s, ret_digest);
	return 0;
}
