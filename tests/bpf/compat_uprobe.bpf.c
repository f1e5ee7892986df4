// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "compat.h"

SEC("uprobe/compat_uprobe")
static int compat_uprobe(void *ctx)
{
	return add_step();
}

char LICENSE[] SEC("license") = "GPL";
