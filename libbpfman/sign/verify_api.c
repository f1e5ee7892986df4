/* SPDX-License-Identifier: Apache-2.0 */
/* bpfman_image__verify: what `bpfmanctl image verify` prints. */
#include <stdlib.h>
#include <string.h>

#include <bpfman/signature.h>

#include "../internal.h"
#include "../dlopen_crypto.h"
#include "../image/registry.h"
#include "check.h"
#include "resolve.h"

struct bpfman_signature_result {
	char *reference;
	char *digest;
	char *rule;
	struct sig_findings f;
};

void bpfman_verify_opts_init(struct bpfman_verify_opts *opts, size_t sz)
{
	bpfman_opts_init(opts, sz);
}

static int strv_from(struct strv *dst, const char *const *src, size_t cnt)
{
	if (!cnt)
		return 0;
	dst->v = calloc(cnt, sizeof(char *));
	if (!dst->v)
		return -ENOMEM;
	for (size_t i = 0; i < cnt; i++) {
		if (!src[i] || !(dst->v[dst->cnt++] = strdup(src[i])))
			return src[i] ? -ENOMEM : -EINVAL;
	}
	return 0;
}

/* A rule made of what the options give; *ret_used false when they give
 * nothing (the config's policy applies). */
static int rule_from_opts(struct bpfman_ctx *ctx, const struct bpfman_verify_opts *o,
			  const char *repo, struct sign_policy *p, bool *ret_used)
{
	const char *const *keys = OPTS_GET(o, keys, NULL);
	const char *const *roots = OPTS_GET(o, roots, NULL);
	size_t keys_cnt = OPTS_GET(o, keys_cnt, 0), roots_cnt = OPTS_GET(o, roots_cnt, 0);
	const char *identity = OPTS_GET(o, identity, NULL), *issuer = OPTS_GET(o, issuer, NULL);
	const char *keyring = OPTS_GET(o, gpg_keyring, NULL);
	const char *lookaside = OPTS_GET(o, gpg_lookaside, NULL);
	struct sign_rule *r;
	int err;

	*ret_used = keys_cnt || roots_cnt || identity || issuer || keyring || lookaside;
	if (!*ret_used)
		return 0;
	if ((keys_cnt && !keys) || (roots_cnt && !roots))
		return bpfman_err(ctx, -EINVAL, "bpfman_verify_opts: keys/roots is NULL with a count");
	if (roots_cnt && !identity)
		return bpfman_err(ctx, -EINVAL,
				  "certificate roots need the identity the signing certificate must name");
	if ((identity || issuer) && !roots_cnt)
		return bpfman_err(ctx, -EINVAL,
				  "an identity or issuer needs the CA roots that issue it");
	if (!keyring != !lookaside)
		return bpfman_err(ctx, -EINVAL,
				  "GPG verification needs both the keyring and the lookaside store");
	p->rules = r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	p->rules_cnt = 1;
	r->require_signature = 1;
	r->scope = strdup(repo);
	r->key_path = strdup("(given in the verify options)");
	if (!r->scope || !r->key_path)
		return -ENOMEM;
	if ((err = strv_from(&r->keys, keys, keys_cnt)) ||
	    (err = strv_from(&r->roots, roots, roots_cnt)) ||
	    (err = strv_from(&r->identities, identity ? &identity : NULL, !!identity)) ||
	    (err = strv_from(&r->issuers, issuer ? &issuer : NULL, !!issuer)))
		return err;
	if (keyring && (!(r->gpg_keyring = strdup(keyring)) ||
			!(r->gpg_lookaside = strdup(lookaside))))
		return -ENOMEM;
	return 0;
}

int bpfman_image__verify(struct bpfman_signature_result **ret_result,
			 struct bpfman_ctx *ctx, const char *reference,
			 const struct bpfman_verify_opts *opts)
{
	struct bpfman_signature_result *res = NULL;
	struct registry_client *c = NULL;
	struct sign_policy p = { 0 };
	struct image_ref ref = { 0 };
	const struct sign_rule *rule;
	const char *lookaside;
	char digest[72];
	bool from_opts;
	int err;

	if (!ret_result || !ctx)
		return bpfman_err(ctx, -EINVAL, "bpfman_image__verify: NULL argument");
	if (!OPTS_VALID(ctx, opts, bpfman_verify_opts))
		return -EINVAL;
	if ((err = dlopen_crypto(ctx)))
		return err;
	lookaside = OPTS_GET(opts, gpg_lookaside, NULL);
	if (lookaside && strncmp(lookaside, "file:///", 8) && strncmp(lookaside, "https://", 8) &&
	    strncmp(lookaside, "http://", 7))
		return bpfman_err(ctx, -EINVAL,
				  "lookaside '%s' must start with file:///, https:// or http://",
				  lookaside);
	if ((err = sign_resolve(ctx, reference, OPTS_GET(opts, registry, NULL), false,
				&ref, &c, digest, NULL)))
		return err;
	res = calloc(1, sizeof(*res));
	if (!res || !(res->reference = image_ref_string(&ref)) ||
	    !(res->digest = strdup(digest))) {
		err = -ENOMEM;
		goto out;
	}
	{
		_cleanup_free_ char *repo = image_ref_repo_string(&ref);

		if (!repo) {
			err = -ENOMEM;
			goto out;
		}
		if ((err = rule_from_opts(ctx, opts, repo, &p, &from_opts)))
			goto out;
		if (!from_opts && (err = sign_policy_load(ctx, &p)))
			goto out;
		rule = sign_policy_match(&p, repo);
		if (!rule) {
			err = bpfman_err(ctx, -ENOENT,
					 "no signing rule in the config file covers %s, so no key "
					 "is trusted for it; give a key (the keys option of the verify call), or add a rule "
					 "(doc/signatures.md)", repo);
			goto out;
		}
	}
	res->rule = strdup(from_opts ? "" : rule->scope);
	if (!res->rule) {
		err = -ENOMEM;
		goto out;
	}
	err = sign_check_digest(ctx, c, rule, &ref, digest, &res->f);
	if (!err)
		*ret_result = TAKE_PTR(res);
out:
	bpfman_signature_result__free(res);
	sign_policy_clear(&p);
	registry_client_free(c);
	image_ref_clear(&ref);
	return err;
}

void bpfman_signature_result__free(struct bpfman_signature_result *r)
{
	if (!r)
		return;
	free(r->reference);
	free(r->digest);
	free(r->rule);
	sig_findings_clear(&r->f);
	free(r);
}

const char *bpfman_signature_result__reference(const struct bpfman_signature_result *r)
{
	return r->reference;
}

const char *bpfman_signature_result__digest(const struct bpfman_signature_result *r)
{
	return r->digest;
}

bool bpfman_signature_result__verified(const struct bpfman_signature_result *r)
{
	return sig_findings_ok(&r->f) != NULL;
}

const char *bpfman_signature_result__rule(const struct bpfman_signature_result *r)
{
	return r->rule;
}

size_t bpfman_signature_result__cnt(const struct bpfman_signature_result *r)
{
	return r->f.cnt;
}

static const struct sig_finding *at(const struct bpfman_signature_result *r, size_t i)
{
	static const struct sig_finding none = { SIG_UNPARSEABLE, "", NULL, "" };

	return i < r->f.cnt ? &r->f.v[i] : &none;
}

bool bpfman_signature_result__ok(const struct bpfman_signature_result *r, size_t i)
{
	return i < r->f.cnt && r->f.v[i].status == SIG_OK;
}

const char *bpfman_signature_result__format(const struct bpfman_signature_result *r, size_t i)
{
	return at(r, i)->format;
}

const char *bpfman_signature_result__signer(const struct bpfman_signature_result *r, size_t i)
{
	return str_or_empty(at(r, i)->signer);
}

const char *bpfman_signature_result__status(const struct bpfman_signature_result *r, size_t i)
{
	return i < r->f.cnt ? sig_status_name(r->f.v[i].status) : "";
}

const char *bpfman_signature_result__detail(const struct bpfman_signature_result *r, size_t i)
{
	return at(r, i)->detail;
}
