// SPDX-License-Identifier: Apache-2.0
/* BPF LSM: the hook (bpf_lsm_<hook> in the kernel's BTF) was fixed at load
 * time, so attaching is the same tracing link as fentry's. What differs is
 * that a kernel can build BPF LSM in yet not run it: only LSMs named in the
 * boot's lsm= list (or CONFIG_LSM) are called, and a program attached to a
 * BPF LSM that is not active is accepted but never runs. Refuse that
 * instead of reporting an attach that does nothing. */
#include "internal.h"
#include "prog_types.h"

#include <stdio.h>
#include <string.h>

/* securityfs's list of active LSMs, comma separated. */
#define ACTIVE_LSMS "/sys/kernel/security/lsm"

static bool list_has(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list;; p++) {
		size_t len = strcspn(p, ",");

		if (len == n && !strncmp(p, name, n))
			return true;
		p += len;
		if (!*p)
			return false;
	}
}

int lsm_prepare(struct bpfman_ctx *ctx, const struct bpfman_program *prog,
		const struct bpfman_attach_opts *opts, struct bpfman_link *link)
{
	char active[512] = "";
	FILE *f = fopen(ACTIVE_LSMS, "re");

	(void)opts;
	/* Without securityfs we cannot tell; the kernel's answer stands. */
	if (f) {
		bool ok = fgets(active, sizeof(active), f) != NULL;

		fclose(f);
		active[strcspn(active, "\n")] = '\0';
		if (ok && !list_has(active, "bpf"))
			return bpfman_err(ctx, -EOPNOTSUPP,
					  "the BPF LSM is not active in this kernel (active LSMs: %s), so lsm program %u would never run; boot with 'bpf' added to the lsm= kernel parameter, e.g. lsm=%s,bpf",
					  active, prog->id, active);
	}
	if (!str_empty(prog->attach_func)) {
		link->fn_name = strdup(prog->attach_func);
		return link->fn_name ? 0 : -ENOMEM;
	}
	return 0;
}
