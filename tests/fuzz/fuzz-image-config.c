// SPDX-License-Identifier: Apache-2.0
/* libFuzzer: image config blobs and the io.ebpf.* labels inside them. */
#include <stdint.h>

#include "internal.h"
#include "image/image_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_config c;

	if (image_config_parse(NULL, data, size, &c) == 0) {
		image_config_label(&c, LABEL_PROGRAMS);
		for (size_t i = 0; i < c.programs_cnt; i++)
			if (!c.programs[i].name || !c.programs[i].type_name)
				__builtin_trap();
		image_config_clear(&c);
	}
	return 0;
}
