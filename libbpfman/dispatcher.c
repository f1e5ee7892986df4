// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "dispatcher.h"

#include <net/if.h>
#include <stdio.h>

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

const char *dispatcher_ifname(int ifindex, struct ifname_buf *b)
{
	char name[IF_NAMESIZE];

	if (if_indextoname((unsigned int)ifindex, name))
		snprintf(b->s, sizeof(b->s), "%s", name);
	else
		snprintf(b->s, sizeof(b->s), "ifindex %d", ifindex);
	return b->s;
}

int dispatcher_template(struct bpfman_ctx *ctx, enum bpfman_program_type type, int *ret_fd,
			const char **ret_func)
{
	if (type == BPFMAN_PROG_TYPE_XDP)
		return xdp_dispatcher_template(ctx, ret_fd, ret_func);
	return tc_dispatcher_template(ctx, ret_fd, ret_func);
}
