# SPDX-License-Identifier: Apache-2.0
"""bpfmand numbers (issue 11's goals), measured with Python grpcio on one
kept unix-socket connection per client; client-side Python decoding is
inside every number, so they are upper bounds of the server's share.

usage: daemon.py BPFMAND PROTO_DIR OBJ INPROC_LIFECYCLE_US"""
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import grpc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "daemon"))
from daemon_env import gen_stubs  # noqa: E402

bpfmand, proto_dir, obj, inproc_us = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
stubs = tempfile.mkdtemp(prefix="bpfmand-bench-stubs-")
gen_stubs(proto_dir, stubs)
import bpfman_pb2 as pb  # noqa: E402
import bpfman_pb2_grpc  # noqa: E402

sock = os.path.join(os.environ["BPFMAN_STATE_DIR"], "bench.sock")


def rss_kb(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


proc = subprocess.Popen([bpfmand, "--listen", "unix:" + sock, "--config", "/nonexistent.yaml"])
try:
    for _ in range(200):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    time.sleep(0.3)
    print("idle RSS: %.1f MB (goal < 4 MB; bpfman-rpc 0.6.0 measured 9.1 MB)" % (rss_kb(proc.pid) / 1024))
    ch = grpc.insecure_channel("unix:" + sock)
    api = bpfman_pb2_grpc.BpfmanStub(ch)

    # Load+Attach+Detach+Unload through the daemon vs the same calls in-process.
    times = []
    for _ in range(int(os.environ.get("REPS", "15"))):
        t0 = time.perf_counter()
        pid = api.Load(pb.LoadRequest(bytecode=pb.BytecodeLocation(file=obj),
                                      info=[pb.LoadInfo(name="count_getpid", program_type=pb.TRACEPOINT)])
                       ).programs[0].kernel_info.id
        link = api.Attach(pb.AttachRequest(id=pid, attach=pb.AttachInfo(
            tracepoint_attach_info=pb.TracepointAttachInfo(tracepoint="syscalls/sys_enter_getpid")))).link_id
        api.Detach(pb.DetachRequest(link_id=link))
        api.Unload(pb.UnloadRequest(id=pid))
        times.append((time.perf_counter() - t0) * 1e6)
    med = statistics.median(times)
    print("load+attach+detach+unload through bpfmand: %.2f ms vs in-process %.2f ms -> ratio %.2fx (goal <= 1.1x)"
          % (med / 1000, inproc_us / 1000, med / inproc_us))

    # 1,000 programs loaded beside the daemon (bench/lifecycle_inproc).
    count = int(os.environ.get("COUNT", "1000"))
    subprocess.run([os.environ["INPROC"], "load-many", obj, str(count)], check=True,
                   stdout=subprocess.DEVNULL)
    n = len(api.List(pb.ListRequest(bpfman_programs_only=True)).results)
    if n != count:
        sys.exit("List shows %d programs, expected %d" % (n, count))
    lt = []
    for _ in range(20):
        t0 = time.perf_counter()
        api.List(pb.ListRequest(bpfman_programs_only=True))
        lt.append((time.perf_counter() - t0) * 1e6)
    print("List of %d on a kept connection: median %.2f ms (goal < 15 ms; bpfman-rpc 0.6.0 ~140 ms server time)"
          % (count, statistics.median(lt) / 1000))
    print("RSS with %d programs listed: %.1f MB (goal < 10 MB; bpfman-rpc 54 MB)"
          % (count, rss_kb(proc.pid) / 1024))

    # Get: one client alone, then 16 clients at once, each on its own
    # connection (16 Python threads share one GIL: an upper bound).
    ids = [r.kernel_info.id for r in api.List(pb.ListRequest(bpfman_programs_only=True)).results]
    one = []
    for i in range(200):
        t0 = time.perf_counter()
        api.Get(pb.GetRequest(id=ids[i % len(ids)]))
        one.append((time.perf_counter() - t0) * 1e6)
    one.sort()
    print("Get, one client: p50 %.2f ms, p99 %.2f ms" % (one[100] / 1000, one[198] / 1000))
    lat, lock = [], threading.Lock()

    def client(k):
        c = grpc.insecure_channel("unix:" + sock)
        s = bpfman_pb2_grpc.BpfmanStub(c)
        mine = []
        for i in range(100):
            t0 = time.perf_counter()
            s.Get(pb.GetRequest(id=ids[(k * 100 + i) % len(ids)]))
            mine.append((time.perf_counter() - t0) * 1e6)
        with lock:
            lat.extend(mine)
        c.close()
    ts = [threading.Thread(target=client, args=(k,)) for k in range(16)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    lat.sort()
    print("Get with 16 concurrent clients: p50 %.2f ms, p99 %.2f ms (goal p99 < 2 ms)"
          % (lat[len(lat) // 2] / 1000, lat[int(len(lat) * 0.99)] / 1000))
    ch.close()
finally:
    proc.terminate()
    proc.wait()
    import shutil
    shutil.rmtree(stubs, ignore_errors=True)
