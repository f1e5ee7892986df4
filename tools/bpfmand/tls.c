/* SPDX-License-Identifier: Apache-2.0 */
/* OpenSSL server side of mutual TLS (tls.h), through dlopen. */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "server.h"
#include "tls.h"

/* Every OpenSSL function this file calls, typed from OpenSSL's own headers
 * (typeof does not reference the symbol, so bpfmand does not link them).
 * Header macros and inline wrappers are spelled out as the functions they
 * call: SSL_CTX_set_min_proto_version and SSL_CTX_set_mode are
 * SSL_CTX_ctrl, sk_GENERAL_NAME_* are OPENSSL_sk_*. */
#define TLS_SYMBOLS(X)                                                         \
	X(TLS_server_method) X(SSL_CTX_new) X(SSL_CTX_free) X(SSL_CTX_ctrl)     \
	X(SSL_CTX_set_options) X(SSL_CTX_use_certificate_chain_file)            \
	X(SSL_CTX_use_PrivateKey_file) X(SSL_CTX_check_private_key)             \
	X(SSL_CTX_load_verify_locations) X(SSL_CTX_set_verify)                  \
	X(SSL_CTX_set_purpose) X(SSL_CTX_set_alpn_select_cb)                    \
	X(SSL_select_next_proto) X(SSL_new) X(SSL_free) X(SSL_set_fd)           \
	X(SSL_accept) X(SSL_read) X(SSL_write) X(SSL_get_error)                 \
	X(SSL_get0_alpn_selected) X(SSL_get_verify_result)                      \
	X(SSL_get0_peer_certificate) X(ERR_get_error) X(ERR_peek_error)         \
	X(ERR_clear_error) X(ERR_error_string_n)                                \
	X(X509_verify_cert_error_string) X(X509_NAME_oneline)                   \
	X(X509_get_subject_name) X(X509_get_ext_d2i) X(OPENSSL_sk_num)          \
	X(OPENSSL_sk_value) X(ASN1_STRING_length) X(ASN1_STRING_get0_data)      \
	X(GENERAL_NAMES_free)

#define DECLARE(f) static __typeof__(f) *p_##f;
TLS_SYMBOLS(DECLARE)
#undef DECLARE

/* libssl's SONAME; dlsym on its handle also finds libcrypto's symbols. */
#define LIBSSL_SONAME "libssl.so.3"

static int load_openssl(void)
{
	static void *handle;
	const char *missing = NULL;

	if (handle)
		return 0;
	handle = dlopen(LIBSSL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		fprintf(stderr, "bpfmand: tcp: listeners need OpenSSL 3 (%s): %s; install it (Debian: libssl3)\n",
			LIBSSL_SONAME, dlerror());
		return -1;
	}
#define LOAD(f)                                                                \
	if (!missing && !(p_##f = (__typeof__(f) *)dlsym(handle, #f)))         \
		missing = #f;
	TLS_SYMBOLS(LOAD)
#undef LOAD
	if (missing) {
		fprintf(stderr, "bpfmand: %s has no %s: tcp: listeners need OpenSSL >= 3.0\n",
			LIBSSL_SONAME, missing);
		dlclose(handle);
		handle = NULL;
		return -1;
	}
	return 0;
}

static void print_ssl_error(const char *what, const char *path)
{
	char buf[256] = "";
	unsigned long e = p_ERR_get_error();

	if (e)
		p_ERR_error_string_n(e, buf, sizeof(buf));
	fprintf(stderr, "bpfmand: %s %s: %s\n", what, path, *buf ? buf : "unknown error");
	p_ERR_clear_error();
}

static int alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
		       const unsigned char *in, unsigned int inlen, void *arg)
{
	static const unsigned char h2[] = { 2, 'h', '2' };

	(void)ssl;
	(void)arg;
	/* gRPC is HTTP/2 only: no agreement, no connection. */
	if (p_SSL_select_next_proto((unsigned char **)out, outlen, h2, sizeof(h2), in, inlen) !=
	    OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	return SSL_TLSEXT_ERR_OK;
}

struct tls_ctx *tls_server_ctx(const char *ca, const char *cert, const char *key)
{
	SSL_CTX *ctx;

	if (load_openssl())
		return NULL;
	ctx = p_SSL_CTX_new(p_TLS_server_method());
	if (!ctx) {
		print_ssl_error("cannot create a TLS context for", "tcp");
		return NULL;
	}
	p_SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, NULL);
	p_SSL_CTX_ctrl(ctx, SSL_CTRL_MODE,
		       SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, NULL);
	/* HTTP/2 forbids renegotiation and compression (RFC 9113 9.2). */
	p_SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
	if (p_SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		print_ssl_error("cannot use --tls-cert", cert);
		goto fail;
	}
	if (p_SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		if (ERR_GET_REASON(p_ERR_peek_error()) == X509_R_KEY_VALUES_MISMATCH) {
			fprintf(stderr, "bpfmand: --tls-key %s does not belong to --tls-cert %s\n", key, cert);
			p_ERR_clear_error();
		} else {
			print_ssl_error("cannot use --tls-key", key);
		}
		goto fail;
	}
	if (p_SSL_CTX_check_private_key(ctx) != 1) {
		fprintf(stderr, "bpfmand: --tls-key %s does not belong to --tls-cert %s\n", key, cert);
		goto fail;
	}
	if (p_SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
		print_ssl_error("cannot read the client CA --tls-ca", ca);
		goto fail;
	}
	/* Every client must present a certificate from the CA; OpenSSL checks
	 * its dates and, as for any server, its purpose (TLS client:
	 * extendedKeyUsage clientAuth and keyUsage digitalSignature when the
	 * certificate restricts them). */
	p_SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	p_SSL_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
	p_SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
	return (struct tls_ctx *)ctx;
fail:
	p_SSL_CTX_free(ctx);
	return NULL;
}

void tls_ctx_free(struct tls_ctx *ctx)
{
	if (ctx)
		p_SSL_CTX_free((SSL_CTX *)ctx);
}

struct tls_conn *tls_conn_new(struct tls_ctx *ctx, int fd)
{
	SSL *ssl = p_SSL_new((SSL_CTX *)ctx);

	if (ssl && p_SSL_set_fd(ssl, fd) != 1) {
		p_SSL_free(ssl);
		ssl = NULL;
	}
	return (struct tls_conn *)ssl;
}

void tls_conn_free(struct tls_conn *c)
{
	if (c)
		p_SSL_free((SSL *)c);
}

static void peer_identity(SSL *ssl, struct peer *p)
{
	X509 *x = p_SSL_get0_peer_certificate(ssl);
	GENERAL_NAMES *names;

	if (!x)
		return;
	p_X509_NAME_oneline(p_X509_get_subject_name(x), p->subject, sizeof(p->subject));
	snprintf(p->desc, sizeof(p->desc), "certificate %s", p->subject);
	names = p_X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; names && i < p_OPENSSL_sk_num((const OPENSSL_STACK *)names) &&
			p->sans_cnt < PEER_MAX_SANS; i++) {
		const GENERAL_NAME *g = p_OPENSSL_sk_value((const OPENSSL_STACK *)names, i);
		char *out = p->sans[p->sans_cnt];
		size_t n = sizeof(p->sans[0]);
		const unsigned char *ip;

		switch (g->type) {
		case GEN_DNS:
			snprintf(out, n, "DNS:%.*s", p_ASN1_STRING_length(g->d.dNSName),
				 (const char *)p_ASN1_STRING_get0_data(g->d.dNSName));
			break;
		case GEN_URI:
			snprintf(out, n, "URI:%.*s", p_ASN1_STRING_length(g->d.uniformResourceIdentifier),
				 (const char *)p_ASN1_STRING_get0_data(g->d.uniformResourceIdentifier));
			break;
		case GEN_IPADD:
			ip = p_ASN1_STRING_get0_data(g->d.iPAddress);
			if (p_ASN1_STRING_length(g->d.iPAddress) != 4)
				continue; /* IPv6 SANs are not matched (yet) */
			snprintf(out, n, "IP:%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
			break;
		default:
			continue;
		}
		/* A name with a NUL inside would match something else: drop it. */
		if (strlen(out) < 4)
			continue;
		p->sans_cnt++;
	}
	p_GENERAL_NAMES_free(names);
}

static int want(SSL *ssl, int r)
{
	r = p_SSL_get_error(ssl, r);
	if (r == SSL_ERROR_WANT_READ)
		return TLS_IO_WANT_READ;
	if (r == SSL_ERROR_WANT_WRITE)
		return TLS_IO_WANT_WRITE;
	return TLS_IO_FAILED;
}

int tls_conn_handshake(struct tls_conn *c, struct peer *p)
{
	SSL *ssl = (SSL *)c;
	int r;

	p_ERR_clear_error();
	r = p_SSL_accept(ssl);
	if (r == 1) {
		const unsigned char *alpn = NULL;
		unsigned int alpn_len = 0;

		p_SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
		if (alpn_len != 2 || memcmp(alpn, "h2", 2)) {
			fprintf(stderr, "bpfmand: refused a TLS client that did not agree on HTTP/2 (ALPN h2)\n");
			return TLS_IO_FAILED;
		}
		peer_identity(ssl, p);
		return TLS_IO_DONE;
	}
	r = want(ssl, r);
	if (r != TLS_IO_FAILED)
		return r; /* not yet: wait for the socket */
	{
		long v = p_SSL_get_verify_result(ssl);
		char buf[256] = "";

		p_ERR_error_string_n(p_ERR_peek_error(), buf, sizeof(buf));
		fprintf(stderr, "bpfmand: refused a TLS client in the handshake: %s%s\n",
			v != X509_V_OK ? p_X509_verify_cert_error_string(v) : buf,
			v != X509_V_OK ? " (client certificate)" : "");
	}
	return TLS_IO_FAILED;
}

ssize_t tls_conn_read(struct tls_conn *c, void *buf, size_t len)
{
	int r;

	p_ERR_clear_error();
	r = p_SSL_read((SSL *)c, buf, (int)(len > INT_MAX ? INT_MAX : len));
	return r > 0 ? r : want((SSL *)c, r);
}

ssize_t tls_conn_write(struct tls_conn *c, const void *buf, size_t len)
{
	int r;

	p_ERR_clear_error();
	r = p_SSL_write((SSL *)c, buf, (int)(len > INT_MAX ? INT_MAX : len));
	return r > 0 ? r : want((SSL *)c, r);
}
