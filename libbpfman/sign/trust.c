/* SPDX-License-Identifier: Apache-2.0 */
/* A rule's trust material (keys, CA roots, Rekor keys) read from files. */
#include <stdlib.h>
#include <string.h>

#include "../dlopen_crypto.h"

#include "../internal.h"
#include "sigcrypto.h"
#include "verify.h"

static int load_keys(struct bpfman_ctx *ctx, const struct strv *files,
		     EVP_PKEY ***ret, char ***ret_desc, size_t *ret_cnt)
{
	int err;

	if (!files->cnt)
		return 0;
	*ret = calloc(files->cnt, sizeof(EVP_PKEY *));
	if (ret_desc)
		*ret_desc = calloc(files->cnt, sizeof(char *));
	if (!*ret || (ret_desc && !*ret_desc))
		return -ENOMEM;
	for (size_t i = 0; i < files->cnt; i++) {
		if ((err = pubkey_load(ctx, files->v[i], &(*ret)[i])))
			return bpfman_err_prefix(ctx, err, "signature policy");
		(*ret_cnt)++;
		if (ret_desc) {
			_cleanup_free_ char *d = pubkey_describe((*ret)[i]);

			(*ret_desc)[i] = str_printf("%s (%s)", d ? d : "key", files->v[i]);
		}
	}
	return 0;
}

static int load_roots(struct bpfman_ctx *ctx, const struct strv *files,
		      X509_STORE **ret)
{
	X509_STORE *st;

	if (!files->cnt)
		return 0;
	st = X509_STORE_new();
	if (!st)
		return -ENOMEM;
	*ret = st;
	for (size_t i = 0; i < files->cnt; i++) {
		_cleanup_fclose_ FILE *f = fopen(files->v[i], "re");
		int n = 0;
		X509 *x;

		if (!f)
			return bpfman_err(ctx, -errno,
					  "signature policy: cannot open root certificate file '%s': %m",
					  files->v[i]);
		while ((x = PEM_read_X509(f, NULL, NULL, NULL))) {
			X509_STORE_add_cert(st, x);
			X509_free(x);
			n++;
		}
		ERR_clear_error();
		if (!n)
			return bpfman_err(ctx, -EINVAL,
					  "signature policy: root certificate file '%s' holds no PEM certificate",
					  files->v[i]);
	}
	return 0;
}

int sign_trust_load(struct bpfman_ctx *ctx, const struct sign_rule *rule,
		    struct sign_trust *ret)
{
	struct sign_trust t = { .rule = rule };
	int err;

	if ((err = load_keys(ctx, &rule->keys, &t.keys, &t.key_desc, &t.keys_cnt)) ||
	    (err = load_keys(ctx, &rule->rekor_keys, &t.rekor, NULL, &t.rekor_cnt)) ||
	    (err = load_roots(ctx, &rule->roots, &t.roots))) {
		sign_trust_clear(&t);
		return err;
	}
	*ret = t;
	return 0;
}

void sign_trust_clear(struct sign_trust *t)
{
	for (size_t i = 0; i < t->keys_cnt; i++) {
		EVP_PKEY_free(t->keys[i]);
		free(t->key_desc[i]);
	}
	free(t->keys);
	free(t->key_desc);
	for (size_t i = 0; i < t->rekor_cnt; i++)
		EVP_PKEY_free(t->rekor[i]);
	free(t->rekor);
	X509_STORE_free(t->roots);
	memset(t, 0, sizeof(*t));
}
