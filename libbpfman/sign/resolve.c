/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "../internal.h"
#include "../image/digest.h"
#include "../image/manifest.h"
#include "../image/registry.h"
#include "resolve.h"

int sign_resolve(struct bpfman_ctx *ctx, const char *reference,
		 const struct bpfman_registry_opts *ropts, bool push,
		 struct image_ref *ret_ref, struct registry_client **ret_client,
		 char ret_digest[72], char **ret_media_type)
{
	struct image_ref ref = { 0 };
	struct registry_client *c = NULL;
	char *ct = NULL;
	void *buf = NULL;
	size_t len;
	int err;

	if (!reference)
		return bpfman_err(ctx, -EINVAL, "no image reference given");
	if ((err = image_ref_parse(ctx, reference, &ref)))
		return err;
	if ((err = registry_client_new(ctx, &ref, ropts, push, &c)))
		goto fail;
	err = registry_head_manifest(c, ref.digest ? ref.digest : ref.tag,
				     manifest_accept(), ret_digest, &ct);
	if (err == -ENOTSUP) {
		bpfman_err_clear(ctx);
		free(ct);
		ct = NULL;
		err = registry_get_manifest(c, ref.digest ? ref.digest : ref.tag,
					    manifest_accept(), &buf, &len, &ct, ret_digest);
		free(buf);
	}
	if (err)
		goto fail;
	if (ref.digest && strcmp(ref.digest, ret_digest)) {
		err = bpfman_err(ctx, -EBADMSG, "registry answered %s for %s", ret_digest, reference);
		goto fail;
	}
	*ret_ref = ref;
	*ret_client = c;
	if (ret_media_type)
		*ret_media_type = ct;
	else
		free(ct);
	return 0;
fail:
	free(ct);
	registry_client_free(c);
	image_ref_clear(&ref);
	return err;
}
