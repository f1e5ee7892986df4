// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "compat.h"

SEC("uretprobe/compat_uretprobe")
static int compat_uretprobe(void *ctx)
{
	return add_step();
}

char LICENSE[] SEC("license") = "GPL";
