// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "counter.h"

/* Set with -g target_pid=<hex> to count one process only; 0 counts all. */
const volatile __u32 target_pid = 0;

SEC("tracepoint/syscalls/sys_enter_getpid")
int count_getpid(void *ctx)
{
	if (target_pid && (bpf_get_current_pid_tgid() >> 32) != target_pid)
		return 0;
	bump();
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
