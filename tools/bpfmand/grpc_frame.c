/* SPDX-License-Identifier: Apache-2.0 */
/* gRPC message framing and header values (grpc_frame.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "grpc_frame.h"

enum grpc_status grpc_frame_unary(const uint8_t *buf, size_t buf_len,
				  size_t max, const uint8_t **msg,
				  size_t *len, const char **why)
{
	uint32_t n;

	if (buf_len < GRPC_PREFIX_LEN) {
		*why = "the request body is shorter than a gRPC message prefix (5 bytes)";
		return GRPC_INTERNAL;
	}
	if (buf[0] > 1) {
		*why = "the request's gRPC compressed flag is neither 0 nor 1";
		return GRPC_INTERNAL;
	}
	if (buf[0] == 1) {
		*why = "the request message is compressed, but this server accepts "
		       "only identity encoding (it announces no grpc-encoding)";
		return GRPC_UNIMPLEMENTED;
	}
	n = (uint32_t)buf[1] << 24 | (uint32_t)buf[2] << 16 |
	    (uint32_t)buf[3] << 8 | buf[4];
	if (n > max) {
		*why = "the request message is larger than the server's limit of "
		       "4 MiB";
		return GRPC_RESOURCE_EXHAUSTED;
	}
	if ((size_t)n != buf_len - GRPC_PREFIX_LEN) {
		*why = n > buf_len - GRPC_PREFIX_LEN
			       ? "the request message is cut short of its announced length"
			       : "a unary request carries more than one message";
		return GRPC_INTERNAL;
	}
	*msg = buf + GRPC_PREFIX_LEN;
	*len = n;
	return GRPC_OK;
}

void grpc_frame_prefix(uint8_t out[GRPC_PREFIX_LEN], size_t len)
{
	out[0] = 0;
	out[1] = (uint8_t)(len >> 24);
	out[2] = (uint8_t)(len >> 16);
	out[3] = (uint8_t)(len >> 8);
	out[4] = (uint8_t)len;
}

int64_t grpc_timeout_usec(const char *value, size_t len)
{
	int64_t n = 0;
	size_t i;

	/* TimeoutValue is 1 to 8 ASCII digits, then one unit. */
	if (len < 2 || len > 9)
		return -1;
	for (i = 0; i + 1 < len; i++) {
		if (value[i] < '0' || value[i] > '9')
			return -1;
		n = n * 10 + (value[i] - '0');
	}
	switch (value[len - 1]) {
	case 'H':
		return n * 3600 * 1000000;
	case 'M':
		return n * 60 * 1000000;
	case 'S':
		return n * 1000000;
	case 'm':
		return n * 1000;
	case 'u':
		return n;
	case 'n':
		return (n + 999) / 1000;
	default:
		return -1;
	}
}

char *grpc_percent_encode(const char *msg)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(msg), o = 0;
	char *out = malloc(3 * n + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)msg[i];

		if (c >= 0x20 && c <= 0x7e && c != '%') {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = 0;
	return out;
}

enum grpc_status grpc_status_from_errno(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return GRPC_OK;
	case ENOENT:
	case ESRCH:
	case ENODEV:
	case ENXIO:
		return GRPC_NOT_FOUND;
	case EINVAL:
	case ENAMETOOLONG:
	case EDOM:
	case EBADMSG:
		return GRPC_INVALID_ARGUMENT;
	case EEXIST:
		return GRPC_ALREADY_EXISTS;
	case EPERM:
	case EACCES:
	case EKEYREJECTED:
		return GRPC_PERMISSION_DENIED;
	/* The library's -E2BIG is "the chain on this hook is full". */
	case E2BIG:
	case ENOSPC:
	case EMFILE:
	case ENFILE:
	case ENOMEM:
	case EDQUOT:
		return GRPC_RESOURCE_EXHAUSTED;
	case EBUSY:
	case ENOTEMPTY:
	case EOPNOTSUPP: /* the kernel here cannot do it */
	case EALREADY:
	case ESTALE:
		return GRPC_FAILED_PRECONDITION;
	case ECONNREFUSED:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case ECONNRESET:
	case EAGAIN:
	case EHOSTDOWN:
		return GRPC_UNAVAILABLE;
	case ETIMEDOUT:
	case ETIME:
		return GRPC_DEADLINE_EXCEEDED;
	case ECANCELED:
		return GRPC_CANCELLED;
	default:
		return GRPC_INTERNAL;
	}
}

const char *grpc_status_name(enum grpc_status code)
{
	static const char *const names[] = {
		"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
		"DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
		"PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
		"ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
		"UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
	};

	return (unsigned)code < sizeof(names) / sizeof(names[0]) ? names[code]
								 : "UNKNOWN";
}
