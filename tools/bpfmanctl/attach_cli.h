/* SPDX-License-Identifier: Apache-2.0 */
/* The attach half of bpfman's older one-step grammar (load-from-file,
 * load-from-image: "... TYPE [attach options]"), parsed by attach's own
 * option tables so both spellings accept exactly the same options. */
#ifndef BPFMANCTL_ATTACH_CLI_H
#define BPFMANCTL_ATTACH_CLI_H

#include <stdint.h>

#include "bpfmanctl.h"

struct attach_cfg;

/* argv[0] is TYPE. NULL and *ret = exit code (or CTL_HELP_SHOWN) on a
 * usage error, which also prints "Try 'TRY_CMD --help'". */
struct attach_cfg *attach_cli_parse(int argc, char **argv, struct ctl_global *g,
				    const char *try_cmd, int *ret);
enum bpfman_program_type attach_cli_type(const struct attach_cfg *cfg);
int attach_cli_call(struct bpfman_ctx *ctx, const struct attach_cfg *cfg, uint32_t prog_id,
		    uint64_t *link_id);
void attach_cli_free(struct attach_cfg *cfg);

#endif
