/* SPDX-License-Identifier: Apache-2.0 */
/* The sentence of a refused image: which image, which digest, which rule,
 * and what each signature found turned out to be. */
#ifndef BPFMAN_SIGN_EXPLAIN_H
#define BPFMAN_SIGN_EXPLAIN_H

#include "verify.h"

/* Sets the context's error and returns -EPERM. */
int sign_refusal(struct bpfman_ctx *ctx, const char *name, const char *digest,
		 const struct sign_rule *rule, const struct sig_findings *f);

#endif
