/* SPDX-License-Identifier: Apache-2.0 */
/* Small string helpers used across the library. */
#ifndef BPFMAN_UTIL_STRUTIL_H
#define BPFMAN_UTIL_STRUTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* malloc'ed printf; NULL on allocation failure. */
char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *str_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Decodes hex ("0x" prefix optional, even length) into a malloc'ed buffer. */
int hex_decode(const char *hex, unsigned char **ret_buf, size_t *ret_len);
/* Encodes len bytes as lower-case hex into out (2*len+1 bytes). */
void hex_encode(const unsigned char *buf, size_t len, char *out);

/* Parses an unsigned decimal (or 0x hex) integer that fits in max. */
int parse_u64(const char *s, uint64_t max, uint64_t *ret);

bool str_empty(const char *s);
/* Whether s holds a control character (below 0x20, or DEL): such text
 * could drive a terminal it is printed on. */
bool str_has_control(const char *s);
/* s, or "" for NULL. */
const char *str_or_empty(const char *s);

#endif
