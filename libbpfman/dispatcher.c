// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "dispatcher.h"

void chain_sort(struct chain_prog *progs, size_t cnt)
{
	/* Insertion sort: stable, and cnt <= DISPATCHER_MAX_SLOTS. */
	for (size_t i = 1; i < cnt; i++) {
		struct chain_prog tmp = progs[i];
		size_t j = i;

		while (j > 0 && progs[j - 1].priority > tmp.priority) {
			progs[j] = progs[j - 1];
			j--;
		}
		progs[j] = tmp;
	}
	for (size_t i = 0; i < cnt; i++)
		progs[i].position = (int)i;
}

/* TEMPORARY until xdp_dispatcher.c lands (being written now): weak
 * stand-ins that refuse, so the tree builds; the real ones override them. */
__attribute__((weak)) int xdp_dispatcher_template(struct bpfman_ctx *ctx, int *ret_fd,
						  const char **ret_func)
{
	(void)ret_fd;
	(void)ret_func;
	return bpfman_err(ctx, -EOPNOTSUPP, "XDP dispatcher support is not built in yet");
}

__attribute__((weak)) int xdp_dispatcher_read(struct bpfman_ctx *ctx, int ifindex,
					      struct chain_prog **ret_progs, size_t *ret_cnt,
					      uint32_t *ret_dispatcher_id, uint32_t *ret_foreign_id)
{
	(void)ifindex;
	(void)ret_progs;
	(void)ret_cnt;
	(void)ret_dispatcher_id;
	(void)ret_foreign_id;
	return bpfman_err(ctx, -EOPNOTSUPP, "XDP dispatcher support is not built in yet");
}

__attribute__((weak)) int xdp_dispatcher_install(struct bpfman_ctx *ctx, int ifindex,
						 uint32_t mode, struct chain_prog *progs, size_t cnt)
{
	(void)ifindex;
	(void)mode;
	(void)progs;
	(void)cnt;
	return bpfman_err(ctx, -EOPNOTSUPP, "XDP dispatcher support is not built in yet");
}

int dispatcher_template(struct bpfman_ctx *ctx, enum bpfman_program_type type, int *ret_fd,
			const char **ret_func)
{
	if (type == BPFMAN_PROG_TYPE_XDP)
		return xdp_dispatcher_template(ctx, ret_fd, ret_func);
	return tc_dispatcher_template(ctx, ret_fd, ret_func);
}
