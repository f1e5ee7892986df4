// SPDX-License-Identifier: Apache-2.0
/* Layers: reading the ELF out of real tar/tar+gzip archives written with
 * libarchive, each kind of hostile entry refused by name, and
 * reproducible layer builds. */
#include <archive.h>
#include <archive_entry.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "image/digest.h"
#include "image/layer.h"

static const char elf_bytes[] = "\177ELF\002\001\001\000this is not a real object, only the magic matters";

struct entry {
	const char *path;
	mode_t type;
	const void *data;
	int64_t size;
	const char *link;     /* symlink target */
	const char *hardlink; /* hardlink target */
};

struct out {
	unsigned char *buf;
	size_t len;
};

static la_ssize_t out_write(struct archive *a, void *data, const void *buf, size_t len)
{
	struct out *o = data;

	(void)a;
	o->buf = realloc(o->buf, o->len + len);
	memcpy(o->buf + o->len, buf, len);
	o->len += len;
	return (la_ssize_t)len;
}

/* Layer compressions a registry may serve: plain tar, gzip, zstd. */
enum compression { PLAIN, GZIP, ZSTD, COMPRESSIONS };

/* A tar of the entries, compressed as asked. */
static struct out make_tar(const struct entry *e, size_t n, enum compression c)
{
	struct archive *a = archive_write_new();
	struct out o = { 0 };

	archive_write_set_format_pax_restricted(a);
	/* No zero padding after the compressed stream: gzip readers skip it,
	 * zstd's does not, and real layers have none. */
	archive_write_set_bytes_in_last_block(a, 1);
	if (c == GZIP)
		archive_write_add_filter_gzip(a);
	if (c == ZSTD)
		ck_assert_int_eq(archive_write_add_filter_zstd(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_open(a, &o, NULL, out_write, NULL), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *ae = archive_entry_new();

		archive_entry_set_pathname(ae, e[i].path);
		archive_entry_set_filetype(ae, e[i].type ? e[i].type : AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		if (e[i].link)
			archive_entry_set_symlink(ae, e[i].link);
		if (e[i].hardlink)
			archive_entry_set_hardlink(ae, e[i].hardlink);
		if ((e[i].type ? e[i].type : AE_IFREG) == AE_IFREG && !e[i].hardlink)
			archive_entry_set_size(ae, e[i].size);
		ck_assert_int_eq(archive_write_header(a, ae), ARCHIVE_OK);
		if (e[i].data && e[i].size)
			archive_write_data(a, e[i].data, (size_t)e[i].size);
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	return o;
}

static void read_ok(const struct entry *e, size_t n, const char *filename)
{
	for (int gz = 0; gz < COMPRESSIONS; gz++) {
		struct out o = make_tar(e, n, gz);
		void *elf;
		size_t len;

		ck_assert_msg(layer_read_elf(NULL, o.buf, o.len, filename, &elf, &len) == 0, "%s",
			      bpfman_errmsg(NULL));
		ck_assert_uint_eq(len, sizeof(elf_bytes));
		ck_assert(memcmp(elf, elf_bytes, len) == 0);
		free(elf);
		free(o.buf);
	}
}

static void read_bad(const struct entry *e, size_t n, const char *filename, int errnum,
		     const char *needle)
{
	for (int gz = 0; gz < COMPRESSIONS; gz++) {
		struct out o = make_tar(e, n, gz);
		void *elf = (void *)1;
		size_t len = 1;

		ck_assert_int_eq(layer_read_elf(NULL, o.buf, o.len, filename, &elf, &len), errnum);
		ck_assert_ptr_null(elf);
		ck_assert_uint_eq(len, 0);
		ck_assert_msg(strstr(bpfman_errmsg(NULL), needle), "'%s' not in '%s'", needle,
			      bpfman_errmsg(NULL));
		free(o.buf);
	}
}

#define ELF_ENTRY(p) { .path = (p), .data = elf_bytes, .size = sizeof(elf_bytes) }

START_TEST(finds_the_elf)
{
	struct entry one[] = { ELF_ENTRY("bpf_bpfel.o") };
	struct entry mixed[] = {
		{ .path = "./", .type = AE_IFDIR },
		{ .path = "./README", .data = "hello", .size = 5 },
		{ .path = "./empty", .size = 0 },
		ELF_ENTRY("./sub/prog.o"),
	};

	read_ok(one, 1, NULL);
	read_ok(one, 1, "bpf_bpfel.o");
	read_ok(one, 1, "/bpf_bpfel.o");
	read_ok(mixed, 4, NULL);
	read_ok(mixed, 4, "sub/prog.o");
}
END_TEST

START_TEST(hostile_entries_refused)
{
	struct entry abs[] = { ELF_ENTRY("/etc/x.o") };
	struct entry dotdot[] = { ELF_ENTRY("a/../../x.o") };
	struct entry sym[] = { { .path = "x.o", .type = AE_IFLNK, .link = "/etc/shadow" } };
	struct entry hard[] = { ELF_ENTRY("a.o"), { .path = "b.o", .hardlink = "a.o" } };
	struct entry chr[] = { { .path = "dev", .type = AE_IFCHR } };
	struct entry fifo[] = { { .path = "fifo", .type = AE_IFIFO } };

	read_bad(abs, 1, NULL, -EPERM, "\"/etc/x.o\" has an absolute path");
	read_bad(dotdot, 1, NULL, -EPERM, "\"a/../../x.o\" has an absolute path or a \"..\" component");
	read_bad(sym, 1, NULL, -EPERM, "\"x.o\" is a symbolic link");
	read_bad(hard, 2, NULL, -EPERM, "\"b.o\" is a hard link");
	read_bad(chr, 1, NULL, -EPERM, "\"dev\" is a device, fifo or socket");
	read_bad(fifo, 1, NULL, -EPERM, "\"fifo\" is a device, fifo or socket");
}
END_TEST

START_TEST(bounds)
{
	struct entry big[] = { { .path = "big.o", .size = (int64_t)LAYER_ELF_MAX_SIZE + 1 } };
	struct entry *many = calloc(1100, sizeof(*many));
	struct out o;
	void *elf;
	size_t len;

	/* only gzip: the plain tar would be 64 MiB of zeros in memory */
	o = make_tar(big, 1, GZIP);
	ck_assert_int_eq(layer_read_elf(NULL, o.buf, o.len, NULL, &elf, &len), -EFBIG);
	ck_assert(strstr(bpfman_errmsg(NULL), "\"big.o\" is 67108865 bytes, over the"));
	free(o.buf);
	for (size_t i = 0; i < 1100; i++)
		many[i] = (struct entry){ .path = "f", .size = 0 };
	o = make_tar(many, 1100, GZIP);
	ck_assert_int_eq(layer_read_elf(NULL, o.buf, o.len, NULL, &elf, &len), -EBADMSG);
	ck_assert(strstr(bpfman_errmsg(NULL), "more than 1024 entries"));
	free(o.buf);
	free(many);
}
END_TEST

START_TEST(wrong_content)
{
	struct entry none[] = { { .path = "a.txt", .data = "text!", .size = 5 } };
	struct entry two[] = { ELF_ENTRY("a.o"), ELF_ENTRY("b.o") };
	struct entry one[] = { ELF_ENTRY("a.o"), { .path = "n.txt", .data = "text!", .size = 5 } };
	struct out o;
	void *elf;
	size_t len;

	read_bad(none, 1, NULL, -ENOEXEC, "layer holds no ELF file");
	read_bad(two, 2, NULL, -EBADMSG, "two ELF files, \"a.o\" and \"b.o\"");
	read_ok(two, 2, "b.o");
	read_bad(one, 2, "missing.o", -ENOENT, "no file \"missing.o\"");
	read_bad(one, 2, "n.txt", -ENOEXEC, "\"n.txt\" (named by io.ebpf.filename) is not an ELF");
	{
		static const char garbage[] = "garbage, not a tar archive at all, long enough to probe.....................";

		ck_assert_int_eq(layer_read_elf(NULL, garbage, sizeof(garbage), NULL, &elf, &len), -EBADMSG);
	}
	ck_assert(strstr(bpfman_errmsg(NULL), "not a readable tar archive"));
	/* an archive cut inside the ELF's data */
	o = make_tar(one, 2, PLAIN);
	ck_assert_int_lt(layer_read_elf(NULL, o.buf, 512 + 20, NULL, &elf, &len), 0);
	ck_assert_msg(strstr(bpfman_errmsg(NULL), "truncated") || strstr(bpfman_errmsg(NULL), "corrupt"),
		      "%s", bpfman_errmsg(NULL));
	ck_assert_ptr_null(elf);
	free(o.buf);
}
END_TEST

START_TEST(build_is_reproducible_and_readable)
{
	void *a, *b, *elf;
	size_t alen, blen, len;
	char da[DIGEST_STR_SIZE], db[DIGEST_STR_SIZE], diff[DIGEST_STR_SIZE];

	ck_assert_int_eq(layer_build(NULL, elf_bytes, sizeof(elf_bytes), "prog.bpf.o", &a, &alen), 0);
	sleep(1);
	ck_assert_int_eq(layer_build(NULL, elf_bytes, sizeof(elf_bytes), "prog.bpf.o", &b, &blen), 0);
	ck_assert_uint_eq(alen, blen);
	ck_assert(memcmp(a, b, alen) == 0);
	/* gzip magic, and no modification time in its header */
	ck_assert(((unsigned char *)a)[0] == 0x1f && ((unsigned char *)a)[1] == 0x8b);
	ck_assert(memcmp((unsigned char *)a + 4, "\0\0\0\0", 4) == 0);
	ck_assert_int_eq(((unsigned char *)a)[3] & 0x08, 0); /* no FNAME */
	ck_assert_int_eq(layer_read_elf(NULL, a, alen, "prog.bpf.o", &elf, &len), 0);
	ck_assert_uint_eq(len, sizeof(elf_bytes));
	free(elf);
	digest_buf(a, alen, da);
	ck_assert_int_eq(layer_diff_id(NULL, a, alen, diff), 0);
	ck_assert_str_ne(diff, da);
	/* the diff ID hashes the tar inside: a plain-tar read gives the same */
	{
		struct archive *r = archive_read_new();
		struct archive_entry *e;
		struct digest_stream s;
		char buf[4096];
		la_ssize_t n;

		archive_read_support_filter_gzip(r);
		archive_read_support_format_raw(r);
		ck_assert_int_eq(archive_read_open_memory(r, a, alen), ARCHIVE_OK);
		ck_assert_int_eq(archive_read_next_header(r, &e), ARCHIVE_OK);
		digest_stream_init(&s);
		while ((n = archive_read_data(r, buf, sizeof(buf))) > 0)
			digest_stream_update(&s, buf, (size_t)n);
		digest_stream_final(&s, db);
		archive_read_free(r);
		ck_assert_str_eq(db, diff);
		ck_assert_uint_eq(s.bytes % 512, 0);
	}
	free(a);
	free(b);
	ck_assert_int_eq(layer_build(NULL, elf_bytes, 4, "../x", &a, &alen), -EINVAL);
	ck_assert(strstr(bpfman_errmsg(NULL), "plain file name"));
}
END_TEST

START_TEST(read_from_file)
{
	char path[] = "/tmp/test-image-layer-XXXXXX";
	int fd = mkstemp(path);
	void *blob, *elf;
	size_t len, elf_len;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(layer_build(NULL, elf_bytes, sizeof(elf_bytes), "x.o", &blob, &len), 0);
	ck_assert_int_eq(write(fd, blob, len), (ssize_t)len);
	close(fd);
	ck_assert_int_eq(layer_read_elf_file(NULL, path, NULL, &elf, &elf_len), 0);
	ck_assert_uint_eq(elf_len, sizeof(elf_bytes));
	free(elf);
	ck_assert_int_eq(layer_read_elf_file(NULL, path, "y.o", &elf, &elf_len), -ENOENT);
	ck_assert(strstr(bpfman_errmsg(NULL), path));
	unlink(path);
	ck_assert_int_lt(layer_read_elf_file(NULL, path, NULL, &elf, &elf_len), 0);
	ck_assert(strstr(bpfman_errmsg(NULL), "cannot read layer"));
	free(blob);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("image-layer");
	TCase *tc = tcase_create("layer");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, finds_the_elf);
	tcase_add_test(tc, hostile_entries_refused);
	tcase_add_test(tc, bounds);
	tcase_add_test(tc, wrong_content);
	tcase_add_test(tc, build_is_reproducible_and_readable);
	tcase_add_test(tc, read_from_file);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
