// SPDX-License-Identifier: Apache-2.0
/* Records and the small lists they carry (metadata, global data). */
#include "internal.h"
#include "model.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void kv_list_clear(struct kv_list *l)
{
	for (size_t i = 0; i < l->cnt; i++) {
		free(l->keys[i]);
		free(l->values[i]);
	}
	free(l->keys);
	free(l->values);
	memset(l, 0, sizeof(*l));
}

int kv_list_add(struct kv_list *l, const char *key, const char *value)
{
	char **k, **v;

	k = realloc(l->keys, (l->cnt + 1) * sizeof(*k));
	if (!k)
		return -ENOMEM;
	l->keys = k;
	v = realloc(l->values, (l->cnt + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->values = v;
	k[l->cnt] = strdup(key);
	v[l->cnt] = strdup(value);
	if (!k[l->cnt] || !v[l->cnt]) {
		free(k[l->cnt]);
		free(v[l->cnt]);
		return -ENOMEM;
	}
	l->cnt++;
	return 0;
}

const char *kv_list_get(const struct kv_list *l, const char *key)
{
	for (size_t i = 0; i < l->cnt; i++)
		if (!strcmp(l->keys[i], key))
			return l->values[i];
	return NULL;
}

char *kv_list_to_json(const struct kv_list *l)
{
	json_t *obj = json_object();
	char *s;

	if (!obj)
		return NULL;
	for (size_t i = 0; i < l->cnt; i++)
		json_object_set_new(obj, l->keys[i], json_string(l->values[i]));
	s = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(obj);
	return s;
}

int kv_list_from_json(struct kv_list *l, const char *json)
{
	json_t *obj, *val;
	const char *key;
	int err = 0;

	/* "{}" is what an empty list is written as: most rows, on every
	 * Get and List, need no JSON parser for it. */
	if (str_empty(json) || !strcmp(json, "{}"))
		return 0;
	obj = json_loads(json, 0, NULL);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return -EINVAL;
	}
	json_object_foreach(obj, key, val) {
		if (!json_is_string(val))
			err = -EINVAL; /* not what we write: never drop it silently */
		else
			err = kv_list_add(l, key, json_string_value(val));
		if (err)
			break;
	}
	json_decref(obj);
	return err;
}

void global_list_clear(struct global_list *l)
{
	for (size_t i = 0; i < l->cnt; i++) {
		free(l->names[i]);
		free(l->values[i]);
	}
	free(l->names);
	free(l->values);
	free(l->sizes);
	memset(l, 0, sizeof(*l));
}

int global_list_add(struct global_list *l, const char *name, const void *value,
		    size_t size)
{
	char **n;
	unsigned char **v;
	size_t *s;

	n = realloc(l->names, (l->cnt + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	l->names = n;
	v = realloc(l->values, (l->cnt + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->values = v;
	s = realloc(l->sizes, (l->cnt + 1) * sizeof(*s));
	if (!s)
		return -ENOMEM;
	l->sizes = s;
	n[l->cnt] = strdup(name);
	v[l->cnt] = malloc(size ? size : 1);
	if (!n[l->cnt] || !v[l->cnt]) {
		free(n[l->cnt]);
		free(v[l->cnt]);
		return -ENOMEM;
	}
	memcpy(v[l->cnt], value, size);
	s[l->cnt] = size;
	l->cnt++;
	return 0;
}

char *global_list_to_json(const struct global_list *l)
{
	json_t *obj = json_object();
	char *s;

	if (!obj)
		return NULL;
	for (size_t i = 0; i < l->cnt; i++) {
		char *hex = malloc(2 * l->sizes[i] + 1);

		if (!hex) {
			json_decref(obj);
			return NULL;
		}
		hex_encode(l->values[i], l->sizes[i], hex);
		json_object_set_new(obj, l->names[i], json_string(hex));
		free(hex);
	}
	s = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(obj);
	return s;
}

int global_list_from_json(struct global_list *l, const char *json)
{
	json_t *obj, *val;
	const char *key;
	int err = 0;

	/* "{}" is what an empty list is written as: most rows, on every
	 * Get and List, need no JSON parser for it. */
	if (str_empty(json) || !strcmp(json, "{}"))
		return 0;
	obj = json_loads(json, 0, NULL);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return -EINVAL;
	}
	json_object_foreach(obj, key, val) {
		unsigned char *buf = NULL;
		size_t len = 0;

		if (!json_is_string(val) ||
		    hex_decode(json_string_value(val), &buf, &len)) {
			err = -EINVAL;
			break;
		}
		err = global_list_add(l, key, buf, len);
		free(buf);
		if (err)
			break;
	}
	json_decref(obj);
	return err;
}

void program_clear(struct bpfman_program *p)
{
	free(p->state);
	free(p->name);
	free(p->attach_func);
	free(p->path);
	free(p->bytecode);
	free(p->application);
	free(p->map_pin_dir);
	free(p->pin_path);
	free(p->boot_id);
	free(p->image);
	free(p->image_digest);
	free(p->owner);
	kv_list_clear(&p->metadata);
	global_list_clear(&p->globals);
	free(p->link_ids);
	free(p->kernel.map_ids);
	memset(p, 0, sizeof(*p));
}

void link_clear(struct bpfman_link *l)
{
	free(l->state);
	free(l->tracepoint);
	free(l->fn_name);
	free(l->target);
	free(l->iface);
	free(l->netns);
	free(l->pin_path);
	free(l->boot_id);
	kv_list_clear(&l->metadata);
	memset(l, 0, sizeof(*l));
}
