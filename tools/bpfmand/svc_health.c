/* SPDX-License-Identifier: Apache-2.0 */
/* grpc.health.v1.Health/Check: SERVING for the whole server ("") and for
 * each service we serve; NOT_FOUND for others, as gRPC's protocol says. */
#include <string.h>

#include "health.pb-c.h"
#include "server.h"

static const char *const served[] = {
	"",
	"bpfman.v1.Bpfman",
	"grpc.health.v1.Health",
	"libbpfman.v1.Manager",
	"grpc.reflection.v1.ServerReflection",
	"grpc.reflection.v1alpha.ServerReflection",
	NULL,
};

static void check(struct grpc_call *call, const uint8_t *req, size_t len)
{
	Grpc__Health__V1__HealthCheckRequest *in;
	Grpc__Health__V1__HealthCheckResponse out = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__INIT;

	in = grpc__health__v1__health_check_request__unpack(NULL, len, req);
	if (!in) {
		grpc_call_error(call, GRPC_INVALID_ARGUMENT,
				"cannot decode the request as grpc.health.v1.HealthCheckRequest");
		return;
	}
	for (const char *const *s = served; *s; s++) {
		if (!strcmp(*s, in->service)) {
			out.status = call->srv->draining
					     ? GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__NOT_SERVING
					     : GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING;
			grpc_call_reply(call, &out);
			grpc__health__v1__health_check_request__free_unpacked(in, NULL);
			return;
		}
	}
	grpc_call_error(call, GRPC_NOT_FOUND, "this server has no service named '%s'", in->service);
	grpc__health__v1__health_check_request__free_unpacked(in, NULL);
}

const struct grpc_method svc_health_methods[] = {
	{ "/grpc.health.v1.Health/Check", BPFMAN_ROLE_READ, check, false },
	{ NULL, 0, NULL, false },
};
