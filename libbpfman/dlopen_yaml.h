/* SPDX-License-Identifier: Apache-2.0 */
/* libyaml is opened on first use, not linked.
 *
 * Why: only a config file and `bpfmanctl apply` documents are YAML. A
 * process with neither (bpfmand or a program using the library without
 * /etc/bpfman/bpfman.yaml, most bpfmanctl calls) would still map and
 * relocate it: 88 KB of bpfmand's idle RSS (doc/benchmarks.md, "bpfmand").
 *
 * How: as dlopen_crypto.h. Include this header instead of <yaml.h>; each
 * libyaml function the library calls is redirected through a pointer that
 * the first call fills, so call sites keep libyaml's names. Entry points
 * call dlopen_yaml() first for a clean error on a machine without libyaml
 * (Debian's package depends on libyaml-0-2, so a call reaching a missing
 * one aborts). A function missing from the list is an undefined symbol at
 * link time (-Wl,--no-undefined). */
#ifndef BPFMAN_DLOPEN_YAML_H
#define BPFMAN_DLOPEN_YAML_H

#include <yaml.h>

struct bpfman_ctx;

#define DLOPEN_YAML_SONAME "libyaml-0.so.2"

#define YAML_SYMBOLS(X)                                                        \
	X(yaml_document_end_event_initialize)                                  \
	X(yaml_document_start_event_initialize) X(yaml_emitter_delete)         \
	X(yaml_emitter_emit) X(yaml_emitter_initialize)                        \
	X(yaml_emitter_set_output) X(yaml_emitter_set_unicode)                 \
	X(yaml_emitter_set_width) X(yaml_event_delete)                         \
	X(yaml_mapping_end_event_initialize)                                   \
	X(yaml_mapping_start_event_initialize) X(yaml_parser_delete)           \
	X(yaml_parser_initialize) X(yaml_parser_parse)                         \
	X(yaml_parser_set_input_string) X(yaml_scalar_event_initialize)        \
	X(yaml_sequence_end_event_initialize)                                  \
	X(yaml_sequence_start_event_initialize)                                \
	X(yaml_stream_end_event_initialize)                                    \
	X(yaml_stream_start_event_initialize)

#define DLOPEN_YAML_DECLARE(name) extern __typeof__(name) *sym_##name;
YAML_SYMBOLS(DLOPEN_YAML_DECLARE)
#undef DLOPEN_YAML_DECLARE

/* Open libyaml once per process, thread-safe; -ENOPKG with a sentence
 * naming the package to install. */
int dlopen_yaml(struct bpfman_ctx *ctx);
/* The same for the redirects below: aborts when the library is missing. */
void dlopen_yaml_or_abort(void);

/* dlopen_libs.c defines the pointers and must see libyaml's own names. */
#ifndef DLOPEN_YAML_NO_REDIRECT
#define DLOPEN_YAML_CALL(name) (dlopen_yaml_or_abort(), sym_##name)
#define yaml_document_end_event_initialize DLOPEN_YAML_CALL(yaml_document_end_event_initialize)
#define yaml_document_start_event_initialize DLOPEN_YAML_CALL(yaml_document_start_event_initialize)
#define yaml_emitter_delete DLOPEN_YAML_CALL(yaml_emitter_delete)
#define yaml_emitter_emit DLOPEN_YAML_CALL(yaml_emitter_emit)
#define yaml_emitter_initialize DLOPEN_YAML_CALL(yaml_emitter_initialize)
#define yaml_emitter_set_output DLOPEN_YAML_CALL(yaml_emitter_set_output)
#define yaml_emitter_set_unicode DLOPEN_YAML_CALL(yaml_emitter_set_unicode)
#define yaml_emitter_set_width DLOPEN_YAML_CALL(yaml_emitter_set_width)
#define yaml_event_delete DLOPEN_YAML_CALL(yaml_event_delete)
#define yaml_mapping_end_event_initialize DLOPEN_YAML_CALL(yaml_mapping_end_event_initialize)
#define yaml_mapping_start_event_initialize DLOPEN_YAML_CALL(yaml_mapping_start_event_initialize)
#define yaml_parser_delete DLOPEN_YAML_CALL(yaml_parser_delete)
#define yaml_parser_initialize DLOPEN_YAML_CALL(yaml_parser_initialize)
#define yaml_parser_parse DLOPEN_YAML_CALL(yaml_parser_parse)
#define yaml_parser_set_input_string DLOPEN_YAML_CALL(yaml_parser_set_input_string)
#define yaml_scalar_event_initialize DLOPEN_YAML_CALL(yaml_scalar_event_initialize)
#define yaml_sequence_end_event_initialize DLOPEN_YAML_CALL(yaml_sequence_end_event_initialize)
#define yaml_sequence_start_event_initialize DLOPEN_YAML_CALL(yaml_sequence_start_event_initialize)
#define yaml_stream_end_event_initialize DLOPEN_YAML_CALL(yaml_stream_end_event_initialize)
#define yaml_stream_start_event_initialize DLOPEN_YAML_CALL(yaml_stream_start_event_initialize)
#endif

#endif
