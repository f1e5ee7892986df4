# SPDX-License-Identifier: Apache-2.0
"""Runs as another user for test_authz.py, test_owner.py, test_verify.py: makes calls on a bpfmand socket
and prints, per call, "OK" or the status code and message, as JSON.

usage: authz_client.py STUB_DIR SOCKET OBJ_DIR CALL..."""
import json
import os
import sys

import grpc

sys.path.insert(0, sys.argv[1])
import bpfman_pb2 as pb  # noqa: E402
import bpfman_pb2_grpc  # noqa: E402
import manager_pb2 as mpb  # noqa: E402
import manager_pb2_grpc  # noqa: E402

sock, obj_dir, calls = sys.argv[2], sys.argv[3], sys.argv[4:]
channel = grpc.insecure_channel("unix:" + sock)
api = bpfman_pb2_grpc.BpfmanStub(channel)
mgr = manager_pb2_grpc.ManagerStub(channel)
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
    elif c.startswith("attach-tp:"):  # attach-tp:ID (syscalls/sys_enter_getpid)
        fn = lambda: api.Attach(pb.AttachRequest(id=int(c[10:]), attach=pb.AttachInfo(  # noqa: E731
            tracepoint_attach_info=pb.TracepointAttachInfo(
                tracepoint="syscalls/sys_enter_getpid"))), timeout=30)
    elif c.startswith("detach:"):
        fn = lambda: api.Detach(pb.DetachRequest(link_id=int(c[7:])), timeout=30)  # noqa: E731
    elif c.startswith("update-link:"):
        fn = lambda: mgr.UpdateLink(mpb.UpdateLinkRequest(id=int(c[12:]), priority=10),  # noqa: E731
                                    timeout=30)
    elif c.startswith("load-tracepoint-maps:"):  # load-tracepoint-maps:MAP_OWNER_ID
        fn = lambda: api.Load(pb.LoadRequest(  # noqa: E731
            bytecode=pb.BytecodeLocation(file=os.path.join(obj_dir, "tracepoint_counter.bpf.o")),
            info=[pb.LoadInfo(name="count_getpid", program_type=pb.TRACEPOINT)],
            map_owner_id=int(c[21:])), timeout=30)
    elif c.startswith("load-image:"):  # load-image:REF (tracepoint count_getpid)
        fn = lambda: api.Load(pb.LoadRequest(  # noqa: E731
            bytecode=pb.BytecodeLocation(image=pb.BytecodeImage(url=c[11:], image_pull_policy=1)),
            info=[pb.LoadInfo(name="count_getpid", program_type=pb.TRACEPOINT)]), timeout=60)
    elif c.startswith("verify:"):
        fn = lambda: mgr.VerifyImage(mpb.VerifyImageRequest(reference=c[7:]), timeout=60)  # noqa: E731
    elif c.startswith("list-programs:"):  # list-programs:mine|all|owner=X
        arg = c[14:]
        req = (mpb.ListProgramsRequest(mine=True) if arg == "mine" else
               mpb.ListProgramsRequest(owner=arg[6:]) if arg.startswith("owner=") else
               mpb.ListProgramsRequest())
        fn = lambda: mgr.ListPrograms(req, timeout=30)  # noqa: E731
    elif c.startswith("list-links:"):  # list-links:mine|all|owner=X
        arg = c[11:]
        req = (mpb.ListLinksRequest(mine=True) if arg == "mine" else
               mpb.ListLinksRequest(owner=arg[6:]) if arg.startswith("owner=") else
               mpb.ListLinksRequest())
        fn = lambda: mgr.ListLinks(req, timeout=30)  # noqa: E731
    elif c.startswith("get-program:"):
        fn = lambda: mgr.GetProgram(mpb.GetProgramRequest(id=int(c[12:])), timeout=30)  # noqa: E731
    elif c.startswith("watch-mine-until-unload:"):  # the feed replayed, mine only
        def fn(pid=int(c[24:])):
            evs = []
            stream = mgr.Watch(mpb.WatchRequest(after_seq=0, mine=True), timeout=20)
            for ev in stream:
                evs.append(ev)
                if ev.kind == mpb.Event.UNLOADED and ev.program_id == pid:
                    break
            stream.cancel()
            return mpb.ListProgramsResponse(programs=[
                mpb.Program(id=ev.program_id, owner=ev.owner) for ev in evs])
    elif c.startswith("pull:"):
        fn = lambda: api.PullBytecode(pb.PullBytecodeRequest(  # noqa: E731
            image=pb.BytecodeImage(url=c[5:])), timeout=30)
    else:
        fn = requests[c]
    try:
        r = fn()
        res = {"call": c, "ok": True, "link_id": getattr(r, "link_id", 0)}
        if isinstance(r, mpb.ListLinksResponse):
            res["links"] = [[x.id, x.program_id] for x in r.links]  # [link, program] each
        elif isinstance(r, (mpb.ListProgramsResponse, mpb.Program)):
            # libbpfman.v1 Programs: [id, owner] each
            res["owners"] = [[p.id, p.owner] for p in getattr(r, "programs", [r])]
        else:
            res["ids"] = [p.kernel_info.id for p in getattr(r, "programs", [])]
        out.append(res)
    except grpc.RpcError as e:
        out.append({"call": c, "ok": False, "code": e.code().name, "message": e.details()})
print(json.dumps(out))
