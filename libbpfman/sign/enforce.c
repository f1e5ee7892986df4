/* SPDX-License-Identifier: Apache-2.0 */
/* The pull gate. With verify_enabled (default), the longest-matching rule
 * decides: a valid trusted signature allows the image (and is remembered
 * under image_cache_dir/verified for this policy); a signature that is
 * present but fails refuses it, whatever allow_unsigned says; no signature
 * refuses it when the rule (or allow_unsigned: false) requires one, else
 * the image is allowed with a warning. An image no rule covers has nothing
 * to be checked against: refused when allow_unsigned is false, else
 * allowed with a warning, as bpfman warns about unverified images: the
 * default config has no rules, and the warning is what tells a host's
 * owner that nothing is being verified (one line in the config ends it:
 * a rule, or verify_enabled: false). */
#include <stdlib.h>
#include <string.h>

#include "../internal.h"
#include "../image/reference.h"
#include "check.h"
#include "enforce.h"
#include "explain.h"

int signature_enforce(struct bpfman_ctx *ctx, struct registry_client *c,
		      const struct image_ref *ref, const char *manifest_digest)
{
	struct sign_policy p = { 0 };
	struct sig_findings f = { 0 };
	_cleanup_free_ char *repo = image_ref_repo_string(ref);
	_cleanup_free_ char *name = image_ref_string(ref);
	const struct sign_rule *rule;
	const struct sig_finding *ok;
	char hash[65];
	bool require;
	int err;

	if (!repo || !name)
		return -ENOMEM;
	if ((err = sign_policy_load(ctx, &p)))
		return bpfman_err_prefix(ctx, err, "cannot check the signature of %s", name);
	if (!p.verify_enabled) {
		pr_debug(ctx, "signature verification disabled (signing.verify_enabled: false); "
			 "%s@%s not checked", repo, manifest_digest);
		goto out;
	}
	rule = sign_policy_match(&p, repo);
	require = sign_rule_requires(&p, rule);
	if (!rule) {
		if (require)
			err = bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EPERM,
					 "image %s (%s) refused: signatures are required "
					 "(signing.allow_unsigned: false) but no signing rule covers %s, "
					 "so no key is trusted for it; add a rule with its scope "
					 "(doc/signatures.md)", name, manifest_digest, repo);
		else /* nothing is trusted for it, so nothing was looked for */
			pr_warn(ctx, "image %s (%s) is not verified: no signing rule covers %s "
				"(allowed because signing.allow_unsigned is true; doc/signatures.md)",
				name, manifest_digest, repo);
		if (!err && !(err = sign_policy_hash(ctx, &p, NULL, hash)))
			sign_cache_record(ctx, manifest_digest, repo, hash,
					  "unsigned, allowed: no rule covers it");
		goto out;
	}
	if ((err = sign_policy_hash(ctx, &p, rule, hash)))
		goto out;
	if (sign_cache_hit(ctx, manifest_digest, repo, hash)) {
		pr_debug(ctx, "%s@%s verified before under this policy", repo, manifest_digest);
		goto out;
	}
	err = sign_check_digest(ctx, c, rule, ref, manifest_digest, &f);
	if (err) {
		err = bpfman_err_prefix(ctx, err, "image %s (%s): checking signatures under "
					"rule %s (%s) failed", name, manifest_digest,
					rule->scope, rule->key_path);
		goto out;
	}
	if ((ok = sig_findings_ok(&f))) {
		_cleanup_free_ char *what = str_printf("%s: %s", ok->format, ok->signer);

		pr_info(ctx, "image %s (%s): %s, %s", name, manifest_digest, ok->format,
			ok->detail);
		sign_cache_record(ctx, manifest_digest, repo, hash, what ? what : ok->format);
		goto out;
	}
	if (!f.cnt && !require) {
		pr_warn(ctx, "image %s (%s) is unsigned; allowed because rule %s does not "
			"require signatures", name, manifest_digest, rule->scope);
		/* Remembered too, so cached loads need no registry while the
		 * policy stays as it is. */
		sign_cache_record(ctx, manifest_digest, repo, hash,
				  "unsigned, allowed by the rule");
		goto out;
	}
	err = sign_refusal(ctx, name, manifest_digest, rule, &f);
out:
	sig_findings_clear(&f);
	sign_policy_clear(&p);
	return err;
}

int signature_cached_ok(struct bpfman_ctx *ctx, const struct image_ref *ref,
			const char *manifest_digest)
{
	struct sign_policy p = { 0 };
	_cleanup_free_ char *repo = image_ref_repo_string(ref);
	char hash[65];
	int err;

	if (!repo)
		return -ENOMEM;
	if ((err = sign_policy_load(ctx, &p)))
		return err;
	if (!p.verify_enabled) {
		sign_policy_clear(&p);
		return 1;
	}
	err = sign_policy_hash(ctx, &p, sign_policy_match(&p, repo), hash);
	if (!err)
		err = sign_cache_hit(ctx, manifest_digest, repo, hash) ? 1 : 0;
	sign_policy_clear(&p);
	return err;
}
