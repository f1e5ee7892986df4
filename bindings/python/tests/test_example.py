"""examples/tracepoint_counter.py runs, counts, and SIGTERM leaves nothing."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import bpfman
from conftest import SOURCE, Sandbox, bpf_obj, pins_under

EXAMPLE = SOURCE / "bindings" / "python" / "examples" / "tracepoint_counter.py"


def test_tracepoint_counter_example(sandbox: Sandbox) -> None:
    args = [sys.executable, str(EXAMPLE), bpf_obj("tracepoint_counter"), "--interval", "0.5"]
    for k, v in sandbox.kwargs.items():
        args += [f"--{k.replace('_', '-')}", v]
    p = subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
    counts: list[int] = []
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 30
        assert p.stderr is not None
        while len(counts) < 4 and time.monotonic() < deadline:
            line = p.stderr.readline()
            if not line:
                break
            lines.append(line)
            m = re.search(r" (\d+) calls$", line.strip())
            if m:
                counts.append(int(m.group(1)))
                for _ in range(50):  # trigger the tracepoint between reports
                    os.getpid()
        assert len(counts) == 4, "".join(lines)
        assert counts[-1] >= counts[0] + 150, f"not counting: {counts}"
        assert all(b >= a for a, b in zip(counts, counts[1:])), counts
    finally:
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=30)
    lines.append(err)
    assert p.returncode == 0, "".join(lines)
    assert "SIGTERM: unloading" in err and "unloaded" in err
    with sandbox.context() as c:
        assert c.list_programs() == [], "the example left its program loaded"
        assert c.list_links() == []
    assert pins_under(sandbox.bpffs_root) == []
