# SPDX-License-Identifier: Apache-2.0
"""libbpfman.v1.Manager/VerifyImage against a real docker-registry on
127.0.0.1 (tests/registry/registry-start): images pushed with skopeo,
signed with `bpfmanctl image sign` (cosign formats; cosign itself is
checked against us in tests/sign). The daemon's signing policy decides:
a signed image verifies (signer, digest); an unsigned one and one signed
with an untrusted key are FAILED_PRECONDITION saying what was found; the
call needs role operate and honours a rule's image prefixes. An image
loaded through the daemon records the caller as owner.

usage: test_verify.py BPFMAND BPFMANCTL PROTO_DIR BPF_OBJ_DIR"""
import json
import os
import shutil
import subprocess
import tempfile

import grpc

from daemon_env import HERE, Daemon, check, expect_status, fail, setup

A = setup(for_other_users=True)
bpfmand, bpfmanctl, obj_dir = A.bpfmand, A.bpfmanctl, A.obj_dir
top = os.path.dirname(os.path.dirname(HERE))
import manager_pb2 as mpb  # noqa: E402
import manager_pb2_grpc  # noqa: E402

for tool in ("docker-registry", "skopeo", "openssl"):
    if not shutil.which(tool):
        fail("%s is not installed; run scripts/install-deps.sh" % tool)

READER, OPERATOR = 65534, 4242
work = tempfile.mkdtemp(prefix="bpfmand-verify-")
regdir = os.path.join(work, "registry")
env = dict(os.environ, REGISTRY_TEST_PORTS="5500-5549")
subprocess.run([os.path.join(top, "tests", "registry", "registry-start"), "plain", regdir],
               env=env, check=True, stdout=subprocess.DEVNULL, timeout=60)
REG = [ln.split("=", 1)[1].strip().strip("'\"") for ln in open(os.path.join(regdir, "env"))
       if ln.startswith("REG_HOST=")][0]
d = None


def run(*cmd, **kw):
    r = subprocess.run(list(cmd), capture_output=True, text=True, timeout=120, **kw)
    check(r.returncode == 0, "%s: rc %d %s %s" % (" ".join(cmd), r.returncode, r.stdout, r.stderr))
    return r.stdout.strip()


def push(name):
    """A one-layer image holding the tracepoint counter; its digest."""
    lay = os.path.join(work, "layout-" + name.replace("/", "_").replace(":", "_"))
    digest = run(os.path.join(top, "tests", "sign", "make-image.sh"), lay, "img",
                 os.path.join(obj_dir, "tracepoint_counter.bpf.o"), '{"count_getpid":"tracepoint"}')
    run("skopeo", "copy", "-q", "--dest-tls-verify=false", "oci:%s:img" % lay,
        "docker://%s/%s" % (REG, name))
    return digest


try:
    run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-out", os.path.join(work, "key.pem"))
    run("openssl", "pkey", "-in", os.path.join(work, "key.pem"), "-pubout",
        "-out", os.path.join(work, "key.pub"))
    run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-out", os.path.join(work, "other.pem"))
    config = """registries:
  - location: %(reg)s
    insecure: true
signing:
  allow_unsigned: true
  rules:
    - scope: %(reg)s/apps
      require_signature: true
      cosign: {keys: [%(work)s/key.pub]}
authorization:
  rules:
    - name: readers
      uid: %(reader)d
      role: read
    - name: app
      uid: %(op)d
      role: operate
      images: ["%(reg)s/apps/"]
""" % {"reg": REG, "work": work, "reader": READER, "op": OPERATOR}
    d = Daemon(bpfmand, config=config)
    signed = push("apps/signed:v1")
    push("apps/unsigned:v1")
    push("apps/badsig:v1")
    ctl_env = dict(d.env)
    run(bpfmanctl, "--config", d.config, "image", "sign", "%s/apps/signed:v1" % REG,
        "--key", os.path.join(work, "key.pem"), env=ctl_env)
    run(bpfmanctl, "--config", d.config, "image", "sign", "%s/apps/badsig:v1" % REG,
        "--key", os.path.join(work, "other.pem"), env=ctl_env)
    mgr = manager_pb2_grpc.ManagerStub(d.channel)

    r = mgr.VerifyImage(mpb.VerifyImageRequest(reference="%s/apps/signed:v1" % REG), timeout=60)
    check(r.digest == signed, "digest %r, pushed %r" % (r.digest, signed))
    check(r.reference.endswith("apps/signed:v1") and r.rule == "%s/apps" % REG,
          "reference %r rule %r" % (r.reference, r.rule))
    good = [s for s in r.signatures if s.ok]
    check(good and good[0].signer and good[0].status == "valid signature" and good[0].format,
          "no valid signature with a signer in %s" % r)
    print("ok: a signed image verifies: digest %s, signer %s" % (r.digest, good[0].signer))

    m = expect_status(lambda: mgr.VerifyImage(mpb.VerifyImageRequest(
        reference="%s/apps/unsigned:v1" % REG), timeout=60), grpc.StatusCode.FAILED_PRECONDITION,
        "no valid trusted signature", "unsigned image")
    check("it has no signature" in m and "sha256:" in m, "unsigned: %r" % m)
    m = expect_status(lambda: mgr.VerifyImage(mpb.VerifyImageRequest(
        reference="%s/apps/badsig:v1" % REG), timeout=60), grpc.StatusCode.FAILED_PRECONDITION,
        "no valid trusted signature", "image signed with another key")
    check("apps/badsig:v1" in m and "cosign" in m, "badsig: %r" % m)
    print("   untrusted key: " + m)
    expect_status(lambda: mgr.VerifyImage(mpb.VerifyImageRequest(
        reference="%s/apps/missing:v1" % REG), timeout=60), grpc.StatusCode.NOT_FOUND,
        None, "an image the registry does not have")
    expect_status(lambda: mgr.VerifyImage(mpb.VerifyImageRequest(), timeout=60),
                  grpc.StatusCode.INVALID_ARGUMENT, "no reference", "no reference")
    print("ok: unsigned, untrusted and missing images are refused, saying what was found")

    # Roles: read is not enough (the daemon's registry credentials are
    # used); an operator within its image prefixes may, outside may not.
    d.open_to_others()

    def as_user(uid, *calls):
        return d.as_user(uid, A.stub_dir, obj_dir, *calls)

    r = as_user(READER, "verify:%s/apps/signed:v1" % REG)
    check(r[0]["code"] == "PERMISSION_DENIED" and "needs role operate" in r[0]["message"],
          "reader VerifyImage: %s" % r[0])
    r = as_user(OPERATOR, "verify:%s/apps/signed:v1" % REG, "verify:%s/elsewhere/x:v1" % REG,
                "load-image:%s/apps/signed:v1" % REG)
    check(r[0]["ok"], "operator VerifyImage within its prefixes: %s" % r[0])
    check(r[1]["code"] == "PERMISSION_DENIED" and "prefixes" in r[1]["message"],
          "operator VerifyImage outside its prefixes: %s" % r[1])
    check(r[2]["ok"] and len(r[2]["ids"]) == 1, "operator Load of the signed image: %s" % r[2])
    pid = r[2]["ids"][0]
    got = json.loads(run(bpfmanctl, "get", "program", str(pid), "-o", "json", env=ctl_env))
    got = got[0] if isinstance(got, list) else got
    check(got.get("owner") == "uid:%d" % OPERATOR and got.get("image", "").endswith("apps/signed:v1"),
          "image load by the operator: owner %r image %r" % (got.get("owner"), got.get("image")))
    r = as_user(OPERATOR, "unload:%d" % pid)
    check(r[0]["ok"], "operator Unload of its image program: %s" % r[0])
    print("ok: VerifyImage needs operate within the image prefixes; an image Load records its owner")
    rc = d.stop()
    check(rc == 0, "bpfmand exited %d at SIGTERM: %s" % (rc, d.logtext()))
finally:
    if d:
        d.cleanup(bpfmanctl)
    subprocess.run([os.path.join(top, "tests", "registry", "registry-stop"), regdir, "--rm"],
                   capture_output=True)
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(A.stub_dir, ignore_errors=True)
