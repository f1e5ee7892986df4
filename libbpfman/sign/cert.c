/* SPDX-License-Identifier: Apache-2.0 */
/* Certificate signatures (cosign --certificate, Fulcio-style): the leaf
 * must chain to a root the rule names, at the signing time when a
 * transparency-log entry gives one (short-lived certificates are expired
 * by the time anyone verifies), else now; then its identity (SAN email or
 * URI) and issuer (Fulcio's OIDC issuer extension) must match the rule,
 * exactly or by a whole-string regular expression. */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "../dlopen_crypto.h"

#include "../internal.h"
#include "verify.h"

/* Fulcio's OIDC issuer: v1 holds the raw string, v2 a DER UTF8String. */
#define OID_ISSUER_V1 "1.3.6.1.4.1.57264.1.1"
#define OID_ISSUER_V2 "1.3.6.1.4.1.57264.1.8"

static bool full_match(const char *re, const char *s)
{
	_cleanup_free_ char *anchored = str_printf("^(%s)$", re);
	regex_t r;
	bool ok;

	if (!anchored || regcomp(&r, anchored, REG_EXTENDED | REG_NOSUB))
		return false;
	ok = !regexec(&r, s, 0, NULL, 0);
	regfree(&r);
	return ok;
}

static bool matches(const struct strv *exact, const struct strv *res, const char *s)
{
	for (size_t i = 0; i < exact->cnt; i++)
		if (!strcmp(exact->v[i], s))
			return true;
	for (size_t i = 0; i < res->cnt; i++)
		if (full_match(res->v[i], s))
			return true;
	return false;
}

/* The issuer extension's value, malloc'ed, or NULL. */
static char *cert_issuer(X509 *cert)
{
	static const char *const oids[] = { OID_ISSUER_V2, OID_ISSUER_V1 };

	for (size_t k = 0; k < ARRAY_SIZE(oids); k++) {
		ASN1_OBJECT *obj = OBJ_txt2obj(oids[k], 1);
		int idx = obj ? X509_get_ext_by_OBJ(cert, obj, -1) : -1;
		X509_EXTENSION *ext;
		ASN1_OCTET_STRING *os;
		const unsigned char *p;

		ASN1_OBJECT_free(obj);
		if (idx < 0)
			continue;
		ext = X509_get_ext(cert, idx);
		os = X509_EXTENSION_get_data(ext);
		p = ASN1_STRING_get0_data(os);
		if (k == 0) {
			ASN1_UTF8STRING *u = d2i_ASN1_UTF8STRING(NULL, &p,
								 ASN1_STRING_length(os));
			char *s = NULL;

			if (u) {
				s = strndup((const char *)ASN1_STRING_get0_data(u),
					    (size_t)ASN1_STRING_length(u));
				ASN1_UTF8STRING_free(u);
			}
			if (s)
				return s;
			continue;
		}
		return strndup((const char *)p, (size_t)ASN1_STRING_length(os));
	}
	return NULL;
}

enum sig_status cert_check(struct bpfman_ctx *ctx, const struct sign_trust *t,
			   X509 *cert, STACK_OF(X509) *chain, int64_t when,
			   char **ret_why)
{
	const struct sign_rule *r = t->rule;
	X509_STORE_CTX *sc;
	GENERAL_NAMES *sans;
	_cleanup_free_ char *issuer = NULL, *ident = NULL, *seen = NULL;
	int ok, verr;

	(void)ctx;
	if (!t->roots) {
		*ret_why = str_printf("a certificate signature, but rule %s names no "
				      "certificate roots (cosign.roots)", r->scope);
		return SIG_UNTRUSTED;
	}
	sc = X509_STORE_CTX_new();
	if (!sc || !X509_STORE_CTX_init(sc, t->roots, cert, chain)) {
		X509_STORE_CTX_free(sc);
		*ret_why = str_printf("out of memory checking the certificate");
		return SIG_UNTRUSTED;
	}
	if (when > 0)
		X509_STORE_CTX_set_time(sc, 0, (time_t)when);
	ok = X509_verify_cert(sc);
	verr = X509_STORE_CTX_get_error(sc);
	X509_STORE_CTX_free(sc);
	ERR_clear_error();
	if (ok != 1) {
		*ret_why = str_printf("the signing certificate does not chain to the roots of "
				      "rule %s: %s", r->scope, X509_verify_cert_error_string(verr));
		return SIG_UNTRUSTED;
	}

	sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); i++) {
		GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);
		ASN1_IA5STRING *s;

		if (gn->type == GEN_EMAIL)
			s = gn->d.rfc822Name;
		else if (gn->type == GEN_URI)
			s = gn->d.uniformResourceIdentifier;
		else
			continue;
		_cleanup_free_ char *v = strndup((const char *)ASN1_STRING_get0_data(s),
						 (size_t)ASN1_STRING_length(s));
		if (!v || strlen(v) != (size_t)ASN1_STRING_length(s))
			continue; /* embedded NUL: never an identity */
		if (matches(&r->identities, &r->identity_regexps, v)) {
			ident = TAKE_PTR(v);
			break;
		}
		if (!seen)
			seen = TAKE_PTR(v);
	}
	GENERAL_NAMES_free(sans);
	if (!ident) {
		*ret_why = str_printf("the certificate's identity %s%s%s is not one rule %s trusts",
				      seen ? "'" : "", seen ? seen : "(none: no email or URI SAN)",
				      seen ? "'" : "", r->scope);
		return SIG_UNTRUSTED;
	}
	issuer = cert_issuer(cert);
	if (r->issuers.cnt || r->issuer_regexps.cnt) {
		if (!issuer || !matches(&r->issuers, &r->issuer_regexps, issuer)) {
			*ret_why = str_printf("the certificate's OIDC issuer %s%s%s is not one rule %s trusts",
					      issuer ? "'" : "", issuer ? issuer : "(none)",
					      issuer ? "'" : "", r->scope);
			return SIG_UNTRUSTED;
		}
	}
	*ret_why = str_printf("certificate of %s%s%s", ident, issuer ? " issued by " : "",
			      issuer ? issuer : "");
	return SIG_OK;
}
