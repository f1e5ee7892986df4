// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "prog_types.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <string.h>

static const char *const xdp_sections[] = { "xdp", "xdp.frags", NULL };
static const char *const tc_sections[] = { "tc", "classifier", "tcx", "tcx/ingress", "tcx/egress", NULL };
static const char *const tp_sections[] = { "tracepoint", "tp", NULL };
static const char *const kprobe_sections[] = { "kprobe", "kretprobe", NULL };
static const char *const kprobe_ret[] = { "kretprobe", NULL };
static const char *const uprobe_sections[] = { "uprobe", "uretprobe", "uprobe.s", "uretprobe.s", NULL };
static const char *const uprobe_ret[] = { "uretprobe", "uretprobe.s", NULL };
static const char *const fentry_sections[] = { "fentry", "fentry.s", NULL };
static const char *const fexit_sections[] = { "fexit", "fexit.s", NULL };
static const char *const lsm_sections[] = { "lsm", "lsm.s", NULL };

static const struct prog_type_desc descs[] = {
	{ BPFMAN_PROG_TYPE_XDP, "xdp", BPF_PROG_TYPE_XDP, xdp_sections, NULL,
	  xdp_prepare, xdp_attach, net_position, net_chain_update },
	{ BPFMAN_PROG_TYPE_TC, "tc", BPF_PROG_TYPE_SCHED_CLS, tc_sections, NULL,
	  tc_prepare, tc_attach, net_position, net_chain_update },
	{ BPFMAN_PROG_TYPE_TRACEPOINT, "tracepoint", BPF_PROG_TYPE_TRACEPOINT,
	  tp_sections, NULL, tracepoint_prepare, tracepoint_attach },
	{ BPFMAN_PROG_TYPE_KPROBE, "kprobe", BPF_PROG_TYPE_KPROBE,
	  kprobe_sections, kprobe_ret, kprobe_prepare, kprobe_attach },
	{ BPFMAN_PROG_TYPE_UPROBE, "uprobe", BPF_PROG_TYPE_KPROBE,
	  uprobe_sections, uprobe_ret, uprobe_prepare, uprobe_attach },
	{ BPFMAN_PROG_TYPE_FENTRY, "fentry", BPF_PROG_TYPE_TRACING,
	  fentry_sections, NULL, tracing_prepare, tracing_attach },
	{ BPFMAN_PROG_TYPE_FEXIT, "fexit", BPF_PROG_TYPE_TRACING,
	  fexit_sections, NULL, tracing_prepare, tracing_attach },
	{ BPFMAN_PROG_TYPE_TCX, "tcx", BPF_PROG_TYPE_SCHED_CLS, tc_sections, NULL,
	  tcx_prepare, tcx_attach, tcx_position },
	{ BPFMAN_PROG_TYPE_LSM, "lsm", BPF_PROG_TYPE_LSM, lsm_sections, NULL,
	  lsm_prepare, tracing_attach },
};

const struct prog_type_desc *prog_type_desc(enum bpfman_program_type type)
{
	for (size_t i = 0; i < ARRAY_SIZE(descs); i++)
		if (descs[i].type == type)
			return &descs[i];
	return NULL;
}

static bool prefix_in(const char *const *list, const char *sec, size_t len)
{
	for (; list && *list; list++)
		if (strlen(*list) == len && !strncmp(*list, sec, len))
			return true;
	return false;
}

bool prog_type_section_fits(const struct prog_type_desc *desc, const char *sec,
			    bool *retprobe)
{
	size_t len = strcspn(sec, "/");

	*retprobe = prefix_in(desc->ret_sections, sec, len);
	/* "tcx/ingress" style names include the slash part. */
	return prefix_in(desc->sections, sec, len) ||
	       prefix_in(desc->sections, sec, strlen(sec));
}

const char *bpfman_program_type_name(enum bpfman_program_type type)
{
	const struct prog_type_desc *d = prog_type_desc(type);

	return d ? d->name : NULL;
}

enum bpfman_program_type bpfman_program_type_from_name(const char *name)
{
	if (!name)
		return BPFMAN_PROG_TYPE_UNSPEC;
	if (!strcmp(name, "kretprobe"))
		return BPFMAN_PROG_TYPE_KPROBE;
	if (!strcmp(name, "uretprobe"))
		return BPFMAN_PROG_TYPE_UPROBE;
	for (size_t i = 0; i < ARRAY_SIZE(descs); i++)
		if (!strcmp(descs[i].name, name))
			return descs[i].type;
	return BPFMAN_PROG_TYPE_UNSPEC;
}

int pin_link_fd(struct bpfman_ctx *ctx, int link_fd, const char *path)
{
	if (bpf_obj_pin(link_fd, path) < 0)
		return bpfman_err(ctx, -errno, "cannot pin link at %s: %s", path,
				  strerror(errno));
	return 0;
}

int kernel_prog_type_from_name(struct bpfman_ctx *ctx, const char *name,
			       enum bpf_prog_type *ret)
{
	char norm[64];
	size_t i;

	if (strlen(name) >= sizeof(norm))
		goto bad;
	for (i = 0; name[i]; i++)
		norm[i] = name[i] == '-' ? '_' : name[i];
	norm[i] = '\0';
	if (!strcmp(norm, "probe"))
		snprintf(norm, sizeof(norm), "kprobe");
	if (!strcmp(norm, "lwt_seg6_local"))
		snprintf(norm, sizeof(norm), "lwt_seg6local");
	for (int t = 0;; t++) {
		const char *n = libbpf_bpf_prog_type_str((enum bpf_prog_type)t);

		if (!n)
			break;
		if (!strcmp(n, norm)) {
			*ret = (enum bpf_prog_type)t;
			return 0;
		}
	}
bad:
	return bpfman_err(ctx, -EINVAL,
			  "'%s' is not a kernel program type; use a name such as xdp, sched_cls, kprobe, tracepoint, tracing or ext (bpftool prog list shows them)",
			  name);
}

bool prog_type_has_btf_target(const struct prog_type_desc *desc)
{
	return desc->kernel_type == BPF_PROG_TYPE_TRACING ||
	       desc->kernel_type == BPF_PROG_TYPE_LSM;
}
