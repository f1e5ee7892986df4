/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Printers: json and yaml write the model as is; table reads the same model
 * and lays it out for people (key/value blocks for get, columns for list).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, reallocarray, open_memstream */
#endif
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "proceed_on.h"

#define LABEL_WIDTH 32
#define LIST_MAX_LINKS 3

static void emit(const struct ctl_global *g, json_t *v)
{
	if (g->output == CTL_OUTPUT_JSON) {
		json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		yaml_write(stdout, v);
	}
}

/* ---- key/value blocks (get) ---- */

struct label {
	const char *key;
	const char *text;
};

static const struct label program_labels[] = {
	{ "id", "Program ID" },
	{ "name", "BPF Function" },
	{ "type", "Program Type" },
	{ "managed", "Managed" },
	{ "status", "Status" },
	{ "retprobe", "Retprobe" },
	{ "attach_func", "Attach Function" },
	{ "path", "Path" },
	{ "image", "Image URL" },
	{ "image_digest", "Image Digest" },
	{ "application", "Application" },
	{ "owner", "Owner" },
	{ "pin_path", "Pin Path" },
	{ "map_pin_dir", "Map Pin Path" },
	{ "map_owner_id", "Map Owner ID" },
	{ "globals", "Global" },
	{ "metadata", "Metadata" },
	{ "links", "Links" },
	{ NULL, NULL },
};

static const struct label kernel_labels[] = {
	{ "loaded", "Loaded In Kernel" },
	{ "name", "BPF Function" },
	{ "type", "Kernel Type" },
	{ "type_id", "Kernel Type ID" },
	{ "tag", "Tag" },
	{ "loaded_at", "Loaded At" },
	{ "gpl_compatible", "GPL Compatible" },
	{ "map_ids", "Map IDs" },
	{ "btf_id", "BTF ID" },
	{ "bytes_xlated", "Size Translated (bytes)" },
	{ "jited", "JITted" },
	{ "bytes_jited", "Size JITted (bytes)" },
	{ "bytes_memlock", "Kernel Allocated Memory (bytes)" },
	{ "verified_insns", "Verified Instruction Count" },
	{ NULL, NULL },
};

static const struct label link_labels[] = {
	{ "id", "Link ID" },
	{ "program_id", "Program ID" },
	{ "type", "Program Type" },
	{ "retprobe", "Retprobe" },
	{ "tracepoint", "Tracepoint" },
	{ "target", "Target" },
	{ "fn_name", "Attach Function" },
	{ "offset", "Offset" },
	{ "pid", "PID" },
	{ "iface", "Interface" },
	{ "direction", "Direction" },
	{ "priority", "Priority" },
	{ "position", "Position" },
	{ "proceed_on", "Proceed On" },
	{ "netns", "Network Namespace" },
	{ "kernel_link_id", "Kernel Link ID" },
	{ "status", "Status" },
	{ "pin_path", "Pin Path" },
	{ "metadata", "Metadata" },
	{ NULL, NULL },
};

/* A scalar as text into buf. */
static const char *scalar_text(const json_t *v, char *buf, size_t size)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_string_value(v);
	case JSON_INTEGER:
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	case JSON_REAL:
		snprintf(buf, size, "%g", json_real_value(v));
		return buf;
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	case JSON_NULL:
	case JSON_OBJECT:
	case JSON_ARRAY:
		break;
	}
	return "None";
}

static void kv_line(const char *label, const char *value)
{
	char lab[64];

	snprintf(lab, sizeof(lab), "%s%s", label, *label ? ":" : "");
	printf(" %-*s %s\n", LABEL_WIDTH, lab, value);
}

/* Objects become one "key=value" line each; arrays one joined line. */
static void kv_value(const char *label, const json_t *v)
{
	char buf[64];

	if (json_is_object(v) && json_object_size(v)) {
		const char *key;
		json_t *val;
		bool first = true;

		json_object_foreach((json_t *)v, key, val) {
			char *line;

			if (asprintf(&line, "%s=%s", key,
				     scalar_text(val, buf, sizeof(buf))) < 0)
				return;
			kv_line(first ? label : "", line);
			free(line);
			first = false;
		}
	} else if (json_is_array(v) && json_array_size(v)) {
		size_t i, len = 0;
		json_t *item;
		char *line = NULL;
		FILE *m = open_memstream(&line, &len);

		if (!m)
			return;
		json_array_foreach((json_t *)v, i, item)
			fprintf(m, "%s%s", i ? ", " : "",
				scalar_text(item, buf, sizeof(buf)));
		fclose(m);
		kv_line(label, line);
		free(line);
	} else {
		kv_line(label, scalar_text(v, buf, sizeof(buf)));
	}
}

static void kv_block(const char *title, const json_t *obj,
		     const struct label *labels, enum bpfman_program_type link_type)
{
	printf(" %s\n", title);
	for (const struct label *l = labels; l->key; l++) {
		if (link_type != BPFMAN_PROG_TYPE_UNSPEC &&
		    !model_link_field_applies(l->key, link_type))
			continue;
		kv_value(l->text, json_object_get(obj, l->key));
	}
}

void print_programs(const struct ctl_global *g,
		    struct bpfman_program *const *progs, size_t cnt, bool single)
{
	json_t *all = json_array();

	for (size_t i = 0; i < cnt; i++)
		json_array_append_new(all, model_program(progs[i]));
	if (g->output != CTL_OUTPUT_TABLE) {
		emit(g, single && cnt == 1 ? json_array_get(all, 0) : all);
		json_decref(all);
		return;
	}
	for (size_t i = 0; i < cnt; i++) {
		json_t *p = json_array_get(all, i);

		if (i)
			putchar('\n');
		kv_block("Bpfman State", p, program_labels, BPFMAN_PROG_TYPE_UNSPEC);
		putchar('\n');
		kv_block("Kernel State", json_object_get(p, "kernel"),
			 kernel_labels, BPFMAN_PROG_TYPE_UNSPEC);
	}
	json_decref(all);
}

void print_link(const struct ctl_global *g, const struct bpfman_link *link)
{
	json_t *l = model_link(link);
	enum bpfman_program_type t = bpfman_link__type(link);

	if (g->output != CTL_OUTPUT_TABLE)
		emit(g, l);
	else /* a link of no known type (UNSPEC) shows every field */
		kv_block("Bpfman State", l, link_labels, t);
	json_decref(l);
}

/* ---- column tables (list, reports) ---- */

struct table {
	size_t cols, rows;
	char **cells; /* rows * cols, row-major */
};

static void table_add(struct table *t, const char *const *row)
{
	char **cells = reallocarray(t->cells, (t->rows + 1) * t->cols,
				    sizeof(*cells));

	if (!cells)
		return;
	t->cells = cells;
	for (size_t c = 0; c < t->cols; c++)
		cells[t->rows * t->cols + c] = strdup(row[c] ? row[c] : "");
	t->rows++;
}

static void table_print_free(struct table *t)
{
	size_t *width = calloc(t->cols, sizeof(*width));

	for (size_t r = 0; width && r < t->rows; r++)
		for (size_t c = 0; c < t->cols; c++) {
			const char *s = t->cells[r * t->cols + c];
			size_t len = s ? strlen(s) : 0;

			if (len > width[c])
				width[c] = len;
		}
	for (size_t r = 0; width && r < t->rows; r++) {
		int pad = 0; /* owed spaces, written only before more text */

		for (size_t c = 0; c < t->cols; c++) {
			const char *s = t->cells[r * t->cols + c];

			if (s && *s) {
				printf("%*s%s", pad + 1, "", s);
				pad = (int)(width[c] - strlen(s)) + 1;
			} else {
				pad += (int)width[c] + 2;
			}
		}
		putchar('\n');
	}
	for (size_t i = 0; i < t->rows * t->cols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(width);
}

static const char *str_or(const json_t *obj, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : dflt;
}

/* "kretprobe" for a kprobe with retprobe set, and so on. */
static const char *shown_type(const json_t *o)
{
	const char *type = str_or(o, "type", NULL);
	bool ret = json_is_true(json_object_get(o, "retprobe"));

	if (!type)
		return str_or(json_object_get(o, "kernel"), "type", "unknown");
	if (ret && !strcmp(type, "kprobe"))
		return "kretprobe";
	if (ret && !strcmp(type, "uprobe"))
		return "uretprobe";
	return type;
}

/* The table reads the accessors directly: with 1,000 programs, building
 * the JSON model only to print five columns was a third of `list`'s time. */
static const char *table_type(const struct bpfman_program *p)
{
	const char *t = bpfman_program_type_name(bpfman_program__type(p));

	if (!bpfman_program__managed(p) || !t)
		return *bpfman_program__kernel_type_name(p) ? bpfman_program__kernel_type_name(p)
							     : "unknown";
	if (bpfman_program__retprobe(p) && !strcmp(t, "kprobe"))
		return "kretprobe";
	if (bpfman_program__retprobe(p) && !strcmp(t, "uprobe"))
		return "uretprobe";
	return t;
}

static void table_links(char *buf, size_t size, const struct bpfman_program *p)
{
	size_t n = bpfman_program__link_cnt(p), len;

	buf[0] = '\0';
	if (!n)
		return;
	len = (size_t)snprintf(buf, size, "(%zu)", n);
	for (size_t i = 0; i < n && i < LIST_MAX_LINKS && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%llu", i ? ", " : " ",
					(unsigned long long)bpfman_program__link_id(p, i));
	if (n > LIST_MAX_LINKS && len < size)
		snprintf(buf + len, size - len, ", ...");
}

void print_program_list(const struct ctl_global *g,
			struct bpfman_program *const *progs, size_t cnt,
			bool show_managed)
{
	struct table t = { .cols = show_managed ? 7 : 6 };
	const char *head[] = { "Program ID", "Application", "Type",
			       "Function Name", "Links", "Status", "Managed" };

	if (g->output != CTL_OUTPUT_TABLE) {
		json_t *all = json_array();

		for (size_t i = 0; i < cnt; i++)
			json_array_append_new(all, model_program(progs[i]));
		emit(g, all);
		json_decref(all);
		return;
	}
	table_add(&t, head);
	for (size_t i = 0; i < cnt; i++) {
		const struct bpfman_program *p = progs[i];
		char id[24], links[128];
		const char *name = bpfman_program__name(p);
		const char *row[7];

		snprintf(id, sizeof(id), "%u", bpfman_program__id(p));
		table_links(links, sizeof(links), p);
		row[0] = id;
		row[1] = bpfman_program__application(p);
		row[2] = table_type(p);
		row[3] = *name ? name : bpfman_program__kernel_name(p);
		row[4] = links;
		row[5] = bpfman_program__managed(p) ? bpfman_status_name(bpfman_program__status(p)) : "";
		row[6] = bpfman_program__managed(p) ? "yes" : "no";
		table_add(&t, row);
	}
	table_print_free(&t);
}

/* One line saying where a link is attached. */
static void attachment_text(char *buf, size_t size, const json_t *l)
{
	const char *type = str_or(l, "type", "");
	const char *fn = str_or(l, "fn_name", "");
	json_int_t off = json_integer_value(json_object_get(l, "offset"));
	const json_t *pos = json_object_get(l, "position");
	const json_t *prio = json_object_get(l, "priority");
	char posbuf[64] = "";
	int pn = 0;

	if (json_is_integer(prio))
		pn = snprintf(posbuf, sizeof(posbuf), " priority %" JSON_INTEGER_FORMAT,
			      json_integer_value(prio));
	if (json_is_integer(pos) && json_integer_value(pos) >= 0)
		snprintf(posbuf + pn, sizeof(posbuf) - (size_t)pn, " position %" JSON_INTEGER_FORMAT,
			 json_integer_value(pos));

	if (!strcmp(type, "tracepoint")) {
		snprintf(buf, size, "%s", str_or(l, "tracepoint", ""));
	} else if (!strcmp(type, "kprobe") || !strcmp(type, "uprobe")) {
		const json_t *pid = json_object_get(l, "pid");
		int n = 0;

		if (!strcmp(type, "uprobe"))
			n = snprintf(buf, size, "%s%s", str_or(l, "target", ""),
				     *fn ? ":" : "");
		n += snprintf(buf + n, size - (size_t)n, "%s", fn);
		if (off && (size_t)n < size)
			n += snprintf(buf + n, size - (size_t)n, "+0x%llx",
				      (unsigned long long)off);
		if (json_is_integer(pid) && (size_t)n < size)
			snprintf(buf + n, size - (size_t)n, " pid %" JSON_INTEGER_FORMAT,
				 json_integer_value(pid));
	} else if (!strcmp(type, "xdp")) {
		snprintf(buf, size, "%s%s", str_or(l, "iface", ""), posbuf);
	} else if (!strcmp(type, "tc") || !strcmp(type, "tcx")) {
		snprintf(buf, size, "%s %s%s", str_or(l, "iface", ""),
			 str_or(l, "direction", ""), posbuf);
	} else {
		snprintf(buf, size, "%s", fn);
	}
}

void print_link_list(const struct ctl_global *g,
		     struct bpfman_link *const *links, size_t cnt)
{
	struct table t = { .cols = 5 };
	const char *head[] = { "Link ID", "Program ID", "Type", "Attachment", "Status" };
	json_t *all = json_array();

	for (size_t i = 0; i < cnt; i++)
		json_array_append_new(all, model_link(links[i]));
	if (g->output != CTL_OUTPUT_TABLE) {
		emit(g, all);
		json_decref(all);
		return;
	}
	table_add(&t, head);
	for (size_t i = 0; i < cnt; i++) {
		json_t *l = json_array_get(all, i);
		char id[24], prog[24], attach[512];
		const char *row[5] = { id, prog, shown_type(l), attach, str_or(l, "status", "") };

		snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(json_object_get(l, "id")));
		snprintf(prog, sizeof(prog), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(json_object_get(l, "program_id")));
		attachment_text(attach, sizeof(attach), l);
		table_add(&t, row);
	}
	table_print_free(&t);
	json_decref(all);
}

static void id_text(char *buf, size_t size, const json_t *v)
{
	if (json_is_integer(v))
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else
		snprintf(buf, size, "-");
}

void print_report(const struct ctl_global *g,
		  const struct bpfman_report *report, const char *empty)
{
	json_t *all = model_report(report);
	struct table t = { .cols = 3 };
	const char *head[] = { "Kind", "Old ID -> New ID", "Result" };
	size_t i;
	json_t *item;

	if (g->output != CTL_OUTPUT_TABLE) {
		emit(g, all);
		json_decref(all);
		return;
	}
	if (!json_array_size(all)) {
		printf("%s\n", empty);
		json_decref(all);
		return;
	}
	table_add(&t, head);
	json_array_foreach(all, i, item) {
		char old_id[24], new_id[24], ids[64], *result = NULL;
		const char *msg = str_or(item, "message", "");
		const char *row[3];
		int n;

		id_text(old_id, sizeof(old_id), json_object_get(item, "old_id"));
		id_text(new_id, sizeof(new_id), json_object_get(item, "new_id"));
		snprintf(ids, sizeof(ids), "%s -> %s", old_id, new_id);
		if (json_is_true(json_object_get(item, "ok")))
			n = asprintf(&result, "ok%s%s", *msg ? ": " : "", msg);
		else
			n = asprintf(&result, "error: %s", *msg ? msg
				     : str_or(item, "error", "failed"));
		row[0] = str_or(item, "kind", "");
		row[1] = ids;
		row[2] = n < 0 ? "?" : result;
		table_add(&t, row);
		if (n >= 0)
			free(result);
	}
	table_print_free(&t);
	json_decref(all);
}

/* One network hook's chain, in run order. */
void print_chain(const struct ctl_global *g, const struct bpfman_chain *c,
		 enum bpfman_program_type type)
{
	struct table t = { .cols = 6 };
	const char *head[] = { "Position", "Program ID", "Name", "Priority", "Proceed-On", "Link ID" };
	json_t *all = json_object(), *slots = json_array();

	json_object_set_new(all, "dispatcher_id", bpfman_chain__dispatcher_id(c) ?
				  json_integer(bpfman_chain__dispatcher_id(c)) : json_null());
	if (type == BPFMAN_PROG_TYPE_XDP)
		json_object_set_new(all, "xdp_mode", *bpfman_chain__xdp_mode(c) ?
					  json_string(bpfman_chain__xdp_mode(c)) : json_null());
	for (size_t i = 0; i < bpfman_chain__cnt(c); i++) {
		json_t *e = json_object();
		int32_t prio = bpfman_chain__priority(c, i);
		uint64_t link = bpfman_chain__link_id(c, i);

		json_object_set_new(e, "position", json_integer((json_int_t)i));
		json_object_set_new(e, "program_id", json_integer(bpfman_chain__prog_id(c, i)));
		json_object_set_new(e, "name", json_string(bpfman_chain__prog_name(c, i)));
		json_object_set_new(e, "priority", prio >= 0 ? json_integer(prio) : json_null());
		json_object_set_new(e, "proceed_on", bpfman_chain__proceed_on(c, i) ?
					  json_integer(bpfman_chain__proceed_on(c, i)) : json_null());
		json_object_set_new(e, "link_id", link ? json_integer((json_int_t)link) : json_null());
		json_object_set_new(e, "managed", json_boolean(link != 0));
		json_array_append_new(slots, e);
	}
	json_object_set_new(all, "programs", slots);
	if (g->output != CTL_OUTPUT_TABLE) {
		emit(g, all);
		json_decref(all);
		return;
	}
	if (bpfman_chain__dispatcher_id(c))
		printf(" Dispatcher: program %u\n", bpfman_chain__dispatcher_id(c));
	if (*bpfman_chain__xdp_mode(c))
		printf(" XDP mode: %s\n", bpfman_chain__xdp_mode(c));
	table_add(&t, head);
	for (size_t i = 0; i < bpfman_chain__cnt(c); i++) {
		char pos[24], id[16], prio[16], proceed[256], link[24];

		snprintf(pos, sizeof(pos), "%zu", i);
		snprintf(id, sizeof(id), "%u", bpfman_chain__prog_id(c, i));
		if (bpfman_chain__priority(c, i) >= 0)
			snprintf(prio, sizeof(prio), "%d", bpfman_chain__priority(c, i));
		else
			snprintf(prio, sizeof(prio), "-");
		if (bpfman_chain__proceed_on(c, i))
			proceed_on_format(proceed, sizeof(proceed), type, bpfman_chain__proceed_on(c, i));
		else
			snprintf(proceed, sizeof(proceed), "-");
		if (bpfman_chain__link_id(c, i))
			snprintf(link, sizeof(link), "%llu", (unsigned long long)bpfman_chain__link_id(c, i));
		else
			snprintf(link, sizeof(link), "(not ours)");
		const char *row[] = { pos, id, bpfman_chain__prog_name(c, i), prio, proceed, link };
		table_add(&t, row);
	}
	table_print_free(&t);
	json_decref(all);
}

/* ---- images ---- */

static const struct label image_labels[] = {
	{ "reference", "Image" },
	{ "digest", "Manifest Digest" },
	{ "index_digest", "Index Digest" },
	{ "platform", "Platform" },
	{ "size", "Size (bytes)" },
	{ "labels", "Labels" },
	{ NULL, NULL },
};

void print_image(const struct ctl_global *g, const struct bpfman_image *image)
{
	json_t *o = model_image(image);
	struct table t = { .cols = 2 };
	size_t i;
	json_t *item;

	if (g->output != CTL_OUTPUT_TABLE) {
		emit(g, o);
		json_decref(o);
		return;
	}
	kv_block("Image", o, image_labels, BPFMAN_PROG_TYPE_UNSPEC);
	putchar('\n');
	printf(" Programs\n");
	table_add(&t, (const char *const[]){ "Type", "Name" });
	json_array_foreach(json_object_get(o, "programs"), i, item)
		table_add(&t, (const char *const[]){ str_or(item, "type", "None"),
						     str_or(item, "name", "None") });
	table_print_free(&t);
	putchar('\n');
	printf(" Maps\n");
	t = (struct table){ .cols = 2 };
	table_add(&t, (const char *const[]){ "Type", "Name" });
	json_array_foreach(json_object_get(o, "maps"), i, item)
		table_add(&t, (const char *const[]){ str_or(item, "type", "None"),
						     str_or(item, "name", "None") });
	table_print_free(&t);
	json_decref(o);
}

void print_image_list(const struct ctl_global *g,
		      struct bpfman_image *const *images, size_t cnt)
{
	json_t *all = json_array();
	struct table t = { .cols = 5 };
	size_t i;
	json_t *o;

	for (i = 0; i < cnt; i++)
		json_array_append_new(all, model_image(images[i]));
	if (g->output != CTL_OUTPUT_TABLE) {
		emit(g, all);
		json_decref(all);
		return;
	}
	table_add(&t, (const char *const[]){ "Image", "Digest", "Platform", "Size",
					     "Programs" });
	json_array_foreach(all, i, o) {
		char digest[20], size[32], progs[32];
		const char *d = str_or(o, "digest", "");

		/* sha256: plus 12 hex digits, as container tools abbreviate. */
		snprintf(digest, sizeof(digest), "%.19s", d);
		snprintf(size, sizeof(size), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(json_object_get(o, "size")));
		snprintf(progs, sizeof(progs), "%zu",
			 json_array_size(json_object_get(o, "programs")));
		table_add(&t, (const char *const[]){ str_or(o, "reference", ""), digest,
						     str_or(o, "platform", ""), size, progs });
	}
	table_print_free(&t);
	json_decref(all);
}
