# SPDX-License-Identifier: Apache-2.0
"""Multi-program XDP and TC chains through bpfman.v1 with Python grpcio:
the seed's demonstration (a counter at priority 55; a pass program at 50
with proceed-on drop/shot stops it; the same program at 60 lets it count
again; bpfman.v1 has no update, so the move is Detach + Attach as bpfman's
clients do) on an XDP dispatcher and on a TC dispatcher, and the 11th
program on a hook refused with RESOURCE_EXHAUSTED, nothing changed.

Needs freplace (BPF_PROG_TYPE_EXT): runs in the VM (tests/vm/batch.sh);
on a kernel without it, it skips.

usage: test_bpfman_chains.py BPFMAND BPFMANCTL PROTO_DIR BPF_OBJ_DIR"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import grpc

from daemon_env import Daemon, check, expect_status, gen_stubs

bpfmand, bpfmanctl, proto_dir, obj_dir = sys.argv[1:5]
obj_dir = os.path.abspath(obj_dir)
XDP_OBJ = os.path.join(obj_dir, "xdp_counter.bpf.o")
TC_OBJ = os.path.join(obj_dir, "tc_counter.bpf.o")

probe = "/sys/fs/bpf/bpfmand-ext-probe-%d" % os.getpid()
ext_ok = subprocess.run(["bpftool", "prog", "load", os.path.join(obj_dir, "fentry_counter.bpf.o"),
                         probe], capture_output=True).returncode == 0
if os.path.exists(probe):
    os.unlink(probe)
if not ext_ok:
    if os.environ.get("BPFMAN_TEST_REQUIRE_ALL"):
        print("FAIL: this kernel refuses freplace, which the chain test needs", file=sys.stderr)
        sys.exit(1)
    print("*** SKIP: kernel %s refuses freplace (EXT) programs; tests/vm/batch.sh runs this "
          "in the VM ***" % os.uname().release)
    sys.exit(77)

stub_dir = tempfile.mkdtemp(prefix="bpfmand-stubs-")
gen_stubs(proto_dir, stub_dir)
import bpfman_pb2 as pb  # noqa: E402
import bpfman_pb2_grpc  # noqa: E402
import manager_pb2 as mpb  # noqa: E402
import manager_pb2_grpc  # noqa: E402

ns = "bpfmandc%d" % os.getpid()
host_if, peer_if = "bdh%d" % os.getpid(), "bdp%d" % os.getpid()
netns_path = "/var/run/netns/" + ns
pinger = None
d = Daemon(bpfmand)


def sh(*args):
    subprocess.run(args, check=True)


def count(prog_info):
    out = subprocess.run(["bpftool", "map", "lookup", "pinned",
                          os.path.join(prog_info.map_pin_path, "counter"),
                          "key", "0", "0", "0", "0", "-j"],
                         check=True, capture_output=True, text=True).stdout
    v = json.loads(out)
    v = v.get("formatted", v)["value"]
    return v if isinstance(v, int) else int.from_bytes(bytes(int(b, 16) for b in v), "little")


def watch(prog_info, want, what):
    time.sleep(0.5)  # packets already inside the previous chain
    first = count(prog_info)
    time.sleep(3)
    last = count(prog_info)
    if want == "rising":
        check(last > first, "%s: the counter should rise, it stayed at %d" % (what, first))
    else:
        check(last == first, "%s: the counter should stand still, it went %d -> %d"
              % (what, first, last))


try:
    api = bpfman_pb2_grpc.BpfmanStub(d.channel)
    sh("ip", "netns", "add", ns)
    sh("ip", "link", "add", "name", host_if, "type", "veth", "peer", "name", peer_if, "netns", ns)
    sh("ip", "addr", "add", "10.78.0.1/24", "dev", host_if)
    sh("ip", "link", "set", "dev", host_if, "up")
    sh("ip", "-n", ns, "addr", "add", "10.78.0.2/24", "dev", peer_if)
    sh("ip", "-n", ns, "link", "set", "dev", peer_if, "up")
    sh("ip", "-n", ns, "link", "set", "dev", "lo", "up")
    pinger = subprocess.Popen(["ping", "-q", "-i", "0.05", "10.78.0.2"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def load(obj, name, ptype, **kw):
        return api.Load(pb.LoadRequest(bytecode=pb.BytecodeLocation(file=obj),
                                       info=[pb.LoadInfo(name=name, program_type=ptype)], **kw),
                        timeout=120).programs[0]

    def attach_xdp(pid, prio, proceed):
        return api.Attach(pb.AttachRequest(id=pid, attach=pb.AttachInfo(
            xdp_attach_info=pb.XDPAttachInfo(iface=peer_if, priority=prio, proceed_on=proceed,
                                             netns=netns_path))), timeout=120).link_id

    def attach_tc(pid, prio, proceed):
        return api.Attach(pb.AttachRequest(id=pid, attach=pb.AttachInfo(
            tc_attach_info=pb.TCAttachInfo(iface=peer_if, priority=prio, direction="ingress",
                                           proceed_on=proceed, netns=netns_path))),
            timeout=120).link_id

    # XDP: counter 55 (pass, dispatcher_return); pass at 50 proceed-on drop; pass at 60.
    counter = load(XDP_OBJ, "xdp_count", pb.XDP)
    attach_xdp(counter.kernel_info.id, 55, [2, 31])
    watch(counter.info, "rising", "XDP counter alone at 55")
    xpass = load(XDP_OBJ, "xdp_pass", pb.XDP)
    link = attach_xdp(xpass.kernel_info.id, 50, [1])
    watch(counter.info, "still", "XDP xdp_pass at 50, proceed-on drop")
    api.Detach(pb.DetachRequest(link_id=link), timeout=120)
    link = attach_xdp(xpass.kernel_info.id, 60, [1])
    watch(counter.info, "rising", "XDP xdp_pass moved to 60")
    print("ok: XDP 55 / 50 proceed-on drop / 60 through gRPC")

    # The same move in place (libbpfman.v1.Manager/UpdateLink swaps the
    # dispatcher), seen by a Watch stream as one UPDATED event each way.
    mgr = manager_pb2_grpc.ManagerStub(d.channel)
    events = mgr.Watch(mpb.WatchRequest(), timeout=300)
    events.initial_metadata()
    mgr.UpdateLink(mpb.UpdateLinkRequest(id=link, priority=45), timeout=120)
    watch(counter.info, "still", "XDP xdp_pass updated in place to 45")
    mgr.UpdateLink(mpb.UpdateLinkRequest(id=link, priority=60), timeout=120)
    watch(counter.info, "rising", "XDP xdp_pass updated in place back to 60")
    for prio in (45, 60):
        ev = next(events)
        check(ev.kind == mpb.Event.UPDATED and ev.link_id == link and
              ev.program_id == xpass.kernel_info.id and "-> %d" % prio in ev.message,
              "Watch after UpdateLink to %d: %s" % (prio, ev))
    events.cancel()
    print("ok: UpdateLink in place, seen by Watch")

    # The 11th program on one hook (10 are on it after 8 more).
    extra = []
    for i in range(8):
        p = load(XDP_OBJ, "xdp_pass", pb.XDP)
        extra.append(p.kernel_info.id)
        attach_xdp(p.kernel_info.id, 100 + i, [2])
    eleventh = load(XDP_OBJ, "xdp_pass", pb.XDP)
    expect_status(lambda: attach_xdp(eleventh.kernel_info.id, 200, [2]),
                  grpc.StatusCode.RESOURCE_EXHAUSTED, "10", "the 11th XDP program on one interface")
    check(not api.Get(pb.GetRequest(id=eleventh.kernel_info.id), timeout=30).info.links,
          "the refused 11th program has a link")
    watch(counter.info, "rising", "XDP chain after the refused 11th")
    for pid in extra + [eleventh.kernel_info.id, xpass.kernel_info.id, counter.kernel_info.id]:
        api.Unload(pb.UnloadRequest(id=pid), timeout=120)
    print("ok: the 11th XDP program is RESOURCE_EXHAUSTED")

    # TC ingress: tc_count 55 (ok, dispatcher_return); tc_action (returns
    # TC_ACT_OK) at 50 proceed-on shot; at 60.
    tcount = load(TC_OBJ, "tc_count", pb.TC)
    attach_tc(tcount.kernel_info.id, 55, [0, 30])
    watch(tcount.info, "rising", "TC counter alone at 55")
    tpass = load(TC_OBJ, "tc_action", pb.TC)
    link = attach_tc(tpass.kernel_info.id, 50, [2])
    watch(tcount.info, "still", "TC tc_action at 50, proceed-on shot")
    api.Detach(pb.DetachRequest(link_id=link), timeout=120)
    attach_tc(tpass.kernel_info.id, 60, [2])
    watch(tcount.info, "rising", "TC tc_action moved to 60")
    for pid in (tpass.kernel_info.id, tcount.kernel_info.id):
        api.Unload(pb.UnloadRequest(id=pid), timeout=120)
    print("ok: TC 55 / 50 proceed-on shot / 60 through gRPC")
finally:
    if pinger:
        pinger.kill()
    subprocess.run(["ip", "link", "del", host_if], capture_output=True)
    subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    d.cleanup(bpfmanctl)
    shutil.rmtree(stub_dir, ignore_errors=True)
