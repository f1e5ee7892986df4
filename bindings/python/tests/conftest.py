"""Shared fixtures: a sandboxed Context (own state dir, bpffs root under
/sys/fs/bpf/bpfman-test-py-*, image cache), paths of the build's BPF
objects, and the rule that no test may skip (a skip here would count as a
pass in the meson suite): tests the host kernel cannot run are marked `vm`
and run by tests/vm/batch.sh instead."""
from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

import bpfman

BUILD = Path(os.environ.get("BPFMAN_BUILD", "build"))
SOURCE = Path(os.environ.get("BPFMAN_SOURCE", "."))
_seq = itertools.count()


def bpf_obj(name: str) -> str:
    return str(BUILD / "tests" / "bpf" / f"{name}.bpf.o")


def pins_under(root: str) -> list[str]:
    """Pins left under a bpffs root; not its claim by the state directory
    (the `owner` symlink, doc/safety.md), which stays with the root."""
    claim = Path(root) / "owner"
    return sorted(str(p) for p in Path(root).rglob("*")
                  if not p.is_dir() and not (p == claim and p.is_symlink()))


class Sandbox:
    def __init__(self) -> None:
        self.tmp = tempfile.mkdtemp(prefix="bpfman-py-test-")
        self.bpffs_root = f"/sys/fs/bpf/bpfman-test-py-{os.getpid()}-{next(_seq)}"
        self.kwargs = dict(state_dir=f"{self.tmp}/state", bpffs_root=self.bpffs_root,
                           runtime_dir=f"{self.tmp}/run",
                           image_cache_dir=f"{self.tmp}/cache",
                           config_path=f"{self.tmp}/bpfman.yaml")

    def context(self, **kw: object) -> bpfman.Context:
        return bpfman.Context(**{**self.kwargs, **kw})  # type: ignore[arg-type]

    def cleanup(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)
        shutil.rmtree(self.bpffs_root, ignore_errors=True)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    s = Sandbox()
    yield s
    s.cleanup()


@pytest.fixture
def ctx(sandbox: Sandbox) -> Iterator[bpfman.Context]:
    """A context whose every program must be gone at the end: the test
    unloads what it loads, and no pin may remain."""
    with sandbox.context(log_level=bpfman.LogLevel.INFO) as c:
        yield c
        left = c.list_programs()
    assert left == [], f"programs left loaded: {[p.id for p in left]}"
    assert pins_under(sandbox.bpffs_root) == [], "pins left behind"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "vm: needs a kernel feature this host lacks; "
                            "runs in the VM tier (tests/vm/batch.sh)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    rep = outcome.get_result()
    if rep.skipped:
        rep.outcome = "failed"
        rep.longrepr = f"*** skipped, which counts as a failure here: {rep.longrepr} ***"
