"""Every C allocation the binding causes is freed: glibc's own count of
bytes in use (mallinfo2) does not grow over hundreds of calls that copy
programs, links, lists and errors out of the library. The same measurement
of a deliberate leak (handles not freed) shows that it would notice."""
from __future__ import annotations

import ctypes
import gc
import os
import struct
from ctypes import byref, c_void_p
from typing import Callable

import bpfman
from bpfman._lib import lib
from conftest import bpf_obj


class _MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                 "fsmblks", "uordblks", "fordblks", "keepcost")]


_libc = ctypes.CDLL(None)
_libc.mallinfo2.restype = _MallInfo2


def _in_use() -> int:
    gc.collect()
    m = _libc.mallinfo2()
    return int(m.uordblks + m.hblkhd)


def _growth(step: Callable[[], None], rounds: int) -> int:
    for _ in range(20):  # caches, lazily built tables, interned strings
        step()
    before = _in_use()
    for _ in range(rounds):
        step()
    return _in_use() - before


ROUNDS = 300
LIMIT = 48 * 1024  # noise from Python's own malloc use; a leak of 160 B/round fails


def test_no_leaks(ctx: bpfman.Context) -> None:
    prog = ctx.load_file(bpf_obj("tracepoint_counter"), ["tracepoint:count_getpid"],
                         globals={"target_pid": struct.pack("=I", os.getpid())},
                         metadata={"a": "b"})[0]
    link = ctx.attach(prog.id, tracepoint="syscalls/sys_enter_getpid", metadata={"c": "d"})

    def step() -> None:
        assert ctx.get_program(prog.id).link_ids == [link.id]
        assert len(ctx.list_programs(metadata={"a": "b"})) == 1
        assert ctx.get_link(link.id).metadata == {"c": "d"}
        assert len(ctx.list_links()) == 1
        assert ctx.reconcile().failures == 0
        assert ctx.list_images() == []
        try:
            ctx.get_program(0x7FFFFFF0)
        except bpfman.NotFoundError:
            pass
        try:
            ctx.load_file(bpf_obj("bad_verifier"), ["tracepoint:unchecked_lookup"])
        except bpfman.VerifierError:
            pass

    try:
        grown = _growth(step, ROUNDS)
        print(f"in use after {ROUNDS} rounds: {grown:+d} bytes")
        assert grown < LIMIT, f"{grown} bytes more in use after {ROUNDS} rounds"

        # The control: the same calls without freeing the handle leak, and
        # the measurement sees it.
        def leaky() -> None:
            h = c_void_p()
            assert lib.bpfman_program__get(byref(h), ctx._ctx, prog.id) == 0

        leaked = _growth(leaky, ROUNDS)
        print(f"deliberate leak: {leaked:+d} bytes")
        assert leaked > 4 * LIMIT, f"a real leak grew only {leaked} bytes: the check is blind"
    finally:
        ctx.unload(prog.id)


def test_no_leaks_apply_authorize(ctx: bpfman.Context) -> None:
    """Manifests, apply results (and their rendered text), map_used_by's
    array and authorization identities are freed too."""
    doc = f"""apiVersion: bpfman.io/v1alpha1
kind: TracepointProgram
metadata: {{name: tp-leak}}
spec:
  bpffunctionname: count_getpid
  nodeselector: {{}}
  names: [syscalls/sys_enter_getpid]
  bytecode: {{path: {bpf_obj("tracepoint_counter")}}}
"""
    first = ctx.apply(text=doc, node_name="n")
    assert first.failures == 0
    pid = first.entries[0].program_id

    def step() -> None:
        assert ctx.parse_manifest(text=doc)[0].name == "tp-leak"
        assert [o.outcome for o in ctx.apply(text=doc, node_name="n").objects] == \
            [bpfman.ApplyOutcome.UNCHANGED]
        assert "bpfmanLoaded" in ctx.applied("TracepointProgram", "tp-leak", node_name="n").render()
        assert ctx.map_used_by(pid) == [pid]
        assert ctx.authorize("List", bpfman.Role.READ, uid=0, gid=0, groups=[1, 2],
                             cert_sans=["DNS:x"]) is bpfman.Role.ADMIN
        try:
            ctx.parse_manifest(text=doc.replace("names:", "nmaes:"))
        except bpfman.InvalidError:
            pass

    try:
        grown = _growth(step, ROUNDS)
        print(f"in use after {ROUNDS} rounds: {grown:+d} bytes")
        assert grown < LIMIT, f"{grown} bytes more in use after {ROUNDS} rounds"
    finally:
        ctx.delete_applied(text=doc)
