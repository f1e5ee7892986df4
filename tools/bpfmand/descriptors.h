/* SPDX-License-Identifier: Apache-2.0 */
/* Our protos' FileDescriptorProtos, embedded at build time for server
 * reflection (proto/embed-descriptors.py). */
#ifndef BPFMAND_DESCRIPTORS_H
#define BPFMAND_DESCRIPTORS_H

#include <stddef.h>
#include <stdint.h>

struct embedded_descriptor {
	const char *file;    /* "bpfman.proto" */
	const char *package; /* "bpfman.v1" */
	const uint8_t *data;
	size_t len;
};

/* Ends with a NULL file; empty when protoc was missing at build time. */
extern const struct embedded_descriptor embedded_descriptors[];

#endif
