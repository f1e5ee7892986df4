// SPDX-License-Identifier: Apache-2.0
/* libFuzzer: registry credentials in auth-file text (untrusted: a
 * Kubernetes pull Secret's .dockerconfigjson or legacy .dockercfg, read by
 * the agent from the API server; the same code reads auth files). The
 * first byte picks the legacy form and the registry looked up. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "image/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const registries[] = { "docker.io", "127.0.0.1:5000", "quay.io",
						  "registry.example:443" };
	struct registry_creds creds;
	char *text;
	int err;

	if (size < 1)
		return 0;
	text = strndup((const char *)data + 1, size - 1);
	if (!text)
		return 0;
	err = auth_lookup_text(NULL, "the fuzzed Secret", text, data[0] & 1,
			       registries[(data[0] >> 1) % 4], "bytecode/prog", &creds);
	/* Found credentials come as a pair; an error leaves nothing behind. */
	if (err == 0 && creds.username && !creds.password)
		__builtin_trap();
	if (err < 0 && (creds.username || creds.password))
		__builtin_trap();
	registry_creds_clear(&creds);
	free(text);
	return 0;
}
