"""The change feed through the binding: each change an event in order, a
cursor, a refused call recording nothing, another context's change waking
the descriptor and wait_events(), pruning (events.keep) as a gap."""
from __future__ import annotations

import os
import select
import threading

import bpfman
from conftest import Sandbox, bpf_obj

TP = "syscalls/sys_enter_getpid"
K = bpfman.EventKind


def _load(ctx: bpfman.Context) -> bpfman.Program:
    return ctx.load_file(bpf_obj("tracepoint_counter"), ["tracepoint:count_getpid"])[0]


def test_changes_in_order(ctx: bpfman.Context) -> None:
    assert ctx.last_event_seq() == 0
    prog = _load(ctx)
    link = ctx.attach(prog.id, tracepoint=TP)
    ctx.detach(link.id)
    ctx.unload(prog.id)
    got = ctx.read_events()
    assert not got.gap and got.last_seq == 4
    assert [(e.seq, e.kind, e.program_id, e.link_id) for e in got.events] == [
        (1, K.LOADED, prog.id, 0), (2, K.ATTACHED, prog.id, link.id),
        (3, K.DETACHED, prog.id, link.id), (4, K.UNLOADED, prog.id, 0)]
    assert all(e.time_ns > 0 and e.message and e.old_program_id == 0 and e.owner is None
               for e in got.events)
    assert [e.seq for e in ctx.read_events(2).events] == [3, 4]
    assert len(ctx.read_events(0, max=1).events) == 1
    # Refused: nothing recorded.
    try:
        ctx.unload(987654)
    except bpfman.NotFoundError:
        pass
    assert ctx.last_event_seq() == 4
    # Ahead of the feed: a gap.
    assert ctx.read_events(99).gap


def test_events_name_the_owner(ctx: bpfman.Context) -> None:
    start = ctx.last_event_seq()
    prog = ctx.load_file(bpf_obj("tracepoint_counter"), ["tracepoint:count_getpid"],
                         owner="cert:/CN=app/O=example")[0]
    link = ctx.attach(prog.id, tracepoint=TP)
    ctx.detach(link.id)
    ctx.unload(prog.id)
    got = ctx.read_events(start).events
    assert [e.kind for e in got] == [K.LOADED, K.ATTACHED, K.DETACHED, K.UNLOADED]
    assert all(e.owner == "cert:/CN=app/O=example" for e in got), got


def test_another_context_wakes_the_descriptor(ctx: bpfman.Context, sandbox: Sandbox) -> None:
    start = ctx.last_event_seq()
    fd = ctx.events_fd()
    try:
        assert ctx.wait_events(start, timeout=0.1) is False
        other = sandbox.context()
        done: list[int] = []
        t = threading.Thread(target=lambda: done.append(_load(other).id))
        t.start()
        assert ctx.wait_events(start, timeout=20) is True
        t.join()
        assert select.select([fd], [], [], 5)[0] == [fd]
        while True:
            try:
                os.read(fd, 4096)
            except BlockingIOError:
                break
        ev = ctx.read_events(start).events
        assert [(e.kind, e.program_id) for e in ev] == [(K.LOADED, done[0])]
        other.unload(done[0])
        other.close()
    finally:
        os.close(fd)


def test_pruned_cursor_is_a_gap(sandbox: Sandbox) -> None:
    with open(sandbox.kwargs["config_path"], "w") as f:
        f.write("events:\n  keep: 2\n")
    with sandbox.context() as c:
        for _ in range(2):
            c.unload(_load(c).id)
        got = c.read_events(1)
        assert got.gap and got.last_seq == 4
        assert [e.seq for e in got.events] == [3, 4]
        assert not c.read_events(2).gap
