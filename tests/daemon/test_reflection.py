# SPDX-License-Identifier: Apache-2.0
"""Server reflection and health with clients we did not write and no proto
file: grpcio-reflection's descriptor database (grpc.reflection.v1alpha)
lists the services and fetches the descriptors, a List call is made from
the reflected descriptors alone, and a raw grpc.reflection.v1 stream (the
version grpcurl tries first) gets the same answers; grpcio-health-checking's
stubs check health.

usage: test_reflection.py BPFMAND BPFMANCTL"""
import sys

import grpc
from google.protobuf import descriptor_pool, message_factory
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import \
    ProtoReflectionDescriptorDatabase

from daemon_env import Daemon, check

bpfmand, bpfmanctl = sys.argv[1:3]
d = Daemon(bpfmand)
try:
    db = ProtoReflectionDescriptorDatabase(d.channel)
    services = set(db.get_services())
    for s in ("bpfman.v1.Bpfman", "grpc.health.v1.Health", "libbpfman.v1.Manager",
              "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"):
        check(s in services, "reflection does not list %s: %s" % (s, sorted(services)))
    pool = descriptor_pool.DescriptorPool(db)
    svc = pool.FindServiceByName("bpfman.v1.Bpfman")
    check([m.name for m in svc.methods] ==
          ["Load", "Unload", "Attach", "Detach", "List", "PullBytecode", "Get"],
          "reflected methods: %s" % [m.name for m in svc.methods])
    load = pool.FindMessageTypeByName("bpfman.v1.LoadRequest")
    check(load.fields_by_name["map_owner_id"].has_presence, "map_owner_id is not optional")
    check(load.fields_by_name["info"].number == 9, "LoadRequest.info is not field 9")
    enum = pool.FindEnumTypeByName("bpfman.v1.BpfmanProgramType")
    check(enum.values_by_name["LSM"].number == 8, "LSM is not 8")
    attach = pool.FindMessageTypeByName("bpfman.v1.AttachInfo")
    check(attach.fields_by_name["lsm_attach_info"].number == 9, "lsm_attach_info is not 9")

    # A call built from reflected descriptors only.
    req_cls = message_factory.GetMessageClass(pool.FindMessageTypeByName("bpfman.v1.ListRequest"))
    resp_cls = message_factory.GetMessageClass(pool.FindMessageTypeByName("bpfman.v1.ListResponse"))
    call = d.channel.unary_unary("/bpfman.v1.Bpfman/List",
                                 request_serializer=req_cls.SerializeToString,
                                 response_deserializer=resp_cls.FromString)
    r = call(req_cls(bpfman_programs_only=True), timeout=30)
    check(len(r.results) == 0, "a fresh state lists %d programs" % len(r.results))

    # grpc.reflection.v1: same messages under another service name.
    v1 = d.channel.stream_stream(
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
        response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)
    answers = list(v1(iter([
        reflection_pb2.ServerReflectionRequest(list_services=""),
        reflection_pb2.ServerReflectionRequest(file_containing_symbol="grpc.health.v1.Health.Check"),
        reflection_pb2.ServerReflectionRequest(file_by_filename="no-such.proto"),
    ]), timeout=30))
    check(len(answers) == 3, "v1 stream: %d answers to 3 requests" % len(answers))
    check("bpfman.v1.Bpfman" in [s.name for s in answers[0].list_services_response.service],
          "v1 list_services: %s" % answers[0])
    check(len(answers[1].file_descriptor_response.file_descriptor_proto) == 1,
          "v1 file_containing_symbol: %s" % answers[1])
    check(answers[2].error_response.error_code == 5, "v1 unknown file: %s" % answers[2])

    h = health_pb2_grpc.HealthStub(d.channel)
    check(h.Check(health_pb2.HealthCheckRequest(service="bpfman.v1.Bpfman"), timeout=10).status ==
          health_pb2.HealthCheckResponse.SERVING, "health of bpfman.v1.Bpfman")
    print("ok: reflection v1alpha and v1, health, a call from reflected descriptors")
finally:
    d.cleanup(bpfmanctl)
