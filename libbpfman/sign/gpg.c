/* SPDX-License-Identifier: Apache-2.0 */
/* GPG simple signing (containers/image, `skopeo copy --sign-by`): an
 * OpenPGP signed message whose content is the "atomic container
 * signature" JSON, kept in a lookaside store at
 * <base>/<repository>@sha256=<hex>/signature-<N> (N from 1; the repository
 * path without the registry host, as containers/image lays it out).
 * Each verification runs gpg (through gpgme) in a fresh private home
 * holding only the rule's keyring, so the host's keys and trust database
 * never take part, and removes it afterwards. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>
#include <gpgme.h>
#include <jansson.h>

#include "../internal.h"
#include "../owned.h"
#include "../dlopen_libs.h"
#include "../image/http.h"
#include "../image/reference.h"
#include "../util/fsutil.h"
#include "verify.h"

#define GPG_SIG_MAX (64u << 10)
#define GPG_MAX_SIGNATURES 16
#define ATOMIC_TYPE "atomic container signature"

struct membuf {
	char *buf;
	size_t len;
	bool too_big;
};

static size_t curl_sink(char *p, size_t sz, size_t n, void *u)
{
	struct membuf *m = u;
	size_t add = sz * n;
	char *nb;

	if (m->len + add > GPG_SIG_MAX) {
		m->too_big = true;
		return 0;
	}
	nb = realloc(m->buf, m->len + add + 1);
	if (!nb)
		return 0;
	memcpy(nb + m->len, p, add);
	m->buf = nb;
	m->len += add;
	return add;
}

/* 0 and *ret_buf NULL when signature-N does not exist. */
static int fetch_sig(struct bpfman_ctx *ctx, const char *url, char **ret_buf,
		     size_t *ret_len)
{
	struct membuf m = { 0 };

	*ret_buf = NULL;
	if (!strncmp(url, "file://", 7)) {
		_cleanup_fclose_ FILE *f = fopen(url + 7, "re");

		if (!f)
			return errno == ENOENT ? 0
					       : bpfman_err(ctx, -errno, "cannot read %s: %m", url);
		m.buf = malloc(GPG_SIG_MAX + 1);
		if (!m.buf)
			return -ENOMEM;
		m.len = fread(m.buf, 1, GPG_SIG_MAX + 1, f);
		if (m.len > GPG_SIG_MAX) {
			free(m.buf);
			return bpfman_err(ctx, -EFBIG, "signature %s is larger than 64 KiB", url);
		}
	} else {
		/* http_handle_new opens libcurl and initialises it once. */
		CURL *h = http_handle_new(ctx);
		long code = 0;
		CURLcode rc;

		if (!h)
			return -errno;
		sym_curl_easy_setopt(h, CURLOPT_URL, url);
		sym_curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, curl_sink);
		sym_curl_easy_setopt(h, CURLOPT_WRITEDATA, &m);
		sym_curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
		sym_curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http");
		sym_curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
		rc = sym_curl_easy_perform(h);
		sym_curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		sym_curl_easy_cleanup(h);
		if (m.too_big) {
			free(m.buf);
			return bpfman_err(ctx, -EFBIG, "signature %s is larger than 64 KiB", url);
		}
		if (rc == CURLE_OK && code == 404) {
			free(m.buf);
			return 0;
		}
		if (rc != CURLE_OK || code != 200) {
			free(m.buf);
			return bpfman_err(ctx, -EIO, "fetching signature %s failed: %s",
					  url, rc != CURLE_OK ? sym_curl_easy_strerror(rc) : "HTTP error");
		}
	}
	*ret_buf = m.buf ? m.buf : strdup("");
	*ret_len = m.len;
	return *ret_buf ? 0 : -ENOMEM;
}

/* docker-reference without its tag or digest. */
static char *strip_tag(const char *r)
{
	const char *at = strchr(r, '@'), *slash = strrchr(r, '/'), *colon;
	size_t n = at ? (size_t)(at - r) : strlen(r);

	colon = memrchr(r, ':', n);
	if (colon && (!slash || colon > slash))
		n = (size_t)(colon - r);
	return strndup(r, n);
}

static enum sig_status atomic_check(const char *plain, size_t len,
				    const struct image_ref *ref, bool by_repo,
				    const char *digest, char **ret_why)
{
	json_t *j = json_loadb(plain, len, JSON_REJECT_DUPLICATES, NULL);
	json_t *c = json_object_get(j, "critical");
	const char *type = json_string_value(json_object_get(c, "type"));
	const char *d = json_string_value(json_object_get(json_object_get(c, "image"),
							  "docker-manifest-digest"));
	const char *dr = json_string_value(json_object_get(json_object_get(c, "identity"),
							   "docker-reference"));
	_cleanup_free_ char *want = NULL, *got = NULL;
	enum sig_status st = SIG_OK;

	*ret_why = NULL;
	if (!json_is_object(c) || !type || !d || !dr || json_object_size(c) != 3) {
		*ret_why = str_printf("the signed content is not an atomic container signature");
		st = SIG_UNPARSEABLE;
	} else if (strcmp(type, ATOMIC_TYPE)) {
		*ret_why = str_printf("critical.type is \"%s\", not \"" ATOMIC_TYPE "\"", type);
		st = SIG_UNPARSEABLE;
	} else if (strcmp(d, digest)) {
		*ret_why = str_printf("it signs %s, not %s", d, digest);
		st = SIG_DIGEST_MISMATCH;
	} else {
		if (by_repo) {
			want = image_ref_repo_string(ref);
			got = strip_tag(dr);
		} else {
			struct image_ref t = *ref;

			t.digest = NULL; /* the identity names the tag it was pushed as */
			want = t.tag ? image_ref_string(&t) : NULL;
			got = strdup(dr);
		}
		if (!want || !got || strcmp(want, got)) {
			*ret_why = str_printf("it names %s, not %s (identity: %s)", dr,
					      want ? want : "a tag", by_repo ? "repository" : "exact");
			st = SIG_IDENTITY_MISMATCH;
		}
	}
	json_decref(j);
	return st;
}

static bool fpr_allowed(const struct sign_rule *r, const char *fpr)
{
	if (!r->gpg_fingerprints.cnt)
		return true;
	for (size_t i = 0; i < r->gpg_fingerprints.cnt; i++)
		if (!strcasecmp(r->gpg_fingerprints.v[i], fpr))
			return true;
	return false;
}

static int check_one(struct bpfman_ctx *ctx, gpgme_ctx_t g, const struct sign_rule *r,
		     const struct image_ref *ref, const char *digest, const char *origin,
		     const char *buf, size_t len, struct sig_findings *out)
{
	gpgme_data_t in = NULL, plain = NULL;
	gpgme_verify_result_t vr;
	gpgme_signature_t s;
	gpgme_key_t key = NULL;
	_cleanup_free_ char *why = NULL, *signer = NULL;
	char *pbuf = NULL;
	size_t plen = 0;
	enum sig_status st;
	gpgme_error_t ge;
	int err;

	(void)ctx;
	if (sym_gpgme_data_new_from_mem(&in, buf, len, 0) || sym_gpgme_data_new(&plain)) {
		sym_gpgme_data_release(in);
		return -ENOMEM;
	}
	ge = sym_gpgme_op_verify(g, in, NULL, plain);
	sym_gpgme_data_release(in);
	pbuf = sym_gpgme_data_release_and_get_mem(plain, &plen);
	vr = ge ? NULL : sym_gpgme_op_verify_result(g);
	s = vr ? vr->signatures : NULL;
	if (!s || s->next) {
		err = sig_findings_add(out, SIG_UNPARSEABLE, origin, NULL,
				       "not an OpenPGP signed message with one signature%s%s",
				       ge ? ": " : "", ge ? sym_gpgme_strerror(ge) : "");
		goto out;
	}
	if (gpgme_err_code(s->status) == GPG_ERR_NO_PUBKEY) {
		err = sig_findings_add(out, SIG_UNTRUSTED, origin, NULL,
				       "signed by key %s, which is not in the keyring %s",
				       s->fpr ? s->fpr : "?", r->gpg_keyring);
		goto out;
	}
	if (gpgme_err_code(s->status) == GPG_ERR_BAD_SIGNATURE || !s->fpr) {
		err = sig_findings_add(out, SIG_BAD, origin, NULL,
				       "the OpenPGP signature does not verify (tampered)");
		goto out;
	}
	if ((s->summary & (GPGME_SIGSUM_KEY_REVOKED | GPGME_SIGSUM_KEY_EXPIRED |
			   GPGME_SIGSUM_SIG_EXPIRED)) ||
	    gpgme_err_code(s->status) == GPG_ERR_KEY_EXPIRED ||
	    gpgme_err_code(s->status) == GPG_ERR_CERT_REVOKED ||
	    gpgme_err_code(s->status) == GPG_ERR_SIG_EXPIRED) {
		err = sig_findings_add(out, SIG_EXPIRED, origin, NULL,
				       "signed by key %s, which is %s", s->fpr,
				       (s->summary & GPGME_SIGSUM_KEY_REVOKED) ||
				       gpgme_err_code(s->status) == GPG_ERR_CERT_REVOKED
					       ? "revoked" : "expired (or the signature is)");
		goto out;
	}
	if (gpgme_err_code(s->status) != GPG_ERR_NO_ERROR) {
		err = sig_findings_add(out, SIG_BAD, origin, NULL, "gpg says: %s",
				       sym_gpgme_strerror(s->status));
		goto out;
	}
	/* s->fpr may be a signing subkey's: the policy names primary keys. */
	if (sym_gpgme_get_key(g, s->fpr, &key, 0) || !key || !key->fpr) {
		err = sig_findings_add(out, SIG_UNTRUSTED, origin, NULL,
				       "signing key %s not found in the keyring", s->fpr);
		goto out;
	}
	if (key->revoked || key->expired) {
		err = sig_findings_add(out, SIG_EXPIRED, origin, NULL, "key %s is %s",
				       key->fpr, key->revoked ? "revoked" : "expired");
		goto out;
	}
	if (!fpr_allowed(r, key->fpr)) {
		err = sig_findings_add(out, SIG_UNTRUSTED, origin, NULL,
				       "signed by key %s, not one of the fingerprints rule %s trusts",
				       key->fpr, r->scope);
		goto out;
	}
	signer = str_printf("GPG key %s%s%s%s", key->fpr,
			    key->uids && key->uids->uid ? " (" : "",
			    key->uids && key->uids->uid ? key->uids->uid : "",
			    key->uids && key->uids->uid ? ")" : "");
	st = atomic_check(pbuf, plen, ref, r->gpg_match_repository, digest, &why);
	if (st != SIG_OK)
		err = sig_findings_add(out, st, origin, NULL, "signed by %s, but %s",
				       signer ? signer : key->fpr, why ? why : "payload refused");
	else
		err = sig_findings_add(out, SIG_OK, origin, signer ? signer : key->fpr,
				       "signed by %s", signer ? signer : key->fpr);
out:
	sym_gpgme_key_unref(key);
	sym_gpgme_free(pbuf);
	return err;
}

static int import_keyring(struct bpfman_ctx *ctx, gpgme_ctx_t g, const char *path)
{
	gpgme_data_t d = NULL;
	gpgme_import_result_t ir;
	gpgme_error_t ge;

	ge = sym_gpgme_data_new_from_file(&d, path, 1);
	if (ge)
		return bpfman_err(ctx, -ENOENT, "signature policy: cannot read GPG keyring '%s': %s",
				  path, sym_gpgme_strerror(ge));
	ge = sym_gpgme_op_import(g, d);
	sym_gpgme_data_release(d);
	ir = ge ? NULL : sym_gpgme_op_import_result(g);
	if (!ir || !ir->imported)
		return bpfman_err(ctx, -EINVAL,
				  "signature policy: GPG keyring '%s' holds no public key "
				  "(export one with 'gpg --export FPR > FILE')", path);
	return 0;
}

int gpg_find(struct bpfman_ctx *ctx, const struct sign_trust *t,
	     const struct image_ref *ref, const char *digest,
	     struct sig_findings *out)
{
	const struct sign_rule *r = t->rule;
	const char *repo = ref->repository;
	char home[] = "/tmp/bpfman-gpg-XXXXXX";
	gpgme_ctx_t g = NULL;
	const char *base = r->gpg_lookaside;
	size_t blen = strlen(base);
	int err;

	if ((err = dlopen_gpgme(ctx)))
		return err;
	if (!mkdtemp(home))
		return bpfman_err(ctx, -errno, "cannot create a private GnuPG home: %m");
	sym_gpgme_check_version_internal(NULL, offsetof(struct _gpgme_signature, validity));
	if (sym_gpgme_new(&g) ||
	    sym_gpgme_ctx_set_engine_info(g, GPGME_PROTOCOL_OpenPGP, NULL, home)) {
		err = bpfman_err(ctx, -ENOTSUP, "cannot start gpg through gpgme; is gnupg installed?");
		goto out;
	}
	if ((err = import_keyring(ctx, g, r->gpg_keyring)))
		goto out;
	while (blen && base[blen - 1] == '/')
		blen--;
	for (int n = 1; n <= GPG_MAX_SIGNATURES; n++) {
		_cleanup_free_ char *url = str_printf("%.*s/%s@sha256=%s/signature-%d", (int)blen,
						      base, repo, digest + 7, n);
		_cleanup_free_ char *origin = str_printf("gpg simple signing (%s)", url ? url : "");
		_cleanup_free_ char *buf = NULL;
		size_t len;

		if (!url || !origin) {
			err = -ENOMEM;
			break;
		}
		if ((err = fetch_sig(ctx, url, &buf, &len)) || !buf)
			break;
		if ((err = check_one(ctx, g, r, ref, digest, origin, buf, len, out)))
			break;
	}
out:
	sym_gpgme_release(g);
	owned_remove_under(ctx, "/tmp", "temporary directory", false, home, "bpfman-gpg-", OWNED_TREE,
			   NULL);
	return err;
}
