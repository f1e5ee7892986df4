/* SPDX-License-Identifier: Apache-2.0 */
/* The claims inside signatures: cosign's simple-signing payload (legacy
 * tag scheme) and the in-toto statement cosign 3 puts in a bundle's DSSE
 * envelope (predicate https://sigstore.dev/cosign/sign/v1). Strict: a
 * payload with unknown critical fields, duplicate keys or a wrong type is
 * refused, because a verifier that ignores what it does not understand
 * can be told anything. */
#include <string.h>

#include <jansson.h>

#include "../internal.h"
#include "verify.h"

#define PAYLOAD_MAX (1u << 20)
#define COSIGN_TYPE "cosign container image signature"
#define INTOTO_TYPE "https://in-toto.io/Statement/v1"
#define COSIGN_SIGN_PREDICATE "https://sigstore.dev/cosign/sign/v1"

static bool only_keys(json_t *o, const char *const *allowed)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		size_t i;

		for (i = 0; allowed[i]; i++)
			if (!strcmp(k, allowed[i]))
				break;
		if (!allowed[i])
			return false;
	}
	return true;
}

static json_t *load(const unsigned char *p, size_t len, char **ret_why)
{
	json_error_t e;
	json_t *j;

	if (len > PAYLOAD_MAX) {
		*ret_why = str_printf("payload of %zu bytes is larger than 1 MiB", len);
		return NULL;
	}
	j = json_loadb((const char *)p, len, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		*ret_why = str_printf("payload is not JSON: %s (byte %d)", e.text, e.position);
	else if (!json_is_object(j)) {
		json_decref(j);
		j = NULL;
		*ret_why = str_printf("payload is not a JSON object");
	}
	return j;
}

enum sig_status simple_signing_check(const unsigned char *payload, size_t len,
				     const char *digest, char **ret_why)
{
	static const char *const top[] = { "critical", "optional", NULL };
	static const char *const crit[] = { "identity", "image", "type", NULL };
	static const char *const img[] = { "docker-manifest-digest", NULL };
	static const char *const ident[] = { "docker-reference", NULL };
	json_t *j = load(payload, len, ret_why), *c, *i, *id, *d, *t, *o;
	enum sig_status st = SIG_UNPARSEABLE;

	if (!j)
		return SIG_UNPARSEABLE;
	c = json_object_get(j, "critical");
	o = json_object_get(j, "optional");
	i = json_object_get(c, "image");
	id = json_object_get(c, "identity");
	d = json_object_get(i, "docker-manifest-digest");
	t = json_object_get(c, "type");
	if (!only_keys(j, top) || !json_is_object(c) || !only_keys(c, crit) ||
	    (o && !json_is_object(o) && !json_is_null(o)))
		*ret_why = str_printf("payload is not a cosign simple-signing document "
				      "(expected only critical{identity,image,type} and optional)");
	else if (!json_is_object(i) || !only_keys(i, img) || !json_is_string(d))
		*ret_why = str_printf("payload has no critical.image.docker-manifest-digest string");
	else if (!json_is_object(id) || !only_keys(id, ident))
		*ret_why = str_printf("payload's critical.identity is not {docker-reference}");
	else if (!json_is_string(t) || strcmp(json_string_value(t), COSIGN_TYPE))
		*ret_why = str_printf("payload's critical.type is not \"" COSIGN_TYPE "\"");
	else if (strcmp(json_string_value(d), digest)) {
		*ret_why = str_printf("payload signs %s, not %s", json_string_value(d), digest);
		st = SIG_DIGEST_MISMATCH;
	} else {
		*ret_why = NULL;
		st = SIG_OK;
	}
	json_decref(j);
	return st;
}

enum sig_status intoto_check(const unsigned char *payload, size_t len,
			     const char *digest, char **ret_why)
{
	static const char *const top[] = { "_type", "subject", "predicateType",
					   "predicate", NULL };
	json_t *j = load(payload, len, ret_why), *subj, *e;
	const char *type, *pt, *hex = digest + strlen("sha256:");
	enum sig_status st = SIG_UNPARSEABLE;
	_cleanup_free_ char *seen = NULL;
	size_t i;

	if (!j)
		return SIG_UNPARSEABLE;
	type = json_string_value(json_object_get(j, "_type"));
	pt = json_string_value(json_object_get(j, "predicateType"));
	subj = json_object_get(j, "subject");
	if (!only_keys(j, top) || !type || strcmp(type, INTOTO_TYPE)) {
		*ret_why = str_printf("DSSE payload is not an in-toto " INTOTO_TYPE " statement");
		goto out;
	}
	if (!pt || strcmp(pt, COSIGN_SIGN_PREDICATE)) {
		*ret_why = str_printf("statement's predicateType is %s%s%s, not " COSIGN_SIGN_PREDICATE
				      " (an attestation, not an image signature)",
				      pt ? "\"" : "", pt ? pt : "missing", pt ? "\"" : "");
		goto out;
	}
	if (!json_is_array(subj) || !json_array_size(subj)) {
		*ret_why = str_printf("statement has no subject");
		goto out;
	}
	json_array_foreach(subj, i, e) {
		json_t *d = json_object_get(e, "digest");
		const char *h = json_string_value(json_object_get(d, "sha256"));

		if (!json_is_object(d) || !h) {
			*ret_why = str_printf("statement subject %zu has no sha256 digest", i);
			goto out;
		}
		if (!strcmp(h, hex)) {
			*ret_why = NULL;
			st = SIG_OK;
			goto out;
		}
		if (!seen)
			seen = strdup(h);
	}
	*ret_why = str_printf("statement signs sha256:%s, not %s", seen ? seen : "?", digest);
	st = SIG_DIGEST_MISMATCH;
out:
	json_decref(j);
	return st;
}
