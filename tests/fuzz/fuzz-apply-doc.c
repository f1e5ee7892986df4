// SPDX-License-Identifier: Apache-2.0
/* libFuzzer: the declarative apply document parser (libbpfman/apply_parse.c
 * over yaml_tree.c): untrusted YAML/JSON from users and the Kubernetes
 * agent. */
#include <stdint.h>

#include "internal.h"
#include "apply_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apply_obj **objs = NULL;
	size_t cnt = 0;

	if (apply_parse_docs(NULL, "fuzz.yaml", data, size, &objs, &cnt) == 0) {
		for (size_t i = 0; i < cnt; i++)
			apply_obj_free(objs[i]);
		free(objs);
	}
	return 0;
}
