// SPDX-License-Identifier: Apache-2.0
/* libFuzzer: the config file's YAML reader (libbpfman/config.h). */
#include <jansson.h>
#include <stdint.h>

#include "internal.h"
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *root = NULL;

	if (config_parse_yaml(NULL, "fuzz.yaml", data, size, &root) == 0)
		json_decref(root);
	return 0;
}
