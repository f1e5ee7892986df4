// SPDX-License-Identifier: Apache-2.0
/* libFuzzer: what a registry sends before we trust it: WWW-Authenticate
 * challenges (auth_challenges_parse) and error bodies (http_error_text). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "image/http.h"
#include "image/token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auth_challenge ch[4];
	struct http_response r = { 0 };
	char *text = malloc(size + 1), *err;
	size_t n = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (auth_challenges_parse(text, ch, 4, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			auth_challenge_clear(&ch[i]);
	}
	r.body = text;
	r.body_len = size;
	err = http_error_text(&r);
	free(err);
	free(text);
	return 0;
}
