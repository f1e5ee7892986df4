// SPDX-License-Identifier: Apache-2.0
/* Validation of the size-prefixed options structs (doc/abi.md). */
#include "internal.h"

#include <string.h>

bool bpfman_opts_valid(struct bpfman_ctx *ctx, const void *opts,
		       size_t known_sz, const char *type_name)
{
	size_t user_sz, i;
	const unsigned char *bytes = opts;

	if (!opts)
		return true;
	user_sz = *(const size_t *)opts;
	if (user_sz < sizeof(size_t)) {
		bpfman_err(ctx, -EINVAL,
			   "%s.sz is %zu, smaller than the size field itself; set it to sizeof(struct %s) or use %s_init()",
			   type_name, user_sz, type_name, type_name);
		return false;
	}
	for (i = known_sz; i < user_sz; i++) {
		if (bytes[i]) {
			bpfman_err(ctx, -EINVAL,
				   "%s has non-zero byte at offset %zu, past the %zu bytes this libbpfman %s knows; the caller was built against a newer header and uses a field this library lacks",
				   type_name, i, known_sz, BPFMAN_VERSION_STRING);
			return false;
		}
	}
	return true;
}

void bpfman_opts_init(void *opts, size_t sz)
{
	if (!opts || sz < sizeof(size_t))
		return;
	memset(opts, 0, sz);
	*(size_t *)opts = sz;
}

void bpfman_ctx_opts_init(struct bpfman_ctx_opts *opts, size_t sz)
{
	bpfman_opts_init(opts, sz);
}
