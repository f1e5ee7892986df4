// SPDX-License-Identifier: Apache-2.0
/* Opening the optional libraries on first use (see dlopen_libs.h). */
#include "internal.h"
#include "dlopen_libs.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#define DLOPEN_DEFINE(name) __typeof__(name) *sym_##name;
CURL_SYMBOLS(DLOPEN_DEFINE)
ARCHIVE_SYMBOLS(DLOPEN_DEFINE)
GPGME_SYMBOLS(DLOPEN_DEFINE)
#undef DLOPEN_DEFINE

struct dl_symbol {
	const char *name;
	void **slot;
};

struct dl_library {
	const char *soname;
	const char *package; /* Debian's, for the sentence */
	const struct dl_symbol *symbols;
	pthread_once_t once;
	char problem[256]; /* empty when loaded */
};

#define DLOPEN_ENTRY(name) { #name, (void **)&sym_##name },
static const struct dl_symbol curl_symbols[] = { CURL_SYMBOLS(DLOPEN_ENTRY) { 0 } };
static const struct dl_symbol archive_symbols[] = { ARCHIVE_SYMBOLS(DLOPEN_ENTRY) { 0 } };
static const struct dl_symbol gpgme_symbols[] = { GPGME_SYMBOLS(DLOPEN_ENTRY) { 0 } };
#undef DLOPEN_ENTRY

static struct dl_library curl_lib = {
	DLOPEN_CURL_SONAME, "libcurl4", curl_symbols, PTHREAD_ONCE_INIT, ""
};
static struct dl_library archive_lib = {
	DLOPEN_ARCHIVE_SONAME, "libarchive13", archive_symbols, PTHREAD_ONCE_INIT, ""
};
static struct dl_library gpgme_lib = {
	DLOPEN_GPGME_SONAME, "libgpgme11", gpgme_symbols, PTHREAD_ONCE_INIT, ""
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

static int result(struct bpfman_ctx *ctx, const struct dl_library *lib)
{
	if (!lib->problem[0])
		return 0;
	return bpfman_err(ctx, -ENOPKG,
			  "cannot use %s (%s); images and signatures need it: install the %s package",
			  lib->soname, lib->problem, lib->package);
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
