/* SPDX-License-Identifier: Apache-2.0 */
/* The `signing` section of the config file into a sign_policy. Unknown
 * keys are refused (a typo in a security setting must not silently turn
 * a check off). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include "../image/digest.h"

#include "../internal.h"
#include "../config.h"
#include "policy.h"

/* Key files and keyrings are small; anything bigger is a mistake. */
#define POLICY_FILE_MAX (1u << 20)

void strv_clear(struct strv *s)
{
	for (size_t i = 0; i < s->cnt; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->cnt = 0;
}

static int get_bool(struct bpfman_ctx *ctx, json_t *obj, const char *name,
		    const char *path, int *ret)
{
	json_t *v = json_object_get(obj, name);

	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return config_err(ctx, -EINVAL, path, "must be true or false");
	*ret = json_is_true(v);
	return 0;
}

static int get_string(struct bpfman_ctx *ctx, json_t *obj, const char *name,
		      const char *path, char **ret)
{
	json_t *v = json_object_get(obj, name);

	if (!v)
		return 0;
	if (!json_is_string(v) || !json_string_length(v))
		return config_err(ctx, -EINVAL, path, "must be a non-empty string");
	*ret = strdup(json_string_value(v));
	return *ret ? 0 : -ENOMEM;
}

/* A string or a list of strings. */
static int get_strv(struct bpfman_ctx *ctx, json_t *obj, const char *name,
		    const char *path, struct strv *ret)
{
	json_t *v = json_object_get(obj, name), *e;
	size_t i;

	if (!v)
		return 0;
	if (json_is_string(v) && json_string_length(v)) {
		ret->v = calloc(1, sizeof(char *));
		if (!ret->v || !(ret->v[0] = strdup(json_string_value(v))))
			return -ENOMEM;
		ret->cnt = 1;
		return 0;
	}
	if (!json_is_array(v) || !json_array_size(v))
		return config_err(ctx, -EINVAL, path,
				  "must be a string or a non-empty list of strings");
	ret->v = calloc(json_array_size(v), sizeof(char *));
	if (!ret->v)
		return -ENOMEM;
	json_array_foreach(v, i, e) {
		if (!json_is_string(e) || !json_string_length(e))
			return config_err(ctx, -EINVAL, path,
					  "entry %zu must be a non-empty string", i);
		ret->v[ret->cnt] = strdup(json_string_value(e));
		if (!ret->v[ret->cnt++])
			return -ENOMEM;
	}
	return 0;
}

static int check_keys(struct bpfman_ctx *ctx, json_t *obj, const char *path,
		      const char *const *known)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		size_t i;

		for (i = 0; known[i]; i++)
			if (!strcmp(key, known[i]))
				break;
		if (!known[i])
			return config_err(ctx, -EINVAL, path,
					  "unknown setting '%s' (doc/signatures.md lists them)",
					  key);
	}
	return 0;
}

static int parse_cosign(struct bpfman_ctx *ctx, json_t *c, const char *base,
			struct sign_rule *r)
{
	static const char *const known[] = { "keys", "roots", "identities",
		"identity_regexps", "issuers", "issuer_regexps", "rekor_keys", NULL };
	struct { const char *name; struct strv *dst; } lists[] = {
		{ "keys", &r->keys }, { "roots", &r->roots },
		{ "identities", &r->identities },
		{ "identity_regexps", &r->identity_regexps },
		{ "issuers", &r->issuers }, { "issuer_regexps", &r->issuer_regexps },
		{ "rekor_keys", &r->rekor_keys },
	};
	int err;

	if (!json_is_object(c))
		return config_err(ctx, -EINVAL, base, "must be a mapping");
	if ((err = check_keys(ctx, c, base, known)))
		return err;
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		_cleanup_free_ char *p = str_printf("%s.%s", base, lists[i].name);

		if ((err = get_strv(ctx, c, lists[i].name, p, lists[i].dst)))
			return err;
	}
	if (r->roots.cnt && !r->identities.cnt && !r->identity_regexps.cnt)
		return config_err(ctx, -EINVAL, base,
				  "roots need identities or identity_regexps: a CA "
				  "vouches for many signers, name the ones you trust");
	if (!r->roots.cnt && (r->identities.cnt || r->identity_regexps.cnt ||
			      r->issuers.cnt || r->issuer_regexps.cnt))
		return config_err(ctx, -EINVAL, base,
				  "identities and issuers need roots (the CA "
				  "certificates that issue them)");
	return 0;
}

static int parse_gpg(struct bpfman_ctx *ctx, json_t *g, const char *base,
		     struct sign_rule *r)
{
	static const char *const known[] = { "keyring", "fingerprints",
		"lookaside", "identity", NULL };
	_cleanup_free_ char *kp = str_printf("%s.keyring", base);
	_cleanup_free_ char *fp = str_printf("%s.fingerprints", base);
	_cleanup_free_ char *lp = str_printf("%s.lookaside", base);
	_cleanup_free_ char *ip = str_printf("%s.identity", base);
	_cleanup_free_ char *ident = NULL;
	int err;

	if (!json_is_object(g))
		return config_err(ctx, -EINVAL, base, "must be a mapping");
	if ((err = check_keys(ctx, g, base, known)) ||
	    (err = get_string(ctx, g, "keyring", kp, &r->gpg_keyring)) ||
	    (err = get_strv(ctx, g, "fingerprints", fp, &r->gpg_fingerprints)) ||
	    (err = get_string(ctx, g, "lookaside", lp, &r->gpg_lookaside)) ||
	    (err = get_string(ctx, g, "identity", ip, &ident)))
		return err;
	if (!r->gpg_keyring)
		return config_err(ctx, -EINVAL, kp, "is required (the public keys to trust)");
	if (!r->gpg_lookaside)
		return config_err(ctx, -EINVAL, lp,
				  "is required (file:///dir or https://host/path where signatures live)");
	if (strncmp(r->gpg_lookaside, "file:///", 8) &&
	    strncmp(r->gpg_lookaside, "https://", 8) &&
	    strncmp(r->gpg_lookaside, "http://", 7))
		return config_err(ctx, -EINVAL, lp,
				  "must start with file:///, https:// or http://");
	if (ident && !strcmp(ident, "repository"))
		r->gpg_match_repository = true;
	else if (ident && strcmp(ident, "exact"))
		return config_err(ctx, -EINVAL, ip, "must be exact or repository");
	for (size_t i = 0; i < r->gpg_fingerprints.cnt; i++) {
		char *f = r->gpg_fingerprints.v[i];

		if (strlen(f) != 40 || strspn(f, "0123456789abcdefABCDEF") != 40)
			return config_err(ctx, -EINVAL, fp,
					  "'%s' is not a 40-digit hex fingerprint", f);
	}
	return 0;
}

static int parse_rule(struct bpfman_ctx *ctx, json_t *o, size_t idx,
		      struct sign_rule *r)
{
	static const char *const known[] = { "scope", "require_signature",
		"cosign", "gpg", NULL };
	_cleanup_free_ char *base = str_printf("signing.rules[%zu]", idx);
	_cleanup_free_ char *sp = str_printf("%s.scope", base);
	_cleanup_free_ char *rp = str_printf("%s.require_signature", base);
	_cleanup_free_ char *cp = str_printf("%s.cosign", base);
	_cleanup_free_ char *gp = str_printf("%s.gpg", base);
	json_t *c, *g;
	size_t len;
	int err;

	r->require_signature = -1;
	if (!base || !sp || !rp || !cp || !gp)
		return -ENOMEM;
	if (!json_is_object(o))
		return config_err(ctx, -EINVAL, base, "must be a mapping");
	if ((err = check_keys(ctx, o, base, known)) ||
	    (err = get_string(ctx, o, "scope", sp, &r->scope)) ||
	    (err = get_bool(ctx, o, "require_signature", rp, &r->require_signature)))
		return err;
	if (!r->scope)
		return config_err(ctx, -EINVAL, sp,
				  "is required: a registry (quay.io) or a repository prefix (quay.io/org)");
	len = strlen(r->scope);
	if (r->scope[len - 1] == '/' || strstr(r->scope, "://") || strchr(r->scope, '@') ||
	    strchr(r->scope, ' '))
		return config_err(ctx, -EINVAL, sp,
				  "'%s' must be registry[/repository-prefix] without scheme, "
				  "tag, digest or trailing '/'", r->scope);
	r->key_path = TAKE_PTR(base);
	if ((c = json_object_get(o, "cosign")) && (err = parse_cosign(ctx, c, cp, r)))
		return err;
	if ((g = json_object_get(o, "gpg")) && (err = parse_gpg(ctx, g, gp, r)))
		return err;
	return 0;
}

int sign_policy_load(struct bpfman_ctx *ctx, struct sign_policy *ret)
{
	static const char *const known[] = { "verify_enabled", "allow_unsigned",
		"rules", NULL };
	struct sign_policy p = { .verify_enabled = true, .allow_unsigned = true };
	json_t *sec, *rules, *o;
	int ve = 1, au = 1, err;
	size_t i;

	if ((err = config_section(ctx, "signing", &sec)))
		return err;
	if (!sec) {
		*ret = p;
		return 0;
	}
	if ((err = check_keys(ctx, sec, "signing", known)) ||
	    (err = get_bool(ctx, sec, "verify_enabled", "signing.verify_enabled", &ve)) ||
	    (err = get_bool(ctx, sec, "allow_unsigned", "signing.allow_unsigned", &au)))
		return err;
	p.verify_enabled = ve;
	p.allow_unsigned = au;
	rules = json_object_get(sec, "rules");
	if (rules && !json_is_null(rules)) {
		if (!json_is_array(rules))
			return config_err(ctx, -EINVAL, "signing.rules",
					  "must be a list of rules");
		p.rules = calloc(json_array_size(rules) + 1, sizeof(*p.rules));
		if (!p.rules)
			return -ENOMEM;
		json_array_foreach(rules, i, o) {
			err = parse_rule(ctx, o, i, &p.rules[p.rules_cnt++]);
			if (err) {
				sign_policy_clear(&p);
				return err;
			}
			for (size_t j = 0; j + 1 < p.rules_cnt; j++)
				if (!strcmp(p.rules[j].scope, p.rules[i].scope)) {
					err = config_err(ctx, -EINVAL, p.rules[i].key_path,
							 "scope '%s' is already used by rule %zu",
							 p.rules[i].scope, j);
					sign_policy_clear(&p);
					return err;
				}
		}
	}
	*ret = p;
	return 0;
}

static void rule_clear(struct sign_rule *r)
{
	free(r->scope);
	free(r->key_path);
	strv_clear(&r->keys);
	strv_clear(&r->roots);
	strv_clear(&r->identities);
	strv_clear(&r->identity_regexps);
	strv_clear(&r->issuers);
	strv_clear(&r->issuer_regexps);
	strv_clear(&r->rekor_keys);
	free(r->gpg_keyring);
	strv_clear(&r->gpg_fingerprints);
	free(r->gpg_lookaside);
}

void sign_policy_clear(struct sign_policy *p)
{
	for (size_t i = 0; i < p->rules_cnt; i++)
		rule_clear(&p->rules[i]);
	free(p->rules);
	p->rules = NULL;
	p->rules_cnt = 0;
}

const struct sign_rule *sign_policy_match(const struct sign_policy *p,
					  const char *repo)
{
	const struct sign_rule *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < p->rules_cnt; i++) {
		const char *s = p->rules[i].scope;
		size_t n = strlen(s);

		if (strncmp(repo, s, n) || (repo[n] && repo[n] != '/'))
			continue;
		if (!best || n > best_len) {
			best = &p->rules[i];
			best_len = n;
		}
	}
	return best;
}

bool sign_rule_requires(const struct sign_policy *p, const struct sign_rule *r)
{
	if (r && r->require_signature >= 0)
		return r->require_signature;
	return !p->allow_unsigned;
}

static void hash_str(struct digest_stream *md, const char *tag, const char *s)
{
	digest_stream_update(md, tag, strlen(tag) + 1);
	if (s)
		digest_stream_update(md, s, strlen(s) + 1);
}

static int hash_file(struct bpfman_ctx *ctx, struct digest_stream *md, const char *key,
		     const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char buf[8192];
	size_t n, total = 0;

	hash_str(md, key, path);
	if (!f)
		return bpfman_err(ctx, -errno,
				  "signature policy: cannot read %s '%s': %m; fix the path in the config file",
				  key, path);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		total += n;
		if (total > POLICY_FILE_MAX)
			return bpfman_err(ctx, -EFBIG,
					  "signature policy: %s '%s' is larger than 1 MiB; is it the right file?",
					  key, path);
		digest_stream_update(md, buf, n);
	}
	if (ferror(f))
		return bpfman_err(ctx, -EIO, "signature policy: reading '%s' failed", path);
	return 0;
}

static int hash_files(struct bpfman_ctx *ctx, struct digest_stream *md, const char *key,
		      const struct strv *s)
{
	int err;

	for (size_t i = 0; i < s->cnt; i++)
		if ((err = hash_file(ctx, md, key, s->v[i])))
			return err;
	return 0;
}

static void hash_strv(struct digest_stream *md, const char *key, const struct strv *s)
{
	for (size_t i = 0; i < s->cnt; i++)
		hash_str(md, key, s->v[i]);
}

int sign_policy_hash(struct bpfman_ctx *ctx, const struct sign_policy *p,
		     const struct sign_rule *r, char ret_hex[65])
{
	/* The low-level SHA-256 of digest.c: EVP's first use initialises
	 * OpenSSL's providers (~0.7 ms, an eighth of a warm load image), and
	 * every load from the cache hashes the policy. */
	struct digest_stream stream, *md = &stream;
	char out[DIGEST_STR_SIZE];
	int err;

	digest_stream_init(md);
	hash_str(md, "v1", NULL);
	hash_str(md, p->allow_unsigned ? "unsigned-ok" : "unsigned-refused", NULL);
	if (r) {
		char req[8];

		snprintf(req, sizeof(req), "%d", r->require_signature);
		hash_str(md, "scope", r->scope);
		hash_str(md, "require", req);
		hash_strv(md, "identity", &r->identities);
		hash_strv(md, "identity_re", &r->identity_regexps);
		hash_strv(md, "issuer", &r->issuers);
		hash_strv(md, "issuer_re", &r->issuer_regexps);
		hash_strv(md, "gpg_fpr", &r->gpg_fingerprints);
		hash_str(md, "gpg_lookaside", r->gpg_lookaside);
		hash_str(md, "gpg_ident", r->gpg_match_repository ? "repo" : "exact");
		if ((err = hash_files(ctx, md, "key", &r->keys)) ||
		    (err = hash_files(ctx, md, "root", &r->roots)) ||
		    (err = hash_files(ctx, md, "rekor_key", &r->rekor_keys)) ||
		    (r->gpg_keyring && (err = hash_file(ctx, md, "keyring", r->gpg_keyring))))
			return err;
	}
	digest_stream_final(md, out);
	memcpy(ret_hex, digest_hex(out), 65);
	return 0;
}
