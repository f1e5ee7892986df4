# SPDX-License-Identifier: Apache-2.0
"""libbpfman.v1.Manager through Python grpcio: links (list, get), a hook's
chain, an in-place update refused where the kernel cannot do it, the image
cache, a reconcile report, and a Watch stream that sees load, attach,
detach and unload as they happen and ends cleanly at SIGTERM.

usage: test_manager.py BPFMAND BPFMANCTL PROTO_DIR BPF_OBJ_DIR"""
import os
import shutil
import subprocess
import threading

import grpc

from daemon_env import Daemon, check, expect_status, setup

A = setup()
bpfmand, bpfmanctl, obj_dir, stub_dir = A.bpfmand, A.bpfmanctl, A.obj_dir, A.stub_dir
import bpfman_pb2 as pb  # noqa: E402
import bpfman_pb2_grpc  # noqa: E402
import manager_pb2 as mpb  # noqa: E402
import manager_pb2_grpc  # noqa: E402

d = Daemon(bpfmand)
netns = None
events, watch_status = [], []
try:
    api = bpfman_pb2_grpc.BpfmanStub(d.channel)
    mgr = manager_pb2_grpc.ManagerStub(d.channel)
    watch_channel = grpc.insecure_channel("unix:" + d.sock)
    stream = manager_pb2_grpc.ManagerStub(watch_channel).Watch(mpb.WatchRequest())
    started = threading.Event()

    def watch():
        try:
            for ev in stream:
                events.append(ev)
            watch_status.append("OK")
        except grpc.RpcError as e:
            watch_status.append(e.code().name)
    t = threading.Thread(target=watch)
    t.start()
    # The stream is open once the server answered its headers.
    stream.initial_metadata()

    pid = api.Load(pb.LoadRequest(bytecode=pb.BytecodeLocation(file=os.path.join(obj_dir, "tracepoint_counter.bpf.o")),
                                  info=[pb.LoadInfo(name="count_getpid", program_type=pb.TRACEPOINT)]),
                   timeout=30).programs[0].kernel_info.id
    link = api.Attach(pb.AttachRequest(id=pid, attach=pb.AttachInfo(tracepoint_attach_info=pb.TracepointAttachInfo(
        tracepoint="syscalls/sys_enter_getpid", metadata={"k": "v"}))), timeout=30).link_id

    links = mgr.ListLinks(mpb.ListLinksRequest(program_id=pid), timeout=30).links
    check([l.id for l in links] == [link], "ListLinks: %s" % links)
    l = mgr.GetLink(mpb.GetLinkRequest(id=link), timeout=30)
    check(l.type == mpb.TRACEPOINT and l.tracepoint == "syscalls/sys_enter_getpid" and
          dict(l.metadata) == {"k": "v"} and l.program_id == pid, "GetLink: %s" % l)
    check(not mgr.ListLinks(mpb.ListLinksRequest(type=mpb.XDP), timeout=30).links,
          "ListLinks of type XDP shows the tracepoint link")
    expect_status(lambda: mgr.GetLink(mpb.GetLinkRequest(id=99999)), grpc.StatusCode.NOT_FOUND,
                  None, "GetLink of a missing link")
    msg = expect_status(lambda: mgr.UpdateLink(mpb.UpdateLinkRequest(id=link, priority=5)),
                        grpc.StatusCode.FAILED_PRECONDITION, "in place", "UpdateLink of a tracepoint link")

    # A chain: one XDP program on a veth in a namespace (the host kernel
    # runs no dispatcher, so the chain is that one program).
    netns = "bpfmandm-%d" % os.getpid()
    subprocess.run(["ip", "netns", "add", netns], check=True)
    subprocess.run(["ip", "-n", netns, "link", "add", "vm0", "type", "veth", "peer", "name", "vm1"], check=True)
    subprocess.run(["ip", "-n", netns, "link", "set", "vm0", "up"], check=True)
    xid = api.Load(pb.LoadRequest(bytecode=pb.BytecodeLocation(file=os.path.join(obj_dir, "xdp_counter.bpf.o")),
                                  info=[pb.LoadInfo(name="xdp_pass", program_type=pb.XDP)]),
                   timeout=30).programs[0].kernel_info.id
    xl = api.Attach(pb.AttachRequest(id=xid, attach=pb.AttachInfo(xdp_attach_info=pb.XDPAttachInfo(
        iface="vm0", priority=40, netns="/var/run/netns/" + netns))), timeout=30).link_id
    ch = mgr.GetChain(mpb.GetChainRequest(type=mpb.XDP, iface="vm0", netns="/var/run/netns/" + netns),
                      timeout=30)
    check([e.program_id for e in ch.entries] == [xid], "GetChain: %s" % ch)
    check(ch.entries[0].link_id == xl, "GetChain link id: %s" % ch)
    api.Detach(pb.DetachRequest(link_id=xl), timeout=30)
    api.Unload(pb.UnloadRequest(id=xid), timeout=30)

    # Image cache (empty here) and reports.
    check(len(mgr.ListImages(mpb.ListImagesRequest(), timeout=30).images) == 0, "ListImages")
    expect_status(lambda: mgr.InspectImage(mpb.InspectImageRequest(reference="example.com/none:1")),
                  grpc.StatusCode.NOT_FOUND, None, "InspectImage of an image not cached")
    rep = mgr.Reconcile(mpb.ReconcileRequest(), timeout=60)
    check(rep.failures == 0, "Reconcile: %s" % rep)

    api.Detach(pb.DetachRequest(link_id=link), timeout=30)
    api.Unload(pb.UnloadRequest(id=pid), timeout=30)

    # SIGTERM ends the Watch stream with OK.
    check(d.stop() == 0, "bpfmand exit status")
    t.join(10)
    check(watch_status == ["OK"], "Watch ended with %s" % watch_status)
    kinds = [(e.kind, e.program_id, e.link_id) for e in events]
    want = [(mpb.Event.LOADED, pid, 0), (mpb.Event.ATTACHED, pid, link),
            (mpb.Event.LOADED, xid, 0), (mpb.Event.ATTACHED, xid, xl),
            (mpb.Event.DETACHED, xid, xl), (mpb.Event.UNLOADED, xid, 0),
            (mpb.Event.DETACHED, pid, link), (mpb.Event.UNLOADED, pid, 0)]
    check(kinds == want, "Watch events %s, expected %s" % (kinds, want))
    check(all(e.time_unix_nano > 0 for e in events), "an event without a time")
    seqs = [e.seq for e in events]
    check(seqs == list(range(seqs[0], seqs[0] + len(seqs))) and seqs[0] > 0,
          "event seqs %s are not consecutive" % seqs)
    watch_channel.close()
    print("ok: links, chain, update refusal, images, reconcile, Watch")
finally:
    if netns:
        subprocess.run(["ip", "netns", "del", netns])
    d.cleanup(bpfmanctl)
    shutil.rmtree(stub_dir, ignore_errors=True)
