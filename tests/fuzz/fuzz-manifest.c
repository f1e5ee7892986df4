// SPDX-License-Identifier: Apache-2.0
/* libFuzzer: manifests and indexes as registries send them. The first
 * byte picks the Content-Type the body arrives with. */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "image/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const content_types[] = {
	NULL, MT_OCI_INDEX, MT_OCI_MANIFEST, MT_DOCKER_LIST, MT_DOCKER_MANIFEST,
	"application/json", MT_OCI_MANIFEST "; charset=utf-8",
	"application/vnd.docker.distribution.manifest.v1+prettyjws",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct descriptor *d;
	struct manifest m;
	const char *ct;

	if (size < 1)
		return 0;
	ct = content_types[data[0] % ARRAY_SIZE(content_types)];
	if (manifest_parse(NULL, ct, data + 1, size - 1, &m) == 0) {
		if (manifest_is_index(&m)) {
			manifest_pick_platform(NULL, &m, "linux/amd64", &d);
			manifest_pick_platform(NULL, &m, "linux/arm64/v8", &d);
			manifest_pick_platform(NULL, &m, "linux/arm/v7", &d);
			for (size_t i = 0; i < m.manifests_cnt; i++) {
				struct descriptor copy;
				json_t *j = descriptor_json(&m.manifests[i]);

				json_decref(j);
				if (descriptor_copy(&copy, &m.manifests[i]) == 0)
					descriptor_clear(&copy);
			}
		} else {
			json_decref(descriptor_json(&m.config));
		}
		manifest_clear(&m);
	}
	if (manifest_parse_layout_index(NULL, data + 1, size - 1, &m) == 0)
		manifest_clear(&m);
	return 0;
}
