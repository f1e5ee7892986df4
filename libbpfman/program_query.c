// SPDX-License-Identifier: Apache-2.0
/* Get and list programs: our rows joined with the kernel's view; with
 * `all`, every program in the kernel. */
#include "internal.h"
#include "db.h"
#include "kernel_info.h"
#include "kernel_info_cache.h"
#include "program_query.h"
#include "prog_types.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void bpfman_list_opts_init(struct bpfman_list_opts *opts, size_t sz)
{
	bpfman_opts_init(opts, sz);
}

void program_fill_kernel_at(struct bpfman_program *p, int root_fd, const char *root)
{
	int fd;

	if (str_empty(p->pin_path))
		return;
	fd = kernel_obj_get_at(root_fd, root, p->pin_path);
	if (fd < 0)
		return;
	kernel_prog_info_fill(fd, &p->kernel);
	close(fd);
}

void program_fill_kernel(struct bpfman_program *p)
{
	program_fill_kernel_at(p, -1, NULL);
}

enum bpfman_status status_of(struct bpfman_ctx *ctx, bool live, const char *boot_id)
{
	if (live)
		return BPFMAN_STATUS_IN_KERNEL;
	return boot_id && !strcmp(boot_id, ctx->boot_id) ? BPFMAN_STATUS_GONE
							 : BPFMAN_STATUS_NEEDS_RESTORE;
}

void warn_gone(struct bpfman_ctx *ctx, const char *what, uint64_t id)
{
	if (__atomic_exchange_n(&ctx->warned_gone, true, __ATOMIC_RELAXED))
		return;
	pr_warn(ctx, "%s %llu is recorded but no longer in the kernel (removed outside libbpfman); its status says 'gone' until a reconcile forgets it",
		what, (unsigned long long)id);
}

static void program_status(struct bpfman_ctx *ctx, struct bpfman_program *p)
{
	p->status = status_of(ctx, p->kernel.loaded, p->boot_id);
	if (p->status == BPFMAN_STATUS_GONE)
		warn_gone(ctx, "program", p->id);
}

static int fill_links(struct bpfman_ctx *ctx, struct bpfman_program *p)
{
	struct bpfman_link *links = NULL;
	size_t cnt = 0;
	int err = db_link_all(ctx, p->id, &links, &cnt);

	if (err)
		return err;
	p->link_ids = calloc(cnt ? cnt : 1, sizeof(*p->link_ids));
	if (!p->link_ids) {
		db_link_array_free(links, cnt);
		return -ENOMEM;
	}
	for (size_t i = 0; i < cnt; i++)
		p->link_ids[i] = links[i].id;
	p->link_ids_cnt = cnt;
	db_link_array_free(links, cnt);
	return 0;
}

static int foreign_program(uint32_t id, struct bpfman_program *p)
{
	int fd = bpf_prog_get_fd_by_id(id);
	int err;

	if (fd < 0)
		return -errno;
	memset(p, 0, sizeof(*p));
	err = kernel_prog_info_fill(fd, &p->kernel);
	close(fd);
	if (err)
		return err;
	p->id = id;
	p->name = strdup(p->kernel.name);
	return p->name ? 0 : -ENOMEM;
}

int bpfman_program__get(struct bpfman_program **ret_prog, struct bpfman_ctx *ctx,
			uint32_t prog_id)
{
	_cleanup_free_ struct bpfman_program *p = calloc(1, sizeof(*p));
	int err;

	if (!ret_prog)
		return bpfman_err(ctx, -EINVAL, "ret_prog is required");
	if (!p)
		return -ENOMEM;
	err = db_prog_get(ctx, prog_id, p);
	if (err == -ENOENT) {
		err = foreign_program(prog_id, p);
		if (err == -ENOENT)
			return bpfman_err(ctx, -ENOENT,
					  "no program with ID %u, neither managed by bpfman nor in the kernel",
					  prog_id);
		if (err)
			return bpfman_err(ctx, err, "cannot read kernel program %u: %s", prog_id,
					  strerror(-err));
		*ret_prog = TAKE_PTR(p);
		return 0;
	}
	if (err)
		return err;
	program_fill_kernel(p);
	program_status(ctx, p);
	if ((err = fill_links(ctx, p))) {
		program_clear(p);
		return err;
	}
	*ret_prog = TAKE_PTR(p);
	return 0;
}

bool metadata_matches(const struct kv_list *have, const struct bpfman_list_opts *opts)
{
	const struct bpfman_kv *want = OPTS_GET(opts, match_metadata, NULL);
	size_t cnt = OPTS_GET(opts, match_metadata_cnt, 0);

	for (size_t i = 0; want && i < cnt; i++) {
		const char *v = kv_list_get(have, str_or_empty(want[i].key));

		if (!v || strcmp(v, str_or_empty(want[i].value)))
			return false;
	}
	return true;
}

static bool program_matches(const struct bpfman_program *p, const struct bpfman_list_opts *opts)
{
	enum bpfman_program_type type = OPTS_GET(opts, type, BPFMAN_PROG_TYPE_UNSPEC);
	const char *app = OPTS_GET(opts, application, NULL);

	if (type && p->type != type)
		return false;
	if (app && strcmp(app, str_or_empty(p->application)))
		return false;
	return metadata_matches(&p->metadata, opts);
}

static int push(struct bpfman_program ***arr, size_t *cnt, size_t *cap,
		struct bpfman_program *p)
{
	if (*cnt == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		struct bpfman_program **n = realloc(*arr, ncap * sizeof(**arr));

		if (!n)
			return -ENOMEM;
		*arr = n;
		*cap = ncap;
	}
	(*arr)[(*cnt)++] = p;
	return 0;
}

static int cmp_prog(const void *a, const void *b)
{
	const struct bpfman_program *x = *(struct bpfman_program *const *)a;
	const struct bpfman_program *y = *(struct bpfman_program *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* p's link IDs out of refs (ordered by program, then link): the run of
 * its program ID, found by bisection, so a list of N programs with M links
 * costs N log M rather than N * M. */
static int take_link_ids(struct bpfman_program *p, const struct db_link_ref *refs, size_t n)
{
	size_t lo = 0, hi = n, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (refs[mid].prog_id < p->id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < n && refs[end].prog_id == p->id; end++)
		;
	if (end == lo)
		return 0;
	p->link_ids = calloc(end - lo, sizeof(*p->link_ids));
	if (!p->link_ids)
		return -ENOMEM;
	for (size_t i = lo; i < end; i++)
		p->link_ids[p->link_ids_cnt++] = refs[i].id;
	return 0;
}

int bpfman_program__list(struct bpfman_program ***ret_progs, size_t *ret_cnt,
			 struct bpfman_ctx *ctx, const struct bpfman_list_opts *opts)
{
	struct bpfman_program *rows = NULL, **out = NULL;
	struct db_link_ref *links = NULL;
	size_t nrows = 0, nlinks = 0, cnt = 0, cap = 0, examined = 0;
	_cleanup_free_ uint32_t *managed_ids = NULL;
	_cleanup_close_ int root_fd = -1;
	const char *kt_name, *owner;
	enum bpf_prog_type kt = 0;
	int err;

	if (!ret_progs || !ret_cnt)
		return bpfman_err(ctx, -EINVAL, "ret_progs and ret_cnt are required");
	if (!OPTS_VALID(ctx, opts, bpfman_list_opts))
		return -EINVAL;
	kt_name = OPTS_GET(opts, kernel_type, NULL);
	if (kt_name && (err = kernel_prog_type_from_name(ctx, kt_name, &kt)))
		return err;
	owner = OPTS_GET(opts, owner, NULL);
	err = owner ? db_prog_by_owner(ctx, owner, &rows, &nrows) : db_prog_all(ctx, &rows, &nrows);
	if (err)
		return err;
	if ((err = db_link_refs_all(ctx, &links, &nlinks)))
		goto out;
	managed_ids = calloc(nrows ? nrows : 1, sizeof(*managed_ids));
	if (!managed_ids) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < nrows; i++)
		managed_ids[i] = rows[i].id;
	qsort(managed_ids, nrows, sizeof(*managed_ids), cmp_u32);
	/* Pins are resolved from here: one path walk for the list. */
	if (nrows)
		root_fd = open(ctx->bpffs_root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	for (size_t i = 0; i < nrows; i++) {
		struct bpfman_program *p;

		if (!program_matches(&rows[i], opts))
			continue;
		p = malloc(sizeof(*p));
		if (!p) {
			err = -ENOMEM;
			goto out;
		}
		*p = rows[i];
		memset(&rows[i], 0, sizeof(rows[i]));
		/* Link IDs from the one query above, not one query each. */
		if ((err = take_link_ids(p, links, nlinks))) {
			program_clear(p);
			free(p);
			goto out;
		}
		kinfo_cache_fill(ctx, p, root_fd, ctx->bpffs_root);
		examined++;
		program_status(ctx, p);
		if (kt_name && (!p->kernel.loaded || p->kernel.type != (uint32_t)kt)) {
			program_clear(p);
			free(p);
			continue;
		}
		if ((err = push(&out, &cnt, &cap, p))) {
			program_clear(p);
			free(p);
			goto out;
		}
	}

	if (OPTS_GET(opts, all, false)) {
		__u32 id = 0;
		enum bpfman_program_type type = OPTS_GET(opts, type, BPFMAN_PROG_TYPE_UNSPEC);

		/* Foreign programs have no bpfman type, metadata or owner, so a
		 * type, metadata or owner filter excludes them. (With an owner,
		 * managed_ids holds only that owner's programs: walking the
		 * kernel would also list the other owners' as foreign.) */
		while (!type && !OPTS_GET(opts, match_metadata_cnt, 0) &&
		       !OPTS_GET(opts, application, NULL) && !owner &&
		       !bpf_prog_get_next_id(id, &id)) {
			struct bpfman_program *p;

			if (bsearch(&id, managed_ids, nrows, sizeof(*managed_ids), cmp_u32))
				continue;
			p = calloc(1, sizeof(*p));
			if (!p) {
				err = -ENOMEM;
				goto out;
			}
			if (foreign_program(id, p)) {
				free(p);
				continue; /* unloaded meanwhile */
			}
			if (kt_name && p->kernel.type != (uint32_t)kt) {
				program_clear(p);
				free(p);
				continue;
			}
			if ((err = push(&out, &cnt, &cap, p))) {
				program_clear(p);
				free(p);
				goto out;
			}
		}
	}
	/* Every managed program was looked at: the cache forgets the rest. */
	if (!owner && examined == nrows)
		kinfo_cache_sweep(ctx);
	ctx->lists_served++;
	if (cnt)
		qsort(out, cnt, sizeof(*out), cmp_prog);
	*ret_progs = out;
	*ret_cnt = cnt;
	out = NULL;
	cnt = 0;
out:
	bpfman_program_list__free(out, cnt);
	db_prog_array_free(rows, nrows);
	free(links);
	return err;
}

int bpfman_program__map_used_by(uint32_t **ret_ids, size_t *ret_cnt, struct bpfman_ctx *ctx,
				uint32_t prog_id)
{
	if (!ret_ids || !ret_cnt)
		return bpfman_err(ctx, -EINVAL, "ret_ids and ret_cnt are required");
	*ret_ids = NULL;
	*ret_cnt = 0;
	return db_prog_map_users(ctx, prog_id, ret_ids, ret_cnt);
}
