// SPDX-License-Identifier: Apache-2.0
/* The XDP dispatcher in libxdp's format (xdp_dispatcher.h).
 *
 * Written against libxdp's published formats: the configuration layout of
 * <xdp/prog_dispatcher.h>, the shipped xdp-dispatcher.o, the pin layout
 * and the flock protocol. libxdp's API is not used here: its multi-prog
 * calls take libxdp's lock themselves (we hold it across a whole rebuild),
 * and it cannot link an already loaded program with a priority or chain
 * actions of ours (DESIGN.md).
 *
 * An install, under libxdp's lock:
 *   1. read what is attached (a dispatcher of ours or libxdp's, a plain
 *      program, or nothing) and, for a dispatcher, its per-program flags;
 *   2. load a fresh dispatcher with the new configuration in .rodata;
 *   3. link every EXT program into its slot (bpf_link_create with the
 *      slot's BTF ID, as libxdp re-links loaded programs);
 *   4. pin links and programs under dispatch-<ifindex>-<new id>/;
 *   5. swap it in with one netlink call (XDP_FLAGS_REPLACE + expected fd);
 *   6. remove the old dispatcher's pins.
 * A failure in 2-5 closes what was made and removes the new pins: the
 * interface still runs the old chain. */
#include "internal.h"
#include "owned.h"
#include "xdp_dispatcher.h"
#include "libbpf_glue.h"
#include "util/fsutil.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xdp/prog_dispatcher.h>

/* Where libxdp looks (its BPF_OBJECT_PATH, its environment overrides). */
#define LIBXDP_OBJECT_DIR "/usr/lib/" MULTIARCH "/bpf"
#define LIBXDP_OBJECT_ENV "LIBXDP_OBJECT_PATH"
#define LIBXDP_BPFFS_DEFAULT "/sys/fs/bpf"
#define LIBXDP_BPFFS_ENV "LIBXDP_BPFFS"
#define DISPATCHER_OBJ_FILE "xdp-dispatcher.o"

/* A program that vanishes between a query and opening it was replaced
 * meanwhile: look again, this many times. */
#define MAX_RETRY 10

_Static_assert(MAX_DISPATCHER_ACTIONS == DISPATCHER_MAX_SLOTS, "libxdp has 10 slots");
_Static_assert(XDP_DISPATCHER_RETVAL == DISPATCHER_RETURN_BIT, "libxdp's return bit is ours");


static const char *mode_name(uint32_t mode)
{
	return mode == XDP_FLAGS_SKB_MODE ? "generic (skb)" : mode == XDP_FLAGS_HW_MODE ? "hw (offload)" : "native";
}

/* "\n<what libbpf said>" or "". */
static const char *said(const struct libbpf_capture *cap)
{
	return cap->len ? "\n" : "";
}

/* ---- libxdp's directory and lock ------------------------------------------ */

int xdp_dispatcher_pin_root(struct bpfman_ctx *ctx, char *buf, size_t size)
{
	const char *env = secure_getenv(LIBXDP_BPFFS_ENV);
	const char *mnt = str_empty(env) ? LIBXDP_BPFFS_DEFAULT : env;
	int err;

	if (!is_bpffs(mnt))
		return bpfman_err(ctx, -ENOENT,
				  "no bpf file system at %s%s, where libxdp keeps its XDP dispatchers; mount one (mount -t bpf bpf %s)",
				  mnt, str_empty(env) ? "" : " ($" LIBXDP_BPFFS_ENV ")", mnt);
	if (snprintf(buf, size, "%s/xdp", mnt) >= (int)size)
		return bpfman_err(ctx, -ENAMETOOLONG, "libxdp's directory under %s: path too long", mnt);
	if (mkdir(buf, S_IRWXU) && errno != EEXIST) {
		err = -errno;
		return bpfman_err(ctx, err, "cannot create libxdp's directory %s: %s", buf,
				  strerror(-err));
	}
	return 0;
}

/* libxdp's lock: flock on its directory (xdp_lock_acquire). Returns the
 * locked fd. */
static int libxdp_lock(struct bpfman_ctx *ctx, const char *root)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err;

	if (fd < 0) {
		err = -errno;
		return bpfman_err(ctx, err, "cannot open libxdp's lock directory %s: %s", root,
				  strerror(-err));
	}
	while (flock(fd, LOCK_EX)) {
		if (errno == EINTR)
			continue;
		err = -errno;
		close(fd);
		return bpfman_err(ctx, err, "cannot take libxdp's lock (flock on %s): %s", root,
				  strerror(-err));
	}
	return fd;
}

static void libxdp_unlockp(int *fd)
{
	if (*fd < 0)
		return;
	flock(*fd, LOCK_UN);
	close(*fd);
}

static int dispatch_dir(struct bpfman_ctx *ctx, char *buf, size_t size, const char *root,
			int ifindex, uint32_t id)
{
	/* Room for "/prog9-link" inside. */
	if (snprintf(buf, size, "%s/dispatch-%d-%u", root, ifindex, id) >= (int)size - 16)
		return bpfman_err(ctx, -ENAMETOOLONG, "dispatcher pin directory under %s: path too long",
				  root);
	return 0;
}

/* dir comes from dispatch_dir(), which leaves room for these names. */
static void slot_pins(const char *dir, size_t slot, char *link_pin, char *prog_pin)
{
	if (snprintf(link_pin, PATH_MAX, "%s/prog%zu-link", dir, slot) >= PATH_MAX ||
	    snprintf(prog_pin, PATH_MAX, "%s/prog%zu-prog", dir, slot) >= PATH_MAX)
		link_pin[0] = prog_pin[0] = '\0';
}

/* ---- what is attached ----------------------------------------------------- */

struct xdp_current {
	uint32_t id;   /* 0: nothing attached */
	uint32_t mode; /* XDP_FLAGS_DRV_MODE or XDP_FLAGS_SKB_MODE */
	int fd;        /* of the program, -1 when none */
	bool dispatcher;
	char name[BPF_OBJ_NAME_LEN];
	struct xdp_dispatcher_config cfg; /* of a dispatcher */
};

static void current_clear(struct xdp_current *cur)
{
	if (cur->fd >= 0)
		close(cur->fd);
	memset(cur, 0, sizeof(*cur));
	cur->fd = -1;
}

static int query(struct bpfman_ctx *ctx, int ifindex, struct xdp_current *cur)
{
	struct libbpf_capture cap __attribute__((cleanup(libbpf_capture_end)));
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct ifname_buf b;
	int err;

	libbpf_capture_begin(&cap, ctx);
	err = bpf_xdp_query(ifindex, 0, &q);
	if (err)
		return bpfman_err(ctx, err, "cannot query the XDP program of %s: %s%s%s",
				  dispatcher_ifname(ifindex, &b), strerror(-err), said(&cap), libbpf_capture_text(&cap));
	/* Native and generic never coexist; offloaded (hw) programs are
	 * another slot that dispatchers do not use. */
	if (q.drv_prog_id) {
		cur->id = q.drv_prog_id;
		cur->mode = XDP_FLAGS_DRV_MODE;
	} else if (q.skb_prog_id) {
		cur->id = q.skb_prog_id;
		cur->mode = XDP_FLAGS_SKB_MODE;
	}
	return 0;
}

/* Whether program cur->fd is a libxdp dispatcher, by libxdp's own test
 * (name, one rodata map holding a configuration with its magic); a
 * dispatcher of another layout or version is an error. */
static int inspect(struct bpfman_ctx *ctx, int ifindex, struct xdp_current *cur)
{
	struct bpf_prog_info info;
	struct bpf_map_info minfo;
	__u32 len = sizeof(info), mlen = sizeof(minfo), map_id = 0, key = 0;
	_cleanup_close_ int map_fd = -1;
	struct ifname_buf b;
	int err;

	memset(&info, 0, sizeof(info));
	info.nr_map_ids = 1;
	info.map_ids = (__u64)(uintptr_t)&map_id;
	if (bpf_obj_get_info_by_fd(cur->fd, &info, &len)) {
		err = -errno;
		return bpfman_err(ctx, err, "cannot read XDP program %u of %s: %s", cur->id,
				  dispatcher_ifname(ifindex, &b), strerror(-err));
	}
	snprintf(cur->name, sizeof(cur->name), "%s", info.name);
	if (strcmp(info.name, XDP_DISPATCHER_PROG_NAME) || info.nr_map_ids != 1)
		return 0;

	map_fd = bpf_map_get_fd_by_id(map_id);
	memset(&minfo, 0, sizeof(minfo));
	if (map_fd < 0 || bpf_obj_get_info_by_fd(map_fd, &minfo, &mlen)) {
		err = -errno;
		return bpfman_err(ctx, err, "cannot read the configuration of XDP dispatcher %u on %s: %s",
				  cur->id, dispatcher_ifname(ifindex, &b), strerror(-err));
	}
	if (minfo.key_size != sizeof(key) || minfo.max_entries != 1 ||
	    !(minfo.map_flags & BPF_F_RDONLY_PROG) || minfo.value_size != sizeof(cur->cfg) ||
	    bpf_map_lookup_elem(map_fd, &key, &cur->cfg) ||
	    cur->cfg.magic != XDP_DISPATCHER_MAGIC ||
	    cur->cfg.dispatcher_version != XDP_DISPATCHER_VERSION ||
	    cur->cfg.num_progs_enabled > DISPATCHER_MAX_SLOTS)
		return bpfman_err(ctx, -EOPNOTSUPP,
				  "%s runs XDP dispatcher %u in a format libbpfman does not read (a %u-byte configuration, magic %u, version %u; libbpfman reads the %zu-byte version %d of the installed libxdp): it was made by another libxdp version; remove it (xdp-loader unload --all %s) and attach again",
				  dispatcher_ifname(ifindex, &b), cur->id, minfo.value_size,
				  minfo.value_size >= 2 ? cur->cfg.magic : 0,
				  minfo.value_size >= 2 ? cur->cfg.dispatcher_version : 0,
				  sizeof(cur->cfg), XDP_DISPATCHER_VERSION, dispatcher_ifname(ifindex, &b));
	cur->dispatcher = true;
	return 0;
}

/* What runs on ifindex now; cur->fd is the caller's to close
 * (current_clear). A program replaced between the query and opening it
 * is looked up again. */
static int current_read(struct bpfman_ctx *ctx, int ifindex, struct xdp_current *cur)
{
	struct ifname_buf b;
	int err;

	for (int attempt = 0;; attempt++) {
		current_clear(cur);
		if ((err = query(ctx, ifindex, cur)) || !cur->id)
			return err;
		cur->fd = bpf_prog_get_fd_by_id(cur->id);
		if (cur->fd >= 0)
			break;
		err = -errno;
		if (err != -ENOENT || attempt == MAX_RETRY)
			return bpfman_err(ctx, err, "cannot open XDP program %u of %s: %s", cur->id,
					  dispatcher_ifname(ifindex, &b), strerror(-err));
		usleep(1000u << (attempt < 6 ? attempt : 6));
	}
	return inspect(ctx, ifindex, cur);
}

/* Opens the pinned programs of a dispatcher's slots. Returns a bare
 * negative errno (the caller words it): -ENOENT when a pin is missing. */
static int slots_read(const char *dir, const struct xdp_dispatcher_config *cfg,
		      struct chain_prog **ret_progs)
{
	size_t n = cfg->num_progs_enabled;
	struct chain_prog *v = calloc(n ? n : 1, sizeof(*v));
	int err = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i].prog_fd = -1;
	for (size_t i = 0; i < n && !err; i++) {
		slot_pins(dir, i, v[i].link_pin, v[i].prog_pin);
		v[i].prog_fd = bpf_obj_get(v[i].prog_pin);
		if (v[i].prog_fd < 0)
			err = -errno;
		v[i].priority = cfg->run_prios[i];
		v[i].proceed_on = cfg->chain_call_actions[i];
		v[i].position = (int)i;
	}
	if (err) {
		for (size_t i = 0; i < n; i++)
			if (v[i].prog_fd >= 0)
				close(v[i].prog_fd);
		free(v);
		return err;
	}
	*ret_progs = v;
	return 0;
}

int xdp_dispatcher_read(struct bpfman_ctx *ctx, int ifindex, struct chain_prog **ret_progs,
			size_t *ret_cnt, uint32_t *ret_dispatcher_id, uint32_t *ret_foreign_id)
{
	_cleanup_(libxdp_unlockp) int lock = -1;
	struct xdp_current cur = { .fd = -1 };
	char root[PATH_MAX], dir[PATH_MAX];
	struct chain_prog *v = NULL;
	struct ifname_buf b;
	int err;

	*ret_progs = NULL;
	*ret_cnt = 0;
	*ret_dispatcher_id = 0;
	*ret_foreign_id = 0;
	if ((err = xdp_dispatcher_pin_root(ctx, root, sizeof(root))))
		return err;
	if ((lock = libxdp_lock(ctx, root)) < 0)
		return lock;
	/* libxdp swaps dispatchers outside its lock (pins first, then the
	 * attach, then it unpins the old one under the lock again), so a
	 * dispatcher can be replaced and its pins gone between our query and
	 * opening them: then read the new one. */
	for (int attempt = 0;; attempt++) {
		struct xdp_current now = { .fd = -1 };
		uint32_t seen;

		if ((err = current_read(ctx, ifindex, &cur)))
			goto out;
		if (!cur.id)
			goto out;
		if (!cur.dispatcher) {
			*ret_foreign_id = cur.id;
			goto out;
		}
		if ((err = dispatch_dir(ctx, dir, sizeof(dir), root, ifindex, cur.id)))
			goto out;
		err = slots_read(dir, &cur.cfg, &v);
		if (!err)
			break;
		seen = cur.id;
		if (attempt < MAX_RETRY && !query(ctx, ifindex, &now) && now.id != seen)
			continue;
		err = bpfman_err(ctx, err,
				 "cannot read the programs of XDP dispatcher %u on %s from its pins in %s: %s; its pins were removed, or it was pinned in another bpf file system: remove it (xdp-loader unload --all %s, or ip link set dev %s xdp off) and attach again",
				 seen, dispatcher_ifname(ifindex, &b), dir, strerror(-err), dispatcher_ifname(ifindex, &b),
				 dispatcher_ifname(ifindex, &b));
		goto out;
	}
	*ret_progs = v;
	*ret_cnt = cur.cfg.num_progs_enabled;
	*ret_dispatcher_id = cur.id;
out:
	current_clear(&cur);
	return err;
}

/* ---- building a dispatcher ------------------------------------------------- */

/* Loads libxdp's dispatcher object with cfg; returns the program fd. */
static int dispatcher_load(struct bpfman_ctx *ctx, const struct xdp_dispatcher_config *cfg,
			   int *ret_fd)
{
	struct libbpf_capture cap __attribute__((cleanup(libbpf_capture_end)));
	const char *env = secure_getenv(LIBXDP_OBJECT_ENV);
	struct bpf_program *p, *disp = NULL;
	struct bpf_map *m, *rodata = NULL;
	struct bpf_object *obj;
	char path[PATH_MAX];
	size_t maps = 0, sz = 0;
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", str_empty(env) ? LIBXDP_OBJECT_DIR : env,
		 DISPATCHER_OBJ_FILE);
	libbpf_capture_begin(&cap, ctx);
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		err = -errno;
		return bpfman_err(ctx, err,
				  "cannot open libxdp's XDP dispatcher %s: %s; it ships with libxdp (Debian: libxdp1)%s%s",
				  path, strerror(-err), said(&cap), libbpf_capture_text(&cap));
	}
	bpf_object__for_each_program(p, obj) {
		bool main_prog = !strcmp(bpf_program__name(p), XDP_DISPATCHER_PROG_NAME);

		if (main_prog)
			disp = p;
		bpf_program__set_autoload(p, main_prog);
	}
	bpf_object__for_each_map(m, obj) {
		rodata = m;
		maps++;
	}
	if (!disp || maps != 1 || !bpf_map__initial_value(rodata, &sz) || sz != sizeof(*cfg)) {
		bpf_object__close(obj);
		return bpfman_err(ctx, -EINVAL,
				  "%s is not the libxdp dispatcher libbpfman was built for (a program '%s' and one %zu-byte configuration map, version %d); rebuild libbpfman against the installed libxdp",
				  path, XDP_DISPATCHER_PROG_NAME, sizeof(*cfg), XDP_DISPATCHER_VERSION);
	}
	if (cfg->is_xdp_frags)
		bpf_program__set_flags(disp, bpf_program__flags(disp) | BPF_F_XDP_HAS_FRAGS);
	err = bpf_map__set_initial_value(rodata, cfg, sizeof(*cfg));
	if (!err)
		err = bpf_object__load(obj);
	if (err) {
		bpf_object__close(obj);
		return bpfman_err(ctx, err, "the kernel refused libxdp's XDP dispatcher (%s): %s%s%s",
				  path, strerror(-err), said(&cap), libbpf_capture_text(&cap));
	}
	fd = fcntl(bpf_program__fd(disp), F_DUPFD_CLOEXEC, 3);
	err = fd < 0 ? -errno : 0;
	bpf_object__close(obj);
	if (err)
		return bpfman_err(ctx, err, "cannot keep the XDP dispatcher: %s", strerror(-err));
	*ret_fd = fd;
	return 0;
}

int xdp_dispatcher_template(struct bpfman_ctx *ctx, int *ret_fd, const char **ret_func)
{
	/* Every slot enabled, so that no slot is dead code to the verifier. */
	struct xdp_dispatcher_config cfg = {
		.magic = XDP_DISPATCHER_MAGIC,
		.dispatcher_version = XDP_DISPATCHER_VERSION,
		.num_progs_enabled = DISPATCHER_MAX_SLOTS,
	};
	int err;

	for (int i = 0; i < DISPATCHER_MAX_SLOTS; i++)
		cfg.chain_call_actions[i] = (1u << XDP_PASS) | (1u << XDP_DISPATCHER_RETVAL);
	if ((err = dispatcher_load(ctx, &cfg, ret_fd)))
		return err;
	if (ret_func)
		*ret_func = "prog0";
	return 0;
}

struct prog_desc {
	uint32_t id;
	uint32_t type;
	uint32_t btf_id;
	char name[BPF_OBJ_NAME_LEN];
};

static int prog_describe(int fd, struct prog_desc *d)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	memset(d, 0, sizeof(*d));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	d->id = info.id;
	d->type = info.type;
	d->btf_id = info.btf_id;
	snprintf(d->name, sizeof(d->name), "%s", info.name);
	return 0;
}

/* BTF IDs of the slot functions prog0..prog<cnt-1> of a loaded dispatcher
 * (in the kernel's copy of its BTF, as libxdp looks them up). */
static int slot_btf_ids(struct bpfman_ctx *ctx, int disp_fd, size_t cnt, int *ids)
{
	struct prog_desc d;
	struct btf *btf;
	char name[16];
	int err;

	if ((err = prog_describe(disp_fd, &d)))
		return bpfman_err(ctx, err, "cannot read the new XDP dispatcher: %s", strerror(-err));
	btf = btf__load_from_kernel_by_id(d.btf_id);
	if (!btf) {
		err = -errno;
		return bpfman_err(ctx, err, "cannot read the BTF of the new XDP dispatcher: %s",
				  strerror(-err));
	}
	for (size_t i = 0; i < cnt && !err; i++) {
		snprintf(name, sizeof(name), "prog%zu", i);
		ids[i] = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
		if (ids[i] <= 0)
			err = bpfman_err(ctx, -ENOENT,
					 "libxdp's XDP dispatcher has no slot function %s in its BTF", name);
	}
	btf__free(btf);
	return err;
}

/* Links progs[i] into slot i of the dispatcher disp_fd. */
static int slots_link(struct bpfman_ctx *ctx, int disp_fd, const struct chain_prog *progs,
		      size_t cnt, int *link_fds)
{
	int btf_ids[DISPATCHER_MAX_SLOTS];
	int err;

	if ((err = slot_btf_ids(ctx, disp_fd, cnt, btf_ids)))
		return err;
	for (size_t i = 0; i < cnt; i++) {
		struct libbpf_capture cap __attribute__((cleanup(libbpf_capture_end)));
		LIBBPF_OPTS(bpf_link_create_opts, lo, .target_btf_id = (__u32)btf_ids[i]);
		struct prog_desc d;

		if ((err = prog_describe(progs[i].prog_fd, &d)))
			return bpfman_err(ctx, err, "cannot read the program for slot %zu of the XDP dispatcher (fd %d): %s",
					  i, progs[i].prog_fd, strerror(-err));
		if (d.type != BPF_PROG_TYPE_EXT)
			return bpfman_err(ctx, -EINVAL,
					  "program %u (%s) is a %s program, not an extension (BPF_PROG_TYPE_EXT): only a program loaded as an XDP dispatcher extension runs in a dispatcher",
					  d.id, d.name, libbpf_bpf_prog_type_str(d.type) ?: "?");
		libbpf_capture_begin(&cap, ctx);
		link_fds[i] = bpf_link_create(progs[i].prog_fd, disp_fd, 0, &lo);
		if (link_fds[i] < 0) {
			err = -errno;
			link_fds[i] = -1;
			return bpfman_err(ctx, err,
					  "cannot link program %u (%s) into slot prog%zu of the new XDP dispatcher: %s%s%s%s",
					  d.id, d.name, i, strerror(-err),
					  err == -EINVAL ? " (its function must take a struct xdp_md * and return int, like the dispatcher's slots)" : "",
					  said(&cap), libbpf_capture_text(&cap));
		}
	}
	return 0;
}

static int pin_fd(struct bpfman_ctx *ctx, int fd, const char *path)
{
	int err;

	if (bpf_obj_pin(fd, path)) {
		err = -errno;
		return bpfman_err(ctx, err, "cannot pin %s: %s", path, strerror(-err));
	}
	return 0;
}

static int remove_dir(struct bpfman_ctx *ctx, const char *dir);

/* Pins links and programs in libxdp's layout; on failure removes dir. */
static int slots_pin(struct bpfman_ctx *ctx, const char *dir, const struct chain_prog *progs,
		     const int *link_fds, size_t cnt)
{
	char link_pin[PATH_MAX], prog_pin[PATH_MAX];
	int err = 0;

	if (mkdir(dir, S_IRWXU) && errno != EEXIST) {
		err = -errno;
		return bpfman_err(ctx, err, "cannot create %s: %s", dir, strerror(-err));
	}
	for (size_t i = 0; i < cnt && !err; i++) {
		slot_pins(dir, i, link_pin, prog_pin);
		if (!(err = pin_fd(ctx, link_fds[i], link_pin)))
			err = pin_fd(ctx, progs[i].prog_fd, prog_pin);
	}
	if (err)
		remove_dir(ctx, dir);
	return err;
}

/* dir is <libxdp's directory>/dispatch-<ifindex>-<id> (dispatch_dir). */
static int remove_dir(struct bpfman_ctx *ctx, const char *dir)
{
	char root[PATH_MAX];
	const char *slash = strrchr(dir, '/');

	if (!slash || (size_t)(slash - dir) >= sizeof(root))
		return -EINVAL;
	memcpy(root, dir, (size_t)(slash - dir));
	root[slash - dir] = '\0';
	return owned_remove_under(ctx, root, "libxdp directory", true, dir, "dispatch-", OWNED_TREE,
				  NULL);
}

static void remove_pins(struct bpfman_ctx *ctx, const char *dir)
{
	if (remove_dir(ctx, dir))
		pr_warn(ctx, "cannot remove the old XDP dispatcher pins %s: %s", dir,
			bpfman_errmsg(ctx));
}

/* The interface's program changed between our look and our swap. */
static int raced(struct bpfman_ctx *ctx, int ifindex, const struct libbpf_capture *cap)
{
	struct ifname_buf b;

	return bpfman_err(ctx, -EAGAIN,
			  "the XDP program of %s changed while libbpfman was rebuilding its dispatcher (another tool attached or detached at the same time); nothing was changed: try again%s%s",
			  dispatcher_ifname(ifindex, &b), said(cap), libbpf_capture_text(cap));
}

/* Swaps disp_fd in for cur (or attaches it anew); *ret_mode: the mode used. */
static int swap_in(struct bpfman_ctx *ctx, int ifindex, int disp_fd, uint32_t mode,
		   const struct xdp_current *cur, uint32_t *ret_mode)
{
	struct libbpf_capture cap __attribute__((cleanup(libbpf_capture_end)));
	LIBBPF_OPTS(bpf_xdp_attach_opts, o, .old_prog_fd = cur->fd);
	_cleanup_free_ char *native_said = NULL;
	int err, native_err = 0;
	struct ifname_buf b;

	libbpf_capture_begin(&cap, ctx);
	if (cur->id) {
		/* XDP_FLAGS_REPLACE (libbpf adds it for old_prog_fd): the
		 * kernel refuses unless cur is still what runs. */
		*ret_mode = cur->mode;
		err = bpf_xdp_attach(ifindex, disp_fd, cur->mode, &o);
		if (err == -EEXIST || err == -EBUSY)
			return raced(ctx, ifindex, &cap);
		if (err)
			return bpfman_err(ctx, err, "cannot replace XDP dispatcher %u on %s (%s mode): %s%s%s",
					  cur->id, dispatcher_ifname(ifindex, &b), mode_name(cur->mode),
					  strerror(-err), said(&cap), libbpf_capture_text(&cap));
		return 0;
	}
	*ret_mode = mode ? mode : XDP_FLAGS_DRV_MODE;
	err = bpf_xdp_attach(ifindex, disp_fd, XDP_FLAGS_UPDATE_IF_NOEXIST | *ret_mode, NULL);
	if (err && !mode && err != -EEXIST && err != -EBUSY && err != -ENODEV) {
		/* The driver refuses native XDP: generic works everywhere. */
		native_err = err;
		native_said = strdup(libbpf_capture_text(&cap));
		pr_debug(ctx, "%s refuses native XDP (%s); attaching in generic (skb) mode",
			 dispatcher_ifname(ifindex, &b), strerror(-err));
		*ret_mode = XDP_FLAGS_SKB_MODE;
		err = bpf_xdp_attach(ifindex, disp_fd, XDP_FLAGS_UPDATE_IF_NOEXIST | *ret_mode, NULL);
	}
	if (err == -EEXIST || err == -EBUSY)
		return raced(ctx, ifindex, &cap);
	if (err && native_err)
		return bpfman_err(ctx, err,
				  "cannot attach the XDP dispatcher to %s: native mode: %s%s%s; generic (skb) mode: %s%s%s",
				  dispatcher_ifname(ifindex, &b), strerror(-native_err),
				  native_said && *native_said ? "\n" : "", native_said ? native_said : "",
				  strerror(-err), said(&cap), libbpf_capture_text(&cap));
	if (err)
		return bpfman_err(ctx, err, "cannot attach the XDP dispatcher to %s in %s mode: %s%s%s",
				  dispatcher_ifname(ifindex, &b), mode_name(*ret_mode), strerror(-err), said(&cap),
				  libbpf_capture_text(&cap));
	return 0;
}

static int detach(struct bpfman_ctx *ctx, int ifindex, const struct xdp_current *cur,
		  const char *dir)
{
	struct libbpf_capture cap __attribute__((cleanup(libbpf_capture_end)));
	LIBBPF_OPTS(bpf_xdp_attach_opts, o, .old_prog_fd = cur->fd);
	struct ifname_buf b;
	int err;

	libbpf_capture_begin(&cap, ctx);
	err = bpf_xdp_attach(ifindex, -1, cur->mode, &o);
	if (err == -EEXIST || err == -EBUSY)
		return raced(ctx, ifindex, &cap);
	if (err)
		return bpfman_err(ctx, err, "cannot detach XDP dispatcher %u from %s: %s%s%s", cur->id,
				  dispatcher_ifname(ifindex, &b), strerror(-err), said(&cap),
				  libbpf_capture_text(&cap));
	remove_pins(ctx, dir);
	return 0;
}

/* libxdp keeps each program's flags (frags support) per slot; carry them
 * over for programs that stay, matched by program ID. */
static void carry_flags(const struct xdp_current *cur, const char *old_dir,
			const struct chain_prog *progs, size_t cnt,
			struct xdp_dispatcher_config *cfg)
{
	struct chain_prog *old = NULL;
	uint32_t old_ids[DISPATCHER_MAX_SLOTS];
	size_t n;

	if (!cur->dispatcher || slots_read(old_dir, &cur->cfg, &old))
		return;
	n = cur->cfg.num_progs_enabled;
	for (size_t j = 0; j < n; j++) {
		struct prog_desc d;

		old_ids[j] = prog_describe(old[j].prog_fd, &d) ? 0 : d.id;
		close(old[j].prog_fd);
	}
	free(old);
	for (size_t i = 0; i < cnt; i++) {
		struct prog_desc d;

		if (prog_describe(progs[i].prog_fd, &d))
			continue;
		for (size_t j = 0; j < n; j++)
			if (old_ids[j] && old_ids[j] == d.id)
				cfg->program_flags[i] = cur->cfg.program_flags[j];
	}
}

int xdp_dispatcher_install(struct bpfman_ctx *ctx, int ifindex, uint32_t mode,
			   struct chain_prog *progs, size_t cnt)
{
	return xdp_dispatcher_install_if(ctx, ifindex, mode, XDP_ANY_DISPATCHER, progs, cnt);
}

int xdp_dispatcher_install_if(struct bpfman_ctx *ctx, int ifindex, uint32_t mode,
			      uint32_t expected_id, struct chain_prog *progs, size_t cnt)
{
	_cleanup_(libxdp_unlockp) int lock = -1;
	_cleanup_close_ int disp_fd = -1;
	struct xdp_current cur = { .fd = -1 };
	struct xdp_dispatcher_config cfg;
	char root[PATH_MAX], old_dir[PATH_MAX] = "", dir[PATH_MAX];
	int link_fds[DISPATCHER_MAX_SLOTS];
	struct prog_desc d;
	struct ifname_buf b;
	uint32_t used_mode = 0;
	bool frags = cnt > 0;
	int err;

	if (cnt > DISPATCHER_MAX_SLOTS)
		return bpfman_err(ctx, -E2BIG,
				  "an interface runs at most %d XDP programs (the slots of one libxdp dispatcher), and %zu were asked for on %s; detach one first (nothing was changed)",
				  DISPATCHER_MAX_SLOTS, cnt, dispatcher_ifname(ifindex, &b));
	if (mode != 0 && mode != XDP_FLAGS_SKB_MODE && mode != XDP_FLAGS_DRV_MODE &&
	    mode != XDP_FLAGS_HW_MODE)
		return bpfman_err(ctx, -EINVAL,
				  "XDP mode flags 0x%x: use 0 (native, else generic), XDP_FLAGS_SKB_MODE, XDP_FLAGS_DRV_MODE or XDP_FLAGS_HW_MODE",
				  mode);
	if (cnt && !progs)
		return bpfman_err(ctx, -EINVAL, "no programs given for %zu XDP dispatcher slots", cnt);
	for (size_t i = 0; i < DISPATCHER_MAX_SLOTS; i++)
		link_fds[i] = -1;

	if ((err = xdp_dispatcher_pin_root(ctx, root, sizeof(root))))
		return err;
	if ((lock = libxdp_lock(ctx, root)) < 0)
		return lock;
	if ((err = current_read(ctx, ifindex, &cur)))
		goto out;
	/* The caller built progs from the chain it read; if libxdp (or anyone)
	 * swapped the dispatcher since, installing would drop their change. */
	if (expected_id != XDP_ANY_DISPATCHER && cur.id != expected_id) {
		err = bpfman_err(ctx, -EAGAIN,
				 "the XDP chain on %s changed while it was being rebuilt (dispatcher %u, expected %u); read it again",
				 dispatcher_ifname(ifindex, &b), cur.id, expected_id);
		goto out;
	}
	if (!cnt && !cur.dispatcher) {
		/* No dispatcher to remove; a plain program is not ours. */
		goto out;
	}
	if (cur.id && !cur.dispatcher) {
		err = bpfman_err(ctx, -EBUSY,
				 "%s runs XDP program %u (%s) outside any dispatcher; libbpfman does not replace it: detach it first (ip link set dev %s xdp off)",
				 dispatcher_ifname(ifindex, &b), cur.id, cur.name, dispatcher_ifname(ifindex, &b));
		goto out;
	}
	/* Changing modes would take the whole chain off the interface. */
	if (mode && cnt && cur.id && cur.mode != mode)
		pr_warn(ctx, "%s runs its XDP dispatcher in %s mode, not the %s mode asked for; the chain keeps its mode until its last program is detached",
			dispatcher_ifname(ifindex, &b), mode_name(cur.mode), mode_name(mode));
	if (cur.id && (err = dispatch_dir(ctx, old_dir, sizeof(old_dir), root, ifindex, cur.id)))
		goto out;
	if (!cnt) {
		err = detach(ctx, ifindex, &cur, old_dir);
		goto out;
	}
	if (cur.id && mode && mode != cur.mode) {
		err = bpfman_err(ctx, -EINVAL,
				 "the XDP dispatcher on %s runs in %s mode and a rebuild keeps it, but %s mode was asked for; detach every XDP program from %s to change the mode",
				 dispatcher_ifname(ifindex, &b), mode_name(cur.mode), mode_name(mode),
				 dispatcher_ifname(ifindex, &b));
		goto out;
	}

	memset(&cfg, 0, sizeof(cfg));
	cfg.magic = XDP_DISPATCHER_MAGIC;
	cfg.dispatcher_version = XDP_DISPATCHER_VERSION;
	cfg.num_progs_enabled = (__u8)cnt;
	for (size_t i = 0; i < cnt; i++) {
		cfg.chain_call_actions[i] = progs[i].proceed_on | (1u << XDP_DISPATCHER_RETVAL);
		cfg.run_prios[i] = progs[i].priority;
	}
	carry_flags(&cur, old_dir, progs, cnt, &cfg);
	/* The dispatcher handles multi-buffer packets only when every
	 * program in it does (as libxdp decides). */
	for (size_t i = 0; i < cnt; i++)
		frags &= !!(cfg.program_flags[i] & BPF_F_XDP_HAS_FRAGS);
	cfg.is_xdp_frags = frags;
	err = dispatcher_load(ctx, &cfg, &disp_fd);
	if (err && frags) {
		pr_debug(ctx, "XDP dispatcher with frags support refused (%s); loading it without",
			 bpfman_errmsg(ctx));
		cfg.is_xdp_frags = 0;
		err = dispatcher_load(ctx, &cfg, &disp_fd);
	}
	if (err)
		goto out;
	if ((err = slots_link(ctx, disp_fd, progs, cnt, link_fds)))
		goto out;
	if ((err = prog_describe(disp_fd, &d))) {
		err = bpfman_err(ctx, err, "cannot read the new XDP dispatcher: %s", strerror(-err));
		goto out;
	}
	if ((err = dispatch_dir(ctx, dir, sizeof(dir), root, ifindex, d.id)))
		goto out;
	if ((err = slots_pin(ctx, dir, progs, link_fds, cnt)))
		goto out;
	if ((err = swap_in(ctx, ifindex, disp_fd, mode, &cur, &used_mode))) {
		remove_dir(ctx, dir);
		goto out;
	}
	if (cur.id)
		remove_pins(ctx, old_dir);
	for (size_t i = 0; i < cnt; i++) {
		progs[i].position = (int)i;
		slot_pins(dir, i, progs[i].link_pin, progs[i].prog_pin);
	}
	pr_debug(ctx, "XDP dispatcher %u with %zu programs on %s (%s mode) replaces %u", d.id, cnt,
		 dispatcher_ifname(ifindex, &b), mode_name(used_mode), cur.id);
out:
	for (size_t i = 0; i < DISPATCHER_MAX_SLOTS; i++)
		if (link_fds[i] >= 0)
			close(link_fds[i]);
	current_clear(&cur);
	return err;
}
