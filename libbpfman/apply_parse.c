// SPDX-License-Identifier: Apache-2.0
/* Documents of bpfman.io/v1alpha1 -> apply objects (apply_internal.h).
 * Field names are bpfman-operator's (doc/apply.md has the table). Every
 * refusal names the origin, the line, the document and the field path, so
 * a user finds the mistake without guessing. */
#include "internal.h"
#include "apply_internal.h"
#include "yaml_tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PATH_MAX_LEN 256

static const struct kind_info {
	const char *kind;
	enum bpfman_program_type type;
} kinds[] = {
	{ "XdpProgram", BPFMAN_PROG_TYPE_XDP },
	{ "TcProgram", BPFMAN_PROG_TYPE_TC },
	{ "TcxProgram", BPFMAN_PROG_TYPE_TCX },
	{ "TracepointProgram", BPFMAN_PROG_TYPE_TRACEPOINT },
	{ "KprobeProgram", BPFMAN_PROG_TYPE_KPROBE },
	{ "UprobeProgram", BPFMAN_PROG_TYPE_UPROBE },
	{ "FentryProgram", BPFMAN_PROG_TYPE_FENTRY },
	{ "FexitProgram", BPFMAN_PROG_TYPE_FEXIT },
};

const char *apply_kind_canonical(const char *kind, enum bpfman_program_type *ret_type)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		size_t n = strlen(kinds[i].kind);

		if (!strcasecmp(kind, kinds[i].kind) ||
		    (!strncasecmp(kind, kinds[i].kind, n) && !strcasecmp(kind + n, "s"))) {
			if (ret_type)
				*ret_type = kinds[i].type;
			return kinds[i].kind;
		}
	}
	return NULL;
}

struct pctx {
	struct bpfman_ctx *ctx;
	const char *origin;
	size_t doc; /* 1-based */
	const char *kind;
	const char *name;
	struct apply_obj *obj;
};

static int perr(struct pctx *p, size_t line, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int perr(struct pctx *p, size_t line, const char *path, const char *fmt, ...)
{
	_cleanup_free_ char *what = NULL;
	va_list ap;

	va_start(ap, fmt);
	what = str_vprintf(fmt, ap);
	va_end(ap);
	return bpfman_err(p->ctx, -EINVAL, "%s:%zu: document %zu (%s %s): %s: %s",
			  p->origin, line, p->doc, p->kind ? p->kind : "?",
			  p->name ? p->name : "?", path, what ? what : "invalid");
}

static const char *type_word(const struct ynode *n)
{
	switch (n->type) {
	case YNODE_SEQ:
		return "a list";
	case YNODE_MAP:
		return "a mapping";
	default:
		return ynode_is_null(n) ? "nothing (null)" : "a scalar";
	}
}

static int want_map(struct pctx *p, const struct ynode *n, const char *path)
{
	if (n->type == YNODE_MAP)
		return 0;
	if (ynode_is_null(n))
		return 0; /* "key:" with nothing is an empty mapping */
	return perr(p, n->line, path, "expected a mapping, got %s", type_word(n));
}

static int want_seq(struct pctx *p, const struct ynode *n, const char *path)
{
	if (n->type == YNODE_SEQ)
		return 0;
	return perr(p, n->line, path, "expected a list, got %s", type_word(n));
}

static int get_str(struct pctx *p, const struct ynode *n, const char *path, char **ret)
{
	if (n->type != YNODE_SCALAR || ynode_is_null(n))
		return perr(p, n->line, path, "expected a string, got %s", type_word(n));
	if (!*n->value)
		return perr(p, n->line, path, "must not be empty");
	free(*ret);
	*ret = strdup(n->value);
	return *ret ? 0 : -ENOMEM;
}

static int get_bool(struct pctx *p, const struct ynode *n, const char *path, bool *ret)
{
	if (n->type == YNODE_SCALAR && n->plain) {
		if (!strcmp(n->value, "true") || !strcmp(n->value, "True") ||
		    !strcmp(n->value, "TRUE")) {
			*ret = true;
			return 0;
		}
		if (!strcmp(n->value, "false") || !strcmp(n->value, "False") ||
		    !strcmp(n->value, "FALSE")) {
			*ret = false;
			return 0;
		}
	}
	return perr(p, n->line, path, "expected true or false, got %s%s%s%s",
		    n->type == YNODE_SCALAR ? "'" : "",
		    n->type == YNODE_SCALAR ? n->value : type_word(n),
		    n->type == YNODE_SCALAR ? "'" : "", "");
}

/* YAML 1.2 core integers: decimal, 0x hex, 0o octal; optional sign. */
static bool scalar_int(const struct ynode *n, int64_t *ret)
{
	const char *s;
	int base = 10;
	bool neg = false;
	char *end;
	unsigned long long v;

	if (n->type != YNODE_SCALAR || !n->plain)
		return false;
	s = n->value;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1] == 'o') {
		base = 8;
		s += 2;
	}
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > INT64_MAX)
		return false;
	*ret = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

static int get_int(struct pctx *p, const struct ynode *n, const char *path,
		   int64_t min, int64_t max, int64_t *ret)
{
	int64_t v;

	if (!scalar_int(n, &v))
		return perr(p, n->line, path, "expected an integer, got %s%s%s",
			    n->type == YNODE_SCALAR ? "'" : "",
			    n->type == YNODE_SCALAR ? n->value : type_word(n),
			    n->type == YNODE_SCALAR ? "'" : "");
	if (v < min || v > max)
		return perr(p, n->line, path, "%lld is out of range; use %lld to %lld",
			    (long long)v, (long long)min, (long long)max);
	*ret = v;
	return 0;
}

/* Unknown keys are refused with the list of keys the mapping takes. */
static int check_keys(struct pctx *p, const struct ynode *map, const char *path,
		      const char *const *allowed)
{
	if (map->type != YNODE_MAP)
		return 0;
	for (size_t i = 0; i < map->cnt; i++) {
		char list[512] = "";
		bool ok = false;

		for (const char *const *a = allowed; *a; a++) {
			if (!strcmp(*a, map->keys[i]))
				ok = true;
			if (strlen(list) + strlen(*a) + 3 < sizeof(list)) {
				if (*list)
					strcat(list, ", ");
				strcat(list, *a);
			}
		}
		if (!ok)
			return perr(p, map->key_lines[i], path,
				    "unknown field '%s'; this mapping takes: %s",
				    map->keys[i], list);
	}
	return 0;
}

/* Paths longer than PATH_MAX_LEN are cut: they only label a message. */
static void child_path(char *out, const char *path, const char *key)
{
	if (snprintf(out, PATH_MAX_LEN, "%s%s%s", path, *path ? "." : "", key) >= PATH_MAX_LEN)
		out[PATH_MAX_LEN - 1] = 0;
}

static void item_path(char *out, const char *path, size_t i)
{
	if (snprintf(out, PATH_MAX_LEN, "%s[%zu]", path, i) >= PATH_MAX_LEN)
		out[PATH_MAX_LEN - 1] = 0;
}

static int kv_push(struct bpfman_kv **v, size_t *cnt, const char *k, const char *val)
{
	struct bpfman_kv *more = realloc(*v, (*cnt + 1) * sizeof(*more));

	if (!more)
		return -ENOMEM;
	*v = more;
	more[*cnt].key = strdup(k);
	more[*cnt].value = strdup(val);
	if (!more[*cnt].key || !more[*cnt].value) {
		free((char *)more[*cnt].key);
		free((char *)more[*cnt].value);
		return -ENOMEM;
	}
	(*cnt)++;
	return 0;
}

static int str_push(char ***v, size_t *cnt, char *s)
{
	char **more = realloc(*v, (*cnt + 1) * sizeof(*more));

	if (!more) {
		free(s);
		return -ENOMEM;
	}
	*v = more;
	more[(*cnt)++] = s;
	return 0;
}

/* map[string]string (labels, matchLabels). */
static int get_str_map(struct pctx *p, const struct ynode *n, const char *path,
		       struct bpfman_kv **v, size_t *cnt)
{
	int err = want_map(p, n, path);

	if (err || n->type != YNODE_MAP)
		return err;
	for (size_t i = 0; i < n->cnt; i++) {
		char sub[PATH_MAX_LEN];
		const struct ynode *val = n->items[i];

		child_path(sub, path, n->keys[i]);
		if (val->type != YNODE_SCALAR || ynode_is_null(val))
			return perr(p, val->line, sub, "expected a string, got %s", type_word(val));
		err = kv_push(v, cnt, n->keys[i], val->value);
		if (err)
			return err;
	}
	return 0;
}

static int get_str_list(struct pctx *p, const struct ynode *n, const char *path,
			char ***v, size_t *cnt)
{
	int err = want_seq(p, n, path);

	if (err)
		return err;
	for (size_t i = 0; i < n->cnt; i++) {
		char sub[PATH_MAX_LEN];
		char *s = NULL;

		item_path(sub, path, i);
		err = get_str(p, n->items[i], sub, &s);
		if (!err)
			err = str_push(v, cnt, s);
		if (err)
			return err;
	}
	return 0;
}

/* metav1.LabelSelector: matchLabels, matchExpressions. */
static int get_selector(struct pctx *p, const struct ynode *n, const char *path,
			struct apply_selector *sel)
{
	static const char *const keys[] = { "matchLabels", "matchExpressions", NULL };
	static const char *const expr_keys[] = { "key", "operator", "values", NULL };
	const struct ynode *ml, *me;
	char sub[PATH_MAX_LEN];
	int err = want_map(p, n, path);

	if (!err)
		err = check_keys(p, n, path, keys);
	if (err)
		return err;
	ml = ynode_get(n, "matchLabels");
	if (ml) {
		child_path(sub, path, "matchLabels");
		err = get_str_map(p, ml, sub, &sel->labels, &sel->labels_cnt);
		if (err)
			return err;
	}
	me = ynode_get(n, "matchExpressions");
	if (!me)
		return 0;
	child_path(sub, path, "matchExpressions");
	err = want_seq(p, me, sub);
	if (err)
		return err;
	sel->exprs = calloc(me->cnt ? me->cnt : 1, sizeof(*sel->exprs));
	if (!sel->exprs)
		return -ENOMEM;
	for (size_t i = 0; i < me->cnt; i++) {
		const struct ynode *e = me->items[i], *k, *op, *vals;
		struct apply_expr *x = &sel->exprs[sel->exprs_cnt++];
		char esub[PATH_MAX_LEN], fsub[PATH_MAX_LEN];

		item_path(esub, sub, i);
		if (e->type != YNODE_MAP)
			return perr(p, e->line, esub, "expected a mapping, got %s", type_word(e));
		err = check_keys(p, e, esub, expr_keys);
		if (err)
			return err;
		k = ynode_get(e, "key");
		op = ynode_get(e, "operator");
		if (!k || !op)
			return perr(p, e->line, esub, "needs key and operator");
		child_path(fsub, esub, "key");
		err = get_str(p, k, fsub, &x->key);
		if (err)
			return err;
		child_path(fsub, esub, "operator");
		err = get_str(p, op, fsub, &x->op);
		if (err)
			return err;
		if (strcmp(x->op, "In") && strcmp(x->op, "NotIn") &&
		    strcmp(x->op, "Exists") && strcmp(x->op, "DoesNotExist"))
			return perr(p, op->line, fsub,
				    "unknown operator '%s'; use In, NotIn, Exists or DoesNotExist",
				    x->op);
		vals = ynode_get(e, "values");
		child_path(fsub, esub, "values");
		if (vals) {
			err = get_str_list(p, vals, fsub, &x->values, &x->values_cnt);
			if (err)
				return err;
		}
		if ((!strcmp(x->op, "In") || !strcmp(x->op, "NotIn")) && !x->values_cnt)
			return perr(p, e->line, fsub, "operator %s needs at least one value", x->op);
		if ((!strcmp(x->op, "Exists") || !strcmp(x->op, "DoesNotExist")) && x->values_cnt)
			return perr(p, e->line, fsub, "operator %s takes no values", x->op);
	}
	return 0;
}

static int b64_val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Standard base64 with padding: what Kubernetes' JSON holds for []byte. */
static int b64_decode(const char *s, unsigned char **ret, size_t *ret_len)
{
	size_t len = strlen(s), n = 0;
	unsigned char *out;

	if (!len || len % 4)
		return -EINVAL;
	out = malloc(len / 4 * 3);
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < len; i += 4) {
		int v[4];

		for (int j = 0; j < 4; j++) {
			v[j] = s[i + j] == '=' && i + 4 == len && j >= 2 ? 0 : b64_val(s[i + j]);
			if (v[j] < 0 || (s[i + j] == '=' && j == 2 && s[i + 3] != '=')) {
				free(out);
				return -EINVAL;
			}
		}
		out[n++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (s[i + 2] != '=')
			out[n++] = (unsigned char)(v[1] << 4 | v[2] >> 2);
		if (s[i + 3] != '=')
			out[n++] = (unsigned char)(v[2] << 6 | v[3]);
	}
	*ret = out;
	*ret_len = n;
	return 0;
}

/* globaldata: NAME -> bytes, written as a list of byte values ([0x01]),
 * a plain scalar (0x01 hex, or one decimal byte), or a quoted base64
 * string (what Kubernetes stores for []byte). */
static int get_globals(struct pctx *p, const struct ynode *n, const char *path)
{
	struct apply_obj *o = p->obj;
	int err = want_map(p, n, path);

	if (err || n->type != YNODE_MAP)
		return err;
	o->globals = calloc(n->cnt ? n->cnt : 1, sizeof(*o->globals));
	if (!o->globals)
		return -ENOMEM;
	for (size_t i = 0; i < n->cnt; i++) {
		const struct ynode *v = n->items[i];
		struct bpfman_global_data *g = &o->globals[o->globals_cnt];
		char sub[PATH_MAX_LEN];
		unsigned char *buf = NULL;
		size_t len = 0;
		int64_t b;

		child_path(sub, path, n->keys[i]);
		if (v->type == YNODE_SEQ) {
			if (!v->cnt)
				return perr(p, v->line, sub, "needs at least one byte");
			buf = malloc(v->cnt);
			if (!buf)
				return -ENOMEM;
			for (size_t j = 0; j < v->cnt; j++) {
				char isub[PATH_MAX_LEN];

				item_path(isub, sub, j);
				err = get_int(p, v->items[j], isub, 0, 255, &b);
				if (err) {
					free(buf);
					return err;
				}
				buf[len++] = (unsigned char)b;
			}
		} else if (v->type == YNODE_SCALAR && v->plain &&
			   (!strncmp(v->value, "0x", 2) || !strncmp(v->value, "0X", 2))) {
			if (hex_decode(v->value, &buf, &len) || !len)
				return perr(p, v->line, sub,
					    "'%s' is not hex bytes; write an even number of hex digits after 0x (0x01, 0x0d0c)",
					    v->value);
		} else if (v->type == YNODE_SCALAR && v->plain && scalar_int(v, &b)) {
			if (b < 0 || b > 255)
				return perr(p, v->line, sub,
					    "%lld does not fit in a byte; write several bytes as a list ([0x0d, 0x0c]) or as hex (0x0d0c)",
					    (long long)b);
			buf = malloc(1);
			if (!buf)
				return -ENOMEM;
			buf[len++] = (unsigned char)b;
		} else if (v->type == YNODE_SCALAR && !ynode_is_null(v)) {
			if (b64_decode(v->value, &buf, &len) || !len)
				return perr(p, v->line, sub,
					    "'%s' is neither a list of bytes, 0x hex, nor base64",
					    v->value);
		} else {
			return perr(p, v->line, sub,
				    "expected bytes (a list like [0x01], hex like 0x01, or base64), got %s",
				    type_word(v));
		}
		g->name = strdup(n->keys[i]);
		g->value = buf;
		g->size = len;
		o->globals_cnt++;
		if (!g->name)
			return -ENOMEM;
	}
	return 0;
}

static int get_bytecode(struct pctx *p, const struct ynode *n, const char *path)
{
	static const char *const keys[] = { "image", "path", NULL };
	static const char *const image_keys[] = { "url", "imagepullpolicy", "imagepullsecret", NULL };
	static const char *const secret_keys[] = { "name", "namespace", NULL };
	struct apply_obj *o = p->obj;
	const struct ynode *img = ynode_get(n, "image"), *path_n = ynode_get(n, "path");
	char sub[PATH_MAX_LEN], isub[PATH_MAX_LEN];
	int err;

	if (n->type != YNODE_MAP)
		return perr(p, n->line, path, "expected a mapping with image or path, got %s",
			    type_word(n));
	err = check_keys(p, n, path, keys);
	if (err)
		return err;
	if (!!img == !!path_n)
		return perr(p, n->line, path, "give exactly one of image and path");
	if (path_n) {
		child_path(sub, path, "path");
		return get_str(p, path_n, sub, &o->path);
	}
	child_path(sub, path, "image");
	if (img->type != YNODE_MAP)
		return perr(p, img->line, sub, "expected a mapping with url, got %s", type_word(img));
	err = check_keys(p, img, sub, image_keys);
	if (err)
		return err;
	if (!ynode_get(img, "url"))
		return perr(p, img->line, sub, "url is required");
	child_path(isub, sub, "url");
	err = get_str(p, ynode_get(img, "url"), isub, &o->image_url);
	if (err)
		return err;
	o->pull_policy = BPFMAN_PULL_IF_NOT_PRESENT; /* the operator's default */
	if (ynode_get(img, "imagepullpolicy")) {
		_cleanup_free_ char *pol = NULL;

		child_path(isub, sub, "imagepullpolicy");
		err = get_str(p, ynode_get(img, "imagepullpolicy"), isub, &pol);
		if (err)
			return err;
		if (strcmp(pol, "Always") && strcmp(pol, "IfNotPresent") && strcmp(pol, "Never"))
			return perr(p, ynode_get(img, "imagepullpolicy")->line, isub,
				    "'%s' is not a pull policy; use Always, IfNotPresent or Never", pol);
		o->pull_policy = bpfman_pull_policy_from_name(pol);
	}
	if (ynode_get(img, "imagepullsecret")) {
		const struct ynode *s = ynode_get(img, "imagepullsecret");

		child_path(isub, sub, "imagepullsecret");
		err = want_map(p, s, isub);
		if (!err)
			err = check_keys(p, s, isub, secret_keys);
		if (err)
			return err;
		if (ynode_get(s, "name")) {
			char nsub[PATH_MAX_LEN];

			child_path(nsub, isub, "name");
			err = get_str(p, ynode_get(s, "name"), nsub, &o->secret_name);
			if (err)
				return err;
		}
		if (ynode_get(s, "namespace")) {
			char nsub[PATH_MAX_LEN];

			child_path(nsub, isub, "namespace");
			err = get_str(p, ynode_get(s, "namespace"), nsub, &o->secret_ns);
			if (err)
				return err;
		}
	}
	return 0;
}

static int get_ifsel(struct pctx *p, const struct ynode *n, const char *path)
{
	static const char *const keys[] = { "interfaces", "primarynodeinterface", NULL };
	struct apply_obj *o = p->obj;
	const struct ynode *ifs = ynode_get(n, "interfaces"), *pri = ynode_get(n, "primarynodeinterface");
	char sub[PATH_MAX_LEN];
	int err;

	if (n->type != YNODE_MAP)
		return perr(p, n->line, path, "expected a mapping, got %s", type_word(n));
	err = check_keys(p, n, path, keys);
	if (err)
		return err;
	if (pri) {
		child_path(sub, path, "primarynodeinterface");
		err = get_bool(p, pri, sub, &o->primary_iface);
		if (err)
			return err;
	}
	if (ifs) {
		child_path(sub, path, "interfaces");
		err = get_str_list(p, ifs, sub, &o->interfaces, &o->interfaces_cnt);
		if (err)
			return err;
	}
	if (!o->interfaces_cnt == !o->primary_iface)
		return perr(p, n->line, path,
			    "give either interfaces (a non-empty list) or primarynodeinterface: true");
	return 0;
}

static int get_proceedon(struct pctx *p, const struct ynode *n, const char *path)
{
	enum bpfman_program_type t = p->obj->type;
	int err = want_seq(p, n, path);

	if (err)
		return err;
	for (size_t i = 0; i < n->cnt; i++) {
		char sub[PATH_MAX_LEN], names[256] = "";
		_cleanup_free_ char *s = NULL;
		uint32_t bit;

		item_path(sub, path, i);
		err = get_str(p, n->items[i], sub, &s);
		if (err)
			return err;
		bit = bpfman_proceed_on_bit(t, s);
		if (!bit) {
			for (unsigned int b = 0; b < 32; b++) {
				const char *nm = bpfman_proceed_on_name(t, b);

				if (nm && strlen(names) + strlen(nm) + 3 < sizeof(names)) {
					if (*names)
						strcat(names, ", ");
					strcat(names, nm);
				}
			}
			return perr(p, n->items[i]->line, sub,
				    "'%s' is not a %s action; use %s", s,
				    bpfman_program_type_name(t), names);
		}
		p->obj->proceed_on |= bit;
	}
	return 0;
}

static int get_direction(struct pctx *p, const struct ynode *n, const char *path)
{
	_cleanup_free_ char *s = NULL;
	int err = get_str(p, n, path, &s);

	if (err)
		return err;
	if (!strcmp(s, "ingress"))
		p->obj->direction = BPFMAN_DIRECTION_INGRESS;
	else if (!strcmp(s, "egress"))
		p->obj->direction = BPFMAN_DIRECTION_EGRESS;
	else
		return perr(p, n->line, path, "'%s' is not a direction; use ingress or egress", s);
	return 0;
}

/* Which spec fields each kind takes beyond the common ones. */
static const char *const common_keys[] = { "bpffunctionname", "name", "nodeselector",
					   "globaldata", "bytecode", "mapownerselector" };

static const char *const *kind_keys(enum bpfman_program_type t)
{
	static const char *const xdp[] = { "interfaceselector", "priority", "proceedon", NULL };
	static const char *const tc[] = { "interfaceselector", "priority", "proceedon", "direction", NULL };
	static const char *const tcx[] = { "interfaceselector", "priority", "direction", NULL };
	static const char *const tp[] = { "names", NULL };
	static const char *const kp[] = { "func_name", "offset", "retprobe", NULL };
	static const char *const up[] = { "func_name", "offset", "target", "retprobe", "pid", "containers", NULL };
	static const char *const fe[] = { "func_name", NULL };

	switch (t) {
	case BPFMAN_PROG_TYPE_XDP:
		return xdp;
	case BPFMAN_PROG_TYPE_TC:
		return tc;
	case BPFMAN_PROG_TYPE_TCX:
		return tcx;
	case BPFMAN_PROG_TYPE_TRACEPOINT:
		return tp;
	case BPFMAN_PROG_TYPE_KPROBE:
		return kp;
	case BPFMAN_PROG_TYPE_UPROBE:
		return up;
	default:
		return fe;
	}
}

static int need(struct pctx *p, const struct ynode *spec, const char *key)
{
	if (ynode_get(spec, key))
		return 0;
	return perr(p, spec->line, "spec", "%s is required for %s", key, p->kind);
}

static int parse_spec(struct pctx *p, const struct ynode *spec)
{
	struct apply_obj *o = p->obj;
	const char *const *extra = kind_keys(o->type);
	const char *allowed[ARRAY_SIZE(common_keys) + 8];
	const struct ynode *v;
	size_t na = 0;
	int64_t num;
	int err;

	if (spec->type != YNODE_MAP)
		return perr(p, spec->line, "spec", "expected a mapping, got %s", type_word(spec));
	for (size_t i = 0; i < ARRAY_SIZE(common_keys); i++)
		allowed[na++] = common_keys[i];
	for (; *extra; extra++)
		allowed[na++] = *extra;
	allowed[na] = NULL;
	err = check_keys(p, spec, "spec", allowed);
	if (err)
		return err;

	/* The seed writes spec.name where the operator writes bpffunctionname. */
	if (ynode_get(spec, "bpffunctionname") && ynode_get(spec, "name"))
		return perr(p, ynode_get(spec, "name")->line, "spec.name",
			    "give the function once: bpffunctionname (or the older spec.name), not both");
	if ((v = ynode_get(spec, "bpffunctionname")) &&
	    (err = get_str(p, v, "spec.bpffunctionname", &o->function)))
		return err;
	if ((v = ynode_get(spec, "name")) && (err = get_str(p, v, "spec.name", &o->function)))
		return err;
	if (!o->function)
		return perr(p, spec->line, "spec", "bpffunctionname is required: the function to load");
	if ((err = need(p, spec, "bytecode")) ||
	    (err = get_bytecode(p, ynode_get(spec, "bytecode"), "spec.bytecode")))
		return err;
	if ((v = ynode_get(spec, "nodeselector")) &&
	    (err = get_selector(p, v, "spec.nodeselector", &o->nodeselector)))
		return err;
	if ((v = ynode_get(spec, "mapownerselector"))) {
		err = get_selector(p, v, "spec.mapownerselector", &o->mapowner);
		if (err)
			return err;
		o->has_mapowner = o->mapowner.labels_cnt || o->mapowner.exprs_cnt;
	}
	if ((v = ynode_get(spec, "globaldata")) && (err = get_globals(p, v, "spec.globaldata")))
		return err;

	switch (o->type) {
	case BPFMAN_PROG_TYPE_XDP:
	case BPFMAN_PROG_TYPE_TC:
	case BPFMAN_PROG_TYPE_TCX:
		if ((err = need(p, spec, "interfaceselector")) ||
		    (err = get_ifsel(p, ynode_get(spec, "interfaceselector"), "spec.interfaceselector")))
			return err;
		if ((err = need(p, spec, "priority")) ||
		    (err = get_int(p, ynode_get(spec, "priority"), "spec.priority", 0, 1000, &num)))
			return err;
		o->priority = (int32_t)num;
		if ((v = ynode_get(spec, "proceedon")) && (err = get_proceedon(p, v, "spec.proceedon")))
			return err;
		if (o->type != BPFMAN_PROG_TYPE_XDP &&
		    ((err = need(p, spec, "direction")) ||
		     (err = get_direction(p, ynode_get(spec, "direction"), "spec.direction"))))
			return err;
		break;
	case BPFMAN_PROG_TYPE_TRACEPOINT:
		if ((err = need(p, spec, "names")) ||
		    (err = get_str_list(p, ynode_get(spec, "names"), "spec.names", &o->tracepoints,
					&o->tracepoints_cnt)))
			return err;
		if (!o->tracepoints_cnt)
			return perr(p, ynode_get(spec, "names")->line, "spec.names",
				    "needs at least one tracepoint (group/name)");
		for (size_t i = 0; i < o->tracepoints_cnt; i++)
			if (!strchr(o->tracepoints[i], '/'))
				return perr(p, ynode_get(spec, "names")->line, "spec.names",
					    "'%s' is not GROUP/NAME (e.g. syscalls/sys_enter_openat)",
					    o->tracepoints[i]);
		break;
	case BPFMAN_PROG_TYPE_UPROBE:
		if ((v = ynode_get(spec, "containers")))
			return perr(p, v->line, "spec.containers",
				    "attaching inside containers is not supported on a single host; remove containers (the Kubernetes agent resolves them)");
		if ((err = need(p, spec, "target")) ||
		    (err = get_str(p, ynode_get(spec, "target"), "spec.target", &o->target)))
			return err;
		if ((v = ynode_get(spec, "pid"))) {
			err = get_int(p, v, "spec.pid", 0, INT32_MAX, &num);
			if (err)
				return err;
			o->pid = (int32_t)num;
		}
		/* and func_name, offset, retprobe as a kprobe: */
		__attribute__((fallthrough));
	case BPFMAN_PROG_TYPE_KPROBE:
		if ((v = ynode_get(spec, "func_name")) &&
		    (err = get_str(p, v, "spec.func_name", &o->func_name)))
			return err;
		if ((v = ynode_get(spec, "offset"))) {
			err = get_int(p, v, "spec.offset", 0, INT64_MAX, &num);
			if (err)
				return err;
			o->offset = (uint64_t)num;
		}
		if ((v = ynode_get(spec, "retprobe")) &&
		    (err = get_bool(p, v, "spec.retprobe", &o->retprobe)))
			return err;
		if (!o->func_name && (o->type == BPFMAN_PROG_TYPE_KPROBE || !o->offset))
			return perr(p, spec->line, "spec",
				    "func_name is required%s", o->type == BPFMAN_PROG_TYPE_UPROBE ?
				    " (or an offset into the target)" : "");
		break;
	default: /* fentry, fexit */
		if ((err = need(p, spec, "func_name")) ||
		    (err = get_str(p, ynode_get(spec, "func_name"), "spec.func_name", &o->func_name)))
			return err;
		break;
	}
	return 0;
}

/* Kubernetes metadata fields a document copied from a cluster may carry;
 * only name and labels mean something here. */
static const char *const metadata_keys[] = {
	"name", "labels", "annotations", "namespace", "uid", "resourceVersion",
	"generation", "creationTimestamp", "deletionTimestamp",
	"deletionGracePeriodSeconds", "finalizers", "ownerReferences",
	"managedFields", "generateName", "selfLink", NULL,
};

static int parse_doc(struct pctx *p, const struct ynode *doc)
{
	static const char *const top_keys[] = { "apiVersion", "kind", "metadata", "spec", "status", NULL };
	const struct ynode *api, *kind, *md, *spec, *nm;
	struct apply_obj *o = p->obj;
	int err;

	if (doc->type != YNODE_MAP)
		return perr(p, doc->line, "(document)", "expected a mapping, got %s", type_word(doc));
	kind = ynode_get(doc, "kind");
	md = ynode_get(doc, "metadata");
	if (md && md->type == YNODE_MAP && (nm = ynode_get(md, "name")) &&
	    nm->type == YNODE_SCALAR)
		p->name = nm->value;
	if (!kind || kind->type != YNODE_SCALAR || ynode_is_null(kind))
		return perr(p, kind ? kind->line : doc->line, "kind",
			    "kind is required (XdpProgram, TcProgram, TcxProgram, TracepointProgram, KprobeProgram, UprobeProgram, FentryProgram or FexitProgram)");
	o->kind = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(kind->value, kinds[i].kind)) {
			o->kind = kinds[i].kind;
			o->type = kinds[i].type;
		}
	p->kind = kind->value;
	if (!o->kind)
		return perr(p, kind->line, "kind",
			    "unknown kind '%s'; use XdpProgram, TcProgram, TcxProgram, TracepointProgram, KprobeProgram, UprobeProgram, FentryProgram or FexitProgram",
			    kind->value);
	err = check_keys(p, doc, "(document)", top_keys);
	if (err)
		return err;
	api = ynode_get(doc, "apiVersion");
	if (!api || api->type != YNODE_SCALAR || strcmp(api->value, "bpfman.io/v1alpha1"))
		return perr(p, api ? api->line : doc->line, "apiVersion",
			    "expected bpfman.io/v1alpha1%s%s%s", api && api->type == YNODE_SCALAR ? ", got '" : "",
			    api && api->type == YNODE_SCALAR ? api->value : "",
			    api && api->type == YNODE_SCALAR ? "'" : "");
	if (!md || md->type != YNODE_MAP)
		return perr(p, md ? md->line : doc->line, "metadata",
			    "metadata with a name is required");
	err = check_keys(p, md, "metadata", metadata_keys);
	if (err)
		return err;
	nm = ynode_get(md, "name");
	if (!nm)
		return perr(p, md->line, "metadata", "metadata.name is required");
	err = get_str(p, nm, "metadata.name", &o->name);
	if (err)
		return err;
	if (strlen(o->name) > 253 || strchr(o->name, '/'))
		return perr(p, nm->line, "metadata.name",
			    "'%s' is not a valid name (at most 253 characters, no '/')", o->name);
	if (ynode_get(md, "labels")) {
		err = get_str_map(p, ynode_get(md, "labels"), "metadata.labels", &o->labels,
				  &o->labels_cnt);
		if (err)
			return err;
	}
	spec = ynode_get(doc, "spec");
	if (!spec)
		return perr(p, doc->line, "spec", "spec is required");
	return parse_spec(p, spec);
}

static void selector_fini(struct apply_selector *s)
{
	for (size_t i = 0; i < s->labels_cnt; i++) {
		free((char *)s->labels[i].key);
		free((char *)s->labels[i].value);
	}
	free(s->labels);
	for (size_t i = 0; i < s->exprs_cnt; i++) {
		free(s->exprs[i].key);
		free(s->exprs[i].op);
		for (size_t j = 0; j < s->exprs[i].values_cnt; j++)
			free(s->exprs[i].values[j]);
		free(s->exprs[i].values);
	}
	free(s->exprs);
}

void apply_obj_free(struct apply_obj *o)
{
	if (!o)
		return;
	free(o->name);
	free(o->origin);
	for (size_t i = 0; i < o->labels_cnt; i++) {
		free((char *)o->labels[i].key);
		free((char *)o->labels[i].value);
	}
	free(o->labels);
	selector_fini(&o->nodeselector);
	selector_fini(&o->mapowner);
	free(o->function);
	free(o->image_url);
	free(o->secret_name);
	free(o->secret_ns);
	free(o->path);
	for (size_t i = 0; i < o->globals_cnt; i++) {
		free((char *)o->globals[i].name);
		free((void *)o->globals[i].value);
	}
	free(o->globals);
	for (size_t i = 0; i < o->interfaces_cnt; i++)
		free(o->interfaces[i]);
	free(o->interfaces);
	for (size_t i = 0; i < o->tracepoints_cnt; i++)
		free(o->tracepoints[i]);
	free(o->tracepoints);
	free(o->func_name);
	free(o->target);
	free(o);
}

int apply_parse_docs(struct bpfman_ctx *ctx, const char *origin,
		     const void *buf, size_t len, struct apply_obj ***ret_objs,
		     size_t *ret_cnt)
{
	struct ynode **docs = NULL;
	struct apply_obj **objs = NULL;
	size_t cnt = 0, n = 0;
	int err;

	err = yaml_read_stream(ctx, origin, buf, len, &docs, &cnt);
	if (err)
		return err;
	objs = calloc(cnt ? cnt : 1, sizeof(*objs));
	if (!objs) {
		err = -ENOMEM;
		goto out;
	}
	for (; n < cnt; n++) {
		struct pctx p = { .ctx = ctx, .origin = origin, .doc = n + 1 };

		objs[n] = calloc(1, sizeof(**objs));
		if (!objs[n]) {
			err = -ENOMEM;
			break;
		}
		p.obj = objs[n];
		objs[n]->line = docs[n]->line;
		err = parse_doc(&p, docs[n]);
		if (!err) {
			objs[n]->origin = str_printf("%s: document %zu", origin, n + 1);
			if (!objs[n]->origin)
				err = -ENOMEM;
		}
		if (err) {
			n++;
			break;
		}
		/* Two documents for one object would fight each other. */
		for (size_t j = 0; j < n; j++)
			if (objs[j]->kind == objs[n]->kind && !strcmp(objs[j]->name, objs[n]->name)) {
				err = perr(&p, docs[n]->line, "metadata.name",
					   "%s %s is already defined by document %zu; give each object one document",
					   objs[n]->kind, objs[n]->name, j + 1);
				break;
			}
		if (err) {
			n++;
			break;
		}
	}
out:
	for (size_t i = 0; i < cnt; i++)
		ynode_free(docs[i]);
	free(docs);
	if (err) {
		for (size_t i = 0; i < n; i++)
			apply_obj_free(objs[i]);
		free(objs);
		if (err == -ENOMEM)
			return bpfman_err(ctx, -ENOMEM, "%s: out of memory", origin);
		return err;
	}
	*ret_objs = objs;
	*ret_cnt = cnt;
	return 0;
}
