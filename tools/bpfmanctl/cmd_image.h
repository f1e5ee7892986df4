/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl image <subcommand>: one function per subcommand. */
#ifndef BPFMANCTL_CMD_IMAGE_H
#define BPFMANCTL_CMD_IMAGE_H

#include "bpfmanctl.h"

int cmd_image_pull(int argc, char **argv, struct ctl_global *g);
int cmd_image_inspect(int argc, char **argv, struct ctl_global *g);
int cmd_image_list(int argc, char **argv, struct ctl_global *g);
int cmd_image_rm(int argc, char **argv, struct ctl_global *g);
int cmd_image_prune(int argc, char **argv, struct ctl_global *g);
/* cmd_image_build.c */
int cmd_image_build(int argc, char **argv, struct ctl_global *g);
int cmd_image_push(int argc, char **argv, struct ctl_global *g);
/* cmd_image_sign.c */
int cmd_image_sign(int argc, char **argv, struct ctl_global *g);
int cmd_image_verify(int argc, char **argv, struct ctl_global *g);

#endif
