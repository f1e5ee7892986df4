"""The declarative apply engine through the binding (doc/apply.md): a
TracepointProgram document applied twice keeps its program, its status
reads as the seed's BpfProgram, delete leaves nothing; bad documents and
plans change nothing."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import bpfman
from conftest import Sandbox, bpf_obj, pins_under

O = bpfman.ApplyOutcome
V = bpfman.ApplyVerb


def _doc(name: str, *tracepoints: str) -> str:
    return f"""---
apiVersion: bpfman.io/v1alpha1
kind: TracepointProgram
metadata:
  name: {name}
spec:
  bpffunctionname: count_getpid
  nodeselector: {{}}
  names: [{", ".join(tracepoints)}]
  bytecode:
    path: {bpf_obj("tracepoint_counter")}
"""


def test_apply_twice_status_render_delete(ctx: bpfman.Context, sandbox: Sandbox,
                                          tmp_path: Path) -> None:
    manifest = tmp_path / "tp.yaml"
    manifest.write_text(_doc("tp-py", "syscalls/sys_enter_getpid"))
    assert ctx.parse_manifest(manifest) == [bpfman.ManifestDocument("TracepointProgram", "tp-py")]

    plan = ctx.plan(manifest, node_name="node-py")
    assert [o.outcome for o in plan.objects] == [O.CREATED]
    assert ctx.list_programs() == [], "plan changed something"

    first = ctx.apply(manifest, node_name="node-py")
    assert first.failures == 0, first.objects
    assert [(o.kind, o.name, o.outcome) for o in first.objects] == \
        [("TracepointProgram", "tp-py", O.CREATED)]
    assert {a.verb for a in first.actions} == {V.LOAD, V.ATTACH}
    attach = next(a for a in first.actions if a.verb is V.ATTACH)
    assert attach.attach_point == "syscalls/sys_enter_getpid" and attach.object == 0
    (entry,) = first.entries
    assert (entry.condition, entry.reason) == ("Loaded", "bpfmanLoaded")
    assert entry.node == "node-py" and entry.attach_point == "syscalls/sys_enter_getpid"
    assert entry.program_id > 0 and entry.link_id > 0
    assert "counter" in entry.maps and entry.maps["counter"].startswith(sandbox.bpffs_root)
    prog = ctx.get_program(entry.program_id)
    assert prog.managed and prog.link_ids == [entry.link_id]

    # Same document again (as text this time): nothing changes, same IDs.
    second = ctx.apply(text=manifest.read_text(), origin="again.yaml", node_name="node-py")
    assert [o.outcome for o in second.objects] == [O.UNCHANGED]
    assert {a.verb for a in second.actions} == {V.KEEP}
    assert [(e.program_id, e.link_id) for e in second.entries] == [(entry.program_id, entry.link_id)]
    assert [p.id for p in ctx.list_programs()] == [entry.program_id]

    status = ctx.applied("tracepointprogram", "tp-py", node_name="node-py")
    assert [(e.condition, e.reason, e.program_id) for e in status.entries] == \
        [("Loaded", "bpfmanLoaded", entry.program_id)]
    assert ctx.applied("XdpProgram").entries == []
    yaml = status.render()
    for want in ("kind: BpfProgram", "kind: TracepointProgram", "type: Loaded",
                 "reason: bpfmanLoaded", "syscalls/sys_enter_getpid", "node-py"):
        assert want in yaml, f"{want!r} not in the rendered status:\n{yaml}"
    objs = json.loads(status.render(bpfman.RenderFormat.JSON))
    assert isinstance(objs, list) and len(objs) == 1 and objs[0]["kind"] == "BpfProgram"

    gone = ctx.delete_applied(manifest, node_name="node-py")
    assert [o.outcome for o in gone.objects] == [O.DELETED]
    assert V.UNLOAD in {a.verb for a in gone.actions}
    assert ctx.list_programs() == [] and ctx.list_links() == []
    assert ctx.applied(node_name="node-py").entries == []
    assert pins_under(sandbox.bpffs_root) == []
    again = ctx.delete_applied(text=_doc("tp-py", "syscalls/sys_enter_getpid"))
    assert [o.outcome for o in again.objects] == [O.NOT_FOUND]


def test_failure_is_per_object(ctx: bpfman.Context) -> None:
    text = _doc("tp-good", "syscalls/sys_enter_getpid") + _doc("tp-bad", "no_such_group/no_such_tp")
    r = ctx.apply(text=text)
    try:
        assert r.failures == 1
        good, bad = r.objects
        assert good.outcome is O.CREATED and bad.outcome is O.FAILED
        assert bad.error < 0 and "no_such_tp" in bad.message
        assert len(ctx.list_programs()) == 1, "the failed object left something behind"
    finally:
        ctx.delete_applied(text=text)


def test_bad_documents_raise_and_change_nothing(ctx: bpfman.Context) -> None:
    bad = _doc("tp-x", "syscalls/sys_enter_getpid").replace("  names:", "  nmaes:")
    with pytest.raises(bpfman.InvalidError) as e:
        ctx.apply(text=bad, origin="typo.yaml")
    assert e.value.kind is bpfman.ErrorKind.INVALID
    assert "typo.yaml" in str(e.value) and "nmaes" in str(e.value)
    with pytest.raises(bpfman.NotFoundError):
        ctx.parse_manifest("/nonexistent/manifest.yaml")
    with pytest.raises(ValueError):
        ctx.apply()
    assert ctx.list_programs() == []


def test_names_of_outcomes_and_verbs() -> None:
    assert O.NOT_SELECTED.bpfman_name == "not selected"
    assert V.KEEP.bpfman_name == "keep"
    assert [o.bpfman_name for o in O][:3] == ["unchanged", "created", "configured"]
