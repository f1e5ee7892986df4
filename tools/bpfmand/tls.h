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

struct peer;
/* The verified client's subject ("/CN=app/O=x") and subjectAltNames
 * ("DNS:a", "URI:spiffe://...", "IP:1.2.3.4") into *p. */
void tls_peer_identity(SSL *ssl, struct peer *p);

#endif
