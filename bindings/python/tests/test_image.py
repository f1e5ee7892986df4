"""Images through the binding against a real docker-registry on 127.0.0.1
(tests/registry/registry-start, ports 5300-5349): build and push, pull,
get, list, load and run, sign and verify, remove, prune."""
from __future__ import annotations

import os
import struct
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

import bpfman
from bpfsys import read_u64
from conftest import SOURCE, Sandbox, bpf_obj

SCRIPTS = SOURCE / "tests" / "registry"


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[str]:
    d = tmp_path / "reg"
    env = {**os.environ, "REGISTRY_TEST_PORTS": "5300-5349"}
    subprocess.run([str(SCRIPTS / "registry-start"), "plain", str(d)], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    try:
        host = next(line.split("=", 1)[1].strip("'\"") for line in (d / "env").read_text().splitlines()
                    if line.startswith("REG_HOST="))
        yield host
    finally:
        subprocess.run([str(SCRIPTS / "registry-stop"), str(d)], check=False)


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def test_image_lifecycle(sandbox: Sandbox, registry: str, tmp_path: Path) -> None:
    Path(sandbox.kwargs["config_path"]).write_text(
        f'registries:\n  - location: "{registry}"\n    insecure: true\n')
    ref = f"{registry}/py/tracepoint:v1"
    progress: list[tuple[str, int, int]] = []
    with sandbox.context() as ctx:
        digest = ctx.build_image([bpf_obj("tracepoint_counter")], push_reference=ref,
                                 layout_dir=tmp_path / "layout", labels={"org.example.k": "v"},
                                 progress=lambda w, d, t: progress.append((w, d, t)))
        assert digest.startswith("sha256:") and len(digest) == 71
        assert (tmp_path / "layout" / "index.json").exists()
        # The progress callback saw whole blobs go up.
        assert any(w.startswith("upload of sha256:") and d == t > 0 for w, d, t in progress), progress

        with pytest.raises(bpfman.NotFoundError):
            ctx.get_image(ref)  # not pulled yet
        img = ctx.pull_image(ref, policy=bpfman.PullPolicy.IF_NOT_PRESENT)
        assert (img.reference, img.digest, img.index_digest) == (ref, digest, None)
        assert img.programs == [bpfman.ImageProgram("count_getpid", bpfman.ProgramType.TRACEPOINT)]
        assert img.maps == [bpfman.ImageMap("counter", "array")]
        assert img.labels["org.example.k"] == "v" and img.size > 0 and img.platform
        assert ctx.get_image(ref) == img
        assert [i.reference for i in ctx.list_images()] == [ref]

        prog = ctx.load_image(ref, globals={"target_pid": struct.pack("=I", os.getpid())},
                              policy=bpfman.PullPolicy.NEVER)[0]
        try:
            assert (prog.name, prog.image, prog.image_digest) == ("count_getpid", ref, digest)
            ctx.attach(prog.id, tracepoint="syscalls/sys_enter_getpid")
            before = read_u64(f"{prog.map_pin_dir}/counter")
            for _ in range(10):
                os.getpid()
            assert read_u64(f"{prog.map_pin_dir}/counter") == before + 10
        finally:
            ctx.unload(prog.id)

        # Sign with a key of ours, verify with it and with another.
        _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                 "-out", str(tmp_path / "key.pem"))
        _openssl("pkey", "-in", str(tmp_path / "key.pem"), "-pubout", "-out", str(tmp_path / "key.pub"))
        _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                 "-out", str(tmp_path / "other.pem"))
        _openssl("pkey", "-in", str(tmp_path / "other.pem"), "-pubout", "-out", str(tmp_path / "other.pub"))

        unsigned = ctx.verify_image(ref, keys=[tmp_path / "key.pub"])
        assert not unsigned.verified and unsigned.signatures == []
        assert ctx.sign_image(ref, key_file=tmp_path / "key.pem",
                              format=bpfman.SignFormat.LEGACY) == digest
        good = ctx.verify_image(ref, keys=[tmp_path / "key.pub"])
        assert good.verified and good.digest == digest
        assert [s.ok for s in good.signatures] == [True]
        assert good.signatures[0].status and good.signatures[0].format.startswith("cosign")
        bad = ctx.verify_image(ref, keys=[tmp_path / "other.pub"])
        assert not bad.verified and bad.signatures and not bad.signatures[0].ok
        with pytest.raises(bpfman.BpfmanError):
            ctx.sign_image(ref, key_file=tmp_path / "nonexistent.pem")

        ctx.remove_image(ref)
        assert ctx.list_images() == []
        blobs, size = ctx.prune_images()
        assert blobs >= 3 and size > 0, (blobs, size)
        with pytest.raises(bpfman.BpfmanError) as e:
            ctx.pull_image(f"{registry}/py/nonexistent:v1")
        assert "nonexistent" in str(e.value)
        assert ctx.list_images() == []
