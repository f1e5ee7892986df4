/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl image verify REFERENCE | image sign REFERENCE --key FILE:
 * check an image's signatures under the config file's policy (or keys
 * given here), and write cosign-compatible signatures. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, reallocarray, open_memstream */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <bpfman/signature.h>

#include "args.h"
#include "cmd_image.h"
#include "image_cli.h"
#include "output.h"

enum {
	KEY_KEY = OPT_LONG(1),
	KEY_ROOT,
	KEY_IDENTITY,
	KEY_ISSUER,
	KEY_KEYRING,
	KEY_LOOKASIDE,
	KEY_AUTH_FILE,
	KEY_FORMAT,
	KEY_PASSWORD_FILE,
};

static const struct opt verify_opts[] = {
	OPT("key", KEY_KEY, OPT_ARG_ONE, "FILE",
	    "Trust this PEM public key (cosign.pub) instead of the config\n"
	    "file's rules. Repeat the flag for several."),
	OPT("certificate-root", KEY_ROOT, OPT_ARG_ONE, "FILE",
	    "Trust signing certificates that chain to this PEM CA root\n"
	    "(needs --certificate-identity). Repeat the flag for several."),
	OPT("certificate-identity", KEY_IDENTITY, OPT_ARG_ONE, "ID",
	    "The email or URI the signing certificate must name, exactly."),
	OPT("certificate-oidc-issuer", KEY_ISSUER, OPT_ARG_ONE, "URL",
	    "The OIDC issuer the signing certificate must name, exactly."),
	OPT("gpg-keyring", KEY_KEYRING, OPT_ARG_ONE, "FILE",
	    "Check GPG simple signing signatures with these public keys\n"
	    "(gpg --export output); needs --lookaside."),
	OPT("lookaside", KEY_LOOKASIDE, OPT_ARG_ONE, "URL",
	    "Where GPG signatures live: file:///dir or https://host/path."),
	OPT("registry-auth", 'r', OPT_ARG_ONE, "BASE64", REGISTRY_AUTH_HELP),
	OPT_REGISTRY_AUTH_FILE_ENTRY,
	OPT("authfile", KEY_AUTH_FILE, OPT_ARG_ONE, "FILE",
	    "An auth file (docker config.json / containers auth.json) to use."),
	OPT_OUTPUT_ENTRY('o'),
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec verify_spec = {
	.name = "image verify",
	.usage = "REFERENCE [--key FILE]... [OPTIONS]",
	.summary =
		"Check every signature of the digest REFERENCE resolves to: cosign\n"
		"signatures (tag sha256-<hex>.sig, and sigstore bundles attached as OCI\n"
		"referrers) and GPG simple signing signatures. Without key options the\n"
		"signing rules of the config file apply (doc/signatures.md). Offline:\n"
		"no transparency log or TUF root is contacted. Exits 0 when a valid,\n"
		"trusted signature exists, 1 otherwise, printing what was found.",
	.opts = verify_opts,
	.examples = "bpfmanctl image verify quay.io/org/prog:v1 --key cosign.pub\n"
		    "bpfmanctl image verify 127.0.0.1:5000/prog:v1 -o json",
};

static const struct opt sign_opts[] = {
	OPT("key", KEY_KEY, OPT_ARG_ONE, "FILE",
	    "PEM private key (PKCS#8; ECDSA P-256, RSA or Ed25519). Required."),
	OPT("password-file", KEY_PASSWORD_FILE, OPT_ARG_ONE, "FILE",
	    "Read the key's password from the first line of FILE. Otherwise\n"
	    "$BPFMAN_KEY_PASSWORD is used when set."),
	OPT("format", KEY_FORMAT, OPT_ARG_ONE, "FORMAT",
	    "both (default), legacy (tag sha256-<hex>.sig) or bundle (sigstore\n"
	    "bundle referrer, cosign 3's default)."),
	OPT("registry-auth", 'r', OPT_ARG_ONE, "BASE64", REGISTRY_AUTH_HELP),
	OPT_REGISTRY_AUTH_FILE_ENTRY,
	OPT("authfile", KEY_AUTH_FILE, OPT_ARG_ONE, "FILE",
	    "An auth file (docker config.json / containers auth.json) to use."),
	OPT_OUTPUT_ENTRY('o'),
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec sign_spec = {
	.name = "image sign",
	.usage = "REFERENCE --key FILE [--format both|legacy|bundle]",
	.summary =
		"Sign the digest REFERENCE resolves to and push the signature to its\n"
		"repository in cosign's formats, so that `cosign verify --key` and\n"
		"`bpfmanctl image verify` accept it. Prints the signed digest.",
	.opts = sign_opts,
	.examples = "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem\n"
		    "bpfmanctl image sign 127.0.0.1:5000/prog:v1 --key key.pem",
};

struct sign_cfg {
	const char *reference;
	struct str_vec keys;
	struct str_vec roots;
	const char *identity;
	const char *issuer;
	const char *keyring;
	const char *lookaside;
	struct registry_cli reg;
	const char *password_file;
	enum bpfman_sign_format format;
};

static int sign_cfg_opt(void *data, int key, const char *arg)
{
	struct sign_cfg *cfg = data;

	switch (key) {
	case OPT_KEY_POSITIONAL:
		if (cfg->reference)
			return usage_err("unexpected argument '%s'", arg);
		cfg->reference = arg;
		return 0;
	case KEY_KEY:
		return str_vec_push(&cfg->keys, arg) ? CTL_EXIT_USAGE : 0;
	case KEY_ROOT:
		return str_vec_push(&cfg->roots, arg) ? CTL_EXIT_USAGE : 0;
	case KEY_IDENTITY:
		cfg->identity = arg;
		return 0;
	case KEY_ISSUER:
		cfg->issuer = arg;
		return 0;
	case KEY_KEYRING:
		cfg->keyring = arg;
		return 0;
	case KEY_LOOKASIDE:
		cfg->lookaside = arg;
		return 0;
	case KEY_REGISTRY_AUTH_FILE:
		return args_registry_auth_file(&cfg->reg, arg);
	case 'r':
		return args_registry_auth(&cfg->reg, arg);
	case KEY_AUTH_FILE:
		cfg->reg.auth_file = arg;
		return 0;
	case KEY_PASSWORD_FILE:
		cfg->password_file = arg;
		return 0;
	case KEY_FORMAT:
		if (!strcmp(arg, "both"))
			cfg->format = BPFMAN_SIGN_BOTH;
		else if (!strcmp(arg, "legacy"))
			cfg->format = BPFMAN_SIGN_LEGACY;
		else if (!strcmp(arg, "bundle"))
			cfg->format = BPFMAN_SIGN_BUNDLE;
		else
			return usage_err("--format: '%s' is not both, legacy or bundle", arg);
		return 0;
	}
	return usage_err("unexpected option");
}

static json_t *result_json(const struct bpfman_signature_result *r)
{
	json_t *sigs = json_array();
	size_t n = bpfman_signature_result__cnt(r);

	for (size_t i = 0; i < n; i++)
		json_array_append_new(sigs, json_pack("{s:s, s:s, s:s, s:s*}",
			"status", bpfman_signature_result__status(r, i),
			"format", bpfman_signature_result__format(r, i),
			"detail", bpfman_signature_result__detail(r, i),
			"signer", bpfman_signature_result__ok(r, i)
				? bpfman_signature_result__signer(r, i) : NULL));
	return json_pack("{s:s, s:s, s:s, s:b, s:o}",
			 "reference", bpfman_signature_result__reference(r),
			 "digest", bpfman_signature_result__digest(r),
			 "rule", bpfman_signature_result__rule(r),
			 "verified", bpfman_signature_result__verified(r),
			 "signatures", sigs);
}

static void print_result(const struct ctl_global *g, const struct bpfman_signature_result *r)
{
	size_t n = bpfman_signature_result__cnt(r);
	const char *rule = bpfman_signature_result__rule(r);

	if (g->output != CTL_OUTPUT_TABLE) {
		json_t *j = result_json(r);

		if (g->output == CTL_OUTPUT_JSON)
			json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		else
			yaml_write(stdout, j);
		if (g->output == CTL_OUTPUT_JSON)
			putchar('\n');
		json_decref(j);
		return;
	}
	printf("Image:       %s\n", bpfman_signature_result__reference(r));
	printf("Digest:      %s\n", bpfman_signature_result__digest(r));
	printf("Rule:        %s\n", *rule ? rule : "keys given on the command line");
	printf("Verified:    %s\n", bpfman_signature_result__verified(r) ? "yes" : "no");
	printf("Signatures:  %s\n", n ? "" : "none found");
	for (size_t i = 0; i < n; i++)
		printf("  - %s: %s\n    %s\n", bpfman_signature_result__status(r, i),
		       bpfman_signature_result__format(r, i),
		       bpfman_signature_result__detail(r, i));
}

static void sign_cfg_free(struct sign_cfg *cfg)
{
	str_vec_free(&cfg->keys);
	str_vec_free(&cfg->roots);
	registry_cli_free(&cfg->reg);
}

int cmd_image_verify(int argc, char **argv, struct ctl_global *g)
{
	struct sign_cfg cfg = { 0 };
	struct bpfman_signature_result *res = NULL;
	struct bpfman_ctx *ctx;
	int ret = opts_parse(&verify_spec, argc, argv, g, sign_cfg_opt, &cfg, NULL);

	if (ret)
		goto out;
	if (!cfg.reference) {
		ret = usage_err("missing REFERENCE");
		fprintf(stderr, "Try 'bpfmanctl image verify --help'.\n");
		goto out;
	}
	BPFMAN_OPTS(bpfman_verify_opts, opts,
		    .registry = registry_cli_opts(&cfg.reg),
		    .keys = cfg.keys.v, .keys_cnt = cfg.keys.n,
		    .roots = cfg.roots.v, .roots_cnt = cfg.roots.n,
		    .identity = cfg.identity, .issuer = cfg.issuer,
		    .gpg_keyring = cfg.keyring, .gpg_lookaside = cfg.lookaside);
	if ((ret = ctl_open(&ctx, g)))
		goto out;
	ret = bpfman_image__verify(&res, ctx, cfg.reference, &opts);
	registry_cli_done(&cfg.reg);
	if (ret) {
		ret = ctl_fail(ctx, ret);
	} else {
		print_result(g, res);
		if (!bpfman_signature_result__verified(res)) {
			fprintf(stderr, "bpfmanctl: error: %s (%s) has no valid trusted signature\n",
				bpfman_signature_result__reference(res),
				bpfman_signature_result__digest(res));
			ret = CTL_EXIT_FAILED;
		}
	}
	bpfman_signature_result__free(res);
	bpfman_ctx_free(ctx);
out:
	sign_cfg_free(&cfg);
	return ret == CTL_HELP_SHOWN ? CTL_EXIT_OK : ret;
}

static char *read_password(const char *path)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return NULL;
	n = getline(&line, &cap, f);
	fclose(f);
	if (n < 0) {
		free(line);
		return strdup("");
	}
	line[strcspn(line, "\r\n")] = 0;
	return line;
}

int cmd_image_sign(int argc, char **argv, struct ctl_global *g)
{
	struct sign_cfg cfg = { 0 };
	struct bpfman_ctx *ctx;
	char *password = NULL, *digest = NULL;
	const char *env = getenv("BPFMAN_KEY_PASSWORD");
	int ret = opts_parse(&sign_spec, argc, argv, g, sign_cfg_opt, &cfg, NULL);

	if (ret)
		goto out;
	if (!cfg.reference || cfg.keys.n != 1) {
		ret = usage_err(!cfg.reference ? "missing REFERENCE" : "--key FILE is required, once");
		fprintf(stderr, "Try 'bpfmanctl image sign --help'.\n");
		goto out;
	}
	if (cfg.password_file && !(password = read_password(cfg.password_file))) {
		ret = usage_err("--password-file: cannot read '%s': %s", cfg.password_file,
				strerror(errno));
		goto out;
	}
	BPFMAN_OPTS(bpfman_sign_opts, opts, .registry = registry_cli_opts(&cfg.reg), .key_file = cfg.keys.v[0],
		    .key_password = password ? password : env, .format = cfg.format);
	if ((ret = ctl_open(&ctx, g)))
		goto out;
	ret = bpfman_image__sign(&digest, ctx, cfg.reference, &opts);
	registry_cli_done(&cfg.reg);
	if (ret) {
		ret = ctl_fail(ctx, ret);
	} else if (g->output == CTL_OUTPUT_TABLE) {
		printf("Signed:      %s\nDigest:      %s\n", cfg.reference, digest);
	} else {
		json_t *j = json_pack("{s:s, s:s}", "reference", cfg.reference, "digest", digest);

		if (g->output == CTL_OUTPUT_JSON) {
			json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			putchar('\n');
		} else {
			yaml_write(stdout, j);
		}
		json_decref(j);
	}
	free(digest);
	bpfman_ctx_free(ctx);
out:
	if (password) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
	sign_cfg_free(&cfg);
	return ret == CTL_HELP_SHOWN ? CTL_EXIT_OK : ret;
}
