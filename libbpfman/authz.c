// SPDX-License-Identifier: Apache-2.0
/* The config file's "authorization" section (doc/api.md): which identity
 * may do what through the daemon.
 *
 *   authorization:
 *     rules:                        # the first rule matching the caller decides
 *       - name: monitoring          # named in refusals (default "rule N")
 *         group: monitoring         # one of: uid, user, gid, group,
 *         role: read                #   cert_subject, cert_san
 *       - name: xdp-app
 *         cert_san: "URI:spiffe://example/xdp-app"
 *         role: operate
 *         program_types: [xdp]      # optional limits, for operate
 *         interfaces: [eth0]
 *         images: ["quay.io/example/"]   # reference prefixes
 *
 * Without rules: root and members of the group "bpfman" are admin. The
 * section is checked whole on every call, so a mistake is reported at the
 * daemon's start (it authorizes itself once) and never half applied. */
#include "internal.h"
#include "config.h"
#include "db.h"
#include "model.h"

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include <bpfman/authz.h>

#define MATCH_KEYS "uid, user, gid, group, cert_subject, cert_san"

const char *bpfman_role_name(enum bpfman_role role)
{
	static const char *const names[] = { "none", "read", "operate", "admin" };

	return (unsigned)role <= BPFMAN_ROLE_ADMIN ? names[role] : NULL;
}

void bpfman_identity_init(struct bpfman_identity *id, size_t sz)
{
	bpfman_opts_init(id, sz);
}

int bpfman_identity_name(char *buf, size_t size, const struct bpfman_identity *id)
{
	int n;

	if (!buf || !id || !OPTS_VALID(NULL, id, bpfman_identity))
		return -EINVAL;
	if (id->has_unix_cred)
		n = snprintf(buf, size, "uid:%u", id->uid);
	else if (id->cert_subject && *id->cert_subject)
		n = snprintf(buf, size, "cert:%s", id->cert_subject);
	else
		return -EINVAL;
	return n < 0 ? -EINVAL : (size_t)n >= size ? -ENAMETOOLONG : n;
}

void bpfman_authz_request_init(struct bpfman_authz_request *req, size_t sz)
{
	bpfman_opts_init(req, sz);
}

static void describe(const struct bpfman_identity *id, char *buf, size_t size)
{
	if (id->has_unix_cred) {
		struct passwd *pw = getpwuid(id->uid);

		snprintf(buf, size, "uid %u%s%s%s gid %u", id->uid, pw ? " (" : "",
			 pw ? pw->pw_name : "", pw ? ")" : "", id->gid);
	} else if (id->cert_subject) {
		snprintf(buf, size, "certificate %s", id->cert_subject);
	} else {
		snprintf(buf, size, "an unidentified caller");
	}
}

/* The caller's description, made only when a refusal names it: the user
 * name comes from NSS (open, read and close /etc/passwd, or a round trip
 * to systemd's module), which on every allowed call was a third of a
 * daemon Get's system calls. */
struct who {
	const struct bpfman_identity *id;
	char buf[200];
};

static const char *who_str(struct who *w)
{
	if (!w->buf[0])
		describe(w->id, w->buf, sizeof(w->buf));
	return w->buf;
}

static bool in_group(const struct bpfman_identity *id, uint32_t gid)
{
	if (!id->has_unix_cred)
		return false;
	if (id->gid == gid)
		return true;
	for (size_t i = 0; i < id->groups_cnt; i++)
		if (id->groups[i] == gid)
			return true;
	return false;
}

/* A uid/gid given as a number or a name. */
static int id_value(struct bpfman_ctx *ctx, const char *key, json_t *v, bool group,
		    uint32_t *ret)
{
	const char *s = json_string_value(v);

	if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) <= UINT32_MAX) {
		*ret = (uint32_t)json_integer_value(v);
		return 0;
	}
	if (s && group) {
		struct group *g = getgrnam(s);

		if (g) {
			*ret = g->gr_gid;
			return 0;
		}
		return config_err(ctx, -EINVAL, key, "no group named '%s' on this host", s);
	}
	if (s) {
		struct passwd *p = getpwnam(s);

		if (p) {
			*ret = p->pw_uid;
			return 0;
		}
		return config_err(ctx, -EINVAL, key, "no user named '%s' on this host", s);
	}
	return config_err(ctx, -EINVAL, key, "must be a %s name or number", group ? "group" : "user");
}

struct rule {
	char name[64];
	bool matches;
	enum bpfman_role role;
	json_t *types, *ifaces, *images; /* borrowed; NULL when unlimited */
};

static int check_list(struct bpfman_ctx *ctx, const char *key, json_t *v)
{
	size_t i;
	json_t *e;

	if (!json_is_array(v))
		return config_err(ctx, -EINVAL, key, "must be a list of strings");
	json_array_foreach(v, i, e)
		if (!json_is_string(e))
			return config_err(ctx, -EINVAL, key, "must be a list of strings");
	return 0;
}

static int parse_rule(struct bpfman_ctx *ctx, size_t n, json_t *r,
		      const struct bpfman_identity *id, struct rule *out)
{
	_cleanup_free_ char *key = str_printf("authorization.rules[%zu]", n);
	int matchers = 0, err;
	const char *k;
	json_t *v;

	if (!key)
		return -ENOMEM;
	if (!json_is_object(r))
		return config_err(ctx, -EINVAL, key, "must be a mapping (name, one of " MATCH_KEYS ", role, limits)");
	snprintf(out->name, sizeof(out->name), "rule %zu", n + 1);
	json_object_foreach(r, k, v) {
		_cleanup_free_ char *sub = str_printf("%s.%s", key, k);
		const char *s = json_string_value(v);
		uint32_t num;

		if (!sub)
			return -ENOMEM;
		if (!strcmp(k, "name")) {
			if (!s)
				return config_err(ctx, -EINVAL, sub, "must be a string");
			snprintf(out->name, sizeof(out->name), "'%s'", s);
		} else if (!strcmp(k, "role")) {
			if (s && !strcmp(s, "read"))
				out->role = BPFMAN_ROLE_READ;
			else if (s && !strcmp(s, "operate"))
				out->role = BPFMAN_ROLE_OPERATE;
			else if (s && !strcmp(s, "admin"))
				out->role = BPFMAN_ROLE_ADMIN;
			else
				return config_err(ctx, -EINVAL, sub, "must be read, operate or admin");
		} else if (!strcmp(k, "uid") || !strcmp(k, "user")) {
			matchers++;
			if ((err = id_value(ctx, sub, v, false, &num)))
				return err;
			out->matches = id->has_unix_cred && id->uid == num;
		} else if (!strcmp(k, "gid") || !strcmp(k, "group")) {
			matchers++;
			if ((err = id_value(ctx, sub, v, true, &num)))
				return err;
			out->matches = in_group(id, num);
		} else if (!strcmp(k, "cert_subject")) {
			matchers++;
			if (!s)
				return config_err(ctx, -EINVAL, sub, "must be a string such as \"/CN=app/O=example\"");
			out->matches = id->cert_subject && !strcmp(id->cert_subject, s);
		} else if (!strcmp(k, "cert_san")) {
			matchers++;
			if (!s || !strchr(s, ':'))
				return config_err(ctx, -EINVAL, sub, "must be a string such as \"DNS:app.example\" or \"URI:spiffe://example/app\"");
			out->matches = false;
			for (size_t i = 0; i < id->cert_sans_cnt; i++)
				if (id->cert_sans[i] && !strcmp(id->cert_sans[i], s))
					out->matches = true;
		} else if (!strcmp(k, "program_types")) {
			size_t i;
			json_t *e;

			if ((err = check_list(ctx, sub, v)))
				return err;
			json_array_foreach(v, i, e)
				if (!bpfman_program_type_from_name(json_string_value(e)))
					return config_err(ctx, -EINVAL, sub, "'%s' is not a program type (xdp, tc, tcx, tracepoint, kprobe, uprobe, fentry, fexit)",
							  json_string_value(e));
			out->types = v;
		} else if (!strcmp(k, "interfaces")) {
			if ((err = check_list(ctx, sub, v)))
				return err;
			out->ifaces = v;
		} else if (!strcmp(k, "images")) {
			if ((err = check_list(ctx, sub, v)))
				return err;
			out->images = v;
		} else {
			return config_err(ctx, -EINVAL, sub, "unknown key; a rule has name, role, one of " MATCH_KEYS ", and optional program_types, interfaces, images");
		}
	}
	if (matchers != 1)
		return config_err(ctx, -EINVAL, key, "needs exactly one of " MATCH_KEYS " (it has %d)", matchers);
	if (out->role == BPFMAN_ROLE_NONE)
		return config_err(ctx, -EINVAL, key, "needs a role: read, operate or admin");
	return 0;
}

static bool listed(json_t *list, const char *value, bool prefix)
{
	size_t i;
	json_t *e;

	json_array_foreach(list, i, e) {
		const char *s = json_string_value(e);

		if (prefix ? !strncmp(value, s, strlen(s)) : !strcmp(value, s))
			return true;
	}
	return false;
}

static int limits(struct bpfman_ctx *ctx, struct who *who, const struct rule *r,
		  const struct bpfman_authz_request *req)
{
	const char *type = bpfman_program_type_name(req->type);

	if (r->role == BPFMAN_ROLE_ADMIN)
		return 0;
	if (r->types && type && !listed(r->types, type, false))
		return bpfman_err(ctx, -EACCES,
				  "%s may not %s a %s program: rule %s of the authorization config limits it to other program types",
				  who_str(who), req->operation, type, r->name);
	if (r->ifaces && req->iface && *req->iface && !listed(r->ifaces, req->iface, false))
		return bpfman_err(ctx, -EACCES,
				  "%s may not %s on interface %s: rule %s of the authorization config limits it to other interfaces",
				  who_str(who), req->operation, req->iface, r->name);
	if (r->images && req->image && *req->image && !listed(r->images, req->image, true))
		return bpfman_err(ctx, -EACCES,
				  "%s may not %s image %s: rule %s of the authorization config limits it to other image prefixes",
				  who_str(who), req->operation, req->image, r->name);
	return 0;
}

/* The owner rule and the limits, applied to the recorded program (and
 * link) an operation acts on. Admin never gets here. */
static int target(struct bpfman_ctx *ctx, struct who *who, const struct bpfman_identity *id,
		  const struct rule *r, const struct bpfman_authz_request *req)
{
	uint64_t link_id = OPTS_GET(req, link_id, 0);
	uint32_t prog_id = OPTS_GET(req, program_id, 0);
	struct bpfman_program p = { 0 };
	struct bpfman_link l = { 0 }, *links = NULL;
	struct bpfman_authz_request what = { .sz = sizeof(what) };
	size_t links_cnt = 0;
	char name[1100] = "";
	int err;

	if (link_id) {
		if ((err = db_link_get(ctx, link_id, &l)) == -ENOENT)
			err = bpfman_err(ctx, -ENOENT,
					 "link %llu is not recorded by bpfman (bpfman_link__list lists the recorded links)",
					 (unsigned long long)link_id);
		if (err)
			goto out;
		prog_id = l.prog_id;
	}
	if ((err = db_prog_get(ctx, prog_id, &p)) == -ENOENT)
		err = bpfman_err(ctx, -ENOENT,
				 "program %u is not managed by bpfman (bpfman_program__list lists the managed programs)",
				 prog_id);
	if (err)
		goto out;
	bpfman_identity_name(name, sizeof(name), id);
	if (!p.owner || strcmp(p.owner, name)) {
		err = bpfman_err(ctx, -EACCES,
				 "%s may not %s program %u: its owner is %s, and rule %s of the authorization config gives role %s, which acts only on the programs the caller loaded through bpfmand (owner %s); an admin may act on any program",
				 who_str(who), req->operation, prog_id,
				 p.owner ? p.owner : "none (it was loaded without bpfmand, e.g. by bpfmanctl)",
				 r->name, bpfman_role_name(r->role), *name ? name : "none");
		goto out;
	}
	/* The limits apply to what the program is, and to where its links
	 * (the one link, for link_id) are. */
	what.operation = req->operation;
	what.type = p.type;
	what.image = p.image;
	what.iface = l.iface;
	if ((err = limits(ctx, who, r, &what)))
		goto out;
	if (!link_id && (err = db_link_all(ctx, prog_id, &links, &links_cnt)))
		goto out;
	for (size_t i = 0; i < links_cnt && !err; i++) {
		what.iface = links[i].iface;
		err = limits(ctx, who, r, &what);
	}
out:
	db_link_array_free(links, links_cnt);
	link_clear(&l);
	program_clear(&p);
	return err;
}

int bpfman_authorize(enum bpfman_role *ret_role, struct bpfman_ctx *ctx,
		     const struct bpfman_identity *id,
		     const struct bpfman_authz_request *req)
{
	json_t *sec = NULL, *rules = NULL, *r;
	struct rule found = { 0 };
	bool have = false;
	struct who who = { .id = id };
	const char *k;
	size_t i;
	int err;

	if (!OPTS_VALID(ctx, id, bpfman_identity) || !OPTS_VALID(ctx, req, bpfman_authz_request))
		return -EINVAL;
	if (!id || !req || !req->operation)
		return bpfman_err(ctx, -EINVAL, "bpfman_authorize needs an identity and a request naming its operation");
	if ((err = config_section(ctx, "authorization", &sec)))
		return err;
	if (sec) {
		json_object_foreach(sec, k, r) {
			if (strcmp(k, "rules"))
				return config_err(ctx, -EINVAL, "authorization", "unknown key '%s'; the one known is rules", k);
			if (!json_is_array(r) && !json_is_null(r))
				return config_err(ctx, -EINVAL, "authorization.rules", "must be a list of rules");
			rules = r;
		}
	}
	/* Every rule is checked, also after the one that decides. */
	json_array_foreach(rules, i, r) {
		struct rule cur = { 0 };

		if ((err = parse_rule(ctx, i, r, id, &cur)))
			return err;
		if (cur.matches && !have) {
			found = cur;
			have = true;
		}
	}
	if (!have) {
		/* Root first: looking the group up goes through NSS (with
		 * systemd's module, ~170 syscalls), on every call. */
		bool is_root = id->has_unix_cred && id->uid == 0;
		struct group *g = is_root ? NULL : getgrnam("bpfman");

		if (is_root || (g && in_group(id, g->gr_gid))) {
			if (ret_role)
				*ret_role = BPFMAN_ROLE_ADMIN;
			return 0;
		}
		return bpfman_err(ctx, -EACCES,
				  "%s may not %s: no rule of the authorization config matches it, and by default only root and members of the group bpfman are allowed (add a rule under authorization.rules in %s)",
				  who_str(&who), req->operation, bpfman_ctx_config_path(ctx));
	}
	if (found.role < req->role)
		return bpfman_err(ctx, -EACCES,
				  "%s may not %s: rule %s of the authorization config gives it role %s, and %s needs role %s",
				  who_str(&who), req->operation, found.name, bpfman_role_name(found.role),
				  req->operation, bpfman_role_name(req->role));
	if ((err = limits(ctx, &who, &found, req)))
		return err;
	/* Acting on a recorded program: the owner rule and its limits. */
	if (found.role < BPFMAN_ROLE_ADMIN && req->role >= BPFMAN_ROLE_OPERATE &&
	    (OPTS_GET(req, program_id, 0) || OPTS_GET(req, link_id, 0)) &&
	    (err = target(ctx, &who, id, &found, req)))
		return err;
	if (ret_role)
		*ret_role = found.role;
	return 0;
}
