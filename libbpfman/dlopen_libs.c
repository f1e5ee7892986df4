// SPDX-License-Identifier: Apache-2.0
/* Opening the optional libraries on first use (see dlopen_libs.h). */
#include "internal.h"
#include "dlopen_libs.h"
#define DLOPEN_CRYPTO_NO_REDIRECT
#include "dlopen_crypto.h"
#define DLOPEN_YAML_NO_REDIRECT
#include "dlopen_yaml.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define DLOPEN_DEFINE(name) __typeof__(name) *sym_##name;
CURL_SYMBOLS(DLOPEN_DEFINE)
ARCHIVE_SYMBOLS(DLOPEN_DEFINE)
GPGME_SYMBOLS(DLOPEN_DEFINE)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
CRYPTO_SYMBOLS(DLOPEN_DEFINE)
SSL_SYMBOLS(DLOPEN_DEFINE)
#pragma GCC diagnostic pop
YAML_SYMBOLS(DLOPEN_DEFINE)
#undef DLOPEN_DEFINE

struct dl_symbol {
	const char *name;
	void **slot;
};

struct dl_library {
	const char *soname;
	const char *package; /* Debian's, for the sentence */
	const struct dl_symbol *symbols;
	const char *needed_for; /* for the sentence */
	pthread_once_t once;
	char problem[256]; /* empty when loaded */
};

#define DLOPEN_ENTRY(name) { #name, (void **)&sym_##name },
static const struct dl_symbol curl_symbols[] = { CURL_SYMBOLS(DLOPEN_ENTRY) { 0 } };
static const struct dl_symbol archive_symbols[] = { ARCHIVE_SYMBOLS(DLOPEN_ENTRY) { 0 } };
static const struct dl_symbol gpgme_symbols[] = { GPGME_SYMBOLS(DLOPEN_ENTRY) { 0 } };
static const struct dl_symbol crypto_symbols[] = { CRYPTO_SYMBOLS(DLOPEN_ENTRY) { 0 } };
static const struct dl_symbol ssl_symbols[] = { SSL_SYMBOLS(DLOPEN_ENTRY) { 0 } };
static const struct dl_symbol yaml_symbols[] = { YAML_SYMBOLS(DLOPEN_ENTRY) { 0 } };
#undef DLOPEN_ENTRY

#define IMAGES "images and signatures need it"
static struct dl_library curl_lib = {
	DLOPEN_CURL_SONAME, "libcurl4", curl_symbols, IMAGES, PTHREAD_ONCE_INIT, ""
};
static struct dl_library archive_lib = {
	DLOPEN_ARCHIVE_SONAME, "libarchive13", archive_symbols, IMAGES, PTHREAD_ONCE_INIT, ""
};
static struct dl_library gpgme_lib = {
	DLOPEN_GPGME_SONAME, "libgpgme11", gpgme_symbols, IMAGES, PTHREAD_ONCE_INIT, ""
};
static struct dl_library crypto_lib = {
	DLOPEN_CRYPTO_SONAME, "libssl3", crypto_symbols,
	"loading programs (their bytecode is hashed), images and signatures need it",
	PTHREAD_ONCE_INIT, ""
};
static struct dl_library ssl_lib = {
	DLOPEN_SSL_SONAME, "libssl3", ssl_symbols, IMAGES, PTHREAD_ONCE_INIT, ""
};
static struct dl_library yaml_lib = {
	DLOPEN_YAML_SONAME, "libyaml-0-2", yaml_symbols,
	"the config file and apply documents are YAML", PTHREAD_ONCE_INIT, ""
};

/* The handle is never closed: the symbols stay valid for the process. */
static void load(struct dl_library *lib)
{
	void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		snprintf(lib->problem, sizeof(lib->problem), "%s", dlerror());
		return;
	}
	for (const struct dl_symbol *s = lib->symbols; s->name; s++) {
		*s->slot = dlsym(h, s->name);
		if (!*s->slot) {
			snprintf(lib->problem, sizeof(lib->problem),
				 "%s has no symbol %s (too old?)", lib->soname, s->name);
			return;
		}
	}
}

#define LOADER(lib)                                                            \
	static void load_##lib(void)                                           \
	{                                                                      \
		load(&lib##_lib);                                              \
	}
LOADER(curl)
LOADER(archive)
LOADER(gpgme)
LOADER(crypto)
LOADER(ssl)
LOADER(yaml)

static int result(struct bpfman_ctx *ctx, const struct dl_library *lib)
{
	if (!lib->problem[0])
		return 0;
	return bpfman_err(ctx, -ENOPKG,
			  "cannot use %s (%s); %s: install the %s package",
			  lib->soname, lib->problem, lib->needed_for, lib->package);
}

int dlopen_curl(struct bpfman_ctx *ctx)
{
	pthread_once(&curl_lib.once, load_curl);
	return result(ctx, &curl_lib);
}

int dlopen_archive(struct bpfman_ctx *ctx)
{
	pthread_once(&archive_lib.once, load_archive);
	return result(ctx, &archive_lib);
}

int dlopen_gpgme(struct bpfman_ctx *ctx)
{
	pthread_once(&gpgme_lib.once, load_gpgme);
	return result(ctx, &gpgme_lib);
}

int dlopen_crypto(struct bpfman_ctx *ctx)
{
	pthread_once(&crypto_lib.once, load_crypto);
	return result(ctx, &crypto_lib);
}

int dlopen_yaml(struct bpfman_ctx *ctx)
{
	pthread_once(&yaml_lib.once, load_yaml);
	return result(ctx, &yaml_lib);
}

/* Reached only where an entry point did not call dlopen_crypto() first on
 * a machine without libcrypto: a broken installation, not an input error,
 * and there is no context to report into. */
static void open_or_abort(struct dl_library *lib, void (*loader)(void))
{
	pthread_once(&lib->once, loader);
	if (lib->problem[0]) {
		fprintf(stderr, "libbpfman: cannot use %s (%s); install the %s package\n",
			lib->soname, lib->problem, lib->package);
		abort();
	}
}

void dlopen_crypto_or_abort(void)
{
	open_or_abort(&crypto_lib, load_crypto);
}

void dlopen_ssl_or_abort(void)
{
	open_or_abort(&ssl_lib, load_ssl);
}

void dlopen_yaml_or_abort(void)
{
	open_or_abort(&yaml_lib, load_yaml);
}
