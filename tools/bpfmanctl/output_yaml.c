/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small YAML block-style emitter for the JSON values of output_model.c.
 * A string is written plain only when it cannot be read back as anything
 * but that string; otherwise it is double-quoted with JSON escapes, which
 * YAML's double-quoted style understands.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, reallocarray, open_memstream */
#endif
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "output.h"

static bool plain_safe(const char *s)
{
	/* YAML 1.1 and 1.2 words that would turn into booleans or null. */
	static const char *const words[] = {
		"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
	};

	if (!*s || !(isalpha((unsigned char)*s) || *s == '/' || *s == '_'))
		return false;
	for (const char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("_./-", *c))
			return false;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcasecmp(s, words[i]))
			return false;
	return true;
}

static void write_string(FILE *f, const char *s)
{
	json_t *v;
	char *quoted;

	if (plain_safe(s)) {
		fputs(s, f);
		return;
	}
	v = json_string(s);
	quoted = v ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
	/* json_string() refuses invalid UTF-8: fall back to a safe form. */
	fputs(quoted ? quoted : "\"<invalid UTF-8>\"", f);
	free(quoted);
	json_decref(v);
}

static void write_scalar(FILE *f, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		write_string(f, json_string_value(v));
		break;
	case JSON_INTEGER:
		fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		fprintf(f, "%.17g", json_real_value(v));
		break;
	case JSON_TRUE:
		fputs("true", f);
		break;
	case JSON_FALSE:
		fputs("false", f);
		break;
	case JSON_OBJECT:
		fputs("{}", f);
		break;
	case JSON_ARRAY:
		fputs("[]", f);
		break;
	case JSON_NULL:
		fputs("null", f);
		break;
	}
}

static bool is_block(const json_t *v)
{
	return (json_is_object(v) && json_object_size(v)) ||
	       (json_is_array(v) && json_array_size(v));
}

static void write_mapping(FILE *f, const json_t *obj, int indent, bool first_inline);
static void write_sequence(FILE *f, const json_t *arr, int indent);

/* After "key:" — a scalar on the same line, a block on the next ones. */
static void write_value(FILE *f, const json_t *v, int indent)
{
	if (!is_block(v)) {
		fputc(' ', f);
		write_scalar(f, v);
		fputc('\n', f);
		return;
	}
	fputc('\n', f);
	if (json_is_object(v))
		write_mapping(f, v, indent + 2, false);
	else
		write_sequence(f, v, indent + 2);
}

static void write_mapping(FILE *f, const json_t *obj, int indent, bool first_inline)
{
	const char *key;
	json_t *v;
	bool first = true;

	json_object_foreach((json_t *)obj, key, v) {
		if (!(first && first_inline))
			fprintf(f, "%*s", indent, "");
		first = false;
		write_string(f, key);
		fputc(':', f);
		write_value(f, v, indent);
	}
}

static void write_sequence(FILE *f, const json_t *arr, int indent)
{
	size_t i;
	json_t *v;

	json_array_foreach((json_t *)arr, i, v) {
		fprintf(f, "%*s- ", indent, "");
		if (json_is_object(v) && json_object_size(v)) {
			write_mapping(f, v, indent + 2, true);
		} else if (json_is_array(v) && json_array_size(v)) {
			fputc('\n', f);
			write_sequence(f, v, indent + 2);
		} else {
			write_scalar(f, v);
			fputc('\n', f);
		}
	}
}

void yaml_write(FILE *f, const json_t *value)
{
	if (json_is_object(value) && json_object_size(value))
		write_mapping(f, value, 0, false);
	else if (json_is_array(value) && json_array_size(value))
		write_sequence(f, value, 0);
	else {
		write_scalar(f, value);
		fputc('\n', f);
	}
}
