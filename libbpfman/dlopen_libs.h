/* SPDX-License-Identifier: Apache-2.0 */
/* libcurl, libarchive and gpgme are opened on first use, not linked.
 * Only images and signatures need them, and with what they pull in
 * (gnutls, krb5, ldap, ICU: about 40 more libraries) they cost every
 * process ~20 ms at start: every bpfmanctl call and every program that
 * links libbpfman would pay that for a tracepoint attach. Callers use the
 * sym_ pointers below after dlopen_<lib>() returned 0. */
#ifndef BPFMAN_DLOPEN_LIBS_H
#define BPFMAN_DLOPEN_LIBS_H

#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>
#include <gpgme.h>

struct bpfman_ctx;

#define DLOPEN_CURL_SONAME "libcurl.so.4"
#define DLOPEN_ARCHIVE_SONAME "libarchive.so.13"
#define DLOPEN_GPGME_SONAME "libgpgme.so.11"

#define CURL_SYMBOLS(X)                                                        \
	X(curl_easy_cleanup) X(curl_easy_escape) X(curl_easy_getinfo)          \
	X(curl_easy_init) X(curl_easy_perform) X(curl_easy_reset)              \
	X(curl_easy_setopt) X(curl_easy_strerror) X(curl_free)                 \
	X(curl_global_init) X(curl_slist_append) X(curl_slist_free_all)        \
	X(curl_url) X(curl_url_cleanup) X(curl_url_get) X(curl_url_set)

#define ARCHIVE_SYMBOLS(X)                                                     \
	X(archive_entry_filetype) X(archive_entry_free)                        \
	X(archive_entry_hardlink) X(archive_entry_new)                         \
	X(archive_entry_pathname) X(archive_entry_set_filetype)                \
	X(archive_entry_set_gid) X(archive_entry_set_mtime)                    \
	X(archive_entry_set_pathname) X(archive_entry_set_perm)                \
	X(archive_entry_set_size) X(archive_entry_set_uid)                     \
	X(archive_entry_size) X(archive_errno) X(archive_error_string)         \
	X(archive_read_data) X(archive_read_free) X(archive_read_new)          \
	X(archive_read_next_header) X(archive_read_open_filename)              \
	X(archive_read_open_memory) X(archive_read_support_filter_gzip)        \
	X(archive_read_support_filter_zstd)                                    \
	X(archive_read_support_filter_none) X(archive_read_support_format_raw) \
	X(archive_read_support_format_tar) X(archive_write_add_filter_gzip)    \
	X(archive_write_close) X(archive_write_data) X(archive_write_free)     \
	X(archive_write_header) X(archive_write_new) X(archive_write_open)     \
	X(archive_write_set_bytes_per_block)                                   \
	X(archive_write_set_filter_option) X(archive_write_set_format_ustar)

/* gpgme_check_version() is a macro over gpgme_check_version_internal(). */
#define GPGME_SYMBOLS(X)                                                       \
	X(gpgme_check_version_internal) X(gpgme_ctx_set_engine_info)           \
	X(gpgme_data_new) X(gpgme_data_new_from_file)                          \
	X(gpgme_data_new_from_mem) X(gpgme_data_release)                       \
	X(gpgme_data_release_and_get_mem) X(gpgme_free) X(gpgme_get_key)       \
	X(gpgme_key_unref) X(gpgme_new) X(gpgme_op_import)                     \
	X(gpgme_op_import_result) X(gpgme_op_verify)                           \
	X(gpgme_op_verify_result) X(gpgme_release) X(gpgme_strerror)

#define DLOPEN_DECLARE(name) extern __typeof__(name) *sym_##name;
CURL_SYMBOLS(DLOPEN_DECLARE)
ARCHIVE_SYMBOLS(DLOPEN_DECLARE)
GPGME_SYMBOLS(DLOPEN_DECLARE)
#undef DLOPEN_DECLARE

/* Open the library once per process (thread-safe) and resolve every
 * symbol above; -ENOPKG with a sentence naming the package to install. */
int dlopen_curl(struct bpfman_ctx *ctx);
int dlopen_archive(struct bpfman_ctx *ctx);
int dlopen_gpgme(struct bpfman_ctx *ctx);

#endif
