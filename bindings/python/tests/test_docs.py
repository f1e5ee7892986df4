"""README's quick start runs and counts; API.md is what gen_api_doc.py writes."""
from __future__ import annotations

import os
import re
import subprocess
import sys

from conftest import SOURCE, Sandbox, bpf_obj

PKG_SRC = SOURCE / "bindings" / "python"


def test_quick_start_counts(sandbox: Sandbox) -> None:
    readme = (PKG_SRC / "README.md").read_text()
    code = re.search(r"## Quick start.*?```python\n(.*?)```", readme, re.S)
    assert code, "no python block in the quick start"
    lines = code.group(1).strip().splitlines()
    assert len([ln for ln in lines if ln.strip()]) < 10, "the quick start grew past ten lines"
    # Only the paths change: the sandbox instead of the system's.
    src = code.group(1)
    src = src.replace("bpfman.Context()", f"bpfman.Context(**{sandbox.kwargs!r})")
    src = src.replace('"tracepoint_counter.bpf.o"', repr(bpf_obj("tracepoint_counter")))
    src = src.replace("time.sleep(3)", "time.sleep(0.2); [os.getpid() for _ in range(10)]")
    src = "import os\n" + src
    r = subprocess.run([sys.executable, "-c", src], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    counts = [int(m) for m in re.findall(r"^(\d+) calls$", r.stdout, re.M)]
    assert len(counts) == 3 and counts[2] >= counts[0] + 20, r.stdout


def test_api_md_is_current() -> None:
    r = subprocess.run([sys.executable, str(PKG_SRC / "gen_api_doc.py")],
                       capture_output=True, text=True, env=os.environ)
    assert r.returncode == 0, r.stderr
    assert r.stdout == (PKG_SRC / "API.md").read_text(), \
        "API.md is stale: regenerate it with gen_api_doc.py (see its docstring)"
