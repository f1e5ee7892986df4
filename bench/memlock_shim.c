// SPDX-License-Identifier: Apache-2.0
/* LD_PRELOAD shim for running bpfman-rpc 0.6.0 in bench/daemon.sh on
 * hosts that deny CAP_SYS_RESOURCE (this one does): bpfman refuses to start
 * ("must be privileged to run bpfman") unless it can raise RLIMIT_MEMLOCK
 * to infinity. Kernels >= 5.11 charge BPF memory to the memory cgroup, not
 * to that limit, so the raise changes nothing they do; this lets that one
 * call succeed as a no-op and passes every other setrlimit through. Used
 * only for the peer, never for libbpfman. */
/* No <sys/resource.h>: it would rename setrlimit to setrlimit64 under
 * _FILE_OFFSET_BITS=64 and give the two different struct types; both
 * names are defined here, and the limit itself is only passed through. */
#include <dlfcn.h>

#define SHIM_RLIMIT_MEMLOCK 8 /* RLIMIT_MEMLOCK on Linux */

typedef int (*setrlimit_fn)(int, const void *);

static int pass(const char *name, int resource, const void *rlim)
{
	setrlimit_fn real;

	if (resource == SHIM_RLIMIT_MEMLOCK)
		return 0;
	real = (setrlimit_fn)dlsym(RTLD_NEXT, name);
	return real ? real(resource, rlim) : -1;
}

__attribute__((visibility("default"))) int setrlimit(int resource, const void *rlim);
__attribute__((visibility("default"))) int setrlimit64(int resource, const void *rlim);

int setrlimit(int resource, const void *rlim)
{
	return pass("setrlimit", resource, rlim);
}

int setrlimit64(int resource, const void *rlim)
{
	return pass("setrlimit64", resource, rlim);
}
