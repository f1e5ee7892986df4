// SPDX-License-Identifier: Apache-2.0
/* A C application outside the tree: includes the public header, links the
 * installed library, checks the versions agree. No privileges needed. */
#include <bpfman/bpfman.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	struct bpfman_ctx_opts opts;
	struct bpfman_ctx *ctx = NULL;

	if (bpfman_version_number() != BPFMAN_VERSION_NUMBER) {
		fprintf(stderr, "header %s, library %s\n", BPFMAN_VERSION_STRING,
			bpfman_version_string());
		return 1;
	}
	bpfman_ctx_opts_init(&opts, sizeof(opts));
	opts.state_dir = "relative"; /* refused: proves the call reaches the library */
	if (bpfman_ctx_new(&ctx, &opts) == 0 || !strstr(bpfman_errmsg(NULL), "absolute")) {
		fprintf(stderr, "unexpected: %s\n", bpfman_errmsg(NULL));
		return 1;
	}
	printf("libbpfman %s\n", bpfman_version_string());
	return 0;
}
