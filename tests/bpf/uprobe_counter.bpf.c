// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "counter.h"

SEC("uprobe")
int uprobe_count(void *ctx)
{
	bump();
	return 0;
}

SEC("uretprobe")
int uretprobe_count(void *ctx)
{
	bump();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
