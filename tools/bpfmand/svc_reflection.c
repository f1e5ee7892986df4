/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gRPC server reflection, grpc.reflection.v1 and v1alpha (same messages):
 * lists our services and hands out the FileDescriptorProtos protoc made of
 * our protos at build time, so grpcurl and other tools need no proto file.
 * Each of our packages lives in one file, so a symbol's file is the one
 * whose package prefixes it.
 */
#include <string.h>

#include "descriptors.h"
#include "reflection.pb-c.h"
#include "server.h"

static const char *const services[] = {
	"bpfman.v1.Bpfman",
	"grpc.health.v1.Health",
	"libbpfman.v1.Manager",
	"grpc.reflection.v1.ServerReflection",
	"grpc.reflection.v1alpha.ServerReflection",
	NULL,
};

static const struct embedded_descriptor *by_file(const char *name)
{
	for (const struct embedded_descriptor *d = embedded_descriptors; d->file; d++)
		if (!strcmp(d->file, name))
			return d;
	return NULL;
}

static const struct embedded_descriptor *by_symbol(const char *sym)
{
	const struct embedded_descriptor *best = NULL;

	for (const struct embedded_descriptor *d = embedded_descriptors; d->file; d++) {
		size_t n = strlen(d->package);

		/* the longest package that prefixes the symbol at a dot */
		if (!strncmp(sym, d->package, n) && sym[n] == '.' &&
		    (!best || n > strlen(best->package)))
			best = d;
	}
	return best;
}

static void info(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Grpc__Reflection__V1alpha__ServerReflectionRequest *in;
	Grpc__Reflection__V1alpha__ServerReflectionResponse out =
		GRPC__REFLECTION__V1ALPHA__SERVER_REFLECTION_RESPONSE__INIT;
	Grpc__Reflection__V1alpha__ListServiceResponse list =
		GRPC__REFLECTION__V1ALPHA__LIST_SERVICE_RESPONSE__INIT;
	Grpc__Reflection__V1alpha__ServiceResponse svc[sizeof(services) / sizeof(services[0])];
	Grpc__Reflection__V1alpha__ServiceResponse *svcp[sizeof(services) / sizeof(services[0])];
	Grpc__Reflection__V1alpha__FileDescriptorResponse fdr =
		GRPC__REFLECTION__V1ALPHA__FILE_DESCRIPTOR_RESPONSE__INIT;
	Grpc__Reflection__V1alpha__ErrorResponse err =
		GRPC__REFLECTION__V1ALPHA__ERROR_RESPONSE__INIT;
	const struct embedded_descriptor *d = NULL;
	ProtobufCBinaryData fd;
	const char *what = NULL;

	in = grpc__reflection__v1alpha__server_reflection_request__unpack(NULL, len, req);
	if (!in) {
		grpc_call_error(call, GRPC_INVALID_ARGUMENT,
				"cannot decode the request as grpc.reflection.v1.ServerReflectionRequest");
		return;
	}
	out.valid_host = in->host;
	out.original_request = in;
	switch (in->message_request_case) {
	case GRPC__REFLECTION__V1ALPHA__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_LIST_SERVICES:
		for (size_t i = 0; services[i]; i++) {
			grpc__reflection__v1alpha__service_response__init(&svc[i]);
			svc[i].name = (char *)services[i];
			svcp[i] = &svc[i];
			list.n_service++;
		}
		list.service = svcp;
		out.message_response_case =
			GRPC__REFLECTION__V1ALPHA__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_LIST_SERVICES_RESPONSE;
		out.list_services_response = &list;
		break;
	case GRPC__REFLECTION__V1ALPHA__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_BY_FILENAME:
		d = by_file(in->file_by_filename);
		what = in->file_by_filename;
		break;
	case GRPC__REFLECTION__V1ALPHA__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_SYMBOL:
		d = by_symbol(in->file_containing_symbol);
		what = in->file_containing_symbol;
		break;
	default:
		/* Our protos declare no extensions. */
		what = "extensions";
		break;
	}
	if (d) {
		fd.data = (uint8_t *)d->data;
		fd.len = d->len;
		fdr.file_descriptor_proto = &fd;
		fdr.n_file_descriptor_proto = 1;
		out.message_response_case =
			GRPC__REFLECTION__V1ALPHA__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_FILE_DESCRIPTOR_RESPONSE;
		out.file_descriptor_response = &fdr;
	} else if (what) {
		err.error_code = GRPC_NOT_FOUND;
		err.error_message = !embedded_descriptors[0].file
					    ? (char *)"this bpfmand was built without protoc: no descriptors to serve"
					    : (char *)"not found: no file or symbol of that name here";
		out.message_response_case =
			GRPC__REFLECTION__V1ALPHA__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_ERROR_RESPONSE;
		out.error_response = &err;
	}
	grpc_call_reply(call, &out);
	grpc__reflection__v1alpha__server_reflection_request__free_unpacked(in, NULL);
}

const struct grpc_method svc_reflection_methods[] = {
	{ "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", BPFMAN_ROLE_READ, info, true },
	{ "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", BPFMAN_ROLE_READ, info, true },
	{ NULL, 0, NULL, false },
};
