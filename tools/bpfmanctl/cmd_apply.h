/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by cmd_apply.c and `get applied` (cmd_get_applied.c). */
#ifndef BPFMANCTL_CMD_APPLY_H
#define BPFMANCTL_CMD_APPLY_H

#include "args.h"

struct apply_cfg {
	struct str_vec files;
	const char *node_name;
	struct kv_vec labels;
	bool labels_set;
};

int cmd_diff(int argc, char **argv, struct ctl_global *g);
int cmd_delete(int argc, char **argv, struct ctl_global *g);
void apply_cfg_opts(const struct apply_cfg *cfg, struct bpfman_apply_opts *opts);
void apply_lower_kind(char *out, size_t sz, const char *kind);
/* -o yaml|json: the result's status as BpfProgram objects. */
int apply_print_status(const struct ctl_global *g, const struct bpfman_apply_result *res);
/* get applied [KIND[/NAME]] */
int cmd_get_applied(int argc, char **argv, struct ctl_global *g);

#endif
