/* SPDX-License-Identifier: Apache-2.0 */
/* What each signature check found, kept so a refusal can say all of it. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"
#include "verify.h"

const char *sig_status_name(enum sig_status s)
{
	switch (s) {
	case SIG_OK: return "valid signature";
	case SIG_UNPARSEABLE: return "unparseable signature or payload";
	case SIG_BAD: return "bad signature";
	case SIG_UNTRUSTED: return "untrusted key";
	case SIG_DIGEST_MISMATCH: return "digest mismatch";
	case SIG_IDENTITY_MISMATCH: return "identity mismatch";
	case SIG_EXPIRED: return "expired or revoked key";
	}
	return "unknown";
}

int sig_findings_add(struct sig_findings *f, enum sig_status status,
		     const char *format, const char *signer, const char *fmt, ...)
{
	struct sig_finding *v = realloc(f->v, (f->cnt + 1) * sizeof(*v));
	struct sig_finding *n;
	va_list ap;

	if (!v)
		return -ENOMEM;
	f->v = v;
	n = &v[f->cnt];
	memset(n, 0, sizeof(*n));
	n->status = status;
	n->format = strdup(format);
	n->signer = signer ? strdup(signer) : NULL;
	va_start(ap, fmt);
	n->detail = str_vprintf(fmt, ap);
	va_end(ap);
	if (!n->format || !n->detail || (signer && !n->signer)) {
		free(n->format);
		free(n->signer);
		free(n->detail);
		return -ENOMEM;
	}
	f->cnt++;
	return 0;
}

void sig_findings_clear(struct sig_findings *f)
{
	for (size_t i = 0; i < f->cnt; i++) {
		free(f->v[i].format);
		free(f->v[i].signer);
		free(f->v[i].detail);
	}
	free(f->v);
	f->v = NULL;
	f->cnt = 0;
}

const struct sig_finding *sig_findings_ok(const struct sig_findings *f)
{
	for (size_t i = 0; i < f->cnt; i++)
		if (f->v[i].status == SIG_OK)
			return &f->v[i];
	return NULL;
}
