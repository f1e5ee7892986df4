/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Output. Every libbpfman object is first turned into a JSON value with
 * stable keys (output_model.c); json and yaml print that value, and the
 * table printers read the same value, so the three formats always agree.
 */
#ifndef BPFMANCTL_OUTPUT_H
#define BPFMANCTL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "bpfmanctl.h"

/* output_model.c: new references; absent values are null, never missing. */
json_t *model_program(const struct bpfman_program *prog);
json_t *model_link(const struct bpfman_link *link);
json_t *model_report(const struct bpfman_report *report);
json_t *model_image(const struct bpfman_image *image);
/* Whether a link field means anything for links of this type (others are
 * null in the model and left out of tables). */
bool model_link_field_applies(const char *key, enum bpfman_program_type type);

/* output_yaml.c: YAML block style; strings are quoted whenever a plain
 * scalar could be read as something else. */
void yaml_write(FILE *f, const json_t *value);

/* output.c: the printers commands call; they write to stdout. */
/* get program (one) and load (several): full detail. */
void print_programs(const struct ctl_global *g,
		    struct bpfman_program *const *progs, size_t cnt,
		    bool single);
/* list programs; show_managed adds a Managed column (--all). */
void print_program_list(const struct ctl_global *g,
			struct bpfman_program *const *progs, size_t cnt,
			bool show_managed);
void print_link(const struct ctl_global *g, const struct bpfman_link *link);
void print_chain(const struct ctl_global *g, const struct bpfman_chain *chain,
		 enum bpfman_program_type type);
void print_link_list(const struct ctl_global *g,
		     struct bpfman_link *const *links, size_t cnt);
/* restore / reconcile; `empty` is what the table says for no items. */
void print_report(const struct ctl_global *g,
		  const struct bpfman_report *report, const char *empty);

/* image inspect (one, full detail) and image list. */
void print_image(const struct ctl_global *g, const struct bpfman_image *image);
void print_image_list(const struct ctl_global *g,
		      struct bpfman_image *const *images, size_t cnt);

#endif /* BPFMANCTL_OUTPUT_H */
