# SPDX-License-Identifier: Apache-2.0
"""Socket activation as systemd does it (systemd-socket-activate passes a
listening unix socket with LISTEN_FDS): bpfmand serves the passed socket,
tells the notify socket READY=1, has closed libsystemd again while it
serves (it is opened only for LISTEN_FDS and the notify socket), and exits 0
after --idle-exit seconds with no connection, saying STOPPING=1; the units
in dist/systemd say the same.

usage: test_activation.py BPFMAND BPFMANCTL PROTO_DIR"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import grpc

from daemon_env import check, fail, gen_stubs

bpfmand, bpfmanctl, proto_dir = sys.argv[1:4]
activate = shutil.which("systemd-socket-activate")
if not activate:
    print("*** SKIP: systemd-socket-activate is missing (package systemd) ***")
    sys.exit(77)
stub_dir = tempfile.mkdtemp(prefix="bpfmand-stubs-")
gen_stubs(proto_dir, stub_dir)
import bpfman_pb2 as pb  # noqa: E402
import bpfman_pb2_grpc  # noqa: E402

tmp = tempfile.mkdtemp(prefix="bpfmand-act-")
sock = os.path.join(tmp, "bpfman.sock")
notify_path = os.path.join(tmp, "notify")
notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
notify.bind(notify_path)
notify.settimeout(30)
bpffs = "/sys/fs/bpf/bpfman-test-act-%d" % os.getpid()
env = ["-E", "BPFMAN_STATE_DIR=" + tmp, "-E", "BPFMAN_RUNTIME_DIR=" + tmp,
       "-E", "BPFMAN_BPFFS_ROOT=" + bpffs, "-E", "NOTIFY_SOCKET=" + notify_path]
proc = subprocess.Popen([activate, "-l", sock] + env +
                        [bpfmand, "--idle-exit", "2", "--restore", "--config", os.path.join(tmp, "none.yaml")],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
try:
    for _ in range(100):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    check(os.path.exists(sock), "systemd-socket-activate did not listen")
    ch = grpc.insecure_channel("unix:" + sock)
    r = bpfman_pb2_grpc.BpfmanStub(ch).List(pb.ListRequest(bpfman_programs_only=True), timeout=30)
    check(len(r.results) == 0, "List on an activated daemon: %s" % r)
    msg = notify.recv(4096).decode()
    check("READY=1" in msg, "notify socket got %r, expected READY=1" % msg)
    # systemd-socket-activate execs bpfmand: same pid.
    maps = open("/proc/%d/maps" % proc.pid).read()
    check("/bpfmand" in maps, "pid %d is not bpfmand" % proc.pid)
    check("libsystemd" not in maps, "libsystemd is still mapped while serving (systemd.c closes it after READY=1)")
    ch.close()
    t0 = time.time()
    try:
        rc = proc.wait(20)
    except subprocess.TimeoutExpired:
        fail("the activated daemon did not exit after --idle-exit 2 with no connection")
    log = proc.stdout.read()
    check(rc == 0, "idle exit status %d: %s" % (rc, log))
    msg = notify.recv(4096).decode()
    check("STOPPING=1" in msg, "notify socket got %r at the idle exit, expected STOPPING=1" % msg)
    check("restore: 0 items, 0 failed" in log, "--restore did not report: %s" % log)
    check(time.time() - t0 >= 1.5, "exited before the idle time")
    check(os.path.exists(sock), "the passed socket file was removed (systemd owns it)")
    unit = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "dist",
                             "systemd", "bpfmand.socket")).read()
    check("ListenStream=/run/bpfman-sock/bpfman.sock" in unit and "SocketMode=0660" in unit,
          "bpfmand.socket does not listen where the daemon's default is")
    print("ok: socket activation, READY=1, libsystemd closed while serving, idle exit with STOPPING=1")

    # Started by hand (no LISTEN_FDS, no NOTIFY_SOCKET, no config file):
    # neither libsystemd nor the libraries it needs, nor libyaml, are ever
    # loaded (their cost in idle RSS: doc/benchmarks.md, "bpfmand").
    env2 = {k: v for k, v in os.environ.items() if k not in ("LISTEN_FDS", "LISTEN_PID", "NOTIFY_SOCKET")}
    env2.update(BPFMAN_STATE_DIR=tmp, BPFMAN_RUNTIME_DIR=tmp, BPFMAN_BPFFS_ROOT=bpffs)
    sock2 = os.path.join(tmp, "manual.sock")
    proc = subprocess.Popen([bpfmand, "--listen", "unix:" + sock2, "--config", os.path.join(tmp, "none.yaml")],
                            env=env2, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for _ in range(200):
        if os.path.exists(sock2) or proc.poll() is not None:
            break
        time.sleep(0.05)
    check(os.path.exists(sock2), "bpfmand started by hand did not listen: %s" %
          (proc.stdout.read() if proc.poll() is not None else "still running"))
    maps = open("/proc/%d/maps" % proc.pid).read()
    for lib in ("libsystemd", "libgcrypt", "liblzma", "libzstd", "libyaml"):
        check(lib not in maps, "%s is mapped in a daemon started by hand without a config file" % lib)
    proc.terminate()
    check(proc.wait(20) == 0, "SIGTERM exit status %s" % proc.returncode)
    print("ok: started by hand, no libsystemd (nor its dependencies) and no libyaml mapped")
finally:
    if proc.poll() is None:
        proc.kill()
    subprocess.run([bpfmanctl, "list", "programs"], capture_output=True,
                   env=dict(os.environ, BPFMAN_STATE_DIR=tmp, BPFMAN_RUNTIME_DIR=tmp,
                            BPFMAN_BPFFS_ROOT=bpffs))
    shutil.rmtree(bpffs, ignore_errors=True)
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(stub_dir, ignore_errors=True)
