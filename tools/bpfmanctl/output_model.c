/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libbpfman objects as JSON values: one key for every accessor, always
 * present (null when absent), in a fixed order. doc/bpfmanctl.md lists them.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, reallocarray, open_memstream */
#endif
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output.h"
#include "proceed_on.h"

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *uint_or_null(uint64_t v)
{
	return v ? json_integer((json_int_t)v) : json_null();
}

static json_t *iso_time(uint64_t secs)
{
	time_t t = (time_t)secs;
	struct tm tm;
	char buf[32];

	if (!secs || !gmtime_r(&t, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return json_null();
	return json_string(buf);
}

static json_t *hex_string(const void *data, size_t size)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = data;
	char *buf = malloc(2 * size + 1);
	json_t *v;

	if (!buf)
		return json_null();
	for (size_t i = 0; i < size; i++) {
		buf[2 * i] = digits[p[i] >> 4];
		buf[2 * i + 1] = digits[p[i] & 0xf];
	}
	buf[2 * size] = '\0';
	v = json_string(buf);
	free(buf);
	return v;
}

static void set(json_t *obj, const char *key, json_t *v)
{
	json_object_set_new(obj, key, v ? v : json_null());
}

static json_t *program_metadata(const struct bpfman_program *p)
{
	json_t *o = json_object();
	size_t n = bpfman_program__metadata_cnt(p);

	for (size_t i = 0; i < n; i++)
		set(o, bpfman_program__metadata_key(p, i),
		    json_string(bpfman_program__metadata_value(p, i)));
	return o;
}

static json_t *program_globals(const struct bpfman_program *p)
{
	json_t *o = json_object();
	size_t n = bpfman_program__global_cnt(p);

	for (size_t i = 0; i < n; i++) {
		size_t size = 0;
		const void *v = bpfman_program__global_value(p, i, &size);

		set(o, bpfman_program__global_name(p, i), hex_string(v, size));
	}
	return o;
}

static json_t *program_kernel(const struct bpfman_program *p)
{
	json_t *k = json_object();
	json_t *maps = json_array();
	size_t n = bpfman_program__map_id_cnt(p);

	for (size_t i = 0; i < n; i++)
		json_array_append_new(maps, json_integer(bpfman_program__map_id(p, i)));
	set(k, "loaded", json_boolean(bpfman_program__kernel_loaded(p)));
	set(k, "name", str_or_null(bpfman_program__kernel_name(p)));
	set(k, "type", str_or_null(bpfman_program__kernel_type_name(p)));
	set(k, "type_id", json_integer(bpfman_program__kernel_type(p)));
	set(k, "tag", str_or_null(bpfman_program__tag(p)));
	set(k, "loaded_at", iso_time(bpfman_program__loaded_at(p)));
	set(k, "gpl_compatible", json_boolean(bpfman_program__gpl_compatible(p)));
	set(k, "map_ids", maps);
	set(k, "btf_id", uint_or_null(bpfman_program__btf_id(p)));
	set(k, "bytes_xlated", json_integer(bpfman_program__bytes_xlated(p)));
	set(k, "jited", json_boolean(bpfman_program__jited(p)));
	set(k, "bytes_jited", json_integer(bpfman_program__bytes_jited(p)));
	set(k, "bytes_memlock", json_integer(bpfman_program__bytes_memlock(p)));
	set(k, "verified_insns", json_integer(bpfman_program__verified_insns(p)));
	return k;
}

json_t *model_program(const struct bpfman_program *p)
{
	json_t *o = json_object();
	json_t *links = json_array();
	enum bpfman_program_type type = bpfman_program__type(p);
	size_t n = bpfman_program__link_cnt(p);

	for (size_t i = 0; i < n; i++)
		json_array_append_new(links,
				      json_integer((json_int_t)bpfman_program__link_id(p, i)));
	set(o, "id", json_integer(bpfman_program__id(p)));
	set(o, "name", str_or_null(bpfman_program__name(p)));
	set(o, "type", str_or_null(bpfman_program_type_name(type)));
	set(o, "managed", json_boolean(bpfman_program__managed(p)));
	set(o, "status", bpfman_program__managed(p) ?
			 json_string(bpfman_status_name(bpfman_program__status(p))) : json_null());
	set(o, "retprobe", json_boolean(bpfman_program__retprobe(p)));
	set(o, "attach_func", str_or_null(bpfman_program__attach_func(p)));
	set(o, "path", str_or_null(bpfman_program__path(p)));
	set(o, "image", str_or_null(bpfman_program__image(p)));
	set(o, "image_digest", str_or_null(bpfman_program__image_digest(p)));
	set(o, "application", str_or_null(bpfman_program__application(p)));
	/* Who loaded it through bpfmand (doc/api.md, "Authorization"). */
	set(o, "owner", str_or_null(bpfman_program__owner(p)));
	set(o, "pin_path", str_or_null(bpfman_program__pin_path(p)));
	set(o, "map_pin_dir", str_or_null(bpfman_program__map_pin_dir(p)));
	set(o, "map_owner_id", uint_or_null(bpfman_program__map_owner_id(p)));
	set(o, "globals", program_globals(p));
	set(o, "metadata", program_metadata(p));
	set(o, "links", links);
	set(o, "kernel", program_kernel(p));
	return o;
}

bool model_link_field_applies(const char *key, enum bpfman_program_type t)
{
	bool net = t == BPFMAN_PROG_TYPE_XDP || t == BPFMAN_PROG_TYPE_TC ||
		   t == BPFMAN_PROG_TYPE_TCX;
	bool probe = t == BPFMAN_PROG_TYPE_KPROBE || t == BPFMAN_PROG_TYPE_UPROBE;

	if (!strcmp(key, "tracepoint"))
		return t == BPFMAN_PROG_TYPE_TRACEPOINT;
	if (!strcmp(key, "retprobe") || !strcmp(key, "offset"))
		return probe;
	if (!strcmp(key, "fn_name"))
		return probe || t == BPFMAN_PROG_TYPE_FENTRY ||
		       t == BPFMAN_PROG_TYPE_FEXIT || t == BPFMAN_PROG_TYPE_LSM;
	if (!strcmp(key, "target") || !strcmp(key, "pid"))
		return t == BPFMAN_PROG_TYPE_UPROBE;
	if (!strcmp(key, "iface") || !strcmp(key, "priority") ||
	    !strcmp(key, "netns") || !strcmp(key, "position"))
		return net;
	if (!strcmp(key, "proceed_on"))
		return t == BPFMAN_PROG_TYPE_XDP || t == BPFMAN_PROG_TYPE_TC;
	if (!strcmp(key, "direction"))
		return t == BPFMAN_PROG_TYPE_TC || t == BPFMAN_PROG_TYPE_TCX;
	return true;
}

static void add_name(const char *name, void *arg)
{
	json_array_append_new(arg, json_string(name));
}

static json_t *direction_name(enum bpfman_direction d)
{
	switch (d) {
	case BPFMAN_DIRECTION_INGRESS:
		return json_string("ingress");
	case BPFMAN_DIRECTION_EGRESS:
		return json_string("egress");
	case BPFMAN_DIRECTION_UNSPEC:
		break;
	}
	return json_null();
}

/* Sets key on a link object, or null when it means nothing for type t:
 * the keys stay (stable shape) either way. */
static void lset(json_t *o, enum bpfman_program_type t, const char *key,
		 json_t *v)
{
	if (!model_link_field_applies(key, t)) {
		json_decref(v);
		v = json_null();
	}
	set(o, key, v);
}

json_t *model_link(const struct bpfman_link *l)
{
	enum bpfman_program_type t = bpfman_link__type(l);
	json_t *o = json_object();
	json_t *proceed = json_array();
	json_t *meta = json_object();
	int32_t pos = bpfman_link__position(l);
	int32_t pid = bpfman_link__pid(l);
	size_t n = bpfman_link__metadata_cnt(l);

	proceed_on_each(t, bpfman_link__proceed_on(l), add_name, proceed);
	for (size_t i = 0; i < n; i++)
		set(meta, bpfman_link__metadata_key(l, i),
		    json_string(bpfman_link__metadata_value(l, i)));

	lset(o, t, "id", json_integer((json_int_t)bpfman_link__id(l)));
	lset(o, t, "program_id", json_integer(bpfman_link__program_id(l)));
	lset(o, t, "type", str_or_null(bpfman_program_type_name(t)));
	lset(o, t, "retprobe", json_boolean(bpfman_link__retprobe(l)));
	lset(o, t, "tracepoint", str_or_null(bpfman_link__tracepoint(l)));
	lset(o, t, "fn_name", str_or_null(bpfman_link__fn_name(l)));
	lset(o, t, "offset", json_integer((json_int_t)bpfman_link__offset(l)));
	lset(o, t, "target", str_or_null(bpfman_link__target(l)));
	lset(o, t, "pid", pid > 0 ? json_integer(pid) : json_null());
	lset(o, t, "iface", str_or_null(bpfman_link__iface(l)));
	lset(o, t, "priority", json_integer(bpfman_link__priority(l)));
	lset(o, t, "proceed_on", proceed);
	lset(o, t, "direction", direction_name(bpfman_link__direction(l)));
	lset(o, t, "netns", str_or_null(bpfman_link__netns(l)));
	lset(o, t, "position", pos >= 0 ? json_integer(pos) : json_null());
	lset(o, t, "kernel_link_id", uint_or_null(bpfman_link__kernel_link_id(l)));
	lset(o, t, "status", json_string(bpfman_status_name(bpfman_link__status(l))));
	lset(o, t, "pin_path", str_or_null(bpfman_link__pin_path(l)));
	lset(o, t, "metadata", meta);
	return o;
}

static const char *report_kind_name(enum bpfman_report_kind k)
{
	switch (k) {
	case BPFMAN_REPORT_PROGRAM:
		return "program";
	case BPFMAN_REPORT_LINK:
		return "link";
	case BPFMAN_REPORT_MAP:
		return "map";
	case BPFMAN_REPORT_PIN:
		return "pin";
	}
	return "unknown";
}

json_t *model_report(const struct bpfman_report *r)
{
	json_t *a = json_array();
	size_t n = r ? bpfman_report__cnt(r) : 0;

	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		int err = bpfman_report__error(r, i);

		set(o, "kind", json_string(report_kind_name(bpfman_report__kind(r, i))));
		set(o, "old_id", uint_or_null(bpfman_report__old_id(r, i)));
		set(o, "new_id", uint_or_null(bpfman_report__new_id(r, i)));
		set(o, "ok", json_boolean(err == 0));
		set(o, "error", err ? json_string(strerror(-err)) : json_null());
		set(o, "message", str_or_null(bpfman_report__message(r, i)));
		json_array_append_new(a, o);
	}
	return a;
}

json_t *model_image(const struct bpfman_image *img)
{
	json_t *o = json_object();
	json_t *labels = json_object();
	json_t *progs = json_array();
	json_t *maps = json_array();

	for (size_t i = 0; i < bpfman_image__label_cnt(img); i++)
		json_object_set_new(labels, bpfman_image__label_key(img, i),
				    json_string(bpfman_image__label_value(img, i)));
	for (size_t i = 0; i < bpfman_image__program_cnt(img); i++) {
		json_t *p = json_object();

		set(p, "name", str_or_null(bpfman_image__program_name(img, i)));
		set(p, "type", str_or_null(bpfman_program_type_name(
				       bpfman_image__program_type(img, i))));
		json_array_append_new(progs, p);
	}
	for (size_t i = 0; i < bpfman_image__map_cnt(img); i++) {
		json_t *m = json_object();

		set(m, "name", str_or_null(bpfman_image__map_name(img, i)));
		set(m, "type", str_or_null(bpfman_image__map_type(img, i)));
		json_array_append_new(maps, m);
	}
	set(o, "reference", str_or_null(bpfman_image__reference(img)));
	set(o, "digest", str_or_null(bpfman_image__digest(img)));
	set(o, "index_digest", str_or_null(bpfman_image__index_digest(img)));
	set(o, "platform", str_or_null(bpfman_image__platform(img)));
	set(o, "size", json_integer((json_int_t)bpfman_image__size(img)));
	set(o, "programs", progs);
	set(o, "maps", maps);
	set(o, "labels", labels);
	return o;
}
