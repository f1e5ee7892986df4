// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* BPF LSM programs that count and always allow (return 0), so attaching
 * them never changes what the system permits. */
#include "counter.h"

/* The hook comes from the section. */
SEC("lsm/file_open")
int lsm_count(void *ctx)
{
	bump();
	return 0;
}

/* No hook in the section: the load names it ("lsm:lsm_count_named:file_open"). */
SEC("lsm")
int lsm_count_named(void *ctx)
{
	bump();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
