/* SPDX-License-Identifier: Apache-2.0 */
/* OpenSSL's libcrypto and libssl are opened on first use, not linked.
 *
 * Why: Debian links libcrypto with -z now, so loading it binds ~3,000
 * symbols; that was a third of every bpfmanctl start (--version took 2.2 ms
 * with it linked, 1.5 ms without), yet only kept-bytecode hashes, images
 * and signatures use it: an attach, a detach, an unload or a list never
 * does.
 *
 * How: include this header instead of any <openssl/...> header (it includes
 * every one the library uses; an OpenSSL header included after it fails to
 * compile, on purpose). Each OpenSSL function the library calls is then
 * redirected through a pointer that the first call fills, so call sites keep
 * OpenSSL's names and no path can reach an unopened library. Entry points
 * that want a clean error on a machine without OpenSSL call dlopen_crypto()
 * first; a call that reaches an unopened, missing libcrypto aborts (the
 * installation is broken: Debian's package depends on libssl3). A function
 * missing from the list below is an undefined symbol at link time
 * (-Wl,--no-undefined), so the list cannot silently fall behind. */
#ifndef BPFMAN_DLOPEN_CRYPTO_H
#define BPFMAN_DLOPEN_CRYPTO_H

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

struct bpfman_ctx;

#define DLOPEN_CRYPTO_SONAME "libcrypto.so.3"
#define DLOPEN_SSL_SONAME "libssl.so.3"

/* SHA256_* are deprecated in OpenSSL 3 (see image/digest.c for why they
 * are used); naming them here is not a use. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#define CRYPTO_SYMBOLS(X)                                                      \
	X(ASN1_OBJECT_free) X(ASN1_STRING_get0_data) X(ASN1_STRING_length)     \
	X(ASN1_UTF8STRING_free) X(BIO_ctrl) X(BIO_free) X(BIO_new)             \
	X(BIO_new_mem_buf) X(BIO_s_mem) X(CRYPTO_free) X(ERR_clear_error)      \
	X(EVP_DecodeBlock) X(EVP_Digest) X(EVP_DigestFinal_ex)                 \
	X(EVP_DigestInit_ex) X(EVP_DigestSign) X(EVP_DigestSignInit)           \
	X(EVP_DigestUpdate) X(EVP_DigestVerify) X(EVP_DigestVerifyInit)        \
	X(EVP_EncodeBlock) X(EVP_MD_CTX_free) X(EVP_MD_CTX_new)                \
	X(EVP_PKEY_eq) X(EVP_PKEY_free) X(EVP_PKEY_get_base_id)                \
	X(EVP_PKEY_get_bits) X(EVP_PKEY_get_group_name) X(EVP_sha256)          \
	X(GENERAL_NAMES_free) X(OBJ_txt2obj) X(OPENSSL_sk_new_null)            \
	X(OPENSSL_sk_num) X(OPENSSL_sk_pop_free) X(OPENSSL_sk_push)            \
	X(OPENSSL_sk_value) X(PEM_read_X509) X(PEM_read_bio_PUBKEY)            \
	X(PEM_read_bio_PrivateKey) X(PEM_read_bio_X509)                        \
	X(PEM_write_bio_PUBKEY) X(SHA256_Final) X(SHA256_Init)                 \
	X(SHA256_Update) X(X509_EXTENSION_get_data) X(X509_STORE_CTX_free)     \
	X(X509_STORE_CTX_get_error) X(X509_STORE_CTX_init)                     \
	X(X509_STORE_CTX_new) X(X509_STORE_CTX_set_time)                       \
	X(X509_STORE_add_cert) X(X509_STORE_free) X(X509_STORE_new)            \
	X(X509_cmp) X(X509_free) X(X509_get0_pubkey) X(X509_get_ext)           \
	X(X509_get_ext_by_OBJ) X(X509_get_ext_d2i) X(X509_verify_cert)         \
	X(X509_verify_cert_error_string) X(d2i_ASN1_UTF8STRING) X(d2i_X509)    \
	X(i2d_PUBKEY)

/* Only inside curl's TLS callback (image/http.c): curl has loaded libssl. */
#define SSL_SYMBOLS(X) X(SSL_CTX_load_verify_locations)

#define DLOPEN_CRYPTO_DECLARE(name) extern __typeof__(name) *sym_##name;
CRYPTO_SYMBOLS(DLOPEN_CRYPTO_DECLARE)
SSL_SYMBOLS(DLOPEN_CRYPTO_DECLARE)
#undef DLOPEN_CRYPTO_DECLARE

#pragma GCC diagnostic pop

/* Open libcrypto once per process, thread-safe; -ENOPKG with
 * a sentence naming the package to install. */
int dlopen_crypto(struct bpfman_ctx *ctx);
/* The same for the redirects below: aborts when the library is missing. */
void dlopen_crypto_or_abort(void);
void dlopen_ssl_or_abort(void);

/* dlopen_libs.c defines the pointers and must see OpenSSL's own names. */
#ifndef DLOPEN_CRYPTO_NO_REDIRECT
#define DLOPEN_CRYPTO_CALL(name) (dlopen_crypto_or_abort(), sym_##name)
#define ASN1_OBJECT_free DLOPEN_CRYPTO_CALL(ASN1_OBJECT_free)
#define ASN1_STRING_get0_data DLOPEN_CRYPTO_CALL(ASN1_STRING_get0_data)
#define ASN1_STRING_length DLOPEN_CRYPTO_CALL(ASN1_STRING_length)
#define ASN1_UTF8STRING_free DLOPEN_CRYPTO_CALL(ASN1_UTF8STRING_free)
#define BIO_ctrl DLOPEN_CRYPTO_CALL(BIO_ctrl)
#define BIO_free DLOPEN_CRYPTO_CALL(BIO_free)
#define BIO_new DLOPEN_CRYPTO_CALL(BIO_new)
#define BIO_new_mem_buf DLOPEN_CRYPTO_CALL(BIO_new_mem_buf)
#define BIO_s_mem DLOPEN_CRYPTO_CALL(BIO_s_mem)
#define CRYPTO_free DLOPEN_CRYPTO_CALL(CRYPTO_free)
#define ERR_clear_error DLOPEN_CRYPTO_CALL(ERR_clear_error)
#define EVP_DecodeBlock DLOPEN_CRYPTO_CALL(EVP_DecodeBlock)
#define EVP_Digest DLOPEN_CRYPTO_CALL(EVP_Digest)
#define EVP_DigestFinal_ex DLOPEN_CRYPTO_CALL(EVP_DigestFinal_ex)
#define EVP_DigestInit_ex DLOPEN_CRYPTO_CALL(EVP_DigestInit_ex)
#define EVP_DigestSign DLOPEN_CRYPTO_CALL(EVP_DigestSign)
#define EVP_DigestSignInit DLOPEN_CRYPTO_CALL(EVP_DigestSignInit)
#define EVP_DigestUpdate DLOPEN_CRYPTO_CALL(EVP_DigestUpdate)
#define EVP_DigestVerify DLOPEN_CRYPTO_CALL(EVP_DigestVerify)
#define EVP_DigestVerifyInit DLOPEN_CRYPTO_CALL(EVP_DigestVerifyInit)
#define EVP_EncodeBlock DLOPEN_CRYPTO_CALL(EVP_EncodeBlock)
#define EVP_MD_CTX_free DLOPEN_CRYPTO_CALL(EVP_MD_CTX_free)
#define EVP_MD_CTX_new DLOPEN_CRYPTO_CALL(EVP_MD_CTX_new)
#define EVP_PKEY_eq DLOPEN_CRYPTO_CALL(EVP_PKEY_eq)
#define EVP_PKEY_free DLOPEN_CRYPTO_CALL(EVP_PKEY_free)
#define EVP_PKEY_get_base_id DLOPEN_CRYPTO_CALL(EVP_PKEY_get_base_id)
#define EVP_PKEY_get_bits DLOPEN_CRYPTO_CALL(EVP_PKEY_get_bits)
#define EVP_PKEY_get_group_name DLOPEN_CRYPTO_CALL(EVP_PKEY_get_group_name)
#define EVP_sha256 DLOPEN_CRYPTO_CALL(EVP_sha256)
#define GENERAL_NAMES_free DLOPEN_CRYPTO_CALL(GENERAL_NAMES_free)
#define OBJ_txt2obj DLOPEN_CRYPTO_CALL(OBJ_txt2obj)
#define OPENSSL_sk_new_null DLOPEN_CRYPTO_CALL(OPENSSL_sk_new_null)
#define OPENSSL_sk_num DLOPEN_CRYPTO_CALL(OPENSSL_sk_num)
#define OPENSSL_sk_pop_free DLOPEN_CRYPTO_CALL(OPENSSL_sk_pop_free)
#define OPENSSL_sk_push DLOPEN_CRYPTO_CALL(OPENSSL_sk_push)
#define OPENSSL_sk_value DLOPEN_CRYPTO_CALL(OPENSSL_sk_value)
#define PEM_read_X509 DLOPEN_CRYPTO_CALL(PEM_read_X509)
#define PEM_read_bio_PUBKEY DLOPEN_CRYPTO_CALL(PEM_read_bio_PUBKEY)
#define PEM_read_bio_PrivateKey DLOPEN_CRYPTO_CALL(PEM_read_bio_PrivateKey)
#define PEM_read_bio_X509 DLOPEN_CRYPTO_CALL(PEM_read_bio_X509)
#define PEM_write_bio_PUBKEY DLOPEN_CRYPTO_CALL(PEM_write_bio_PUBKEY)
#define SHA256_Final DLOPEN_CRYPTO_CALL(SHA256_Final)
#define SHA256_Init DLOPEN_CRYPTO_CALL(SHA256_Init)
#define SHA256_Update DLOPEN_CRYPTO_CALL(SHA256_Update)
#define X509_EXTENSION_get_data DLOPEN_CRYPTO_CALL(X509_EXTENSION_get_data)
#define X509_STORE_CTX_free DLOPEN_CRYPTO_CALL(X509_STORE_CTX_free)
#define X509_STORE_CTX_get_error DLOPEN_CRYPTO_CALL(X509_STORE_CTX_get_error)
#define X509_STORE_CTX_init DLOPEN_CRYPTO_CALL(X509_STORE_CTX_init)
#define X509_STORE_CTX_new DLOPEN_CRYPTO_CALL(X509_STORE_CTX_new)
#define X509_STORE_CTX_set_time DLOPEN_CRYPTO_CALL(X509_STORE_CTX_set_time)
#define X509_STORE_add_cert DLOPEN_CRYPTO_CALL(X509_STORE_add_cert)
#define X509_STORE_free DLOPEN_CRYPTO_CALL(X509_STORE_free)
#define X509_STORE_new DLOPEN_CRYPTO_CALL(X509_STORE_new)
#define X509_cmp DLOPEN_CRYPTO_CALL(X509_cmp)
#define X509_free DLOPEN_CRYPTO_CALL(X509_free)
#define X509_get0_pubkey DLOPEN_CRYPTO_CALL(X509_get0_pubkey)
#define X509_get_ext DLOPEN_CRYPTO_CALL(X509_get_ext)
#define X509_get_ext_by_OBJ DLOPEN_CRYPTO_CALL(X509_get_ext_by_OBJ)
#define X509_get_ext_d2i DLOPEN_CRYPTO_CALL(X509_get_ext_d2i)
#define X509_verify_cert DLOPEN_CRYPTO_CALL(X509_verify_cert)
#define X509_verify_cert_error_string DLOPEN_CRYPTO_CALL(X509_verify_cert_error_string)
#define d2i_ASN1_UTF8STRING DLOPEN_CRYPTO_CALL(d2i_ASN1_UTF8STRING)
#define d2i_X509 DLOPEN_CRYPTO_CALL(d2i_X509)
#define i2d_PUBKEY DLOPEN_CRYPTO_CALL(i2d_PUBKEY)
#define SSL_CTX_load_verify_locations (dlopen_ssl_or_abort(), sym_SSL_CTX_load_verify_locations)
#endif

#endif
