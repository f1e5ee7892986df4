/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mutual TLS for tcp: listeners (OpenSSL). The server presents --tls-cert,
 * requires a client certificate chaining to --tls-ca that is valid now and
 * allowed for client authentication (key usage / extended key usage), and
 * speaks only HTTP/2 (ALPN h2). Refusals happen in the handshake, before
 * any RPC.
 *
 * libssl and libcrypto are opened with dlopen by tls_server_ctx, that is
 * only when a tcp: listener is configured: a daemon serving its unix socket
 * alone never maps or relocates them (~1.6 MB of its idle RSS).
 */
#ifndef BPFMAND_TLS_H
#define BPFMAND_TLS_H

#include <stddef.h>
#include <sys/types.h>

struct tls_ctx;
struct tls_conn;
struct peer;

/* NULL after printing why (libssl missing, a file that cannot be read, a
 * key that does not match the certificate). */
struct tls_ctx *tls_server_ctx(const char *ca, const char *cert, const char *key);
void tls_ctx_free(struct tls_ctx *ctx);

/* A server-side connection on fd; NULL when out of memory. */
struct tls_conn *tls_conn_new(struct tls_ctx *ctx, int fd);
void tls_conn_free(struct tls_conn *c);

enum tls_io {
	TLS_IO_DONE = 0,
	TLS_IO_WANT_READ = -2,
	TLS_IO_WANT_WRITE = -3,
	TLS_IO_FAILED = -1, /* closed, or a TLS error */
};
/* TLS_IO_DONE with the verified client's subject ("/CN=app/O=x") and
 * subjectAltNames ("DNS:a", "URI:spiffe://...", "IP:1.2.3.4") in *p; a
 * WANT; or TLS_IO_FAILED after logging OpenSSL's reason (a refused client
 * certificate, no ALPN h2). */
int tls_conn_handshake(struct tls_conn *c, struct peer *p);
/* Bytes moved (> 0), or an enum tls_io. */
ssize_t tls_conn_read(struct tls_conn *c, void *buf, size_t len);
ssize_t tls_conn_write(struct tls_conn *c, const void *buf, size_t len);

#endif
