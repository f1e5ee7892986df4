#!/usr/bin/env python3
"""Counts calls of a tracepoint with a program loaded through libbpfman.

    tracepoint_counter.py OBJECT [--tracepoint syscalls/sys_enter_getpid]
                          [--function count_getpid] [--interval 3]

Loads FUNCTION from the ELF OBJECT (its "counter" map holds one u64 that the
program bumps), attaches it to the tracepoint, logs "N calls" every
INTERVAL seconds from the pinned map, and on SIGINT or SIGTERM unloads it.
The --state-dir/--bpffs-root/... options choose the libbpfman context's paths.
"""
from __future__ import annotations

import argparse
import ctypes
import logging
import os
import signal
import struct
import threading
from types import FrameType
from typing import Optional

import bpfman

log = logging.getLogger("tracepoint_counter")

_libc = ctypes.CDLL(None, use_errno=True)
_SYS_BPF = {"x86_64": 321, "aarch64": 280}[os.uname().machine]


def _bpf(cmd: int, attr: "ctypes.Array[ctypes.c_char]") -> int:
    r = int(_libc.syscall(_SYS_BPF, cmd, attr, len(attr)))
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return r


def read_counter(pin: str) -> int:
    """Slot 0 of the pinned array map `pin` (BPF_OBJ_GET, BPF_MAP_LOOKUP_ELEM):
    libbpfman pins maps but leaves reading them to the application."""
    path = ctypes.create_string_buffer(pin.encode())
    attr = ctypes.create_string_buffer(128)
    struct.pack_into("=Q", attr, 0, ctypes.addressof(path))
    fd = _bpf(7, attr)
    try:
        key, value = ctypes.c_uint32(0), ctypes.c_uint64(0)
        attr = ctypes.create_string_buffer(128)
        struct.pack_into("=IIQQ", attr, 0, fd, 0, ctypes.addressof(key), ctypes.addressof(value))
        _bpf(1, attr)
        return value.value
    finally:
        os.close(fd)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("object")
    ap.add_argument("--tracepoint", default="syscalls/sys_enter_getpid")
    ap.add_argument("--function", default="count_getpid")
    ap.add_argument("--interval", type=float, default=3.0)
    for p in ("state-dir", "bpffs-root", "runtime-dir", "image-cache-dir", "config-path"):
        ap.add_argument(f"--{p}")
    a = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    stop = threading.Event()

    def on_signal(signum: int, _frame: Optional[FrameType]) -> None:
        log.info("%s: unloading", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    with bpfman.Context(state_dir=a.state_dir, bpffs_root=a.bpffs_root,
                        runtime_dir=a.runtime_dir, image_cache_dir=a.image_cache_dir,
                        config_path=a.config_path) as ctx:
        prog, = ctx.load_file(a.object, [f"tracepoint:{a.function}"],
                              application="tracepoint_counter")
        try:
            ctx.attach(prog.id, tracepoint=a.tracepoint)
            log.info("program %d attached to %s", prog.id, a.tracepoint)
            counter = f"{prog.map_pin_dir}/counter"
            while not stop.wait(a.interval):
                log.info("%d calls", read_counter(counter))
        finally:
            ctx.unload(prog.id)
            log.info("program %d unloaded", prog.id)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
