// SPDX-License-Identifier: Apache-2.0
/* Image references, parsed and normalised the way docker and podman do
 * (doc/images.md, "References"):
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [ registry "/" ] path-component { "/" path-component }
 *   registry   := host [ ":" port ]        (first component with '.' or ':',
 *                                           "localhost", or an upper-case letter)
 *   path-comp  := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
 *   tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *   digest     := "sha256:" 64 lower-case hex digits
 *
 * No registry means docker.io, where a one-component name gets "library/";
 * index.docker.io is docker.io; no tag and no digest means ":latest". */
#include "internal.h"
#include "image/digest.h"
#include "image/reference.h"

#include <ctype.h>
#include <string.h>

#define DEFAULT_REGISTRY "docker.io"
#define DOCKER_API_HOST "registry-1.docker.io"
#define NAME_MAX_LEN 255 /* registry + "/" + repository, as distribution */
#define TAG_MAX_LEN 128

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component: alnum runs joined by ".", "_", "__" or dashes. */
static bool path_component_valid(const char *s, size_t len)
{
	size_t i = 0;

	if (len == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1]))
		return false;
	while (i < len) {
		if (is_lower_alnum(s[i])) {
			i++;
			continue;
		}
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i += (i + 1 < len && s[i + 1] == '_') ? 2 : 1;
		} else if (s[i] == '-') {
			while (i < len && s[i] == '-')
				i++;
		} else {
			return false;
		}
		if (i >= len || !is_lower_alnum(s[i]))
			return false;
	}
	return true;
}

static bool is_host_char(char c)
{
	return isalnum((unsigned char)c) || c == '-';
}

/* host[:port]; host is DNS labels, an IPv4 address, or [IPv6]. */
static bool registry_valid(const char *s, size_t len)
{
	size_t host_len = len, i;
	const char *colon;

	if (len == 0)
		return false;
	if (s[0] == '[') {
		const char *end = memchr(s, ']', len);

		if (!end || end == s + 1)
			return false;
		for (const char *p = s + 1; p < end; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
				return false;
		host_len = (size_t)(end - s) + 1;
		if (host_len != len && s[host_len] != ':')
			return false;
	} else {
		colon = memchr(s, ':', len);
		if (colon)
			host_len = (size_t)(colon - s);
		/* labels: alnum, inner dashes, separated by single dots */
		if (host_len == 0)
			return false;
		for (i = 0; i < host_len; i++) {
			bool label_start = i == 0 || s[i - 1] == '.';
			bool label_end = i + 1 == host_len || s[i + 1] == '.';

			if (s[i] == '.') {
				if (label_start)
					return false;
				continue;
			}
			if (!is_host_char(s[i]))
				return false;
			if (s[i] == '-' && (label_start || label_end))
				return false;
		}
		if (s[host_len - 1] == '.')
			return false;
	}
	if (host_len < len) {
		/* ":" port */
		if (host_len + 1 == len)
			return false;
		for (i = host_len + 1; i < len; i++)
			if (!isdigit((unsigned char)s[i]))
				return false;
		if (len - host_len - 1 > 5)
			return false;
	}
	return true;
}

static bool tag_valid(const char *t)
{
	size_t len = strlen(t);

	if (len == 0 || len > TAG_MAX_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = t[i];
		bool word = isalnum((unsigned char)c) || c == '_';

		if (!word && (i == 0 || (c != '.' && c != '-')))
			return false;
	}
	return true;
}

/* The first component names a registry when it looks like a host:
 * it has a dot or a port, is "localhost", or has upper-case letters
 * (which repository names never do). */
static bool looks_like_registry(const char *s, size_t len)
{
	if (memchr(s, '.', len) || memchr(s, ':', len))
		return true;
	if (len == 9 && !memcmp(s, "localhost", 9))
		return true;
	for (size_t i = 0; i < len; i++)
		if (isupper((unsigned char)s[i]))
			return true;
	return false;
}

void image_ref_clear(struct image_ref *ref)
{
	if (!ref)
		return;
	free(ref->registry);
	free(ref->api_host);
	free(ref->repository);
	free(ref->tag);
	free(ref->digest);
	memset(ref, 0, sizeof(*ref));
}

static int ref_err(struct bpfman_ctx *ctx, const char *text, const char *what)
{
	return bpfman_err(ctx, -EINVAL,
			  "invalid image reference '%s': %s; write it as [registry[:port]/]repository[:tag][@sha256:<64 hex digits>], e.g. quay.io/bpfman-bytecode/xdp_pass:latest",
			  text, what);
}

static int repository_check(struct bpfman_ctx *ctx, const char *text, const char *repo)
{
	const char *p = repo;

	if (*repo == '\0')
		return ref_err(ctx, text, "the repository name is empty");
	while (*p) {
		size_t len = strcspn(p, "/");

		if (len == 0)
			return ref_err(ctx, text, "the repository has an empty path component (\"//\" or a trailing \"/\")");
		for (size_t i = 0; i < len; i++)
			if (isupper((unsigned char)p[i]))
				return ref_err(ctx, text, "repository names must be lower-case");
		if (!path_component_valid(p, len))
			return ref_err(ctx, text,
				       "a repository path component may hold only a-z, 0-9 and single '.', '_', '__' or '-' runs between them");
		p += len;
		if (*p == '/') {
			p++;
			if (*p == '\0')
				return ref_err(ctx, text, "the repository has an empty path component (\"//\" or a trailing \"/\")");
		}
	}
	return 0;
}

int image_ref_parse(struct bpfman_ctx *ctx, const char *text, struct image_ref *ret)
{
	struct image_ref ref = { 0 };
	_cleanup_free_ char *copy = NULL;
	char *name, *at, *slash, *last_slash, *colon, *remainder;
	size_t first_len;
	int err;

	memset(ret, 0, sizeof(*ret));
	if (str_empty(text))
		return bpfman_err(ctx, -EINVAL, "no image reference given; name an image such as quay.io/bpfman-bytecode/xdp_pass:latest");
	if (strlen(text) > 4096)
		return ref_err(ctx, "(too long)", "references are at most 4096 characters");
	for (const char *p = text; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return ref_err(ctx, text, "it contains a space, a control character or a non-ASCII byte");
	copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	name = copy;

	at = strchr(name, '@');
	if (at) {
		*at = '\0';
		if (!digest_valid(at + 1))
			return ref_err(ctx, text, strncmp(at + 1, "sha256:", 7)
				       ? "the digest must start with \"sha256:\" (the only algorithm supported)"
				       : "the digest must be sha256: followed by 64 lower-case hex digits");
		ref.digest = strdup(at + 1);
	}

	/* A tag is after the last ':' that follows the last '/'. */
	last_slash = strrchr(name, '/');
	colon = strrchr(last_slash ? last_slash : name, ':');
	if (colon) {
		*colon = '\0';
		if (!tag_valid(colon + 1)) {
			err = ref_err(ctx, text, colon[1] ? "the tag may hold only A-Z, a-z, 0-9, '_', '.' and '-', must not start with '.' or '-', and is at most 128 characters"
							   : "the tag after ':' is empty");
			image_ref_clear(&ref);
			return err;
		}
		ref.tag = strdup(colon + 1);
	}

	if (*name == '\0') {
		image_ref_clear(&ref);
		return ref_err(ctx, text, "the repository name is empty");
	}
	slash = strchr(name, '/');
	first_len = slash ? (size_t)(slash - name) : strlen(name);
	if (slash && looks_like_registry(name, first_len)) {
		if (!registry_valid(name, first_len)) {
			image_ref_clear(&ref);
			return ref_err(ctx, text, "the registry must be a host name or IP address with an optional :port");
		}
		ref.registry = strndup(name, first_len);
		remainder = slash + 1;
	} else {
		ref.registry = strdup(DEFAULT_REGISTRY);
		remainder = name;
	}
	if (ref.registry && !strcmp(ref.registry, "index.docker.io")) {
		free(ref.registry);
		ref.registry = strdup(DEFAULT_REGISTRY);
	}
	err = repository_check(ctx, text, remainder);
	if (err) {
		image_ref_clear(&ref);
		return err;
	}
	if (ref.registry && !strcmp(ref.registry, DEFAULT_REGISTRY) && !strchr(remainder, '/'))
		ref.repository = str_printf("library/%s", remainder);
	else
		ref.repository = strdup(remainder);
	if (ref.registry && ref.repository &&
	    strlen(ref.registry) + 1 + strlen(ref.repository) > NAME_MAX_LEN) {
		image_ref_clear(&ref);
		return ref_err(ctx, text, "registry and repository together exceed 255 characters");
	}
	/* docker refuses a bare 64-hex name: it would read as an image ID */
	if (strlen(remainder) == 64 && strspn(remainder, "0123456789abcdef") == 64) {
		image_ref_clear(&ref);
		return ref_err(ctx, text, "a repository name of 64 hex digits reads as an image ID; add a registry or tag prefix");
	}
	if (!ref.tag && !ref.digest)
		ref.tag = strdup("latest");
	ref.api_host = strdup(!strcmp(ref.registry ? ref.registry : "", DEFAULT_REGISTRY)
			      ? DOCKER_API_HOST : ref.registry ? ref.registry : "");
	if (!ref.registry || !ref.repository || !ref.api_host ||
	    (!ref.tag && !ref.digest) || (at && !ref.digest)) {
		image_ref_clear(&ref);
		return bpfman_err(ctx, -ENOMEM, "out of memory parsing image reference");
	}
	*ret = ref;
	return 0;
}

char *image_ref_string(const struct image_ref *ref)
{
	return str_printf("%s/%s%s%s%s%s", ref->registry, ref->repository,
			  ref->tag ? ":" : "", ref->tag ? ref->tag : "",
			  ref->digest ? "@" : "", ref->digest ? ref->digest : "");
}

char *image_ref_repo_string(const struct image_ref *ref)
{
	return str_printf("%s/%s", ref->registry, ref->repository);
}
