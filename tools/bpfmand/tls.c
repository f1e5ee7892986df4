/* SPDX-License-Identifier: Apache-2.0 */
/* OpenSSL server context for mutual TLS (tls.h). */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "server.h"
#include "tls.h"

static void print_ssl_error(const char *what, const char *path)
{
	char buf[256] = "";
	unsigned long e = ERR_get_error();

	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	fprintf(stderr, "bpfmand: %s %s: %s\n", what, path, *buf ? buf : "unknown error");
	ERR_clear_error();
}

static int alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
		       const unsigned char *in, unsigned int inlen, void *arg)
{
	static const unsigned char h2[] = { 2, 'h', '2' };

	(void)ssl;
	(void)arg;
	/* gRPC is HTTP/2 only: no agreement, no connection. */
	if (SSL_select_next_proto((unsigned char **)out, outlen, h2, sizeof(h2), in, inlen) !=
	    OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	return SSL_TLSEXT_ERR_OK;
}

SSL_CTX *tls_server_ctx(const char *ca, const char *cert, const char *key)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (!ctx) {
		print_ssl_error("cannot create a TLS context for", "tcp");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* HTTP/2 forbids renegotiation and compression (RFC 9113 9.2). */
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		print_ssl_error("cannot use --tls-cert", cert);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		if (ERR_GET_REASON(ERR_peek_error()) == X509_R_KEY_VALUES_MISMATCH) {
			fprintf(stderr, "bpfmand: --tls-key %s does not belong to --tls-cert %s\n", key, cert);
			ERR_clear_error();
		} else {
			print_ssl_error("cannot use --tls-key", key);
		}
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		fprintf(stderr, "bpfmand: --tls-key %s does not belong to --tls-cert %s\n", key, cert);
		goto fail;
	}
	if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
		print_ssl_error("cannot read the client CA --tls-ca", ca);
		goto fail;
	}
	/* Every client must present a certificate from the CA; OpenSSL checks
	 * its dates and, as for any server, its purpose (TLS client:
	 * extendedKeyUsage clientAuth and keyUsage digitalSignature when the
	 * certificate restricts them). */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
	SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

void tls_peer_identity(SSL *ssl, struct peer *p)
{
	X509 *x = SSL_get0_peer_certificate(ssl);
	GENERAL_NAMES *names;

	if (!x)
		return;
	X509_NAME_oneline(X509_get_subject_name(x), p->subject, sizeof(p->subject));
	snprintf(p->desc, sizeof(p->desc), "certificate %s", p->subject);
	names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; names && i < sk_GENERAL_NAME_num(names) && p->sans_cnt < PEER_MAX_SANS; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
		char *out = p->sans[p->sans_cnt];
		size_t n = sizeof(p->sans[0]);
		const unsigned char *ip;

		switch (g->type) {
		case GEN_DNS:
			snprintf(out, n, "DNS:%.*s", ASN1_STRING_length(g->d.dNSName),
				 (const char *)ASN1_STRING_get0_data(g->d.dNSName));
			break;
		case GEN_URI:
			snprintf(out, n, "URI:%.*s", ASN1_STRING_length(g->d.uniformResourceIdentifier),
				 (const char *)ASN1_STRING_get0_data(g->d.uniformResourceIdentifier));
			break;
		case GEN_IPADD:
			ip = ASN1_STRING_get0_data(g->d.iPAddress);
			if (ASN1_STRING_length(g->d.iPAddress) != 4)
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
	GENERAL_NAMES_free(names);
}
