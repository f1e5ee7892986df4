// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "compat.h"

SEC("kprobe/compat_kprobe")
static int compat_kprobe(void *ctx)
{
	return add_step();
}

char LICENSE[] SEC("license") = "GPL";
