// SPDX-License-Identifier: Apache-2.0
/* Get and list links, and their accessors. */
#include "internal.h"
#include "db.h"
#include "kernel_info.h"
#include "program_query.h"
#include "prog_types.h"
#include "chain_ops.h"

#include <stdlib.h>
#include <string.h>

/* The kernel's side of a link: its ID and, for chained hooks, its place. */
static void link_refresh(struct bpfman_ctx *ctx, struct bpfman_link *l)
{
	const struct prog_type_desc *desc = prog_type_desc(l->type);

	bool live;

	l->kernel_link_id = kernel_link_id_of_pin(l->pin_path);
	if (desc && desc->position)
		l->position = desc->position(ctx, l);
	/* A chained link's place was just read; only others need a look. */
	live = chain_link(l) ? l->position >= 0 : link_is_live(ctx, l);
	l->status = status_of(ctx, live, l->boot_id);
	if (l->status == BPFMAN_STATUS_GONE)
		warn_gone(ctx, "link", l->id);
}

int bpfman_link__get(struct bpfman_link **ret_link, struct bpfman_ctx *ctx,
		     uint64_t link_id)
{
	_cleanup_free_ struct bpfman_link *l = calloc(1, sizeof(*l));
	int err;

	if (!ret_link)
		return bpfman_err(ctx, -EINVAL, "ret_link is required");
	if (!l)
		return -ENOMEM;
	err = db_link_get(ctx, link_id, l);
	if (err == -ENOENT)
		return bpfman_err(ctx, -ENOENT, "no link with ID %llu (the links are those bpfman_link__list returns)",
				  (unsigned long long)link_id);
	if (err)
		return err;
	link_refresh(ctx, l);
	*ret_link = TAKE_PTR(l);
	return 0;
}

int bpfman_link__list(struct bpfman_link ***ret_links, size_t *ret_cnt,
		      struct bpfman_ctx *ctx, const struct bpfman_list_opts *opts)
{
	struct bpfman_link *rows = NULL, **out = NULL;
	enum bpfman_program_type type;
	uint32_t prog_id;
	size_t n = 0, cnt = 0;
	struct bpfman_program owner = { 0 };
	const char *app, *own, *kt_name;
	enum bpf_prog_type kt = 0;
	int err;

	if (!ret_links || !ret_cnt)
		return bpfman_err(ctx, -EINVAL, "ret_links and ret_cnt are required");
	if (!OPTS_VALID(ctx, opts, bpfman_list_opts))
		return -EINVAL;
	kt_name = OPTS_GET(opts, kernel_type, NULL);
	if (kt_name && (err = kernel_prog_type_from_name(ctx, kt_name, &kt)))
		return err;
	type = OPTS_GET(opts, type, BPFMAN_PROG_TYPE_UNSPEC);
	prog_id = OPTS_GET(opts, program_id, 0);
	app = OPTS_GET(opts, application, NULL);
	own = OPTS_GET(opts, owner, NULL);
	if ((err = db_link_all(ctx, prog_id, &rows, &n)))
		return err;
	out = calloc(n ? n : 1, sizeof(*out));
	if (!out) {
		db_link_array_free(rows, n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		if (type && rows[i].type != type)
			continue;
		if (kt_name && (!prog_type_desc(rows[i].type) ||
				prog_type_desc(rows[i].type)->kernel_type != kt))
			continue;
		if (!metadata_matches(&rows[i].metadata, opts))
			continue;
		/* Application and owner are the program's: one row read. */
		if (app || own) {
			bool match = !db_prog_get(ctx, rows[i].prog_id, &owner) &&
				     (!app || !strcmp(app, str_or_empty(owner.application))) &&
				     (!own || !strcmp(own, str_or_empty(owner.owner)));

			program_clear(&owner);
			if (!match)
				continue;
		}
		out[cnt] = malloc(sizeof(**out));
		if (!out[cnt]) {
			err = -ENOMEM;
			break;
		}
		*out[cnt] = rows[i];
		memset(&rows[i], 0, sizeof(rows[i]));
		link_refresh(ctx, out[cnt]);
		cnt++;
	}
	db_link_array_free(rows, n);
	if (err) {
		bpfman_link_list__free(out, cnt);
		return err;
	}
	*ret_links = out;
	*ret_cnt = cnt;
	return 0;
}

void bpfman_link__free(struct bpfman_link *l)
{
	if (!l)
		return;
	link_clear(l);
	free(l);
}

void bpfman_link_list__free(struct bpfman_link **links, size_t cnt)
{
	if (!links)
		return;
	for (size_t i = 0; i < cnt; i++)
		bpfman_link__free(links[i]);
	free(links);
}

uint64_t bpfman_link__id(const struct bpfman_link *l) { return l->id; }
uint32_t bpfman_link__program_id(const struct bpfman_link *l) { return l->prog_id; }
enum bpfman_program_type bpfman_link__type(const struct bpfman_link *l) { return l->type; }
bool bpfman_link__retprobe(const struct bpfman_link *l) { return l->retprobe; }
const char *bpfman_link__tracepoint(const struct bpfman_link *l) { return str_or_empty(l->tracepoint); }
const char *bpfman_link__fn_name(const struct bpfman_link *l) { return str_or_empty(l->fn_name); }
uint64_t bpfman_link__offset(const struct bpfman_link *l) { return l->offset; }
const char *bpfman_link__target(const struct bpfman_link *l) { return str_or_empty(l->target); }
int32_t bpfman_link__pid(const struct bpfman_link *l) { return l->pid; }
const char *bpfman_link__iface(const struct bpfman_link *l) { return str_or_empty(l->iface); }
int32_t bpfman_link__priority(const struct bpfman_link *l) { return l->priority; }
uint32_t bpfman_link__proceed_on(const struct bpfman_link *l) { return l->proceed_on; }
enum bpfman_direction bpfman_link__direction(const struct bpfman_link *l) { return l->direction; }
const char *bpfman_link__netns(const struct bpfman_link *l) { return str_or_empty(l->netns); }
int32_t bpfman_link__position(const struct bpfman_link *l) { return l->position; }
const char *bpfman_link__pin_path(const struct bpfman_link *l) { return str_or_empty(l->pin_path); }
uint32_t bpfman_link__kernel_link_id(const struct bpfman_link *l) { return l->kernel_link_id; }
enum bpfman_status bpfman_link__status(const struct bpfman_link *l) { return l->status; }
size_t bpfman_link__metadata_cnt(const struct bpfman_link *l) { return l->metadata.cnt; }

const char *bpfman_link__metadata_key(const struct bpfman_link *l, size_t i)
{
	return i < l->metadata.cnt ? l->metadata.keys[i] : NULL;
}

const char *bpfman_link__metadata_value(const struct bpfman_link *l, size_t i)
{
	return i < l->metadata.cnt ? l->metadata.values[i] : NULL;
}
