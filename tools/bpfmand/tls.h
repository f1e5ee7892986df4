/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mutual TLS for tcp: listeners (OpenSSL). The server presents --tls-cert,
 * requires a client certificate chaining to --tls-ca that is valid now and
 * allowed for client authentication (key usage / extended key usage), and
 * speaks only HTTP/2 (ALPN h2). Refusals happen in the handshake, before
 * any RPC.
 */
#ifndef BPFMAND_TLS_H
#define BPFMAND_TLS_H

#include <openssl/ssl.h>

/* NULL after printing why (a file that cannot be read, a key that does
 * not match the certificate). */
SSL_CTX *tls_server_ctx(const char *ca, const char *cert, const char *key);

/* "subject CN=x, SAN DNS:a,IP:1.2.3.4" of the verified client. */
void tls_peer_desc(SSL *ssl, char *buf, size_t size);

#endif
