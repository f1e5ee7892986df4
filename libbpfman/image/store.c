// SPDX-License-Identifier: Apache-2.0
/* An OCI image layout on disk (doc/images.md, "Cache layout"):
 *
 *   <root>/oci-layout             {"imageLayoutVersion":"1.0.0"}
 *   <root>/index.json             an OCI index; entries named by the
 *                                 org.opencontainers.image.ref.name annotation
 *   <root>/blobs/sha256/<hex>     content-addressed blobs
 *   <root>/tmp/                   blobs being written
 *   <root>/bytecode/<hex>.o       ELFs extracted from layer <hex> (by callers)
 *   <root>/index.lock, use.lock   flock files
 *
 * Many processes share it. A blob is written to tmp/, checked, fsynced and
 * renamed into place: content addressing makes racing writers agree.
 * index.json is read-modified-written under an exclusive flock on
 * index.lock and replaced by rename, so readers need no lock. Writers hold
 * use.lock shared (each blob write does; store_hold covers a whole pull,
 * from first blob to tag); store_prune holds it exclusive, so it never
 * deletes a blob a pull has written but not yet tagged. */
#include "internal.h"
#include "owned.h"
#include "image/digest.h"
#include "image/store.h"
#include "util/fsutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define REF_NAME "org.opencontainers.image.ref.name"
#define LAYOUT_FILE "{\"imageLayoutVersion\":\"1.0.0\"}"

static char *path_of(const char *root, const char *rel)
{
	return str_printf("%s/%s", root, rel);
}

char *store_blob_path(const char *root, const char *digest)
{
	if (!digest_valid(digest))
		return NULL;
	return str_printf("%s/blobs/sha256/%s", root, digest_hex(digest));
}

bool store_has_blob(const char *root, const char *digest, uint64_t size)
{
	_cleanup_free_ char *p = store_blob_path(root, digest);
	struct stat st;

	if (!p || stat(p, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	return size == 0 || (uint64_t)st.st_size == size;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fsync_dir(const char *dir)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0)
		return -errno;
	return 0;
}

/* Writes a small file atomically: tmp in the same directory, fsync, rename. */
static int write_atomic(struct bpfman_ctx *ctx, const char *root, const char *rel,
			const void *buf, size_t len)
{
	_cleanup_free_ char *dst = path_of(root, rel);
	_cleanup_free_ char *tmp = str_printf("%s/tmp/%s-XXXXXX", root, rel);
	_cleanup_close_ int fd = -1;
	int err;

	if (!dst || !tmp)
		return -ENOMEM;
	{
		/* layouts other tools made have no tmp/ */
		_cleanup_free_ char *dir = path_of(root, "tmp");

		if (!dir)
			return -ENOMEM;
		mkdir(dir, 0755);
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return bpfman_err(ctx, -errno, "cannot create a temporary file in %s/tmp: %s", root, strerror(errno));
	err = write_all(fd, buf, len);
	if (!err && (fchmod(fd, 0644) < 0 || fsync(fd) < 0))
		err = -errno;
	if (!err && rename(tmp, dst) < 0)
		err = -errno;
	if (err) {
		owned_remove_under(ctx, root, "image layout", false, tmp, "tmp/", 0, NULL);
		return bpfman_err(ctx, err, "cannot write %s: %s", dst, strerror(-err));
	}
	fsync_dir(root);
	return 0;
}

static int lock_open(struct bpfman_ctx *ctx, const char *root, const char *name, int op)
{
	_cleanup_free_ char *p = path_of(root, name);
	int fd;

	if (!p)
		return -ENOMEM;
	fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return bpfman_err(ctx, -errno, "cannot open lock file %s: %s; is the image cache writable?",
				  p, strerror(errno));
	while (flock(fd, op) < 0) {
		if (errno == EINTR)
			continue;
		int err = -errno;

		close(fd);
		return bpfman_err(ctx, err, "cannot lock %s: %s", p, strerror(-err));
	}
	return fd;
}

int store_hold(struct bpfman_ctx *ctx, const char *root)
{
	return lock_open(ctx, root, "use.lock", LOCK_SH);
}

void store_release(int hold_fd)
{
	if (hold_fd >= 0)
		close(hold_fd);
}

int store_make_private(struct bpfman_ctx *ctx, const char *root)
{
	_cleanup_free_ char *parent = NULL;
	struct stat st;
	char *slash;
	int err;

	if (str_empty(root))
		return bpfman_err(ctx, -EINVAL, "no image cache directory given");
	if (!stat(root, &st)) {
		if (st.st_mode & 0007)
			pr_warn(ctx, "the image cache %s is open to other users (mode %04o), who can read every image pulled into it, also with credentials; close it with 'chmod o-rwx %s' (doc/images.md)",
				root, (unsigned)(st.st_mode & 07777), root);
		return 0;
	}
	if (!(parent = strdup(root)))
		return -ENOMEM;
	if ((slash = strrchr(parent, '/')) && slash != parent) {
		*slash = '\0';
		if ((err = mkdir_p(parent, 0755)))
			return bpfman_err(ctx, err, "cannot create %s: %s", parent, strerror(-err));
	}
	/* mkdir's mode is cut by the umask, never widened: 0700 or less. */
	if (mkdir(root, 0700) && errno != EEXIST)
		return bpfman_err(ctx, -errno, "cannot create the image cache %s: %s", root,
				  strerror(errno));
	return 0;
}

int store_init(struct bpfman_ctx *ctx, const char *root)
{
	static const char *const dirs[] = { "blobs/sha256", "tmp" };
	static const char empty_index[] =
		"{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":[]}";
	_cleanup_free_ char *layout = NULL, *index = NULL;
	_cleanup_close_ int lock = -1;
	int err;

	if (str_empty(root))
		return bpfman_err(ctx, -EINVAL, "no image layout directory given");
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		_cleanup_free_ char *d = path_of(root, dirs[i]);

		if (!d)
			return -ENOMEM;
		if ((err = mkdir_p(d, 0755)))
			return bpfman_err(ctx, err, "cannot create %s: %s", d, strerror(-err));
	}
	/* The shared cache is checked on first use too: it may not have
	 * existed when the context opened (doc/safety.md). */
	if (ctx && !strcmp(root, ctx->image_cache_dir) &&
	    (err = owned_dir_check(ctx, root, "image_cache_dir")))
		return err;
	layout = path_of(root, "oci-layout");
	index = path_of(root, "index.json");
	if (!layout || !index)
		return -ENOMEM;
	if (!path_exists(layout) &&
	    (err = write_atomic(ctx, root, "oci-layout", LAYOUT_FILE, strlen(LAYOUT_FILE))))
		return err;
	if (path_exists(index))
		return 0;
	lock = lock_open(ctx, root, "index.lock", LOCK_EX);
	if (lock < 0)
		return lock;
	if (!path_exists(index))
		return write_atomic(ctx, root, "index.json", empty_index, strlen(empty_index));
	return 0;
}

struct blob_writer {
	char *root;
	char *tmp;
	int fd;
	int hold_fd;
	struct digest_stream digest;
	char expected[DIGEST_STR_SIZE];
	uint64_t expected_size;
};

void store_blob_abort(struct blob_writer *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	if (w->tmp)
		owned_remove_under(NULL, w->root, "image layout", false, w->tmp, "tmp/", 0, NULL);
	store_release(w->hold_fd);
	free(w->tmp);
	free(w->root);
	free(w);
}

int store_blob_begin(struct bpfman_ctx *ctx, const char *root,
		     const char *expected_digest, uint64_t expected_size,
		     struct blob_writer **ret)
{
	struct blob_writer *w;

	*ret = NULL;
	if (expected_digest && !digest_valid(expected_digest))
		return bpfman_err(ctx, -EINVAL, "blob digest \"%.80s\" is not sha256:<64 hex digits>", expected_digest);
	{
		_cleanup_free_ char *tmp = path_of(root, "tmp");
		int err;

		/* a layout nobody created yet */
		if (tmp && !path_exists(tmp) && (err = store_init(ctx, root)))
			return err;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fd = -1;
	w->hold_fd = store_hold(ctx, root);
	if (w->hold_fd < 0) {
		int err = w->hold_fd;

		free(w);
		return err;
	}
	w->root = strdup(root);
	w->tmp = str_printf("%s/tmp/blob-XXXXXX", root);
	if (!w->root || !w->tmp) {
		store_blob_abort(w);
		return -ENOMEM;
	}
	w->fd = mkostemp(w->tmp, O_CLOEXEC);
	if (w->fd < 0) {
		int err = bpfman_err(ctx, -errno, "cannot create a temporary blob in %s/tmp: %s",
				     root, strerror(errno));

		free(w->tmp);
		w->tmp = NULL;
		store_blob_abort(w);
		return err;
	}
	if (expected_digest)
		memcpy(w->expected, expected_digest, strlen(expected_digest) + 1);
	w->expected_size = expected_size;
	digest_stream_init(&w->digest);
	*ret = w;
	return 0;
}

int store_blob_write(struct bpfman_ctx *ctx, struct blob_writer *w,
		     const void *buf, size_t len)
{
	int err;

	if (w->expected_size && w->digest.bytes + len > w->expected_size)
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EMSGSIZE, "blob %s is larger than the %llu bytes its descriptor says",
				  w->expected[0] ? w->expected : "(new)",
				  (unsigned long long)w->expected_size);
	digest_stream_update(&w->digest, buf, len);
	err = write_all(w->fd, buf, len);
	if (err)
		return bpfman_err(ctx, err, "cannot write blob %s: %s", w->tmp, strerror(-err));
	return 0;
}

int store_blob_commit(struct bpfman_ctx *ctx, struct blob_writer *w,
		      char ret_digest[DIGEST_STR_SIZE])
{
	char got[DIGEST_STR_SIZE];
	_cleanup_free_ char *dst = NULL, *dir = NULL;
	int err = 0;

	digest_stream_final(&w->digest, got);
	if (w->expected_size && w->digest.bytes != w->expected_size)
		err = bpfman_err(ctx, -EBADMSG, "blob %s has %llu bytes, its descriptor says %llu",
				 w->expected[0] ? w->expected : got,
				 (unsigned long long)w->digest.bytes,
				 (unsigned long long)w->expected_size);
	else if (w->expected[0] && strcmp(got, w->expected))
		err = bpfman_err(ctx, -EBADMSG, "blob content does not match its digest: expected %s, got %s; the registry or the network altered it",
				 w->expected, got);
	if (err)
		goto out;
	if (fchmod(w->fd, 0644) < 0 || fsync(w->fd) < 0) {
		err = bpfman_err(ctx, -errno, "cannot write blob %s: %s", got, strerror(errno));
		goto out;
	}
	dst = store_blob_path(w->root, got);
	dir = str_printf("%s/blobs/sha256", w->root);
	if (!dst || !dir) {
		err = -ENOMEM;
		goto out;
	}
	if (rename(w->tmp, dst) < 0) {
		err = bpfman_err(ctx, -errno, "cannot store blob %s: %s", dst, strerror(errno));
		goto out;
	}
	free(w->tmp);
	w->tmp = NULL;
	fsync_dir(dir);
	if (ret_digest)
		memcpy(ret_digest, got, sizeof(got));
out:
	store_blob_abort(w);
	return err;
}

int store_put_blob(struct bpfman_ctx *ctx, const char *root, const void *buf,
		   size_t len, char ret_digest[DIGEST_STR_SIZE])
{
	struct blob_writer *w;
	char digest[DIGEST_STR_SIZE];
	int err;

	digest_buf(buf, len, digest);
	if (store_has_blob(root, digest, len)) {
		if (ret_digest)
			memcpy(ret_digest, digest, sizeof(digest));
		return 0;
	}
	if ((err = store_blob_begin(ctx, root, digest, len, &w)))
		return err;
	if ((err = store_blob_write(ctx, w, buf, len))) {
		store_blob_abort(w);
		return err;
	}
	return store_blob_commit(ctx, w, ret_digest);
}

static int read_file_max(struct bpfman_ctx *ctx, const char *path, size_t max_len,
			 const char *what, void **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t got = 0;

	if (fd < 0)
		return bpfman_err(ctx, -errno, "cannot open %s %s: %s", what, path, strerror(errno));
	if (fstat(fd, &st) < 0)
		return bpfman_err(ctx, -errno, "cannot stat %s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return bpfman_err(ctx, -EINVAL, "%s %s is not a regular file", what, path);
	if ((uint64_t)st.st_size > max_len)
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EMSGSIZE, "%s %s is %lld bytes, over the %zu-byte limit",
				  what, path, (long long)st.st_size, max_len);
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return bpfman_err(ctx, -errno, "cannot read %s: %s", path, strerror(errno));
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*ret = TAKE_PTR(buf);
	*ret_len = got;
	return 0;
}

int store_read_blob(struct bpfman_ctx *ctx, const char *root, const char *digest,
		    size_t max_len, void **ret_buf, size_t *ret_len)
{
	_cleanup_free_ char *p = store_blob_path(root, digest);
	_cleanup_free_ void *buf = NULL;
	char got[DIGEST_STR_SIZE];
	size_t len;
	int err;

	*ret_buf = NULL;
	*ret_len = 0;
	if (!p)
		return bpfman_err(ctx, -EINVAL, "blob digest \"%.80s\" is not sha256:<64 hex digits>", str_or_empty(digest));
	if ((err = read_file_max(ctx, p, max_len, "blob", &buf, &len)))
		return err;
	digest_buf(buf, len, got);
	if (strcmp(got, digest))
		return bpfman_err(ctx, -EBADMSG, "cached blob %s is corrupt (its content hashes to %s); remove the image and pull it again",
				  p, got);
	*ret_buf = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

/* index.json as parsed descriptors; a missing file is an empty index. */
static int index_read(struct bpfman_ctx *ctx, const char *root, struct manifest *ret)
{
	_cleanup_free_ char *p = path_of(root, "index.json");
	_cleanup_free_ void *buf = NULL;
	size_t len;
	int err;

	memset(ret, 0, sizeof(*ret));
	ret->kind = MANIFEST_OCI_INDEX;
	if (!p)
		return -ENOMEM;
	if (!path_exists(p))
		return 0;
	if ((err = read_file_max(ctx, p, 64u << 20, "image index", &buf, &len)))
		return err;
	err = manifest_parse_layout_index(ctx, buf, len, ret);
	if (err)
		return bpfman_err_prefix(ctx, err, "%s", p);
	return 0;
}

static int index_write(struct bpfman_ctx *ctx, const char *root, const struct manifest *idx)
{
	json_t *o = json_object(), *arr = json_array();
	_cleanup_free_ char *text = NULL;

	if (!o || !arr) {
		json_decref(o);
		json_decref(arr);
		return -ENOMEM;
	}
	json_object_set_new(o, "schemaVersion", json_integer(2));
	json_object_set_new(o, "mediaType", json_string(MT_OCI_INDEX));
	for (size_t i = 0; i < idx->manifests_cnt; i++)
		json_array_append_new(arr, descriptor_json(&idx->manifests[i]));
	json_object_set_new(o, "manifests", arr);
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!text)
		return -ENOMEM;
	return write_atomic(ctx, root, "index.json", text, strlen(text));
}

static const char *entry_name(const struct descriptor *d)
{
	return descriptor_annotation(d, REF_NAME);
}

/* Drops the entries named `name`; returns how many. */
static size_t index_remove(struct manifest *idx, const char *name)
{
	size_t kept = 0, removed = 0;

	for (size_t i = 0; i < idx->manifests_cnt; i++) {
		const char *n = entry_name(&idx->manifests[i]);

		if (n && !strcmp(n, name)) {
			descriptor_clear(&idx->manifests[i]);
			removed++;
			continue;
		}
		idx->manifests[kept++] = idx->manifests[i];
	}
	idx->manifests_cnt = kept;
	return removed;
}

static int name_check(struct bpfman_ctx *ctx, const char *name)
{
	if (str_empty(name) || strlen(name) > 1024)
		return bpfman_err(ctx, -EINVAL, "an image layout reference name must be 1 to 1024 characters");
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return bpfman_err(ctx, -EINVAL, "image layout reference name \"%s\" has a space or control character", name);
	return 0;
}

/* A copy of src whose ref.name annotation is `name`. */
static int descriptor_with_name(struct descriptor *dst, const struct descriptor *src,
				const char *name)
{
	struct descriptor d = { .size = src->size };
	size_t n = 0;

	memset(dst, 0, sizeof(*dst));
	d.media_type = strdup(src->media_type);
	d.digest = strdup(src->digest);
	d.platform = src->platform ? strdup(src->platform) : NULL;
	d.artifact_type = src->artifact_type ? strdup(src->artifact_type) : NULL;
	d.annotation_keys = calloc(src->annotations_cnt + 1, sizeof(char *));
	d.annotation_values = calloc(src->annotations_cnt + 1, sizeof(char *));
	if (!d.media_type || !d.digest || !d.annotation_keys || !d.annotation_values ||
	    (src->platform && !d.platform) || (src->artifact_type && !d.artifact_type))
		goto nomem;
	for (size_t i = 0; i < src->annotations_cnt; i++) {
		if (!strcmp(src->annotation_keys[i], REF_NAME))
			continue;
		d.annotation_keys[n] = strdup(src->annotation_keys[i]);
		d.annotation_values[n] = strdup(src->annotation_values[i]);
		d.annotations_cnt = ++n;
		if (!d.annotation_keys[n - 1] || !d.annotation_values[n - 1])
			goto nomem;
	}
	d.annotation_keys[n] = strdup(REF_NAME);
	d.annotation_values[n] = strdup(name);
	d.annotations_cnt = ++n;
	if (!d.annotation_keys[n - 1] || !d.annotation_values[n - 1])
		goto nomem;
	*dst = d;
	return 0;
nomem:
	descriptor_clear(&d);
	return -ENOMEM;
}

int store_tag(struct bpfman_ctx *ctx, const char *root, const char *name,
	      const struct descriptor *desc)
{
	struct manifest idx;
	struct descriptor d = { 0 }, *grown;
	_cleanup_close_ int lock = -1;
	int err;

	if ((err = name_check(ctx, name)))
		return err;
	if (!desc->media_type || !digest_valid(desc->digest))
		return bpfman_err(ctx, -EINVAL, "cannot tag %s: the descriptor has no media type or a bad digest", name);
	if ((err = store_init(ctx, root)))
		return err;
	lock = lock_open(ctx, root, "index.lock", LOCK_EX);
	if (lock < 0)
		return lock;
	if ((err = index_read(ctx, root, &idx)))
		return err;
	index_remove(&idx, name);
	/* the entry: the descriptor with our name annotation replacing any */
	if ((err = descriptor_with_name(&d, desc, name)))
		goto out;
	grown = realloc(idx.manifests, (idx.manifests_cnt + 1) * sizeof(*grown));
	if (!grown) {
		err = -ENOMEM;
		goto out;
	}
	idx.manifests = grown;
	idx.manifests[idx.manifests_cnt++] = d;
	memset(&d, 0, sizeof(d));
	err = index_write(ctx, root, &idx);
out:
	descriptor_clear(&d);
	manifest_clear(&idx);
	return err;
}

int store_resolve(struct bpfman_ctx *ctx, const char *root, const char *name,
		  struct descriptor *ret)
{
	struct manifest idx;
	int err;

	memset(ret, 0, sizeof(*ret));
	if ((err = index_read(ctx, root, &idx)))
		return err;
	err = -ENOENT;
	for (size_t i = idx.manifests_cnt; i-- > 0;) {
		const char *n = entry_name(&idx.manifests[i]);

		if (n && !strcmp(n, name)) {
			err = descriptor_copy(ret, &idx.manifests[i]);
			break;
		}
	}
	manifest_clear(&idx);
	if (err == -ENOENT)
		return bpfman_err(ctx, -ENOENT, "%s is not in the image layout at %s", name, root);
	return err;
}

int store_untag(struct bpfman_ctx *ctx, const char *root, const char *name)
{
	struct manifest idx;
	_cleanup_close_ int lock = -1;
	int err;

	if (!path_exists(root))
		return bpfman_err(ctx, -ENOENT, "%s is not in the image layout at %s (no such directory)", name, root);
	lock = lock_open(ctx, root, "index.lock", LOCK_EX);
	if (lock < 0)
		return lock;
	if ((err = index_read(ctx, root, &idx)))
		return err;
	if (index_remove(&idx, name) == 0)
		err = bpfman_err(ctx, -ENOENT, "%s is not in the image layout at %s", name, root);
	else
		err = index_write(ctx, root, &idx);
	manifest_clear(&idx);
	return err;
}

void store_entries_free(struct store_entry *e, size_t cnt)
{
	for (size_t i = 0; e && i < cnt; i++) {
		free(e[i].name);
		descriptor_clear(&e[i].desc);
	}
	free(e);
}

int store_list(struct bpfman_ctx *ctx, const char *root,
	       struct store_entry **ret, size_t *ret_cnt)
{
	struct store_entry *e;
	struct manifest idx;
	size_t n = 0;
	int err;

	*ret = NULL;
	*ret_cnt = 0;
	if ((err = index_read(ctx, root, &idx)))
		return err;
	e = calloc(idx.manifests_cnt + 1, sizeof(*e));
	if (!e) {
		manifest_clear(&idx);
		return -ENOMEM;
	}
	for (size_t i = 0; i < idx.manifests_cnt; i++) {
		const char *name = entry_name(&idx.manifests[i]);

		if (name && !(e[n].name = strdup(name)))
			err = -ENOMEM;
		if (!err)
			err = descriptor_copy(&e[n].desc, &idx.manifests[i]);
		n++;
		if (err)
			break;
	}
	manifest_clear(&idx);
	if (err) {
		store_entries_free(e, n);
		return err;
	}
	*ret = e;
	*ret_cnt = n;
	return 0;
}

/* ---- prune ---- */

struct digest_set {
	char (*d)[DIGEST_STR_SIZE];
	size_t cnt, cap;
};

static bool set_has(const struct digest_set *s, const char *digest)
{
	for (size_t i = 0; i < s->cnt; i++)
		if (!strcmp(s->d[i], digest))
			return true;
	return false;
}

static int set_add(struct digest_set *s, const char *digest)
{
	if (set_has(s, digest))
		return 0;
	if (s->cnt == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		void *p = realloc(s->d, cap * sizeof(*s->d));

		if (!p)
			return -ENOMEM;
		s->d = p;
		s->cap = cap;
	}
	snprintf(s->d[s->cnt++], DIGEST_STR_SIZE, "%s", digest);
	return 0;
}

static bool is_manifest_type(const char *mt)
{
	return mt && (!strcmp(mt, MT_OCI_MANIFEST) || !strcmp(mt, MT_OCI_INDEX) ||
		      !strcmp(mt, MT_DOCKER_MANIFEST) || !strcmp(mt, MT_DOCKER_LIST));
}

/* Marks desc and everything it reaches. Entries of an index that are not
 * in the store (platforms never pulled) are fine; a manifest that is
 * present but unreadable stops the prune, since what it references is
 * unknown. */
static int mark(struct bpfman_ctx *ctx, const char *root, const struct descriptor *desc,
		struct digest_set *live, int depth)
{
	_cleanup_free_ void *buf = NULL;
	struct manifest m;
	size_t len;
	int err;

	if ((err = set_add(live, desc->digest)))
		return err;
	if (!is_manifest_type(desc->media_type) || !store_has_blob(root, desc->digest, 0))
		return 0;
	if (depth > 4)
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -ELOOP, "image indexes nest deeper than 4 levels at %s", desc->digest);
	if ((err = store_read_blob(ctx, root, desc->digest, MANIFEST_MAX_SIZE, &buf, &len)) ||
	    (err = manifest_parse(ctx, desc->media_type, buf, len, &m)))
		return bpfman_err_prefix(ctx, err, "cannot prune: manifest %s is unreadable; remove the references to it and prune again",
					 desc->digest);
	if (manifest_is_index(&m)) {
		for (size_t i = 0; !err && i < m.manifests_cnt; i++)
			err = mark(ctx, root, &m.manifests[i], live, depth + 1);
	} else {
		err = set_add(live, m.config.digest);
		for (size_t i = 0; !err && i < m.layers_cnt; i++)
			err = set_add(live, m.layers[i].digest);
	}
	manifest_clear(&m);
	return err;
}

static int remove_unused(struct bpfman_ctx *ctx, const char *root, const char *dir,
			 const struct digest_set *live, const char *suffix, size_t *ret_cnt,
			 uint64_t *ret_bytes)
{
	const char *shape = !strcmp(suffix, ".o") ? "bytecode/" : "blobs/sha256/";
	DIR *d = opendir(dir);
	struct dirent *de;
	char digest[DIGEST_STR_SIZE];
	size_t slen = strlen(suffix);

	if (!d)
		return errno == ENOENT ? 0 : bpfman_err(ctx, -errno, "cannot read %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct stat st;

		if (de->d_name[0] == '.' || len != 64 + slen || strcmp(de->d_name + 64, suffix))
			continue;
		snprintf(digest, sizeof(digest), "sha256:%.64s", de->d_name);
		if (!digest_valid(digest) || set_has(live, digest))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		{
			_cleanup_free_ char *path = str_printf("%s/%s", dir, de->d_name);
			int err = path ? owned_remove_under(ctx, root, "image cache", false, path, shape,
							    0, NULL)
				       : -ENOMEM;

			if (err) {
				closedir(d);
				return err;
			}
		}
		*ret_cnt += 1;
		*ret_bytes += (uint64_t)st.st_size;
	}
	closedir(d);
	return 0;
}

/* Leftovers of killed writers: under the exclusive use lock nobody is
 * writing, so everything in tmp/ is garbage. */
static void remove_tmp(struct bpfman_ctx *ctx, const char *root)
{
	_cleanup_free_ char *dir = path_of(root, "tmp");
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		_cleanup_free_ char *path = NULL;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		path = str_printf("%s/%s", dir, de->d_name);
		if (path)
			owned_remove_under(ctx, root, "image cache", false, path, "tmp/", 0, NULL);
	}
	closedir(d);
}

int store_prune(struct bpfman_ctx *ctx, const char *root,
		size_t *ret_blobs, uint64_t *ret_bytes)
{
	_cleanup_close_ int use = -1, lock = -1;
	_cleanup_free_ char *blobs = NULL, *bytecode = NULL;
	struct digest_set live = { 0 };
	struct manifest idx = { 0 };
	size_t cnt = 0;
	uint64_t bytes = 0;
	int err;

	if (ret_blobs)
		*ret_blobs = 0;
	if (ret_bytes)
		*ret_bytes = 0;
	if (!path_exists(root))
		return 0;
	use = lock_open(ctx, root, "use.lock", LOCK_EX);
	if (use < 0)
		return use;
	lock = lock_open(ctx, root, "index.lock", LOCK_EX);
	if (lock < 0)
		return lock;
	if ((err = index_read(ctx, root, &idx)))
		return err;
	for (size_t i = 0; !err && i < idx.manifests_cnt; i++)
		err = mark(ctx, root, &idx.manifests[i], &live, 0);
	manifest_clear(&idx);
	blobs = str_printf("%s/blobs/sha256", root);
	bytecode = path_of(root, "bytecode");
	if (!err && (!blobs || !bytecode))
		err = -ENOMEM;
	if (!err)
		err = remove_unused(ctx, root, blobs, &live, "", &cnt, &bytes);
	if (!err) {
		size_t ignored = 0;

		err = remove_unused(ctx, root, bytecode, &live, ".o", &ignored, &bytes);
	}
	if (!err)
		remove_tmp(ctx, root);
	free(live.d);
	if (err)
		return err;
	if (ret_blobs)
		*ret_blobs = cnt;
	if (ret_bytes)
		*ret_bytes = bytes;
	return 0;
}
