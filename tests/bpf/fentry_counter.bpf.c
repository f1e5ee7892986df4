// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "counter.h"

const volatile __u32 target_pid = 0;

static __always_inline int count(void)
{
	if (target_pid && (bpf_get_current_pid_tgid() >> 32) != target_pid)
		return 0;
	bump();
	return 0;
}

/* The attach function comes from the section unless the load names one
 * ("fentry:fentry_count:do_nanosleep"). */
SEC("fentry/do_nanosleep")
int fentry_count(void *ctx)
{
	return count();
}

SEC("fexit/do_nanosleep")
int fexit_count(void *ctx)
{
	return count();
}

char LICENSE[] SEC("license") = "GPL";
