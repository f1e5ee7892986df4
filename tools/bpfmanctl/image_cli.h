/* SPDX-License-Identifier: Apache-2.0 */
/* What the image commands and 'load image' share: registry credentials
 * from -r/--registry-auth, the pull policy flag, and a progress bar on
 * stderr when it is a terminal. */
#ifndef BPFMANCTL_IMAGE_CLI_H
#define BPFMANCTL_IMAGE_CLI_H

#include <bpfman/bpfman.h>

struct registry_cli {
	char *username; /* decoded from -r; NULL without -r */
	char *password;
	const char *auth_file;
	struct bpfman_registry_opts opts;
};

/* -r/--registry-auth: base64 of "USER:PASSWORD", as bpfman takes it. */
int args_registry_auth(struct registry_cli *r, const char *arg);
/* --pull-policy Always|IfNotPresent|Never (any case). */
int args_pull_policy(enum bpfman_pull_policy *ret, const char *arg);
/* Fills r->opts (credentials, auth file, progress when stderr is a tty). */
const struct bpfman_registry_opts *registry_cli_opts(struct registry_cli *r);
/* Ends the progress line, if one was drawn. */
void registry_cli_done(struct registry_cli *r);
void registry_cli_free(struct registry_cli *r);

#endif
