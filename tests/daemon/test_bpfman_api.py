# SPDX-License-Identifier: Apache-2.0
"""bpfman.v1.Bpfman through Python grpcio (a client we did not write), with
stubs generated from our proto: every RPC on the host kernel, the errors
and their status codes, and a SIGTERM that leaves programs attached.

usage: test_bpfman_api.py BPFMAND BPFMANCTL PROTO_DIR BPF_OBJ_DIR"""
import os
import subprocess

import grpc

from daemon_env import Daemon, check, expect_status, fail, setup

A = setup()
bpfmand, bpfmanctl, obj_dir, stub_dir = A.bpfmand, A.bpfmanctl, A.obj_dir, A.stub_dir
import bpfman_pb2 as pb  # noqa: E402
import bpfman_pb2_grpc  # noqa: E402
import health_pb2  # noqa: E402
import health_pb2_grpc  # noqa: E402

BPF_PROG_TYPE_KPROBE, BPF_PROG_TYPE_TRACEPOINT, BPF_PROG_TYPE_XDP = 2, 5, 6
TP_OBJ = os.path.join(obj_dir, "tracepoint_counter.bpf.o")
XDP_OBJ = os.path.join(obj_dir, "xdp_counter.bpf.o")
BAD_OBJ = os.path.join(obj_dir, "bad_verifier.bpf.o")

d = Daemon(bpfmand)
foreign_pin = None
netns = None
try:
    api = bpfman_pb2_grpc.BpfmanStub(d.channel)
    health = health_pb2_grpc.HealthStub(d.channel)

    # Health, for the whole server and for bpfman.v1.Bpfman.
    for svc in ("", "bpfman.v1.Bpfman"):
        r = health.Check(health_pb2.HealthCheckRequest(service=svc), timeout=10)
        check(r.status == health_pb2.HealthCheckResponse.SERVING, "health of %r: %s" % (svc, r))
    expect_status(lambda: health.Check(health_pb2.HealthCheckRequest(service="no.such.Service")),
                  grpc.StatusCode.NOT_FOUND, "no.such.Service", "health of an unknown service")

    # Load: two programs of one object in one request is covered by the
    # XDP part; here one tracepoint program with metadata and global data.
    req = pb.LoadRequest(
        bytecode=pb.BytecodeLocation(file=TP_OBJ),
        info=[pb.LoadInfo(name="count_getpid", program_type=pb.TRACEPOINT)],
        metadata={"app": "grpc-test", "owner": "py"})
    resp = api.Load(req, timeout=30)
    check(len(resp.programs) == 1, "Load returned %d programs" % len(resp.programs))
    prog = resp.programs[0]
    pid = prog.kernel_info.id
    check(pid > 0, "Load: no kernel id")
    check(prog.info.name == "count_getpid", "Load: name %r" % prog.info.name)
    check(dict(prog.info.metadata) == {"app": "grpc-test", "owner": "py"},
          "Load: metadata %r" % dict(prog.info.metadata))
    check(prog.info.bytecode.file == TP_OBJ, "Load: bytecode %r" % prog.info.bytecode)
    check(prog.kernel_info.program_type == BPF_PROG_TYPE_TRACEPOINT,
          "Load: program_type %d" % prog.kernel_info.program_type)
    check(prog.kernel_info.name.startswith("count_getpid"), "kernel name %r" % prog.kernel_info.name)
    check(len(prog.kernel_info.tag) == 16, "tag %r" % prog.kernel_info.tag)
    check(prog.kernel_info.loaded_at, "no loaded_at")
    check(str(pid) in prog.info.map_used_by, "map_used_by %r" % list(prog.info.map_used_by))

    # Attach, Get (links), List (filters).
    link = api.Attach(pb.AttachRequest(id=pid, attach=pb.AttachInfo(
        tracepoint_attach_info=pb.TracepointAttachInfo(tracepoint="syscalls/sys_enter_getpid"))),
        timeout=30).link_id
    check(link > 0, "Attach: link id %d" % link)
    g = api.Get(pb.GetRequest(id=pid), timeout=10)
    check(g.HasField("info"), "Get of a managed program has no info")
    check(list(g.info.links) == [link], "Get: links %r, expected [%d]" % (list(g.info.links), link))
    check(g.kernel_info.id == pid, "Get: kernel id")

    def ids(**kw):
        return [r.kernel_info.id for r in api.List(pb.ListRequest(**kw), timeout=30).results]
    check(pid in ids(), "List: program missing")
    check(pid in ids(bpfman_programs_only=True), "List managed: program missing")
    check(pid in ids(program_type=BPF_PROG_TYPE_TRACEPOINT), "List tracepoint: missing")
    check(pid not in ids(program_type=BPF_PROG_TYPE_XDP), "List xdp: has the tracepoint program")
    check(pid in ids(match_metadata={"app": "grpc-test"}), "List metadata: missing")
    check(pid not in ids(match_metadata={"app": "other"}), "List other metadata: present")
    managed = api.List(pb.ListRequest(bpfman_programs_only=True), timeout=30).results
    check(all(r.HasField("info") for r in managed), "List managed: an entry without info")

    # A program someone else loaded: listed with kernel info only, Get too.
    foreign_pin = os.path.join(d.bpffs + "-foreign", "prog")
    os.makedirs(os.path.dirname(foreign_pin), exist_ok=True)
    subprocess.run(["bpftool", "prog", "load", TP_OBJ, foreign_pin], check=True)
    fid = int(subprocess.run(["bpftool", "prog", "show", "pinned", foreign_pin],
                             check=True, capture_output=True, text=True).stdout.split(":")[0])
    all_results = {r.kernel_info.id: r for r in api.List(pb.ListRequest(), timeout=30).results}
    check(fid in all_results, "List: the foreign program %d is missing" % fid)
    check(not all_results[fid].HasField("info"), "List: the foreign program has bpfman info")
    check(fid not in ids(bpfman_programs_only=True), "List managed: has the foreign program")
    check(fid not in ids(match_metadata={"app": "grpc-test"}), "List metadata: has the foreign program")
    fg = api.Get(pb.GetRequest(id=fid), timeout=10)
    check(not fg.HasField("info") and fg.kernel_info.id == fid,
          "Get of a foreign program: %s" % fg)

    # Errors: status codes and the library's sentence.
    expect_status(lambda: api.Get(pb.GetRequest(id=0x7ffffff0)), grpc.StatusCode.NOT_FOUND,
                  None, "Get of a missing program")
    msg = expect_status(lambda: api.Load(pb.LoadRequest(
        bytecode=pb.BytecodeLocation(file=BAD_OBJ),
        info=[pb.LoadInfo(name="unchecked_lookup", program_type=pb.TRACEPOINT)])),
        grpc.StatusCode.INVALID_ARGUMENT, "unchecked_lookup", "Load of a program the verifier rejects")
    # The library's error kind "verifier", not the kernel's EACCES taken for
    # a missing privilege (doc/api.md), with the verifier's whole log.
    check("invalid mem access" in msg and "processed" in msg,
          "verifier rejection without the verifier's log: %r" % msg)
    expect_status(lambda: api.Load(pb.LoadRequest(
        bytecode=pb.BytecodeLocation(file="/nonexistent/x.o"),
        info=[pb.LoadInfo(name="x", program_type=pb.TRACEPOINT)])),
        grpc.StatusCode.NOT_FOUND, "/nonexistent/x.o", "Load of a missing file")
    expect_status(lambda: api.Load(pb.LoadRequest(bytecode=pb.BytecodeLocation(file=TP_OBJ))),
                  grpc.StatusCode.INVALID_ARGUMENT, "LoadInfo", "Load naming no program")
    expect_status(lambda: api.Attach(pb.AttachRequest(id=pid)), grpc.StatusCode.INVALID_ARGUMENT,
                  "attach info", "Attach without attach info")
    expect_status(lambda: api.Attach(pb.AttachRequest(id=pid, attach=pb.AttachInfo(
        xdp_attach_info=pb.XDPAttachInfo(iface="lo", priority=50)))),
        grpc.StatusCode.INVALID_ARGUMENT, None, "Attach of a tracepoint program as XDP")
    expect_status(lambda: api.Detach(pb.DetachRequest(link_id=0x7ffffff0)),
                  grpc.StatusCode.NOT_FOUND, None, "Detach of a missing link")
    expect_status(lambda: api.PullBytecode(pb.PullBytecodeRequest(
        image=pb.BytecodeImage(url="127.0.0.1:1/nothing/here:latest"))),
        grpc.StatusCode.UNAVAILABLE, "127.0.0.1:1", "PullBytecode from an unreachable registry")
    # An unknown method and an oversized message (4 MiB limit).
    unknown = d.channel.unary_unary("/bpfman.v1.Bpfman/NoSuchMethod")
    expect_status(lambda: unknown(b""), grpc.StatusCode.UNIMPLEMENTED, "NoSuchMethod",
                  "unknown method")
    big = pb.LoadRequest(bytecode=pb.BytecodeLocation(file=TP_OBJ),
                         info=[pb.LoadInfo(name="count_getpid", program_type=pb.TRACEPOINT)],
                         global_data={"x": b"\0" * (5 << 20)})
    expect_status(lambda: api.Load(big, timeout=30), grpc.StatusCode.RESOURCE_EXHAUSTED, "4 MiB",
                  "a 5 MiB request")
    check(pid in ids(), "the server lost state after the errors")

    # A malformed HTTP/2 frame closes that connection only (GOAWAY, then
    # EOF); the other clients go on.
    import socket
    raw = socket.socket(socket.AF_UNIX)
    raw.settimeout(10)
    raw.connect(d.sock)
    # the preface, then a SETTINGS frame whose length is not a multiple of 6
    raw.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x05\x04\x00\x00\x00\x00\x00" + b"x" * 5)
    got = b""
    while True:
        chunk = raw.recv(4096)
        if not chunk:
            break
        got += chunk
    raw.close()
    frames, off = [], 0
    while off + 9 <= len(got):
        length = int.from_bytes(got[off:off + 3], "big")
        frames.append(got[off + 3])
        off += 9 + length
    check(7 in frames, "no GOAWAY (frame types %s) before the malformed connection closed" % frames)
    check(pid in ids(), "another client was harmed by a malformed connection")

    # XDP on a veth in a network namespace (one program: the host kernel
    # refuses the EXT programs a dispatcher needs).
    netns = "bpfmand-test-%d" % os.getpid()
    subprocess.run(["ip", "netns", "add", netns], check=True)
    subprocess.run(["ip", "-n", netns, "link", "add", "vd0", "type", "veth", "peer", "name", "vd1"],
                   check=True)
    subprocess.run(["ip", "-n", netns, "link", "set", "vd0", "up"], check=True)
    subprocess.run(["ip", "-n", netns, "link", "set", "vd1", "up"], check=True)
    x = api.Load(pb.LoadRequest(bytecode=pb.BytecodeLocation(file=XDP_OBJ),
                                info=[pb.LoadInfo(name="xdp_pass", program_type=pb.XDP),
                                      pb.LoadInfo(name="xdp_drop", program_type=pb.XDP)]),
                 timeout=30)
    check([p.info.name for p in x.programs] == ["xdp_pass", "xdp_drop"],
          "Load of two XDP programs: %r" % [p.info.name for p in x.programs])
    xid = x.programs[0].kernel_info.id
    check(x.programs[0].kernel_info.program_type == BPF_PROG_TYPE_XDP,
          "XDP kind %d" % x.programs[0].kernel_info.program_type)
    xl = api.Attach(pb.AttachRequest(id=xid, attach=pb.AttachInfo(xdp_attach_info=pb.XDPAttachInfo(
        iface="vd0", priority=50, proceed_on=[2, 31], netns="/var/run/netns/" + netns))),
        timeout=30).link_id
    shown = subprocess.run(["ip", "-n", netns, "link", "show", "vd0"], capture_output=True,
                           text=True).stdout
    check("xdp" in shown, "vd0 shows no XDP program after Attach: %s" % shown)
    check(xid in ids(program_type=BPF_PROG_TYPE_XDP), "List xdp: program missing")
    expect_status(lambda: api.Attach(pb.AttachRequest(id=xid, attach=pb.AttachInfo(
        xdp_attach_info=pb.XDPAttachInfo(iface="vd0", priority=50, proceed_on=[7],
                                         netns="/var/run/netns/" + netns)))),
        grpc.StatusCode.INVALID_ARGUMENT, "proceed_on", "XDP proceed_on 7")
    api.Detach(pb.DetachRequest(link_id=xl), timeout=30)
    shown = subprocess.run(["ip", "-n", netns, "link", "show", "vd0"], capture_output=True,
                           text=True).stdout
    check("prog/xdp" not in shown, "vd0 still has XDP after Detach: %s" % shown)
    for p in x.programs:
        api.Unload(pb.UnloadRequest(id=p.kernel_info.id), timeout=30)

    # Detach and Unload of the tracepoint program.
    api.Detach(pb.DetachRequest(link_id=link), timeout=30)
    check(list(api.Get(pb.GetRequest(id=pid), timeout=10).info.links) == [],
          "Get after Detach still lists the link")
    api.Unload(pb.UnloadRequest(id=pid), timeout=30)
    expect_status(lambda: api.Get(pb.GetRequest(id=pid)), grpc.StatusCode.NOT_FOUND, None,
                  "Get after Unload")
    expect_status(lambda: api.Unload(pb.UnloadRequest(id=pid)), grpc.StatusCode.NOT_FOUND, None,
                  "Unload twice")

    # SIGTERM: the daemon exits 0 and what it attached stays attached.
    r = api.Load(req, timeout=30).programs[0].kernel_info.id
    api.Attach(pb.AttachRequest(id=r, attach=pb.AttachInfo(
        tracepoint_attach_info=pb.TracepointAttachInfo(tracepoint="syscalls/sys_enter_getpid"))),
        timeout=30)
    rc = d.stop()
    check(rc == 0, "bpfmand exited %d on SIGTERM: %s" % (rc, d.logtext()))
    check(not os.path.exists(d.sock), "the socket file is left after exit")
    out = subprocess.run([bpfmanctl, "get", "program", str(r), "-o", "json"], env=d.env,
                         capture_output=True, text=True)
    check(out.returncode == 0 and '"links"' in out.stdout and "[]" not in out.stdout.split('"links"')[1][:8],
          "after SIGTERM the program or its link is gone: %s %s" % (out.stdout, out.stderr))
    print("ok: every bpfman.v1 RPC through grpcio")
finally:
    if netns:
        subprocess.run(["ip", "netns", "del", netns])
    if foreign_pin:
        import shutil
        shutil.rmtree(os.path.dirname(foreign_pin), ignore_errors=True)
    d.cleanup(bpfmanctl)
    import shutil
    shutil.rmtree(stub_dir, ignore_errors=True)
