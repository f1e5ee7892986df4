# SPDX-License-Identifier: Apache-2.0
"""Shared by the Python daemon tests: stubs generated from OUR protos with
grpcio-tools at test time, and a bpfmand started on a sandbox (its own
state dir, bpffs root and unix socket) that is stopped and cleaned after."""
import collections
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import grpc
from grpc_tools import protoc

HERE = os.path.dirname(os.path.abspath(__file__))


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def gen_stubs(proto_dir, out_dir):
    for p in ("bpfman.proto", "health.proto", "manager.proto"):
        rc = protoc.main(["protoc", "-I" + proto_dir, "--python_out=" + out_dir,
                          "--grpc_python_out=" + out_dir, os.path.join(proto_dir, p)])
        check(rc == 0, "grpc_tools.protoc could not compile " + p)
    sys.path.insert(0, out_dir)


Args = collections.namedtuple("Args", "bpfmand bpfmanctl proto_dir obj_dir stub_dir")


def setup(for_other_users=False):
    """The arguments every test of this kind takes (BPFMAND BPFMANCTL
    PROTO_DIR BPF_OBJ_DIR), with stubs generated into a new directory
    (the caller removes it), readable by other users when clients run as
    them (Daemon.as_user)."""
    bpfmand, bpfmanctl, proto_dir, obj_dir = sys.argv[1:5]
    stub_dir = tempfile.mkdtemp(prefix="bpfmand-stubs-")
    gen_stubs(proto_dir, stub_dir)
    if for_other_users:
        os.chmod(stub_dir, 0o755)
    return Args(bpfmand, bpfmanctl, proto_dir, os.path.abspath(obj_dir), stub_dir)


class Daemon:
    def __init__(self, bpfmand, extra_args=(), config=None):
        self.tmp = tempfile.mkdtemp(prefix="bpfmand-test-")
        self.config = os.path.join(self.tmp, "bpfman.yaml")
        if config is not None:
            open(self.config, "w").write(config)
        self.bpffs = "/sys/fs/bpf/bpfman-test-daemon-%d" % os.getpid()
        self.sock = os.path.join(self.tmp, "bpfman.sock")
        self.open_to_all = False
        self.env = dict(os.environ, BPFMAN_STATE_DIR=os.path.join(self.tmp, "state"),
                        BPFMAN_BPFFS_ROOT=self.bpffs,
                        BPFMAN_RUNTIME_DIR=os.path.join(self.tmp, "run"),
                        BPFMAN_IMAGE_CACHE_DIR=os.path.join(self.tmp, "cache"))
        self.bpfmand = bpfmand
        self.args = list(extra_args)
        self.log = open(os.path.join(self.tmp, "bpfmand.log"), "w+")
        self._spawn("start")

    def _spawn(self, when):
        self.proc = subprocess.Popen([self.bpfmand, "--listen", "unix:" + self.sock,
                                      "--config", self.config] + self.args,
                                     env=self.env, stdout=self.log, stderr=self.log)
        for _ in range(200):
            if os.path.exists(self.sock):
                break
            if self.proc.poll() is not None:
                fail("bpfmand exited %d at %s: %s" % (self.proc.returncode, when, self.logtext()))
            time.sleep(0.05)
        else:
            fail("bpfmand did not create %s within 10 s of its %s" % (self.sock, when))
        self.channel = grpc.insecure_channel("unix:" + self.sock)
        if self.open_to_all:
            os.chmod(self.sock, 0o666)

    def restart(self, config):
        """Stops bpfmand (it must exit 0: under ASan, no leak or error
        report either) and starts it again on the same state with another
        config (the config is read once per process)."""
        rc = self.stop()
        check(rc == 0, "bpfmand exited %d at SIGTERM: %s" % (rc, self.logtext()))
        open(self.config, "w").write(config)
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        self._spawn("restart")

    def open_to_others(self):
        """Lets other users reach the socket, so that the policy decides
        (in production the socket's group does this); kept over restarts."""
        self.open_to_all = True
        os.chmod(self.tmp, 0o755)
        os.chmod(self.sock, 0o666)

    def as_user(self, uid, stub_dir, obj_dir, *calls):
        """Runs authz_client.py as uid (and gid uid, no supplementary
        groups) with the given calls; returns its per-call results."""
        def drop():
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
        out = subprocess.run([sys.executable, os.path.join(HERE, "authz_client.py"), stub_dir,
                              self.sock, obj_dir] + list(calls),
                             preexec_fn=drop, capture_output=True, text=True, timeout=120)
        check(out.returncode == 0, "client as uid %d failed: %s" % (uid, out.stderr))
        return json.loads(out.stdout)

    def logtext(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self, sig=signal.SIGTERM, timeout=10):
        self.channel.close()
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                fail("bpfmand did not exit within %d s of signal %d" % (timeout, sig))
        return self.proc.returncode

    def cleanup(self, bpfmanctl):
        """Unloads what a failed test left (with bpfmanctl on the same
        state), then removes the sandbox."""
        self.stop()
        out = subprocess.run([bpfmanctl, "list", "programs", "-o", "json"], env=self.env,
                             capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.strip():
            for p in json.loads(out.stdout):
                subprocess.run([bpfmanctl, "unload", str(p["id"]), "--force"], env=self.env,
                               capture_output=True)
        shutil.rmtree(self.bpffs, ignore_errors=True)
        shutil.rmtree(self.tmp, ignore_errors=True)


def expect_status(fn, code, contains=None, what=""):
    """Calls fn(); it must fail with grpc status `code` (and a message
    containing `contains`). Returns the message."""
    try:
        fn()
    except grpc.RpcError as e:
        check(e.code() == code, "%s: expected %s, got %s: %s" % (what, code, e.code(), e.details()))
        if contains:
            check(contains in (e.details() or ""),
                  "%s: message %r does not contain %r" % (what, e.details(), contains))
        return e.details()
    fail("%s: expected %s, the call succeeded" % (what, code))
