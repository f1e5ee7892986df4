// SPDX-License-Identifier: Apache-2.0
/* libFuzzer: image references (untrusted: CLI, YAML, CRDs). */
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "image/reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = strndup((const char *)data, size);
	struct image_ref ref, again;

	if (!text)
		return 0;
	if (image_ref_parse(NULL, text, &ref) == 0) {
		char *s = image_ref_string(&ref), *r = image_ref_repo_string(&ref);

		/* the normalised form parses to itself */
		if (s && image_ref_parse(NULL, s, &again) == 0) {
			char *s2 = image_ref_string(&again);

			if (!s2 || strcmp(s, s2))
				__builtin_trap();
			free(s2);
			image_ref_clear(&again);
		} else if (s) {
			__builtin_trap();
		}
		free(s);
		free(r);
		image_ref_clear(&ref);
	}
	free(text);
	return 0;
}
