/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../image/digest.h"

#include "../internal.h"
#include "../owned.h"
#include "../util/fsutil.h"
#include "check.h"

int sign_check_digest(struct bpfman_ctx *ctx, struct registry_client *c,
		      const struct sign_rule *rule, const struct image_ref *ref,
		      const char *digest, struct sig_findings *out)
{
	struct sign_trust t = { 0 };
	int err;

	if ((err = sign_trust_load(ctx, rule, &t)))
		return err;
	if (t.keys_cnt || t.roots) {
		if ((err = cosign_find_legacy(ctx, c, &t, digest, out)) ||
		    (err = cosign_find_bundles(ctx, c, &t, digest, out)))
			goto out;
	}
	if (rule->gpg_keyring)
		err = gpg_find(ctx, &t, ref, digest, out);
out:
	sign_trust_clear(&t);
	return err;
}

static char *cache_path(struct bpfman_ctx *ctx, const char *digest,
			const char *repo, const char *policy_hash)
{
	char md[DIGEST_STR_SIZE];
	_cleanup_free_ char *key = str_printf("%s\n%s\n%s", digest, repo, policy_hash);

	if (!key)
		return NULL;
	digest_buf(key, strlen(key), md);
	return str_printf("%s/verified/%s", ctx->image_cache_dir, digest_hex(md));
}

bool sign_cache_hit(struct bpfman_ctx *ctx, const char *digest,
		    const char *repo, const char *policy_hash)
{
	_cleanup_free_ char *p = cache_path(ctx, digest, repo, policy_hash);

	return p && path_exists(p);
}

void sign_cache_record(struct bpfman_ctx *ctx, const char *digest,
		       const char *repo, const char *policy_hash,
		       const char *what)
{
	_cleanup_free_ char *p = cache_path(ctx, digest, repo, policy_hash);
	_cleanup_free_ char *dir = str_printf("%s/verified", ctx->image_cache_dir);
	_cleanup_free_ char *tmp = p ? str_printf("%s.%d.tmp", p, (int)getpid()) : NULL;
	_cleanup_free_ char *text = str_printf("%s %s\n%s\n", repo, digest, what);
	_cleanup_close_ int fd = -1;

	if (!p || !dir || !tmp || !text || mkdir_p(dir, 0755))
		goto fail;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    rename(tmp, p)) {
		owned_remove(ctx, OWNED_CACHE, tmp, "verified/", 0, NULL);
		goto fail;
	}
	return;
fail:
	pr_warn(ctx, "could not record the verification of %s in %s/verified; "
		"it will be verified again next time", digest, ctx->image_cache_dir);
}
