# SPDX-License-Identifier: Apache-2.0
"""tcp: listeners with mutual TLS, through Python grpcio: a client with a
certificate of the configured CA is served; a client without a certificate,
with one of another CA, an expired one, or one not allowed for client
authentication is refused in the handshake (UNAVAILABLE, before any RPC;
the daemon logs why) and changed nothing; the served client is recorded as
owner "cert:<subject>" of what it loads, shown by the Manager service
(GetProgram, ListPrograms mine, Watch); and plaintext TCP does not exist.

usage: test_mtls.py BPFMAND BPFMANCTL PROTO_DIR BPF_OBJ_DIR"""
import os
import socket
import subprocess
import tempfile
import time
import shutil

import grpc

from daemon_env import HERE, Daemon, check, expect_status, setup

A = setup()
bpfmand, bpfmanctl, obj_dir = A.bpfmand, A.bpfmanctl, A.obj_dir
import bpfman_pb2 as pb  # noqa: E402
import bpfman_pb2_grpc  # noqa: E402
import manager_pb2 as mpb  # noqa: E402
import manager_pb2_grpc  # noqa: E402

pki = tempfile.mkdtemp(prefix="bpfmand-pki-")
subprocess.run([os.path.join(HERE, "make-pki.sh"), pki], check=True)


def p(name):
    return os.path.join(pki, name)


def read(name):
    return open(p(name), "rb").read()


s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
addr = "127.0.0.1:%d" % port

# Refused configurations: no TLS options, a key of another certificate.
r = subprocess.run([bpfmand, "--listen", "tcp:" + addr], capture_output=True, text=True)
check(r.returncode == 2 and "--tls-ca" in r.stderr and "plaintext" in r.stderr,
      "tcp without TLS options: rc %d, %r" % (r.returncode, r.stderr))
r = subprocess.run([bpfmand, "--listen", "tcp:" + addr, "--tls-ca", p("ca.crt"),
                    "--tls-cert", p("server.crt"), "--tls-key", p("client.key")],
                   capture_output=True, text=True, env=dict(os.environ, BPFMAN_STATE_DIR=pki,
                                                           BPFMAN_RUNTIME_DIR=pki))
check(r.returncode == 1 and "does not belong" in r.stderr,
      "a key of another certificate: rc %d, %r" % (r.returncode, r.stderr))

# The good client's certificate is admin by its SAN (TLS peers have no uid).
d = Daemon(bpfmand, ["--listen", "tcp:" + addr, "--tls-ca", p("ca.crt"),
                     "--tls-cert", p("server.crt"), "--tls-key", p("server.key")],
           config="authorization:\n  rules:\n    - name: app\n"
                  "      cert_san: \"URI:spiffe://example/app\"\n      role: admin\n"
                  "    - name: cert-readers\n"
                  "      cert_subject: \"/CN=reader\"\n      role: read\n")
try:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)

    def channel(client):
        creds = grpc.ssl_channel_credentials(
            root_certificates=read("ca.crt"),
            private_key=read(client + ".key") if client else None,
            certificate_chain=read(client + ".crt") if client else None)
        return grpc.secure_channel(addr, creds)

    load = pb.LoadRequest(bytecode=pb.BytecodeLocation(file=os.path.join(obj_dir, "tracepoint_counter.bpf.o")),
                          info=[pb.LoadInfo(name="count_getpid", program_type=pb.TRACEPOINT)])
    for client, why in ((None, "no client certificate"), ("other", "another CA"),
                        ("expired", "an expired certificate"),
                        ("wrongusage", "extendedKeyUsage serverAuth only")):
        ch = channel(client)
        api = bpfman_pb2_grpc.BpfmanStub(ch)
        expect_status(lambda: api.Load(load, timeout=10), grpc.StatusCode.UNAVAILABLE, None,
                      "Load with " + why)
        ch.close()
    log = d.logtext()
    check("refused a TLS client" in log, "the daemon did not log the refusals: %s" % log)
    check("certificate has expired" in log, "no 'certificate has expired' in the log: %s" % log)

    ch = channel("client")
    api = bpfman_pb2_grpc.BpfmanStub(ch)
    check(len(api.List(pb.ListRequest(bpfman_programs_only=True), timeout=30).results) == 0,
          "a refused client loaded something")
    # The client watches its own programs' events (mine) from now on;
    # root's Load and Unload on the unix socket do not reach it.
    mgr = manager_pb2_grpc.ManagerStub(ch)
    mine = mgr.Watch(mpb.WatchRequest(mine=True), timeout=30)
    time.sleep(0.5)  # the stream is open (else the replay path filters)
    root_api = bpfman_pb2_grpc.BpfmanStub(d.channel)
    rid = root_api.Load(load, timeout=30).programs[0].kernel_info.id
    root_api.Unload(pb.UnloadRequest(id=rid), timeout=30)
    pid = api.Load(load, timeout=30).programs[0].kernel_info.id
    check(api.Get(pb.GetRequest(id=pid), timeout=10).kernel_info.id == pid, "Get over mTLS")
    # The certificate's subject is the owner, through our own service to
    # the caller itself (mine) and to root on the unix socket.
    got = mgr.ListPrograms(mpb.ListProgramsRequest(mine=True), timeout=10).programs
    check([(p.id, p.owner) for p in got] == [(pid, "cert:/CN=client")],
          "ListPrograms mine over mTLS: %s" % got)
    root_mgr = manager_pb2_grpc.ManagerStub(d.channel)
    check(root_mgr.GetProgram(mpb.GetProgramRequest(id=pid), timeout=10).owner == "cert:/CN=client",
          "GetProgram on the unix socket: owner of the mTLS client's program")
    check(not root_mgr.ListPrograms(mpb.ListProgramsRequest(mine=True), timeout=10).programs,
          "root's ListPrograms mine shows the certificate's program")
    api.Unload(pb.UnloadRequest(id=pid), timeout=30)
    got = []
    for ev in mine:
        got.append((ev.kind, ev.program_id, ev.owner))
        if ev.kind == mpb.Event.UNLOADED:
            break
    mine.cancel()
    check(got == [(mpb.Event.LOADED, pid, "cert:/CN=client"),
                  (mpb.Event.UNLOADED, pid, "cert:/CN=client")],
          "Watch mine over mTLS (root loaded and unloaded %d meanwhile): %s" % (rid, got))
    ch.close()
    evs = []
    stream = root_mgr.Watch(mpb.WatchRequest(after_seq=0), timeout=20)
    for ev in stream:
        evs.append(ev)
        if ev.kind == mpb.Event.UNLOADED and ev.program_id == pid:
            break
    stream.cancel()
    check([(ev.kind, ev.owner) for ev in evs if ev.program_id == pid] ==
          [(mpb.Event.LOADED, "cert:/CN=client"), (mpb.Event.UNLOADED, "cert:/CN=client")],
          "Watch events of the mTLS client's program: %s" % evs)
    print("ok: an mTLS caller is recorded as owner cert:<subject>, shown by GetProgram, "
          "ListPrograms (mine) and Watch (mine: its events only)")

    # A certificate whose rule gives read: List yes, Load no (named).
    ch = channel("reader")
    api = bpfman_pb2_grpc.BpfmanStub(ch)
    api.List(pb.ListRequest(bpfman_programs_only=True), timeout=30)
    msg = expect_status(lambda: api.Load(load, timeout=30), grpc.StatusCode.PERMISSION_DENIED,
                        "certificate /CN=reader", "Load by a read-only certificate")
    check("'cert-readers'" in msg and "needs role operate" in msg, "refusal: %s" % msg)
    ch.close()

    # Plaintext HTTP/2 to the TLS port gets no answer.
    ch = grpc.insecure_channel(addr)
    expect_status(lambda: bpfman_pb2_grpc.BpfmanStub(ch).List(pb.ListRequest(), timeout=5),
                  grpc.StatusCode.UNAVAILABLE, None, "plaintext to the TLS port")
    ch.close()
    # The unix socket is served at the same time.
    check(len(bpfman_pb2_grpc.BpfmanStub(d.channel).List(pb.ListRequest(bpfman_programs_only=True),
                                                          timeout=10).results) == 0,
          "the unix socket beside TCP")
    print("ok: mutual TLS accepts the CA's client and refuses four others in the handshake")
finally:
    d.cleanup(bpfmanctl)
    shutil.rmtree(pki, ignore_errors=True)
    shutil.rmtree(A.stub_dir, ignore_errors=True)
