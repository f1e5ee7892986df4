/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>

#include "../internal.h"
#include "explain.h"

int sign_refusal(struct bpfman_ctx *ctx, const char *name, const char *digest,
		 const struct sign_rule *rule, const struct sig_findings *f)
{
	_cleanup_free_ char *found = NULL;
	size_t len = 0;
	FILE *m;

	if (!f->cnt)
		return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EPERM,
				  "image %s (%s) refused by signing rule %s (%s): no signature "
				  "found, and the rule requires one; sign it (image sign, "
				  "cosign sign) or relax the rule (doc/signatures.md)",
				  name, digest, rule->scope, rule->key_path);
	m = open_memstream(&found, &len);
	if (!m)
		return -ENOMEM;
	for (size_t i = 0; i < f->cnt; i++)
		fprintf(m, "%s%s: %s: %s", i ? "; " : "", sig_status_name(f->v[i].status),
			f->v[i].format, f->v[i].detail);
	if (fclose(m))
		return -ENOMEM;
	return bpfman_err_kind(ctx, BPFMAN_ERRKIND_IMAGE_REFUSED, -EPERM,
			  "image %s (%s) refused by signing rule %s (%s): %zu signature(s) "
			  "found, none valid and trusted: %s", name, digest, rule->scope,
			  rule->key_path, f->cnt, found);
}
