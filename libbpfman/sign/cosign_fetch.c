/* SPDX-License-Identifier: Apache-2.0 */
/* Where cosign keeps signatures in a registry, read and checked:
 *  - the legacy tag sha256-<hex>.sig: a manifest whose simple-signing
 *    layers carry the signature (and certificate) in annotations;
 *  - sigstore bundles attached as OCI 1.1 referrers (artifactType
 *    application/vnd.dev.sigstore.bundle.v0.3+json), listed by the
 *    referrers API or, on registries without it, by the index cosign
 *    keeps at tag sha256-<hex>. */
#include <stdlib.h>
#include <string.h>

#include "../internal.h"
#include "../image/digest.h"
#include "../image/manifest.h"
#include "../image/registry.h"
#include "sigcrypto.h"
#include "verify.h"

#define MT_SIMPLESIGNING "application/vnd.dev.cosign.simplesigning.v1+json"
#define MT_BUNDLE_V03 "application/vnd.dev.sigstore.bundle.v0.3+json"
#define ANN_SIGNATURE "dev.cosignproject.cosign/signature"
#define ANN_CERT "dev.sigstore.cosign/certificate"
#define ANN_CHAIN "dev.sigstore.cosign/chain"
#define ANN_BUNDLE "dev.sigstore.cosign/bundle"
#define SIG_BLOB_MAX (1u << 20)
/* More signatures than this on one image is an attack on the verifier. */
#define MAX_SIGNATURES 32

static const char *annotation(const struct descriptor *d, const char *key)
{
	for (size_t i = 0; i < d->annotations_cnt; i++)
		if (!strcmp(d->annotation_keys[i], key))
			return d->annotation_values[i];
	return NULL;
}

/* A manifest by tag; 0 with *ret_buf NULL when the tag does not exist. */
static int get_optional_manifest(struct bpfman_ctx *ctx, struct registry_client *c,
				 const char *tag, const char *accept,
				 void **ret_buf, size_t *ret_len, char **ret_ct)
{
	char dg[DIGEST_STR_SIZE];
	int err = registry_get_manifest(c, tag, accept, ret_buf, ret_len, ret_ct, dg);

	if (err == -ENOENT) {
		bpfman_err_clear(ctx);
		*ret_buf = NULL;
		return 0;
	}
	return err;
}

static int check_legacy_layer(struct bpfman_ctx *ctx, struct registry_client *c,
			      const struct sign_trust *t, const struct descriptor *l,
			      const char *origin, const char *digest,
			      struct sig_findings *out)
{
	_cleanup_free_ void *payload = NULL;
	char got[DIGEST_STR_SIZE];
	size_t payload_len;
	int err;

	if (l->size > SIG_BLOB_MAX)
		return sig_findings_add(out, SIG_UNPARSEABLE, origin, NULL,
					"payload %s of %llu bytes is larger than 1 MiB",
					l->digest, (unsigned long long)l->size);
	err = registry_get_blob(c, l->digest, SIG_BLOB_MAX, &payload, &payload_len);
	if (err)
		return bpfman_err_prefix(ctx, err, "reading signature payload %s", l->digest);
	digest_buf(payload, payload_len, got);
	if (strcmp(got, l->digest))
		return sig_findings_add(out, SIG_UNPARSEABLE, origin, NULL,
					"payload blob hashes to %s, not %s", got, l->digest);
	struct legacy_layer ll = {
		.sig_b64 = annotation(l, ANN_SIGNATURE),
		.cert_pem = annotation(l, ANN_CERT),
		.chain_pem = annotation(l, ANN_CHAIN),
		.rekor_json = annotation(l, ANN_BUNDLE),
		.payload = payload,
		.payload_len = payload_len,
	};
	return legacy_layer_check(ctx, t, origin, &ll, digest, out);
}

int cosign_find_legacy(struct bpfman_ctx *ctx, struct registry_client *c,
		       const struct sign_trust *t, const char *digest,
		       struct sig_findings *out)
{
	_cleanup_free_ char *tag = str_printf("sha256-%s.sig", digest_hex(digest));
	_cleanup_free_ char *origin = str_printf("cosign signature (tag %s)", tag);
	_cleanup_free_ void *buf = NULL;
	_cleanup_free_ char *ct = NULL;
	struct manifest m = { 0 };
	size_t len, n = 0;
	int err;

	if (!tag || !origin)
		return -ENOMEM;
	err = get_optional_manifest(ctx, c, tag, MT_OCI_MANIFEST ", " MT_DOCKER_MANIFEST,
				    &buf, &len, &ct);
	if (err || !buf)
		return err;
	if (manifest_parse(ctx, ct, buf, len, &m) || manifest_is_index(&m)) {
		bpfman_err_clear(ctx);
		manifest_clear(&m);
		return sig_findings_add(out, SIG_UNPARSEABLE, origin, NULL,
					"the tag holds no image manifest");
	}
	for (size_t i = 0; i < m.layers_cnt && !err; i++) {
		if (strcmp(m.layers[i].media_type, MT_SIMPLESIGNING))
			continue;
		if (++n > MAX_SIGNATURES)
			break;
		err = check_legacy_layer(ctx, c, t, &m.layers[i], origin, digest, out);
	}
	if (!err && !n)
		err = sig_findings_add(out, SIG_UNPARSEABLE, origin, NULL,
				       "the manifest has no " MT_SIMPLESIGNING " layer");
	manifest_clear(&m);
	return err;
}

static int check_referrer(struct bpfman_ctx *ctx, struct registry_client *c,
			  const struct sign_trust *t, const char *ref_digest,
			  const char *via, const char *digest, struct sig_findings *out)
{
	_cleanup_free_ char *origin = str_printf("sigstore bundle (referrer %s via %s)",
						 ref_digest, via);
	_cleanup_free_ void *buf = NULL, *blob = NULL;
	_cleanup_free_ char *ct = NULL;
	char got[DIGEST_STR_SIZE];
	struct manifest m = { 0 };
	size_t len, blob_len;
	int err;

	if (!origin)
		return -ENOMEM;
	err = registry_get_manifest(c, ref_digest, MT_OCI_MANIFEST, &buf, &len, &ct, got);
	if (err)
		return bpfman_err_prefix(ctx, err, "reading signature manifest %s", ref_digest);
	if (manifest_parse(ctx, ct, buf, len, &m) || manifest_is_index(&m) ||
	    m.layers_cnt != 1 || strcmp(m.layers[0].media_type, MT_BUNDLE_V03)) {
		bpfman_err_clear(ctx);
		manifest_clear(&m);
		return sig_findings_add(out, SIG_UNPARSEABLE, origin, NULL,
					"the referrer is not a manifest with one " MT_BUNDLE_V03 " layer");
	}
	if (!m.subject || strcmp(m.subject->digest, digest)) {
		err = sig_findings_add(out, SIG_DIGEST_MISMATCH, origin, NULL,
				       "the referrer's subject is %s, not %s",
				       m.subject ? m.subject->digest : "missing", digest);
		manifest_clear(&m);
		return err;
	}
	err = registry_get_blob(c, m.layers[0].digest, SIG_BLOB_MAX, &blob, &blob_len);
	if (!err) {
		digest_buf(blob, blob_len, got);
		if (strcmp(got, m.layers[0].digest))
			err = sig_findings_add(out, SIG_UNPARSEABLE, origin, NULL,
					       "bundle blob hashes to %s, not %s", got,
					       m.layers[0].digest);
		else
			err = bundle_check(ctx, t, origin, blob, blob_len, digest, out);
	} else {
		err = bpfman_err_prefix(ctx, err, "reading bundle %s", m.layers[0].digest);
	}
	manifest_clear(&m);
	return err;
}

int cosign_find_bundles(struct bpfman_ctx *ctx, struct registry_client *c,
			const struct sign_trust *t, const char *digest,
			struct sig_findings *out)
{
	_cleanup_free_ char *tag = str_printf("sha256-%s", digest_hex(digest));
	_cleanup_free_ void *buf = NULL;
	_cleanup_free_ char *ct = NULL, *via = NULL;
	struct manifest idx = { 0 };
	bool supported = false;
	size_t len, n = 0;
	int err;

	if (!tag)
		return -ENOMEM;
	err = registry_referrers(c, digest, MT_BUNDLE_V03, &supported, &buf, &len);
	if (err)
		return err;
	if (supported) {
		via = strdup("the referrers API");
	} else {
		err = get_optional_manifest(ctx, c, tag, MT_OCI_INDEX, &buf, &len, &ct);
		if (err || !buf)
			return err;
		via = str_printf("tag %s", tag);
	}
	if (!via)
		return -ENOMEM;
	if (manifest_parse(ctx, supported ? MT_OCI_INDEX : ct, buf, len, &idx) ||
	    idx.kind != MANIFEST_OCI_INDEX) {
		bpfman_err_clear(ctx);
		manifest_clear(&idx);
		return sig_findings_add(out, SIG_UNPARSEABLE, via, NULL,
					"the referrers list is not an OCI image index");
	}
	for (size_t i = 0; i < idx.manifests_cnt && !err; i++) {
		const struct descriptor *d = &idx.manifests[i];

		if (!d->artifact_type || strcmp(d->artifact_type, MT_BUNDLE_V03))
			continue;
		if (++n > MAX_SIGNATURES)
			break;
		err = check_referrer(ctx, c, t, d->digest, via, digest, out);
	}
	manifest_clear(&idx);
	return err;
}
