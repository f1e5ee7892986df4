# SPDX-License-Identifier: Apache-2.0
"""Authorization by peer identity (unix credentials), through Python grpcio
clients running as other users: the config's rules give roles (read,
operate with limits), the default admits only root and the group bpfman,
and every refusal is PERMISSION_DENIED naming the identity and the rule,
with nothing changed. A mistake in the section stops the daemon at start.

usage: test_authz.py BPFMAND BPFMANCTL PROTO_DIR BPF_OBJ_DIR"""
import os
import shutil
import subprocess
import tempfile

from daemon_env import Daemon, check, setup

A = setup(for_other_users=True)  # the clients run as other users
bpfmand, bpfmanctl, obj_dir = A.bpfmand, A.bpfmanctl, A.obj_dir
import bpfman_pb2 as pb  # noqa: E402
import bpfman_pb2_grpc  # noqa: E402

READER, OPERATOR, STRANGER = 65534, 4242, 5555
config = """authorization:
  rules:
    - name: readers
      uid: %d
      role: read
    - name: xdp-operators
      uid: %d
      role: operate
      program_types: [xdp]
      interfaces: [bpfmand-none0]
      images: ["quay.io/allowed/"]
""" % (READER, OPERATOR)

# A mistake in the section: the daemon does not start, and says where.
bad = tempfile.mkdtemp(prefix="bpfmand-bad-")
bad_bpffs = "/sys/fs/bpf/bpfman-test-authz-bad-%d" % os.getpid()
open(os.path.join(bad, "c.yaml"), "w").write(
    "authorization:\n  rules:\n    - uid: 1\n      role: superuser\n")
r = subprocess.run([bpfmand, "--listen", "unix:" + bad + "/s", "--config", bad + "/c.yaml"],
                   env=dict(os.environ, BPFMAN_STATE_DIR=bad, BPFMAN_RUNTIME_DIR=bad,
                            BPFMAN_BPFFS_ROOT=bad_bpffs),
                   capture_output=True, text=True, timeout=30)
check(r.returncode == 1 and "authorization.rules[0].role" in r.stderr and "read, operate or admin" in r.stderr,
      "a bad role: rc %d, %r" % (r.returncode, r.stderr))
shutil.rmtree(bad, ignore_errors=True)
shutil.rmtree(bad_bpffs, ignore_errors=True)

d = Daemon(bpfmand, config=config)


def as_user(uid, *calls):
    return d.as_user(uid, A.stub_dir, obj_dir, *calls)


def managed():
    api = bpfman_pb2_grpc.BpfmanStub(d.channel)
    return sorted(r.kernel_info.id for r in
                  api.List(pb.ListRequest(bpfman_programs_only=True), timeout=30).results)


try:
    d.open_to_others()
    before = managed()

    r = as_user(READER, "list", "load-tracepoint")
    check(r[0]["ok"], "reader List: %s" % r[0])
    m = r[1].get("message", "")
    check(r[1]["code"] == "PERMISSION_DENIED" and "uid %d" % READER in m and "'readers'" in m
          and "needs role operate" in m, "reader Load: %s" % r[1])

    r = as_user(OPERATOR, "load-tracepoint", "load-xdp")
    m = r[0].get("message", "")
    check(r[0]["code"] == "PERMISSION_DENIED" and "uid %d" % OPERATOR in m and
          "tracepoint" in m and "'xdp-operators'" in m, "operator Load of a tracepoint: %s" % r[0])
    check(r[1]["ok"] and len(r[1]["ids"]) == 1, "operator Load of XDP: %s" % r[1])
    xdp_id = r[1]["ids"][0]
    # Limits on interfaces and image prefixes refuse before anything is
    # tried (the image's registry is never contacted).
    r = as_user(OPERATOR, "attach-xdp:%d:lo" % xdp_id, "pull:example.com/other/image:1",
                "unload:%d" % xdp_id)
    m = r[0].get("message", "")
    check(r[0]["code"] == "PERMISSION_DENIED" and "interface lo" in m, "operator Attach to lo: %s" % r[0])
    m = r[1].get("message", "")
    check(r[1]["code"] == "PERMISSION_DENIED" and "example.com/other/image:1" in m and "prefixes" in m,
          "operator PullBytecode outside its images: %s" % r[1])
    check(r[2]["ok"], "operator Unload: %s" % r[2])

    r = as_user(STRANGER, "list")
    m = r[0].get("message", "")
    check(r[0]["code"] == "PERMISSION_DENIED" and "uid %d" % STRANGER in m and "no rule" in m
          and "group bpfman" in m, "stranger List: %s" % r[0])

    check(managed() == before, "refused calls changed the programs: %s -> %s" % (before, managed()))
    # root is admin by default, also when rules exist.
    api = bpfman_pb2_grpc.BpfmanStub(d.channel)
    pid = api.Load(pb.LoadRequest(bytecode=pb.BytecodeLocation(
        file=os.path.join(obj_dir, "tracepoint_counter.bpf.o")),
        info=[pb.LoadInfo(name="count_getpid", program_type=pb.TRACEPOINT)]),
        timeout=30).programs[0].kernel_info.id
    api.Unload(pb.UnloadRequest(id=pid), timeout=30)
    print("ok: roles, limits and the default decide; refusals name identity and rule")
finally:
    d.cleanup(bpfmanctl)
    shutil.rmtree(A.stub_dir, ignore_errors=True)
