// SPDX-License-Identifier: Apache-2.0
/* libFuzzer: layer blobs (tar, tar+gzip) read for their ELF, with and
 * without a file name from the legacy label. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "image/layer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *elf;
	size_t len;

	if (layer_read_elf(NULL, data, size, NULL, &elf, &len) == 0) {
		if (len < 4 || memcmp(elf, "\177ELF", 4))
			__builtin_trap();
		free(elf);
	}
	if (layer_read_elf(NULL, data, size, "prog.o", &elf, &len) == 0)
		free(elf);
	return 0;
}
