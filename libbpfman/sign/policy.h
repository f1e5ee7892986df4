/* SPDX-License-Identifier: Apache-2.0 */
/* The signature policy: the `signing` section of the config file
 * (doc/signatures.md), read into rules chosen by the longest matching
 * registry or repository prefix. */
#ifndef BPFMAN_SIGN_POLICY_H
#define BPFMAN_SIGN_POLICY_H

#include <stdbool.h>
#include <stddef.h>

struct bpfman_ctx;

/* A list of strings (file paths, identities, fingerprints). */
struct strv {
	char **v;
	size_t cnt;
};

struct sign_rule {
	char *scope;         /* "registry[/repo-prefix]"; "" for the default rule */
	char *key_path;      /* config key path of this rule, for sentences */
	int require_signature; /* -1 unset (follow allow_unsigned), 0, 1 */
	/* cosign */
	struct strv keys;          /* PEM public key files */
	struct strv roots;         /* PEM CA certificate files (certificate signatures) */
	struct strv identities;    /* exact SAN email/URI */
	struct strv identity_regexps;
	struct strv issuers;       /* exact OIDC issuer (Fulcio extension) */
	struct strv issuer_regexps;
	struct strv rekor_keys;    /* PEM Rekor public keys (tlog entries) */
	/* gpg simple signing */
	char *gpg_keyring;         /* exported public keys (binary or armoured) */
	struct strv gpg_fingerprints; /* accepted primary key fingerprints */
	char *gpg_lookaside;       /* file:///dir or https://host/path */
	bool gpg_match_repository; /* identity: repository (else exact) */
};

struct sign_policy {
	bool verify_enabled; /* default true */
	bool allow_unsigned; /* default true */
	struct sign_rule *rules;
	size_t rules_cnt;
};

/* Reads the config's signing section (absent: defaults, no rules). */
int sign_policy_load(struct bpfman_ctx *ctx, struct sign_policy *ret);
void sign_policy_clear(struct sign_policy *p);
/* The rule whose scope is the longest prefix of "registry/repository"
 * (at a '/' boundary), or NULL. */
const struct sign_rule *sign_policy_match(const struct sign_policy *p,
					  const char *repo);
/* Whether a signature is required for images under this rule. */
bool sign_rule_requires(const struct sign_policy *p, const struct sign_rule *r);
/* A SHA-256 hex (65 bytes) over the policy that applies (global flags and
 * the rule, including the contents of every file it names), so a cached
 * verification is tied to the exact trust material it used. */
int sign_policy_hash(struct bpfman_ctx *ctx, const struct sign_policy *p,
		     const struct sign_rule *r, char ret_hex[65]);

void strv_clear(struct strv *s);

#endif
