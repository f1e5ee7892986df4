// SPDX-License-Identifier: Apache-2.0
/* Apply results: objects, actions and status entries, their accessors, and
 * rendering as the seed's per-node BpfProgram objects (YAML or JSON). */
#include "internal.h"
#include "apply_internal.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "dlopen_yaml.h"

int result_add_obj(struct bpfman_apply_result *res, const char *kind,
		   const char *name, enum bpfman_program_type type)
{
	struct apply_result_obj *more = realloc(res->objs, (res->objs_cnt + 1) * sizeof(*more));

	if (!more)
		return -ENOMEM;
	res->objs = more;
	memset(&more[res->objs_cnt], 0, sizeof(*more));
	more[res->objs_cnt].kind = strdup(kind);
	more[res->objs_cnt].name = strdup(name);
	more[res->objs_cnt].type = type;
	res->objs_cnt++;
	if (!more[res->objs_cnt - 1].kind || !more[res->objs_cnt - 1].name)
		return -ENOMEM;
	return 0;
}

int result_add_action(struct bpfman_apply_result *res, size_t obj,
		      enum bpfman_apply_verb verb, const char *attach_point,
		      const char *fmt, ...)
{
	struct apply_action *more = realloc(res->actions, (res->actions_cnt + 1) * sizeof(*more));
	struct apply_action *a;
	va_list ap;

	if (!more)
		return -ENOMEM;
	res->actions = more;
	a = &more[res->actions_cnt++];
	a->obj = obj;
	a->verb = verb;
	a->attach_point = strdup(attach_point ? attach_point : "");
	va_start(ap, fmt);
	a->detail = str_vprintf(fmt, ap);
	va_end(ap);
	return a->attach_point && a->detail ? 0 : -ENOMEM;
}

void result_truncate_actions(struct bpfman_apply_result *res, size_t from)
{
	while (res->actions_cnt > from) {
		struct apply_action *a = &res->actions[--res->actions_cnt];

		free(a->attach_point);
		free(a->detail);
	}
}

struct apply_entry *result_add_entry(struct bpfman_apply_result *res, size_t obj,
				     const char *attach_point,
				     const char *condition, const char *reason,
				     const char *message)
{
	struct apply_entry *more = realloc(res->entries, (res->entries_cnt + 1) * sizeof(*more));
	struct apply_entry *e;

	if (!more)
		return NULL;
	res->entries = more;
	e = &more[res->entries_cnt++];
	memset(e, 0, sizeof(*e));
	e->obj = obj;
	e->attach_point = strdup(attach_point ? attach_point : "");
	e->condition = condition;
	e->reason = reason;
	e->message = strdup(message ? message : "");
	if (!e->attach_point || !e->message)
		return NULL;
	return e;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void result_entry_maps(struct apply_entry *e, const char *dir)
{
	DIR *d;
	struct dirent *de;

	if (str_empty(dir) || !(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		char **n, **p;

		if (de->d_name[0] == '.')
			continue;
		n = realloc(e->map_names, (e->map_cnt + 1) * sizeof(*n));
		if (!n)
			break;
		e->map_names = n;
		p = realloc(e->map_paths, (e->map_cnt + 1) * sizeof(*p));
		if (!p)
			break;
		e->map_paths = p;
		n[e->map_cnt] = strdup(de->d_name);
		if (!n[e->map_cnt])
			break;
		e->map_cnt++;
	}
	closedir(d);
	if (e->map_cnt)
		qsort(e->map_names, e->map_cnt, sizeof(char *), name_cmp);
	for (size_t i = 0; i < e->map_cnt; i++)
		e->map_paths[i] = str_printf("%s/%s", dir, e->map_names[i]);
}

void bpfman_apply_result__free(struct bpfman_apply_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->objs_cnt; i++) {
		free(res->objs[i].kind);
		free(res->objs[i].name);
		free(res->objs[i].message);
	}
	free(res->objs);
	result_truncate_actions(res, 0);
	free(res->actions);
	for (size_t i = 0; i < res->entries_cnt; i++) {
		struct apply_entry *e = &res->entries[i];

		free(e->attach_point);
		free(e->message);
		for (size_t j = 0; j < e->map_cnt; j++) {
			free(e->map_names[j]);
			free(e->map_paths[j]);
		}
		free(e->map_names);
		free(e->map_paths);
	}
	free(res->entries);
	free(res->node);
	free(res);
}

const char *bpfman_apply_outcome_name(enum bpfman_apply_outcome o)
{
	static const char *const names[] = {
		[BPFMAN_APPLY_UNCHANGED] = "unchanged", [BPFMAN_APPLY_CREATED] = "created",
		[BPFMAN_APPLY_CONFIGURED] = "configured", [BPFMAN_APPLY_DELETED] = "deleted",
		[BPFMAN_APPLY_FAILED] = "failed", [BPFMAN_APPLY_NOT_SELECTED] = "not selected",
		[BPFMAN_APPLY_NOT_FOUND] = "not found",
	};

	return (unsigned)o < ARRAY_SIZE(names) ? names[o] : "unknown";
}

const char *bpfman_apply_verb_name(enum bpfman_apply_verb v)
{
	static const char *const names[] = {
		[BPFMAN_APPLY_LOAD] = "load", [BPFMAN_APPLY_ATTACH] = "attach",
		[BPFMAN_APPLY_UPDATE] = "update", [BPFMAN_APPLY_DETACH] = "detach",
		[BPFMAN_APPLY_UNLOAD] = "unload", [BPFMAN_APPLY_KEEP] = "keep",
	};

	return (unsigned)v < ARRAY_SIZE(names) && names[v] ? names[v] : "unknown";
}

#define OBJ(r, i) ((r) && (i) < (r)->objs_cnt)
#define ACT(r, i) ((r) && (i) < (r)->actions_cnt)
#define ENT(r, i) ((r) && (i) < (r)->entries_cnt)

size_t bpfman_apply_result__object_cnt(const struct bpfman_apply_result *r) { return r ? r->objs_cnt : 0; }
const char *bpfman_apply_result__object_kind(const struct bpfman_apply_result *r, size_t i) { return OBJ(r, i) ? r->objs[i].kind : ""; }
const char *bpfman_apply_result__object_name(const struct bpfman_apply_result *r, size_t i) { return OBJ(r, i) ? r->objs[i].name : ""; }
enum bpfman_apply_outcome bpfman_apply_result__object_outcome(const struct bpfman_apply_result *r, size_t i) { return OBJ(r, i) ? r->objs[i].outcome : BPFMAN_APPLY_FAILED; }
int bpfman_apply_result__object_error(const struct bpfman_apply_result *r, size_t i) { return OBJ(r, i) ? r->objs[i].error : -EINVAL; }
const char *bpfman_apply_result__object_message(const struct bpfman_apply_result *r, size_t i) { return OBJ(r, i) ? str_or_empty(r->objs[i].message) : ""; }

size_t bpfman_apply_result__failures(const struct bpfman_apply_result *r)
{
	size_t n = 0;

	for (size_t i = 0; r && i < r->objs_cnt; i++)
		n += r->objs[i].outcome == BPFMAN_APPLY_FAILED;
	return n;
}

size_t bpfman_apply_result__action_cnt(const struct bpfman_apply_result *r) { return r ? r->actions_cnt : 0; }
size_t bpfman_apply_result__action_object(const struct bpfman_apply_result *r, size_t i) { return ACT(r, i) ? r->actions[i].obj : 0; }
enum bpfman_apply_verb bpfman_apply_result__action_verb(const struct bpfman_apply_result *r, size_t i) { return ACT(r, i) ? r->actions[i].verb : 0; }
const char *bpfman_apply_result__action_attach_point(const struct bpfman_apply_result *r, size_t i) { return ACT(r, i) ? r->actions[i].attach_point : ""; }
const char *bpfman_apply_result__action_detail(const struct bpfman_apply_result *r, size_t i) { return ACT(r, i) ? r->actions[i].detail : ""; }

size_t bpfman_apply_result__entry_cnt(const struct bpfman_apply_result *r) { return r ? r->entries_cnt : 0; }
size_t bpfman_apply_result__entry_object(const struct bpfman_apply_result *r, size_t i) { return ENT(r, i) ? r->entries[i].obj : 0; }
const char *bpfman_apply_result__entry_node(const struct bpfman_apply_result *r, size_t i) { return ENT(r, i) ? str_or_empty(r->node) : ""; }
const char *bpfman_apply_result__entry_attach_point(const struct bpfman_apply_result *r, size_t i) { return ENT(r, i) ? r->entries[i].attach_point : ""; }
const char *bpfman_apply_result__entry_condition(const struct bpfman_apply_result *r, size_t i) { return ENT(r, i) ? r->entries[i].condition : ""; }
const char *bpfman_apply_result__entry_reason(const struct bpfman_apply_result *r, size_t i) { return ENT(r, i) ? r->entries[i].reason : ""; }
const char *bpfman_apply_result__entry_message(const struct bpfman_apply_result *r, size_t i) { return ENT(r, i) ? r->entries[i].message : ""; }
uint32_t bpfman_apply_result__entry_program_id(const struct bpfman_apply_result *r, size_t i) { return ENT(r, i) ? r->entries[i].prog_id : 0; }
uint64_t bpfman_apply_result__entry_link_id(const struct bpfman_apply_result *r, size_t i) { return ENT(r, i) ? r->entries[i].link_id : 0; }
size_t bpfman_apply_result__entry_map_cnt(const struct bpfman_apply_result *r, size_t i) { return ENT(r, i) ? r->entries[i].map_cnt : 0; }

const char *bpfman_apply_result__entry_map_name(const struct bpfman_apply_result *r, size_t i, size_t j)
{
	return ENT(r, i) && j < r->entries[i].map_cnt ? r->entries[i].map_names[j] : "";
}

const char *bpfman_apply_result__entry_map_path(const struct bpfman_apply_result *r, size_t i, size_t j)
{
	return ENT(r, i) && j < r->entries[i].map_cnt ? str_or_empty(r->entries[i].map_paths[j]) : "";
}

/* Kubernetes object names: lower case alphanumerics, '-' and '.'. */
static void k8s_name(char *out, size_t sz, const char *s)
{
	size_t n = 0;

	for (; *s && n + 1 < sz; s++) {
		char c = *s;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'))
			c = '-';
		out[n++] = c;
	}
	out[n] = 0;
}

static void set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, json_string(v));
}

static json_t *entry_json(const struct bpfman_apply_result *r, size_t i, const char *now)
{
	const struct apply_entry *e = &r->entries[i];
	const struct apply_result_obj *o = &r->objs[e->obj];
	json_t *doc = json_object(), *md = json_object(), *labels = json_object(),
	       *ann = json_object(), *owner = json_object(), *owners = json_array(),
	       *spec = json_object(), *maps = json_object(), *status = json_object(),
	       *conds = json_array(), *cond = json_object();
	char name[512], ctl[128], key[192], lower[64], *slash;
	const char *type = bpfman_program_type_name(o->type);

	if (!doc || !md || !labels || !ann || !owner || !owners || !spec || !maps ||
	    !status || !conds || !cond) {
		json_decref(doc); json_decref(md); json_decref(labels); json_decref(ann);
		json_decref(owner); json_decref(owners); json_decref(spec); json_decref(maps);
		json_decref(status); json_decref(conds); json_decref(cond);
		return NULL;
	}
	snprintf(key, sizeof(key), "%s-%s%s%s", o->name, r->node, *e->attach_point ? "-" : "",
		 e->attach_point);
	k8s_name(name, sizeof(name), key);
	k8s_name(lower, sizeof(lower), o->kind);
	snprintf(ctl, sizeof(ctl), "bpfman.io.%scontroller", lower);

	set_str(doc, "apiVersion", "bpfman.io/v1alpha1");
	set_str(doc, "kind", "BpfProgram");
	json_object_set_new(doc, "metadata", md);
	set_str(md, "name", name);
	json_object_set_new(md, "labels", labels);
	set_str(labels, "bpfman.io/ownedByProgram", o->name);
	set_str(labels, "kubernetes.io/hostname", r->node);
	json_object_set_new(md, "annotations", ann);
	if (*e->attach_point) {
		char point[256];
		const char *what = "attach-point";

		snprintf(point, sizeof(point), "%s", e->attach_point);
		switch (o->type) {
		case BPFMAN_PROG_TYPE_XDP:
		case BPFMAN_PROG_TYPE_TC:
		case BPFMAN_PROG_TYPE_TCX:
			slash = strchr(point, '/');
			if (slash) {
				*slash = 0;
				snprintf(key, sizeof(key), "%s/direction", ctl);
				set_str(ann, key, slash + 1);
			}
			what = "interface";
			break;
		case BPFMAN_PROG_TYPE_TRACEPOINT:
			what = "tracepoint";
			break;
		case BPFMAN_PROG_TYPE_KPROBE:
		case BPFMAN_PROG_TYPE_FENTRY:
		case BPFMAN_PROG_TYPE_FEXIT:
			what = "function";
			break;
		default:
			break;
		}
		snprintf(key, sizeof(key), "%s/%s", ctl, what);
		set_str(ann, key, point);
	}
	if (e->prog_id) {
		snprintf(key, sizeof(key), "%u", e->prog_id);
		set_str(ann, "bpfman.io/ProgramId", key);
	}
	if (e->link_id) {
		snprintf(key, sizeof(key), "%llu", (unsigned long long)e->link_id);
		set_str(ann, "bpfman.io/LinkId", key);
	}
	json_object_set_new(md, "ownerReferences", owners);
	json_array_append_new(owners, owner);
	set_str(owner, "apiVersion", "bpfman.io/v1alpha1");
	json_object_set_new(owner, "blockOwnerDeletion", json_true());
	json_object_set_new(owner, "controller", json_true());
	set_str(owner, "kind", o->kind);
	set_str(owner, "name", o->name);
	json_object_set_new(doc, "spec", spec);
	set_str(spec, "type", type ? type : "");
	for (size_t j = 0; j < e->map_cnt; j++)
		set_str(maps, e->map_names[j], str_or_empty(e->map_paths[j]));
	if (e->map_cnt)
		json_object_set_new(spec, "maps", maps);
	else
		json_decref(maps);
	json_object_set_new(doc, "status", status);
	json_object_set_new(status, "conditions", conds);
	json_array_append_new(conds, cond);
	set_str(cond, "lastTransitionTime", now);
	set_str(cond, "message", e->message);
	set_str(cond, "reason", e->reason);
	set_str(cond, "status", "True");
	set_str(cond, "type", e->condition);
	return doc;
}

/* A plain scalar that YAML would read as something other than this
 * string (a number, bool, null, or with special characters) is quoted. */
static bool needs_quotes(const char *s)
{
	static const char *const words[] = { "true", "True", "TRUE", "false", "False", "FALSE",
					     "null", "Null", "NULL", "~", "yes", "no", "on", "off",
					     "Yes", "No", "On", "Off", "y", "n" };
	char *end;

	/* a leading digit may be read as a number, date or timestamp */
	if (!*s || (*s >= '0' && *s <= '9') || strchr("-?:,[]{}#&*!|>'\"%@` ", *s) || strstr(s, ": ") || strstr(s, " #") ||
	    s[strlen(s) - 1] == ' ' || strchr(s, '\n'))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcmp(s, words[i]))
			return true;
	strtod(s, &end);
	if (!*end)
		return true;
	return !strncmp(s, "0x", 2) || !strncmp(s, "0o", 2);
}

static int emit(yaml_emitter_t *em, yaml_event_t *ev)
{
	return yaml_emitter_emit(em, ev) ? 0 : -EIO;
}

static int emit_json(yaml_emitter_t *em, json_t *v)
{
	yaml_event_t ev;
	int err;

	if (json_is_object(v)) {
		const char *k;
		json_t *c;

		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
		if ((err = emit(em, &ev)))
			return err;
		json_object_foreach(v, k, c) {
			yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)k, (int)strlen(k),
						     !needs_quotes(k), 1,
						     needs_quotes(k) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
								     : YAML_PLAIN_SCALAR_STYLE);
			if ((err = emit(em, &ev)) || (err = emit_json(em, c)))
				return err;
		}
		yaml_mapping_end_event_initialize(&ev);
		return emit(em, &ev);
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *c;

		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
		if ((err = emit(em, &ev)))
			return err;
		json_array_foreach(v, i, c)
			if ((err = emit_json(em, c)))
				return err;
		yaml_sequence_end_event_initialize(&ev);
		return emit(em, &ev);
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		bool q = needs_quotes(s);

		yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), !q, 1,
					     q ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE);
		return emit(em, &ev);
	}
	{
		_cleanup_free_ char *s = json_dumps(v, JSON_ENCODE_ANY);

		if (!s)
			return -ENOMEM;
		yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1,
					     YAML_PLAIN_SCALAR_STYLE);
		return emit(em, &ev);
	}
}

static int yaml_write(void *data, unsigned char *buf, size_t size)
{
	return fwrite(buf, 1, size, data) == size;
}

static int render_yaml(char **ret, json_t *docs)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	yaml_emitter_t em;
	yaml_event_t ev;
	size_t i;
	json_t *d;
	int err = 0;

	if (!f)
		return -ENOMEM;
	if (!yaml_emitter_initialize(&em)) {
		fclose(f);
		free(text);
		return -ENOMEM;
	}
	yaml_emitter_set_output(&em, yaml_write, f);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, -1);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	err = emit(&em, &ev);
	json_array_foreach(docs, i, d) {
		if (err)
			break;
		yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, i == 0);
		if ((err = emit(&em, &ev)) || (err = emit_json(&em, d)))
			break;
		yaml_document_end_event_initialize(&ev, 1);
		err = emit(&em, &ev);
	}
	if (!err) {
		yaml_stream_end_event_initialize(&ev);
		err = emit(&em, &ev);
	}
	yaml_emitter_delete(&em);
	if (fclose(f) && !err)
		err = -EIO;
	if (err) {
		free(text);
		return err;
	}
	*ret = text;
	return 0;
}

int bpfman_apply_result__render(char **ret_text, const struct bpfman_apply_result *r,
				enum bpfman_render_format format)
{
	json_t *docs;
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	int err = 0;

	if (!ret_text || !r)
		return -EINVAL;
	if (format != BPFMAN_RENDER_YAML && format != BPFMAN_RENDER_JSON)
		return -EINVAL;
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	docs = json_array();
	if (!docs)
		return -ENOMEM;
	for (size_t i = 0; i < r->entries_cnt; i++) {
		json_t *d = entry_json(r, i, now);

		if (!d || json_array_append_new(docs, d)) {
			json_decref(docs);
			return -ENOMEM;
		}
	}
	if (format == BPFMAN_RENDER_JSON) {
		*ret_text = json_dumps(docs, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (!*ret_text)
			err = -ENOMEM;
	} else if (!json_array_size(docs)) {
		*ret_text = strdup("");
		if (!*ret_text)
			err = -ENOMEM;
	} else if (!(err = dlopen_yaml(NULL))) {
		err = render_yaml(ret_text, docs);
	}
	json_decref(docs);
	return err;
}
