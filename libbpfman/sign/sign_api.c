/* SPDX-License-Identifier: Apache-2.0 */
/* bpfman_image__sign: cosign-compatible signatures made with OpenSSL.
 * Legacy: a simple-signing payload layer, its signature in an annotation,
 * in the manifest at tag sha256-<hex>.sig (layers already there are kept,
 * as cosign does). Bundle: a DSSE envelope around the in-toto statement
 * cosign 3 signs, in a sigstore bundle pushed as an OCI 1.1 referrer of
 * the image; on registries without the referrers API the referrer is also
 * listed in the index at tag sha256-<hex>, the scheme cosign reads there. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include "../dlopen_crypto.h"

#include <bpfman/signature.h>

#include "../internal.h"
#include "../image/digest.h"
#include "../image/manifest.h"
#include "../image/registry.h"
#include "sigcrypto.h"
#include "resolve.h"

#define MT_SIMPLESIGNING "application/vnd.dev.cosign.simplesigning.v1+json"
#define MT_BUNDLE_V03 "application/vnd.dev.sigstore.bundle.v0.3+json"
#define ANN_SIGNATURE "dev.cosignproject.cosign/signature"

void bpfman_sign_opts_init(struct bpfman_sign_opts *opts, size_t sz)
{
	bpfman_opts_init(opts, sz);
}


static json_t *desc_json(const char *mt, const char *digest, size_t size)
{
	return json_pack("{s:s, s:s, s:I}", "mediaType", mt, "digest", digest,
			 "size", (json_int_t)size);
}

/* Pushes a JSON document as a blob; ret_digest gets its digest. */
static int push_json_blob(struct registry_client *c, json_t *j, char **ret_buf,
			  char ret_digest[72])
{
	char *s = json_dumps(j, JSON_COMPACT);
	int err;

	if (!s)
		return -ENOMEM;
	digest_buf(s, strlen(s), ret_digest);
	err = registry_push_blob(c, s, strlen(s), ret_digest);
	if (err || !ret_buf)
		free(s);
	else
		*ret_buf = s;
	return err;
}

static int push_manifest(struct registry_client *c, const char *ref, const char *mt,
			 json_t *m, char ret_digest[72], size_t *ret_len)
{
	_cleanup_free_ char *s = json_dumps(m, JSON_COMPACT);

	if (!s)
		return -ENOMEM;
	if (ret_digest)
		digest_buf(s, strlen(s), ret_digest);
	if (ret_len)
		*ret_len = strlen(s);
	return registry_put_manifest(c, ref ? ref : ret_digest, mt, s, strlen(s));
}

static int sign_legacy(struct bpfman_ctx *ctx, struct registry_client *c,
		       const struct image_ref *ref, const char *digest, EVP_PKEY *key)
{
	_cleanup_free_ char *repo = image_ref_repo_string(ref);
	_cleanup_free_ char *tag = str_printf("sha256-%s.sig", digest_hex(digest));
	_cleanup_free_ char *payload = NULL, *sig_b64 = NULL, *ct = NULL;
	_cleanup_free_ unsigned char *sig = NULL;
	_cleanup_free_ void *old = NULL;
	json_auto_t *pj = NULL, *layers = json_array(), *diff_ids = json_array();
	json_auto_t *config = NULL, *manifest = NULL;
	char pdigest[72], cdigest[72], odigest[72];
	struct manifest om = { 0 };
	size_t sig_len, old_len;
	int err;

	if (!repo || !tag || !layers || !diff_ids)
		return -ENOMEM;
	pj = json_pack("{s:{s:{s:s}, s:{s:s}, s:s}, s:n}", "critical", "identity",
		       "docker-reference", repo, "image", "docker-manifest-digest", digest,
		       "type", "cosign container image signature", "optional");
	if (!pj || !(payload = json_dumps(pj, JSON_COMPACT)))
		return -ENOMEM;
	if ((err = sig_sign(ctx, key, payload, strlen(payload), &sig, &sig_len)))
		return err;
	if (!(sig_b64 = b64_encode(sig, sig_len)))
		return -ENOMEM;
	digest_buf(payload, strlen(payload), pdigest);
	if ((err = registry_push_blob(c, payload, strlen(payload), pdigest)))
		return err;

	/* Keep the signatures already there (other keys, other signers). */
	err = registry_get_manifest(c, tag, MT_OCI_MANIFEST ", " MT_DOCKER_MANIFEST,
				    &old, &old_len, &ct, odigest);
	if (err == -ENOENT) {
		bpfman_err_clear(ctx);
	} else if (err) {
		return err;
	} else if (!manifest_parse(ctx, ct, old, old_len, &om) && !manifest_is_index(&om)) {
		for (size_t i = 0; i < om.layers_cnt; i++) {
			const struct descriptor *l = &om.layers[i];
			json_t *d, *ann = json_object();

			const char *old_sig = NULL;

			for (size_t k = 0; k < l->annotations_cnt; k++)
				if (!strcmp(l->annotation_keys[k], ANN_SIGNATURE))
					old_sig = l->annotation_values[k];
			/* The same payload signed again (another key, or the same
			 * key: ECDSA differs each time) is another signature; only
			 * an identical one is dropped. */
			if (strcmp(l->media_type, MT_SIMPLESIGNING) ||
			    (!strcmp(l->digest, pdigest) && old_sig && !strcmp(old_sig, sig_b64))) {
				json_decref(ann);
				continue;
			}
			for (size_t k = 0; k < l->annotations_cnt; k++)
				json_object_set_new(ann, l->annotation_keys[k],
						    json_string(l->annotation_values[k]));
			d = desc_json(l->media_type, l->digest, l->size);
			json_object_set_new(d, "annotations", ann);
			json_array_append_new(layers, d);
			json_array_append_new(diff_ids, json_string(l->digest));
		}
	} else {
		bpfman_err_clear(ctx);
	}
	manifest_clear(&om);

	json_t *d = desc_json(MT_SIMPLESIGNING, pdigest, strlen(payload));
	json_object_set_new(d, "annotations", json_pack("{s:s}", ANN_SIGNATURE, sig_b64));
	json_array_append_new(layers, d);
	json_array_append_new(diff_ids, json_string(pdigest));

	config = json_pack("{s:s, s:s, s:[{s:s}], s:s, s:{s:s, s:O}, s:{}}",
			   "architecture", "", "created", "0001-01-01T00:00:00Z",
			   "history", "created", "0001-01-01T00:00:00Z", "os", "",
			   "rootfs", "type", "layers", "diff_ids", diff_ids, "config");
	if (!config)
		return -ENOMEM;
	_cleanup_free_ char *cbuf = NULL;
	if ((err = push_json_blob(c, config, &cbuf, cdigest)))
		return err;
	manifest = json_pack("{s:i, s:s, s:o, s:O}", "schemaVersion", 2, "mediaType",
			     MT_OCI_MANIFEST, "config",
			     desc_json(MT_OCI_CONFIG, cdigest, strlen(cbuf)), "layers", layers);
	if (!manifest)
		return -ENOMEM;
	return push_manifest(c, tag, MT_OCI_MANIFEST, manifest, NULL, NULL);
}

static char *key_hint(EVP_PKEY *key)
{
	unsigned char *der = NULL, md[32];
	int len = i2d_PUBKEY(key, &der);

	if (len <= 0)
		return NULL;
	EVP_Digest(der, (size_t)len, md, NULL, EVP_sha256(), NULL);
	OPENSSL_free(der);
	return b64_encode(md, sizeof(md));
}

/* Adds the referrer to the index at tag sha256-<hex>, for registries
 * without the referrers API. */
static int update_fallback_index(struct bpfman_ctx *ctx, struct registry_client *c,
				 const char *digest, json_t *entry)
{
	_cleanup_free_ char *tag = str_printf("sha256-%s", digest_hex(digest));
	_cleanup_free_ void *old = NULL;
	_cleanup_free_ char *ct = NULL;
	json_auto_t *idx = NULL;
	char odigest[72];
	size_t old_len;
	json_t *arr;
	int err;

	if (!tag)
		return -ENOMEM;
	err = registry_get_manifest(c, tag, MT_OCI_INDEX, &old, &old_len, &ct, odigest);
	if (err == -ENOENT) {
		bpfman_err_clear(ctx);
		idx = json_pack("{s:i, s:s, s:[]}", "schemaVersion", 2, "mediaType",
				MT_OCI_INDEX, "manifests");
	} else if (err) {
		return err;
	} else {
		idx = json_loadb(old, old_len, JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_array(json_object_get(idx, "manifests")))
			return bpfman_err(ctx, -EBADMSG,
					  "tag %s holds no OCI index; cannot list the signature "
					  "there (delete the tag, or sign in the legacy format only)", tag);
	}
	if (!idx)
		return -ENOMEM;
	arr = json_object_get(idx, "manifests");
	json_array_append(arr, entry);
	return push_manifest(c, tag, MT_OCI_INDEX, idx, NULL, NULL);
}

static int sign_bundle(struct bpfman_ctx *ctx, struct registry_client *c,
		       const char *digest, const char *subject_mt, size_t subject_len,
		       EVP_PKEY *key)
{
	static const char empty[] = "{}";
	json_auto_t *st = NULL, *bundle = NULL, *m = NULL, *entry = NULL;
	_cleanup_free_ char *stmt = NULL, *pae = NULL, *payload_b64 = NULL, *sig_b64 = NULL;
	_cleanup_free_ char *hint = key_hint(key), *bbuf = NULL;
	_cleanup_free_ unsigned char *sig = NULL;
	char bdigest[72], edigest[72], mdigest[72], now[32];
	size_t sig_len, mlen;
	bool supported = false;
	_cleanup_free_ void *rbuf = NULL;
	size_t rlen;
	time_t tnow = time(NULL);
	int err;

	st = json_pack("{s:s, s:[{s:{s:s}}], s:s, s:{}}", "_type",
		       "https://in-toto.io/Statement/v1", "subject", "digest", "sha256",
		       digest_hex(digest), "predicateType", "https://sigstore.dev/cosign/sign/v1",
		       "predicate");
	if (!st || !hint || !(stmt = json_dumps(st, JSON_COMPACT)))
		return -ENOMEM;
	pae = str_printf("DSSEv1 %zu %s %zu %s", strlen("application/vnd.in-toto+json"),
			 "application/vnd.in-toto+json", strlen(stmt), stmt);
	if (!pae)
		return -ENOMEM;
	if ((err = sig_sign(ctx, key, pae, strlen(pae), &sig, &sig_len)))
		return err;
	payload_b64 = b64_encode(stmt, strlen(stmt));
	sig_b64 = b64_encode(sig, sig_len);
	/* As cosign writes it for a key without a transparency log. */
	bundle = json_pack("{s:s, s:{s:{s:s}}, s:{s:s, s:s, s:[{s:s}]}}",
			   "mediaType", MT_BUNDLE_V03, "verificationMaterial", "publicKey",
			   "hint", hint, "dsseEnvelope", "payload", payload_b64,
			   "payloadType", "application/vnd.in-toto+json", "signatures",
			   "sig", sig_b64);
	if (!bundle || !payload_b64 || !sig_b64)
		return -ENOMEM;
	if ((err = push_json_blob(c, bundle, &bbuf, bdigest)))
		return err;
	digest_buf(empty, 2, edigest);
	if ((err = registry_push_blob(c, empty, 2, edigest)))
		return err;
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime(&tnow));
	m = json_pack("{s:i, s:s, s:s, s:{s:s, s:s, s:s, s:i}, s:[o], s:o, s:{s:s, s:s, s:s}}",
		      "schemaVersion", 2, "mediaType", MT_OCI_MANIFEST,
		      "artifactType", MT_BUNDLE_V03,
		      "config", "mediaType", MT_OCI_EMPTY, "artifactType", MT_BUNDLE_V03,
		      "digest", edigest, "size", 2,
		      "layers", desc_json(MT_BUNDLE_V03, bdigest, strlen(bbuf)),
		      "subject", desc_json(subject_mt, digest, subject_len),
		      "annotations", "dev.sigstore.bundle.content", "dsse-envelope",
		      "dev.sigstore.bundle.predicateType", "https://sigstore.dev/cosign/sign/v1",
		      "org.opencontainers.image.created", now);
	if (!m)
		return -ENOMEM;
	if ((err = push_manifest(c, NULL, MT_OCI_MANIFEST, m, mdigest, &mlen)))
		return err;
	if ((err = registry_referrers(c, digest, MT_BUNDLE_V03, &supported, &rbuf, &rlen)))
		return err;
	if (supported)
		return 0;
	entry = desc_json(MT_OCI_MANIFEST, mdigest, mlen);
	json_object_set_new(entry, "artifactType", json_string(MT_BUNDLE_V03));
	json_object_set(entry, "annotations", json_object_get(m, "annotations"));
	return update_fallback_index(ctx, c, digest, entry);
}

int bpfman_image__sign(char **ret_digest, struct bpfman_ctx *ctx,
		       const char *reference, const struct bpfman_sign_opts *opts)
{
	const char *key_file = OPTS_GET(opts, key_file, NULL);
	enum bpfman_sign_format fmt = OPTS_GET(opts, format, BPFMAN_SIGN_BOTH);
	struct registry_client *c = NULL;
	struct image_ref ref = { 0 };
	_cleanup_pkey_ EVP_PKEY *key = NULL;
	_cleanup_free_ void *mbuf = NULL;
	_cleanup_free_ char *ct = NULL, *name = NULL;
	char digest[72], check[72];
	size_t mlen;
	int err;

	if (!ctx)
		return -EINVAL;
	if (!OPTS_VALID(ctx, opts, bpfman_sign_opts))
		return -EINVAL;
	if ((err = dlopen_crypto(ctx)))
		return err;
	if (!key_file)
		return bpfman_err(ctx, -EINVAL, "signing needs a private key file (key_file)");
	if (fmt < BPFMAN_SIGN_BOTH || fmt > BPFMAN_SIGN_BUNDLE)
		return bpfman_err(ctx, -EINVAL, "unknown signature format %d", fmt);
	if ((err = privkey_load(ctx, key_file, OPTS_GET(opts, key_password, NULL), &key)))
		return err;
	if ((err = sign_resolve(ctx, reference, OPTS_GET(opts, registry, NULL), true,
				&ref, &c, digest, NULL)))
		return err;
	name = image_ref_string(&ref);
	/* The subject descriptor needs the manifest's size and type. */
	err = registry_get_manifest(c, digest, manifest_accept(), &mbuf, &mlen, &ct, check);
	if (!err && !ct)
		err = bpfman_err(ctx, -EBADMSG, "registry gave no media type for %s", digest);
	if (!err && fmt != BPFMAN_SIGN_BUNDLE)
		err = sign_legacy(ctx, c, &ref, digest, key);
	if (!err && fmt != BPFMAN_SIGN_LEGACY)
		err = sign_bundle(ctx, c, digest, ct, mlen, key);
	if (err)
		err = bpfman_err_prefix(ctx, err, "signing %s (%s)", name ? name : reference, digest);
	else if (ret_digest && !(*ret_digest = strdup(digest)))
		err = -ENOMEM;
	registry_client_free(c);
	image_ref_clear(&ref);
	return err;
}
