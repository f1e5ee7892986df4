"""uprobe on the host; kprobe/kretprobe and fentry/fexit in the VM tier
(this host's kernel has no kprobes and refuses fentry)."""
from __future__ import annotations

import os
import struct
import time
from typing import Callable

import pytest

import bpfman
from bpfsys import read_u64
from conftest import bpf_obj


def _counts(ctx: bpfman.Context, obj: str, spec: str, trigger: Callable[[], None],
            only_us: bool = True, **attach: object) -> bpfman.Link:
    """Loads spec (counting our pid only, through its target_pid global),
    attaches, triggers 20 times: the counter must rise by at least 20;
    then unloads."""
    glob = {"target_pid": struct.pack("=I", os.getpid())} if only_us else None
    prog = ctx.load_file(bpf_obj(obj), [spec], globals=glob)[0]
    try:
        link = ctx.attach(prog.id, **attach)  # type: ignore[arg-type]
        before = read_u64(f"{prog.map_pin_dir}/counter")
        for _ in range(20):
            trigger()
        assert read_u64(f"{prog.map_pin_dir}/counter") >= before + 20, spec
        return link
    finally:
        ctx.unload(prog.id)


def _nap() -> None:
    time.sleep(0.0001)


def test_uprobe_on_libc(ctx: bpfman.Context) -> None:
    link = _counts(ctx, "uprobe_counter", "uprobe:uprobe_count", os.getpid,
                   only_us=False, target="libc", fn_name="getpid", pid=os.getpid())
    assert link.type is bpfman.ProgramType.UPROBE and "/libc.so.6" in link.target
    assert (link.fn_name, link.pid, link.retprobe) == ("getpid", os.getpid(), False)
    with pytest.raises(bpfman.BpfmanError):
        prog = ctx.load_file(bpf_obj("uprobe_counter"), ["uprobe:uprobe_count"])[0]
        try:
            ctx.attach(prog.id, target="/no/such/binary", fn_name="f")
        finally:
            ctx.unload(prog.id)


@pytest.mark.vm
def test_kprobe_and_kretprobe(ctx: bpfman.Context) -> None:
    link = _counts(ctx, "kprobe_counter", "kprobe:kprobe_count", _nap, fn_name="do_nanosleep")
    assert (link.type, link.fn_name, link.retprobe) == (bpfman.ProgramType.KPROBE, "do_nanosleep", False)
    link = _counts(ctx, "kprobe_counter", "kprobe:kretprobe_count", _nap, fn_name="do_nanosleep")
    assert link.retprobe


@pytest.mark.vm
def test_fentry_and_fexit(ctx: bpfman.Context) -> None:
    for spec in ("fentry:fentry_count:do_nanosleep", "fexit:fexit_count:do_nanosleep"):
        link = _counts(ctx, "fentry_counter", spec, _nap)
        assert link.type in (bpfman.ProgramType.FENTRY, bpfman.ProgramType.FEXIT)


def _open_devnull() -> None:
    os.close(os.open("/dev/null", os.O_RDONLY))


@pytest.mark.vm
def test_lsm_hook_from_section_and_named_at_load(ctx: bpfman.Context) -> None:
    # Needs the BPF LSM active (the VM boots with lsm=...,bpf).
    link = _counts(ctx, "lsm_counter", "lsm:lsm_count", _open_devnull, only_us=False)
    assert link.type is bpfman.ProgramType.LSM
    prog = ctx.load_file(bpf_obj("lsm_counter"), ["lsm:lsm_count_named:file_open"])[0]
    try:
        assert prog.type is bpfman.ProgramType.LSM and prog.attach_func == "file_open"
    finally:
        ctx.unload(prog.id)
    link = _counts(ctx, "lsm_counter", "lsm:lsm_count_named:file_open", _open_devnull,
                   only_us=False)
    assert link.type is bpfman.ProgramType.LSM


def test_detach_no_wait(ctx: bpfman.Context) -> None:
    """no_wait: the record and pin are gone at return; the kernel releases
    the tracepoint link shortly after, and then the program stops counting."""
    prog = ctx.load_file(bpf_obj("tracepoint_counter"), ["tracepoint:count_getpid"],
                         globals={"target_pid": struct.pack("=I", os.getpid())})[0]
    try:
        link = ctx.attach(prog.id, tracepoint="syscalls/sys_enter_getpid")
        counter = f"{prog.map_pin_dir}/counter"
        before = read_u64(counter)
        os.getpid()
        assert read_u64(counter) > before
        ctx.detach(link.id, no_wait=True)
        assert ctx.list_links() == [] and ctx.get_program(prog.id).link_ids == []
        with pytest.raises(bpfman.NotFoundError):
            ctx.get_link(link.id)
        deadline = time.monotonic() + 5
        while True:
            before = read_u64(counter)
            for _ in range(20):
                os.getpid()
            if read_u64(counter) == before:
                break
            assert time.monotonic() < deadline, "still counting 5 s after a no_wait detach"
            time.sleep(0.01)
    finally:
        ctx.unload(prog.id)
