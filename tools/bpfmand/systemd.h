/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libsystemd's sd-daemon (sd_listen_fds, sd_notify), opened with dlopen
 * only when systemd asks for it: LISTEN_FDS (socket activation) or
 * NOTIFY_SOCKET (Type=notify) in the environment. Linked, libsystemd and
 * the libraries it needs (libgcrypt, libgpg-error, liblzma, libzstd, liblz4,
 * libcap) were 1.1 MB of a 5.9 MB idle daemon for three calls made at
 * start and one at stop; the event loop is libev (doc/architecture.md,
 * "bpfmand"). The protocols stay libsystemd's to speak, not ours.
 */
#ifndef BPFMAND_SYSTEMD_H
#define BPFMAND_SYSTEMD_H

#include <systemd/sd-daemon.h>

/* Read by k8s/images/build.sh, which puts dlopened libraries in images. */
#define DLOPEN_SYSTEMD_SONAME "libsystemd.so.0"

#define SYSTEMD_SYMBOLS(X) X(sd_listen_fds) X(sd_is_socket) X(sd_is_socket_unix) X(sd_notify)

#define SYSTEMD_DECLARE(name) extern __typeof__(name) *sym_##name;
SYSTEMD_SYMBOLS(SYSTEMD_DECLARE)
#undef SYSTEMD_DECLARE

/* Opens libsystemd when the environment asks for it (then the sym_
 * pointers are set and 1 is returned); 0 when it does not ask; -1, with
 * a message naming the package, when it asks and the library is missing. */
int systemd_open(void);
/* Unmaps it again (nothing needs it while serving). */
void systemd_close(void);
/* sd_notify(0, state) when NOTIFY_SOCKET is set, opening the library for
 * the call if it is closed. */
void systemd_notify(const char *state);

#endif
