# SPDX-License-Identifier: Apache-2.0
"""16 grpcio clients at once, each on its own connection, loading,
attaching, getting, detaching and unloading tracepoint programs, while
bpfmanctl loads and unloads on the same state beside the daemon: every
operation succeeds exactly once, every program is listed while it lives,
and nothing is left.

usage: test_concurrency.py BPFMAND BPFMANCTL PROTO_DIR BPF_OBJ_DIR"""
import json
import os
import shutil
import subprocess
import threading

import grpc

from daemon_env import Daemon, check, setup

A = setup()
bpfmand, bpfmanctl, obj_dir, stub_dir = A.bpfmand, A.bpfmanctl, A.obj_dir, A.stub_dir
obj = os.path.join(obj_dir, "tracepoint_counter.bpf.o")
import bpfman_pb2 as pb  # noqa: E402
import bpfman_pb2_grpc  # noqa: E402

CLIENTS, ROUNDS, CTL_ROUNDS = 16, 4, 6
d = Daemon(bpfmand)
errors, done = [], []
lock = threading.Lock()


def client(n):
    ch = grpc.insecure_channel("unix:" + d.sock)
    api = bpfman_pb2_grpc.BpfmanStub(ch)
    try:
        for r in range(ROUNDS):
            tag = "c%d-r%d" % (n, r)
            pid = api.Load(pb.LoadRequest(bytecode=pb.BytecodeLocation(file=obj), metadata={"tag": tag},
                                          info=[pb.LoadInfo(name="count_getpid", program_type=pb.TRACEPOINT)]),
                           timeout=120).programs[0].kernel_info.id
            link = api.Attach(pb.AttachRequest(id=pid, attach=pb.AttachInfo(
                tracepoint_attach_info=pb.TracepointAttachInfo(tracepoint="syscalls/sys_enter_getpid"))),
                timeout=120).link_id
            listed = api.List(pb.ListRequest(match_metadata={"tag": tag}), timeout=120).results
            if [x.kernel_info.id for x in listed] != [pid]:
                raise RuntimeError("%s: List by tag shows %s, expected [%d]"
                                   % (tag, [x.kernel_info.id for x in listed], pid))
            g = api.Get(pb.GetRequest(id=pid), timeout=120)
            if list(g.info.links) != [link]:
                raise RuntimeError("%s: links %s" % (tag, list(g.info.links)))
            api.Detach(pb.DetachRequest(link_id=link), timeout=120)
            api.Unload(pb.UnloadRequest(id=pid), timeout=120)
            with lock:
                done.append(tag)
    except Exception as e:  # noqa: BLE001 - every failure is reported
        with lock:
            errors.append("client %d: %s" % (n, e))
    finally:
        ch.close()


def ctl():
    for r in range(CTL_ROUNDS):
        out = subprocess.run([bpfmanctl, "load", "file", "-p", obj, "--programs",
                              "tracepoint:count_getpid", "-m", "tag=ctl-%d" % r, "-o", "json"],
                             env=d.env, capture_output=True, text=True)
        if out.returncode:
            errors.append("bpfmanctl load: " + out.stderr)
            return
        pid = json.loads(out.stdout)[0]["id"]
        out = subprocess.run([bpfmanctl, "unload", str(pid)], env=d.env, capture_output=True, text=True)
        if out.returncode:
            errors.append("bpfmanctl unload: " + out.stderr)
            return
        with lock:
            done.append("ctl-%d" % r)


try:
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    threads.append(threading.Thread(target=ctl))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(not errors, "failures: %s" % "; ".join(errors))
    check(len(done) == CLIENTS * ROUNDS + CTL_ROUNDS,
          "%d operations completed, expected %d" % (len(done), CLIENTS * ROUNDS + CTL_ROUNDS))
    check(len(set(done)) == len(done), "an operation was counted twice")
    left = bpfman_pb2_grpc.BpfmanStub(d.channel).List(pb.ListRequest(bpfman_programs_only=True),
                                                       timeout=30).results
    check(not left, "programs left: %s" % [x.kernel_info.id for x in left])
    print("ok: %d clients x %d rounds and bpfmanctl x %d, every operation accounted for"
          % (CLIENTS, ROUNDS, CTL_ROUNDS))
finally:
    d.cleanup(bpfmanctl)
    shutil.rmtree(stub_dir, ignore_errors=True)
