# SPDX-License-Identifier: Apache-2.0
"""Runs as another user for test_authz.py: makes calls on a bpfmand socket
and prints, per call, "OK" or the status code and message, as JSON.

usage: authz_client.py STUB_DIR SOCKET OBJ_DIR CALL..."""
import json
import os
import sys

import grpc

sys.path.insert(0, sys.argv[1])
import bpfman_pb2 as pb  # noqa: E402
import bpfman_pb2_grpc  # noqa: E402

sock, obj_dir, calls = sys.argv[2], sys.argv[3], sys.argv[4:]
api = bpfman_pb2_grpc.BpfmanStub(grpc.insecure_channel("unix:" + sock))
requests = {
    "list": lambda: api.List(pb.ListRequest(), timeout=30),
    "load-tracepoint": lambda: api.Load(pb.LoadRequest(
        bytecode=pb.BytecodeLocation(file=os.path.join(obj_dir, "tracepoint_counter.bpf.o")),
        info=[pb.LoadInfo(name="count_getpid", program_type=pb.TRACEPOINT)]), timeout=30),
    "load-xdp": lambda: api.Load(pb.LoadRequest(
        bytecode=pb.BytecodeLocation(file=os.path.join(obj_dir, "xdp_counter.bpf.o")),
        info=[pb.LoadInfo(name="xdp_pass", program_type=pb.XDP)]), timeout=30),
}
out = []
for c in calls:
    if c.startswith("unload:"):
        fn = lambda: api.Unload(pb.UnloadRequest(id=int(c[7:])), timeout=30)  # noqa: E731
    elif c.startswith("attach-xdp:"):  # attach-xdp:ID:IFACE
        _, pid, iface = c.split(":")
        fn = lambda: api.Attach(pb.AttachRequest(id=int(pid), attach=pb.AttachInfo(  # noqa: E731
            xdp_attach_info=pb.XDPAttachInfo(iface=iface, priority=50))), timeout=30)
    elif c.startswith("pull:"):
        fn = lambda: api.PullBytecode(pb.PullBytecodeRequest(  # noqa: E731
            image=pb.BytecodeImage(url=c[5:])), timeout=30)
    else:
        fn = requests[c]
    try:
        r = fn()
        ids = [p.kernel_info.id for p in getattr(r, "programs", [])]
        out.append({"call": c, "ok": True, "ids": ids})
    except grpc.RpcError as e:
        out.append({"call": c, "ok": False, "code": e.code().name, "message": e.details()})
print(json.dumps(out))
