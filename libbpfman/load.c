// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "owned.h"
#include "load.h"
#include "compat_load.h"
#include "db.h"
#include "dispatcher.h"
#include "globals.h"
#include "kernel_info.h"
#include "libbpf_glue.h"
#include "paths.h"
#include "prog_types.h"
#include "util/fsutil.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static int new_token(char out[33])
{
	unsigned char raw[16];

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return -errno;
	hex_encode(raw, sizeof(raw), out);
	return 0;
}

static char *program_names(struct bpf_object *obj)
{
	struct bpf_program *p;
	char *s = strdup(""), *t;

	bpf_object__for_each_program(p, obj) {
		if (!s)
			return NULL;
		t = str_printf("%s%s%s", s, *s ? ", " : "", bpf_program__name(p));
		free(s);
		s = t;
	}
	return s;
}

static bool dispatchable(enum bpfman_program_type t)
{
	return t == BPFMAN_PROG_TYPE_XDP || t == BPFMAN_PROG_TYPE_TC;
}

/* Makes prog an extension of the type's template dispatcher's first slot;
 * at attach time the same program is linked into any slot of any
 * dispatcher built for an interface. */
static int setup_ext(struct bpfman_ctx *ctx, struct bpf_program *prog,
		     enum bpfman_program_type type, int *template_fds)
{
	int *fd = &template_fds[type == BPFMAN_PROG_TYPE_XDP ? 0 : 1];
	const char *func = NULL;
	int err;

	if (*fd < 0 && (err = dispatcher_template(ctx, type, fd, &func)))
		return err;
	func = "prog0";
	bpf_program__set_type(prog, BPF_PROG_TYPE_EXT);
	bpf_program__set_expected_attach_type(prog, 0);
	return bpf_program__set_attach_target(prog, *fd, func);
}

/* Checks one requested program against the object and prepares it. For
 * types attached to a kernel function (fentry, fexit, lsm) *ret_target is
 * the function or hook the section names when the request names none. */
static int setup_program(struct bpfman_ctx *ctx, struct bpf_object *obj,
			 const char *path, const struct prog_request *req,
			 bool *ret_retprobe, char **ret_target)
{
	const struct prog_type_desc *desc = prog_type_desc(req->type);
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, req->func);
	const char *sec;
	int err;

	if (!prog) {
		_cleanup_free_ char *names = program_names(obj);

		return bpfman_err(ctx, -ENOENT,
				  "function '%s' not found in %s; it has: %s",
				  req->func, path, names ? names : "?");
	}
	/* A retried stage (without a dispatcher) sets it again. */
	free(*ret_target);
	*ret_target = NULL;
	sec = bpf_program__section_name(prog);
	if ((err = compat_settle_type(ctx, prog, desc, req->func, ret_retprobe)))
		return err;
	if (prog_type_has_btf_target(desc)) {
		const char *what = desc->kernel_type == BPF_PROG_TYPE_LSM ? "LSM hook" : "kernel function";

		if (req->attach_func) {
			/* libbpf adds bpf_lsm_ to an LSM hook's name. */
			err = bpf_program__set_attach_target(prog, 0, req->attach_func);

			if (err)
				return bpfman_err(ctx, err, "cannot set the %s '%s' of '%s': %s; the kernel's BTF has no such %s: check the name%s",
						  what, req->attach_func, req->func, strerror(-err), what,
						  desc->kernel_type == BPF_PROG_TYPE_LSM ? " (without bpf_lsm_), and that the kernel has CONFIG_BPF_LSM" : "");
		} else if (!strchr(sec, '/') || !strchr(sec, '/')[1]) {
			return bpfman_err(ctx, -EINVAL,
					  "%s program '%s' names no %s to attach to; write %s:%s:%s or name it in the section",
					  desc->name, req->func, what, desc->name, req->func,
					  desc->kernel_type == BPF_PROG_TYPE_LSM ? "HOOK" : "FUNCTION");
		} else if (!(*ret_target = strdup(strchr(sec, '/') + 1))) {
			return -ENOMEM;
		}
	}
	bpf_program__set_autoload(prog, true);
	return 0;
}

/* bpffs refuses names containing '.', which libbpf's internal maps have. */
static char *map_pin_path(const char *dir, const struct bpf_map *map)
{
	char *path = str_printf("%s/%s", dir, bpf_map__name(map));

	for (char *c = path ? path + strlen(dir) + 1 : NULL; c && *c; c++)
		if (*c == '.' || *c == '/')
			*c = '_';
	return path;
}

static int check_map_compat(struct bpfman_ctx *ctx, struct bpf_map *map, int fd,
			    const char *pin)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return bpfman_err(ctx, -errno, "cannot read map %s: %s", pin, strerror(errno));
	if (info.type != bpf_map__type(map) || info.key_size != bpf_map__key_size(map) ||
	    info.value_size != bpf_map__value_size(map) ||
	    info.max_entries != bpf_map__max_entries(map))
		return bpfman_err(ctx, -EINVAL,
				  "shared map %s (type %u, key %u, value %u, entries %u) does not match map '%s' of this object (type %u, key %u, value %u, entries %u); programs sharing maps must declare them identically",
				  pin, info.type, info.key_size, info.value_size, info.max_entries,
				  bpf_map__name(map), bpf_map__type(map), bpf_map__key_size(map),
				  bpf_map__value_size(map), bpf_map__max_entries(map));
	return 0;
}

/* A map owner that shares nothing with the object would leave every map
 * of the new programs private and unpinned: say what each side has. */
static int refuse_nothing_shared(struct bpfman_ctx *ctx, struct bpf_object *obj,
				 uint32_t owner_id, const char *dir)
{
	_cleanup_free_ char *ours = NULL, *theirs = NULL;
	size_t ours_len = 0, theirs_len = 0;
	FILE *m = open_memstream(&ours, &ours_len);
	struct bpf_map *map;
	struct dirent *de;
	DIR *d;

	if (!m)
		return -ENOMEM;
	bpf_object__for_each_map(map, obj)
		if (!bpf_map__is_internal(map))
			fprintf(m, "%s%s", ftell(m) ? ", " : "", bpf_map__name(map));
	fclose(m);
	if (!(m = open_memstream(&theirs, &theirs_len)))
		return -ENOMEM;
	if ((d = opendir(dir))) {
		while ((de = readdir(d)))
			if (de->d_name[0] != '.')
				fprintf(m, "%s%s", ftell(m) ? ", " : "", de->d_name);
		closedir(d);
	}
	fclose(m);
	return bpfman_err(ctx, -EINVAL,
			  "map owner %u shares no map with this object, so nothing would be shared and the new maps would stay unpinned: the object's maps are %s; the owner's maps (%s) are %s; give a map owner whose object declares maps of the same names (nothing was loaded)",
			  owner_id, str_empty(ours) ? "none" : ours, dir,
			  str_empty(theirs) ? "none" : theirs);
}

int load_check_map_owner(struct bpfman_ctx *ctx, const char *elf_path,
			 const struct prog_request *reqs, size_t cnt, uint32_t owner_id,
			 const char *dir)
{
	struct libbpf_capture cap __attribute__((cleanup(libbpf_capture_end)));
	struct bpf_object *obj;
	struct bpf_map *map;
	int err = 1;

	libbpf_capture_begin(&cap, ctx);
	/* Opened as the load will open it (static entry functions adapted). */
	if ((err = compat_open(ctx, elf_path, reqs, cnt, &cap, &obj)))
		return err;
	err = 1;
	bpf_object__for_each_map(map, obj) {
		_cleanup_free_ char *pin = NULL;

		if (bpf_map__is_internal(map))
			continue;
		if (!(pin = map_pin_path(dir, map)))
			err = -ENOMEM;
		else if (!access(pin, F_OK))
			err = 0;
		if (err <= 0)
			break;
	}
	if (err > 0)
		err = refuse_nothing_shared(ctx, obj, owner_id, dir);
	bpf_object__close(obj);
	return err;
}

static int reuse_maps(struct bpfman_ctx *ctx, struct bpf_object *obj,
		      const struct load_plan *plan)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		_cleanup_free_ char *pin = NULL;
		_cleanup_close_ int fd = -1;
		int err;

		if (bpf_map__is_internal(map) && !plan->reuse_internal_maps)
			continue;
		pin = map_pin_path(plan->reuse_map_dir, map);
		if (!pin)
			return -ENOMEM;
		fd = bpf_obj_get(pin);
		if (fd < 0)
			continue; /* the owner has no such map: this one stays private */
		if ((err = check_map_compat(ctx, map, fd, pin)))
			return err;
		err = bpf_map__reuse_fd(map, fd);
		if (err)
			return bpfman_err(ctx, err, "cannot reuse map %s: %s", pin, strerror(-err));
	}
	return 0;
}

static int pin_maps(struct bpfman_ctx *ctx, struct bpf_object *obj, const char *dir)
{
	struct bpf_map *map;
	int err;

	if ((err = mkdir_p(dir, 0700)))
		return bpfman_err(ctx, err, "cannot create %s: %s", dir, strerror(-err));
	bpf_object__for_each_map(map, obj) {
		_cleanup_free_ char *pin = NULL;

		if (bpf_map__fd(map) < 0)
			continue;
		pin = map_pin_path(dir, map);
		if (!pin)
			return -ENOMEM;
		if (bpf_obj_pin(bpf_map__fd(map), pin))
			return bpfman_err(ctx, -errno, "cannot pin map at %s: %s", pin, strerror(errno));
	}
	return 0;
}

static int stage_once(struct bpfman_ctx *ctx, const struct load_plan *plan,
		      struct load_result *res, bool ext)
{
	struct libbpf_capture cap __attribute__((cleanup(libbpf_capture_end)));
	struct bpf_object *obj;
	struct bpf_program *prog;
	int template_fds[2] = { -1, -1 };
	int err;

	libbpf_capture_begin(&cap, ctx);
	if ((err = compat_open(ctx, plan->elf_path, plan->reqs, plan->cnt, &cap, &obj)))
		return err;
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, false);
	for (size_t i = 0; i < plan->cnt; i++)
		if ((err = setup_program(ctx, obj, plan->elf_path, &plan->reqs[i],
					 &res->retprobe[i], &res->target[i])))
			goto out;
	if (plan->globals && (err = globals_apply(ctx, obj, plan->globals)))
		goto out;
	if (plan->reuse_map_dir && (err = reuse_maps(ctx, obj, plan)))
		goto out;
	for (size_t i = 0; i < plan->cnt; i++) {
		res->dispatched[i] = ext && dispatchable(plan->reqs[i].type);
		if (res->dispatched[i] &&
		    (err = setup_ext(ctx, bpf_object__find_program_by_name(obj, plan->reqs[i].func),
				     plan->reqs[i].type, template_fds)))
			goto out;
	}

	err = bpf_object__load(obj);
	if (err) {
		_cleanup_free_ char *what = str_printf("%s (%s)", plan->elf_path,
							plan->cnt == 1 ? plan->reqs[0].func : "several programs");

		err = libbpf_load_failed(ctx, &cap, err, what ? what : plan->elf_path);
		goto out;
	}
	for (size_t i = 0; i < plan->cnt; i++) {
		_cleanup_free_ char *pin = NULL;
		int fd = bpf_program__fd(bpf_object__find_program_by_name(obj, plan->reqs[i].func));

		res->ids[i] = kernel_prog_id(fd);
		pin = str_printf("%s/prog_%u", res->staging, res->ids[i]);
		if (!pin) {
			err = -ENOMEM;
			goto out;
		}
		if (bpf_obj_pin(fd, pin)) {
			err = bpfman_err(ctx, -errno, "cannot pin program at %s: %s", pin,
					 strerror(errno));
			goto out;
		}
	}
	if (!plan->reuse_map_dir) {
		_cleanup_free_ char *dir = str_printf("%s/maps", res->staging);

		if (!dir) {
			err = -ENOMEM;
			goto out;
		}
		if ((err = pin_maps(ctx, obj, dir)))
			goto out;
		res->maps_pinned = true;
	}
out:
	bpf_object__close(obj);
	for (int i = 0; i < 2; i++)
		if (template_fds[i] >= 0)
			close(template_fds[i]);
	return err;
}

static int stage_object(struct bpfman_ctx *ctx, const struct load_plan *plan,
			struct load_result *res)
{
	bool want_ext = false;
	int err;

	for (size_t i = 0; i < plan->cnt; i++)
		want_ext |= plan->try_dispatch && dispatchable(plan->reqs[i].type);
	if (!want_ext || ctx->ext_refused)
		return stage_once(ctx, plan, res, false);
	err = stage_once(ctx, plan, res, true);
	if (!err)
		return 0;
	/* The kernel refuses freplace (this process remembers), or this
	 * program cannot be an extension (no BTF, odd signature): load its
	 * plain type; it then attaches only alone on an interface. */
	if (err == -EPERM || err == -EACCES) {
		ctx->ext_refused = true;
		pr_warn(ctx, "this kernel refuses freplace (BPF_PROG_TYPE_EXT) programs (%s): XDP and TC programs load as their plain types, and each attaches alone on its hook (no dispatcher)",
			strerror(-err));
	} else {
		pr_warn(ctx, "%s: cannot load as a dispatcher extension, so it loads as its plain type and attaches alone on an interface: %s",
			plan->elf_path, bpfman_errmsg(ctx));
	}
	return stage_once(ctx, plan, res, false);
}

int load_stage(struct bpfman_ctx *ctx, const struct load_plan *plan,
	       struct load_result *res)
{
	_cleanup_free_ char *root = path_staging_root(ctx);
	char token[33];
	int err;

	memset(res, 0, sizeof(*res));
	if (!root)
		return -ENOMEM;
	if ((err = new_token(token)))
		return bpfman_err(ctx, err, "getrandom failed: %s", strerror(-err));
	res->token = strdup(token);
	res->staging = str_printf("%s/%s", root, token);
	res->ids = calloc(plan->cnt, sizeof(*res->ids));
	res->retprobe = calloc(plan->cnt, sizeof(*res->retprobe));
	res->dispatched = calloc(plan->cnt, sizeof(*res->dispatched));
	res->target = calloc(plan->cnt, sizeof(*res->target));
	res->cnt = plan->cnt;
	if (!res->token || !res->staging || !res->ids || !res->retprobe || !res->dispatched ||
	    !res->target)
		return -ENOMEM;
	/* Record the staging directory before creating it: after a crash,
	 * reconcile removes whatever it holds. */
	if ((err = db_pending_insert(ctx, res->token, res->staging)))
		return err;
	if ((err = mkdir_p(res->staging, 0700)))
		return bpfman_err(ctx, err, "cannot create %s: %s", res->staging, strerror(-err));
	return stage_object(ctx, plan, res);
}

int load_publish(struct bpfman_ctx *ctx, struct load_result *res)
{
	int err = 0;

	for (size_t i = 0; i < res->cnt; i++) {
		_cleanup_free_ char *from = str_printf("%s/prog_%u", res->staging, res->ids[i]);
		_cleanup_free_ char *to = path_prog_pin(ctx, res->ids[i]);

		if (!from || !to)
			return -ENOMEM;
		if (rename(from, to))
			return bpfman_err(ctx, -errno, "cannot move %s to %s: %s", from, to,
					  strerror(errno));
	}
	if (res->maps_pinned) {
		_cleanup_free_ char *root = path_maps_root(ctx);
		_cleanup_free_ char *from = str_printf("%s/maps", res->staging);
		_cleanup_free_ char *to = path_map_dir(ctx, res->ids[0]);

		if (!root || !from || !to)
			return -ENOMEM;
		if ((err = mkdir_p(root, 0700)))
			return bpfman_err(ctx, err, "cannot create %s: %s", root, strerror(-err));
		/* A leftover from an earlier program with the same ID (IDs are
		 * reused after a reboot) would make rename fail. */
		if ((err = owned_remove(ctx, OWNED_BPFFS, to, "maps/", OWNED_TREE, NULL)))
			return err;
		if (rename(from, to))
			return bpfman_err(ctx, -errno, "cannot move %s to %s: %s", from, to,
					  strerror(errno));
	}
	return 0;
}

void load_unpublish(struct bpfman_ctx *ctx, struct load_result *res)
{
	for (size_t i = 0; i < res->cnt; i++) {
		_cleanup_free_ char *pin = path_prog_pin(ctx, res->ids[i]);

		if (pin && res->ids[i])
			owned_remove(ctx, OWNED_BPFFS, pin, "prog_", 0, NULL);
	}
	if (res->maps_pinned && res->cnt) {
		_cleanup_free_ char *dir = path_map_dir(ctx, res->ids[0]);

		if (dir)
			owned_remove(ctx, OWNED_BPFFS, dir, "maps/", OWNED_TREE, NULL);
	}
}

void load_drop_staging(struct bpfman_ctx *ctx, struct load_result *res)
{
	if (res->staging)
		owned_remove(ctx, OWNED_BPFFS, res->staging, "staging/", OWNED_TREE, NULL);
}

void load_finish(struct bpfman_ctx *ctx, struct load_result *res)
{
	if (res->staging)
		owned_remove(ctx, OWNED_BPFFS, res->staging, "staging/", OWNED_TREE, NULL);
	if (res->token)
		db_pending_delete(ctx, res->token);
	free(res->token);
	free(res->staging);
	free(res->ids);
	free(res->retprobe);
	free(res->dispatched);
	for (size_t i = 0; res->target && i < res->cnt; i++)
		free(res->target[i]);
	free(res->target);
	memset(res, 0, sizeof(*res));
}
