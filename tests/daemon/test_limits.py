# SPDX-License-Identifier: Apache-2.0
"""Limits that keep one client from hurting others: a connection that sends
no request within --header-timeout is closed; connections beyond
--max-connections are closed at once while the others go on; and a gRPC
client is served throughout.

usage: test_limits.py BPFMAND BPFMANCTL PROTO_DIR"""
import os
import shutil
import socket
import sys
import tempfile
import time

from daemon_env import Daemon, check, gen_stubs

bpfmand, bpfmanctl, proto_dir = sys.argv[1:4]
stub_dir = tempfile.mkdtemp(prefix="bpfmand-stubs-")
gen_stubs(proto_dir, stub_dir)
import bpfman_pb2 as pb  # noqa: E402
import bpfman_pb2_grpc  # noqa: E402

d = Daemon(bpfmand, ["--max-connections", "3", "--header-timeout", "1"])


def closed_within(s, seconds):
    """True when the server closes s within `seconds` (reads its SETTINGS)."""
    end = time.time() + seconds
    while time.time() < end:
        s.settimeout(max(0.01, end - time.time()))
        try:
            if not s.recv(4096):
                return True
        except socket.timeout:
            return False
    return False


try:
    api = bpfman_pb2_grpc.BpfmanStub(d.channel)
    api.List(pb.ListRequest(bpfman_programs_only=True), timeout=10)  # holds 1 of 3

    # A silent client is dropped after the header timeout.
    t0 = time.time()
    silent = socket.socket(socket.AF_UNIX)
    silent.connect(d.sock)
    check(closed_within(silent, 5), "a silent connection was not closed within 5 s")
    took = time.time() - t0
    check(0.8 <= took <= 4, "the silent connection was closed after %.1f s, --header-timeout 1" % took)
    silent.close()

    # Over the connection limit: the newest is closed at once.
    a, b, c = (socket.socket(socket.AF_UNIX) for _ in range(3))
    a.connect(d.sock)
    b.connect(d.sock)
    time.sleep(0.2)
    c.connect(d.sock)
    check(closed_within(c, 0.5), "a 4th connection over --max-connections 3 was kept")
    check(not closed_within(a, 0.2) and not closed_within(b, 0.2),
          "connections within the limit were closed early")
    for s in (a, b, c):
        s.close()
    time.sleep(1.5)
    check(len(api.List(pb.ListRequest(bpfman_programs_only=True), timeout=10).results) == 0,
          "the gRPC client after the limits")
    print("ok: header timeout and connection limit, other clients unharmed")
finally:
    d.cleanup(bpfmanctl)
    shutil.rmtree(stub_dir, ignore_errors=True)
