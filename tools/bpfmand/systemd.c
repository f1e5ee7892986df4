/* SPDX-License-Identifier: Apache-2.0 */
/* libsystemd through dlopen, only when systemd asks for it (systemd.h). */
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "systemd.h"

#define SYSTEMD_DEFINE(name) __typeof__(name) *sym_##name;
SYSTEMD_SYMBOLS(SYSTEMD_DEFINE)
#undef SYSTEMD_DEFINE

static void *handle;

static bool env_set(const char *name)
{
	const char *v = getenv(name);

	return v && *v;
}

int systemd_open(void)
{
	if (handle)
		return 1;
	if (!env_set("LISTEN_FDS") && !env_set("NOTIFY_SOCKET"))
		return 0;
	handle = dlopen(DLOPEN_SYSTEMD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		fprintf(stderr, "bpfmand: systemd passed sockets or waits for readiness (LISTEN_FDS or NOTIFY_SOCKET is set), but %s cannot be opened: %s; install libsystemd0, or start bpfmand without those variables\n",
			DLOPEN_SYSTEMD_SONAME, dlerror());
		return -1;
	}
#define SYSTEMD_RESOLVE(name)                                                   \
	if (!(sym_##name = (__typeof__(name) *)dlsym(handle, #name))) {         \
		fprintf(stderr, "bpfmand: %s has no %s; install a libsystemd0 of systemd >= 209\n", \
			DLOPEN_SYSTEMD_SONAME, #name);                          \
		systemd_close();                                                \
		return -1;                                                      \
	}
	SYSTEMD_SYMBOLS(SYSTEMD_RESOLVE)
#undef SYSTEMD_RESOLVE
	return 1;
}

void systemd_close(void)
{
	if (handle)
		dlclose(handle);
	handle = NULL;
#define SYSTEMD_CLEAR(name) sym_##name = NULL;
	SYSTEMD_SYMBOLS(SYSTEMD_CLEAR)
#undef SYSTEMD_CLEAR
}

void systemd_notify(const char *state)
{
	bool opened_here;

	if (!env_set("NOTIFY_SOCKET"))
		return;
	opened_here = !handle;
	if (systemd_open() <= 0)
		return;
	sym_sd_notify(0, state);
	if (opened_here)
		systemd_close();
}
