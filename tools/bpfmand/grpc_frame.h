/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The gRPC-over-HTTP/2 rules that sit above nghttp2 and below protobuf-c:
 * the 5-byte message prefix, grpc-timeout values, grpc-message
 * percent-encoding and the errno -> status-code table. Pure functions over
 * bytes, so they are unit tested and fuzzed on their own.
 */
#ifndef BPFMAND_GRPC_FRAME_H
#define BPFMAND_GRPC_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* gRPC's default limit for a received message, and ours. */
#define GRPC_MAX_MESSAGE (4u * 1024 * 1024)
#define GRPC_PREFIX_LEN 5

/* Status codes (grpc/doc/statuscodes.md). */
enum grpc_status {
	GRPC_OK = 0,
	GRPC_CANCELLED = 1,
	GRPC_UNKNOWN = 2,
	GRPC_INVALID_ARGUMENT = 3,
	GRPC_DEADLINE_EXCEEDED = 4,
	GRPC_NOT_FOUND = 5,
	GRPC_ALREADY_EXISTS = 6,
	GRPC_PERMISSION_DENIED = 7,
	GRPC_RESOURCE_EXHAUSTED = 8,
	GRPC_FAILED_PRECONDITION = 9,
	GRPC_ABORTED = 10,
	GRPC_OUT_OF_RANGE = 11,
	GRPC_UNIMPLEMENTED = 12,
	GRPC_INTERNAL = 13,
	GRPC_UNAVAILABLE = 14,
	GRPC_DATA_LOSS = 15,
	GRPC_UNAUTHENTICATED = 16,
};

/* Splits the request body of a unary call into its one message. Returns
 * GRPC_OK with *msg and *len pointing into buf, or a status with *why set to a
 * sentence: a compressed flag (we announce no grpc-encoding), a length
 * over `max`, a truncated or trailing frame. */
enum grpc_status grpc_frame_unary(const uint8_t *buf, size_t buf_len,
				  size_t max, const uint8_t **msg,
				  size_t *len, const char **why);

/* Writes the 5-byte prefix for a message of len bytes. */
void grpc_frame_prefix(uint8_t out[GRPC_PREFIX_LEN], size_t len);

/* Parses a grpc-timeout header value ("1S", "250m", up to 8 digits and one
 * of H M S m u n) into microseconds; -1 when malformed. */
int64_t grpc_timeout_usec(const char *value, size_t len);

/* Percent-encodes a status message as the gRPC spec asks (bytes outside
 * 0x20-0x7e and '%' become %XX). Returns malloc'd text or NULL. */
char *grpc_percent_encode(const char *msg);

/* The status code for a library errno (negative or positive). */
enum grpc_status grpc_status_from_errno(int err);
const char *grpc_status_name(enum grpc_status code);

#endif
