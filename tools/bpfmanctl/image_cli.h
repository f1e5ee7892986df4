/* SPDX-License-Identifier: Apache-2.0 */
/* What the image commands and 'load image' share: registry credentials
 * from -r/--registry-auth, the pull policy flag, and a progress bar on
 * stderr when it is a terminal. */
#ifndef BPFMANCTL_IMAGE_CLI_H
#define BPFMANCTL_IMAGE_CLI_H

#include <bpfman/bpfman.h>

#include "args.h"

/* --registry-auth-file, shared by every command that talks to a registry
 * (a key far above any command's own OPT_LONG numbers). */
#define KEY_REGISTRY_AUTH_FILE OPT_LONG(200)
#define OPT_REGISTRY_AUTH_FILE_ENTRY                                           \
	OPT("registry-auth-file", KEY_REGISTRY_AUTH_FILE, OPT_ARG_ONE, "FILE", \
	    "Registry credentials: USER:PASSWORD on the first line of FILE\n"  \
	    "(keep it mode 0600). Credentials stay off the command line.")
#define REGISTRY_AUTH_HELP                                                     \
	"Credentials as base64 of USER:PASSWORD (bpfman's form; other users\n" \
	"can read it in the process list: prefer --registry-auth-file, or\n"   \
	"'-r -' to read USER:PASSWORD from stdin). Without credentials the\n"  \
	"docker/podman auth files are searched (doc/images.md)."

struct registry_cli {
	char *username; /* decoded from -r; NULL without -r */
	char *password;
	const char *auth_file;
	struct bpfman_registry_opts opts;
};

/* -r/--registry-auth: base64 of "USER:PASSWORD", as bpfman takes it (with
 * a warning: the command line is public), or "-": USER:PASSWORD on the
 * first line of stdin. */
int args_registry_auth(struct registry_cli *r, const char *arg);
/* --registry-auth-file: USER:PASSWORD on the first line of FILE. */
int args_registry_auth_file(struct registry_cli *r, const char *path);
/* --pull-policy Always|IfNotPresent|Never (any case). */
int args_pull_policy(enum bpfman_pull_policy *ret, const char *arg);
/* Fills r->opts (credentials, auth file, progress when stderr is a tty). */
const struct bpfman_registry_opts *registry_cli_opts(struct registry_cli *r);
/* Ends the progress line, if one was drawn. */
void registry_cli_done(struct registry_cli *r);
void registry_cli_free(struct registry_cli *r);

#endif
