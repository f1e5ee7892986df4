/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../dlopen_crypto.h"

#include "../internal.h"
#include "sigcrypto.h"

#define KEY_FILE_MAX (64u << 10)

int b64_decode(const char *text, size_t len, unsigned char **ret_buf,
	       size_t *ret_len)
{
	_cleanup_free_ unsigned char *buf = NULL;
	size_t pad = 0;
	int n;

	if (len % 4 || len > (64u << 20))
		return -EBADMSG;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (c == '=') {
			if (i < len - 2)
				return -EBADMSG;
			pad++;
		} else if (pad || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
				    (c >= '0' && c <= '9') || c == '+' || c == '/')) {
			return -EBADMSG;
		}
	}
	buf = malloc(len / 4 * 3 + 1);
	if (!buf)
		return -ENOMEM;
	n = EVP_DecodeBlock(buf, (const unsigned char *)text, (int)len);
	if (n < 0 || (size_t)n < pad)
		return -EBADMSG;
	*ret_len = (size_t)n - pad;
	buf[*ret_len] = 0;
	*ret_buf = TAKE_PTR(buf);
	return 0;
}

char *b64_encode(const void *buf, size_t len)
{
	char *out = malloc((len + 2) / 3 * 4 + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, buf, (int)len);
	return out;
}

static void bio_freep(BIO **b)
{
	BIO_free(*b);
}

int pubkey_from_pem(struct bpfman_ctx *ctx, const char *origin,
		    const void *pem, size_t len, EVP_PKEY **ret)
{
	__attribute__((cleanup(bio_freep))) BIO *b = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *k;

	if (!b)
		return -ENOMEM;
	k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	ERR_clear_error();
	if (!k)
		return bpfman_err(ctx, -EINVAL,
				  "%s holds no PEM public key (-----BEGIN PUBLIC KEY-----); "
				  "export one with 'cosign public-key' or 'openssl pkey -pubout'",
				  origin);
	*ret = k;
	return 0;
}

static int read_small(struct bpfman_ctx *ctx, const char *what, const char *path,
		      char **ret, size_t *ret_len)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *buf = malloc(KEY_FILE_MAX + 1);
	size_t n;

	if (!buf)
		return -ENOMEM;
	if (!f)
		return bpfman_err(ctx, -errno, "cannot open %s '%s': %m", what, path);
	n = fread(buf, 1, KEY_FILE_MAX + 1, f);
	if (ferror(f))
		return bpfman_err(ctx, -EIO, "cannot read %s '%s'", what, path);
	if (n > KEY_FILE_MAX)
		return bpfman_err(ctx, -EFBIG, "%s '%s' is larger than 64 KiB; is it the right file?",
				  what, path);
	buf[n] = 0;
	*ret_len = n;
	*ret = TAKE_PTR(buf);
	return 0;
}

int pubkey_load(struct bpfman_ctx *ctx, const char *path, EVP_PKEY **ret)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ char *origin = str_printf("public key file '%s'", path);
	size_t len;
	int err;

	if ((err = read_small(ctx, "public key file", path, &buf, &len)))
		return err;
	return pubkey_from_pem(ctx, origin ? origin : path, buf, len, ret);
}

char *pubkey_describe(EVP_PKEY *key)
{
	unsigned char *der = NULL, md[32];
	char hex[17];
	const char *kind;
	char curve[64] = "";
	int len = i2d_PUBKEY(key, &der);

	if (len <= 0)
		return NULL;
	EVP_Digest(der, (size_t)len, md, NULL, EVP_sha256(), NULL);
	OPENSSL_free(der);
	hex_encode(md, 8, hex);
	hex[16] = 0;
	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_EC:
		kind = "ECDSA";
		EVP_PKEY_get_group_name(key, curve, sizeof(curve), NULL);
		break;
	case EVP_PKEY_RSA:
		kind = "RSA";
		snprintf(curve, sizeof(curve), "%d", EVP_PKEY_get_bits(key));
		break;
	case EVP_PKEY_ED25519:
		kind = "Ed25519";
		break;
	default:
		kind = "key";
	}
	return str_printf("%s%s%s SHA256:%s", kind, *curve ? " " : "", curve, hex);
}

static bool key_hashes(EVP_PKEY *key)
{
	return EVP_PKEY_get_base_id(key) != EVP_PKEY_ED25519;
}

int sig_verify(EVP_PKEY *key, const void *msg, size_t msg_len,
	       const unsigned char *sig, size_t sig_len)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int r;

	if (!md)
		return -ENOMEM;
	r = EVP_DigestVerifyInit(md, NULL, key_hashes(key) ? EVP_sha256() : NULL,
				 NULL, key);
	if (r == 1)
		r = EVP_DigestVerify(md, sig, sig_len, msg, msg_len);
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return r == 1 ? 1 : 0;
}

static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	const char *pw = u;
	size_t n;

	(void)rwflag;
	if (!pw)
		return -1;
	n = strlen(pw);
	if (n > (size_t)size)
		return -1;
	memcpy(buf, pw, n);
	return (int)n;
}

int privkey_load(struct bpfman_ctx *ctx, const char *path,
		 const char *password, EVP_PKEY **ret)
{
	_cleanup_free_ char *buf = NULL;
	__attribute__((cleanup(bio_freep))) BIO *b = NULL;
	EVP_PKEY *k;
	size_t len;
	int err;

	if ((err = read_small(ctx, "private key file", path, &buf, &len)))
		return err;
	if (strstr(buf, "SIGSTORE PRIVATE KEY"))
		return bpfman_err(ctx, -ENOTSUP,
				  "private key file '%s' is in cosign's own encrypted format; "
				  "give a PEM (PKCS#8) key, e.g. from 'openssl genpkey -algorithm EC "
				  "-pkeyopt ec_paramgen_curve:P-256'", path);
	b = BIO_new_mem_buf(buf, (int)len);
	if (!b)
		return -ENOMEM;
	k = PEM_read_bio_PrivateKey(b, NULL, pass_cb, (void *)password);
	ERR_clear_error();
	explicit_bzero(buf, len);
	if (!k)
		return bpfman_err(ctx, -EINVAL,
				  "private key file '%s' is not a PEM private key, or the "
				  "password is %s", path, password ? "wrong" : "missing (give one)");
	*ret = k;
	return 0;
}

int sig_sign(struct bpfman_ctx *ctx, EVP_PKEY *key, const void *msg,
	     size_t msg_len, unsigned char **ret_sig, size_t *ret_len)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	_cleanup_free_ unsigned char *sig = NULL;
	size_t len = 0;
	int r;

	if (!md)
		return -ENOMEM;
	r = EVP_DigestSignInit(md, NULL, key_hashes(key) ? EVP_sha256() : NULL, NULL, key);
	if (r == 1)
		r = EVP_DigestSign(md, NULL, &len, msg, msg_len);
	if (r == 1 && !(sig = malloc(len)))
		r = -1;
	if (r == 1)
		r = EVP_DigestSign(md, sig, &len, msg, msg_len);
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	if (r != 1)
		return bpfman_err(ctx, -EINVAL,
				  "signing failed: the key type is not supported "
				  "(use ECDSA P-256, RSA or Ed25519)");
	*ret_sig = TAKE_PTR(sig);
	*ret_len = len;
	return 0;
}

char *pubkey_pem(EVP_PKEY *key)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out = NULL;
	long n;

	if (!b)
		return NULL;
	if (PEM_write_bio_PUBKEY(b, key) == 1) {
		n = BIO_get_mem_data(b, &data);
		out = strndup(data, (size_t)n);
	}
	BIO_free(b);
	return out;
}
