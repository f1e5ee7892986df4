// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "paths.h"

#include <inttypes.h>

char *path_prog_pin(const struct bpfman_ctx *ctx, uint32_t id)
{
	return str_printf("%s/prog_%u", ctx->bpffs_root, id);
}

char *path_maps_root(const struct bpfman_ctx *ctx)
{
	return str_printf("%s/maps", ctx->bpffs_root);
}

char *path_map_dir(const struct bpfman_ctx *ctx, uint32_t owner_id)
{
	return str_printf("%s/maps/%u", ctx->bpffs_root, owner_id);
}

char *path_links_root(const struct bpfman_ctx *ctx)
{
	return str_printf("%s/links", ctx->bpffs_root);
}

char *path_link_pin(const struct bpfman_ctx *ctx, uint64_t link_id)
{
	return str_printf("%s/links/%" PRIu64, ctx->bpffs_root, link_id);
}

char *path_staging_root(const struct bpfman_ctx *ctx)
{
	return str_printf("%s/staging", ctx->bpffs_root);
}

char *path_bytecode_dir(const struct bpfman_ctx *ctx)
{
	return str_printf("%s/bytecode", ctx->state_dir);
}
