"""Real programs in this kernel through the binding: load, attach, trigger,
read the counter, list, get, detach, unload; and the failures."""
from __future__ import annotations

import errno
import os
import struct
import time
from pathlib import Path

import pytest

import bpfman
from bpfsys import read_u64
from conftest import Sandbox, bpf_obj, pins_under

TP = "syscalls/sys_enter_getpid"


def _load_counter(ctx: bpfman.Context, **kw: object) -> bpfman.Program:
    progs = ctx.load_file(bpf_obj("tracepoint_counter"), ["tracepoint:count_getpid"],
                          globals={"target_pid": struct.pack("=I", os.getpid())},
                          **kw)  # type: ignore[arg-type]
    assert len(progs) == 1
    return progs[0]


def test_tracepoint_lifecycle(ctx: bpfman.Context) -> None:
    prog = _load_counter(ctx, metadata={"owner": "pytest"}, application="py-app")
    assert prog.type is bpfman.ProgramType.TRACEPOINT
    assert (prog.name, prog.managed, prog.kernel_loaded) == ("count_getpid", True, True)
    assert prog.kernel_type_name == "tracepoint" and prog.kernel_name == "count_getpid"
    assert prog.metadata == {"owner": "pytest"} and prog.application == "py-app"
    assert prog.globals["target_pid"] == struct.pack("=I", os.getpid())
    assert prog.path.endswith("tracepoint_counter.bpf.o") and prog.image is None
    assert prog.map_ids and prog.tag and prog.loaded_at > 0 and prog.link_ids == []
    assert Path(prog.pin_path).exists()
    counter = f"{prog.map_pin_dir}/counter"

    link = ctx.attach(prog.id, tracepoint=TP, metadata={"k": "v"})
    assert link.type is bpfman.ProgramType.TRACEPOINT and link.tracepoint == TP
    assert (link.program_id, link.metadata, link.position) == (prog.id, {"k": "v"}, -1)
    assert ctx.get_program(prog.id).link_ids == [link.id]
    assert ctx.get_link(link.id) == link
    assert [lk.id for lk in ctx.list_links(program_id=prog.id)] == [link.id]
    assert [lk.id for lk in ctx.list_links(metadata={"k": "v"})] == [link.id]
    assert ctx.list_links(metadata={"k": "other"}) == []

    before = read_u64(counter)
    for _ in range(100):
        os.getpid()
    assert read_u64(counter) - before == 100, "the program did not count our getpid calls"

    # list and its filters
    assert [p.id for p in ctx.list_programs()] == [prog.id]
    assert [p.id for p in ctx.list_programs(type=bpfman.ProgramType.TRACEPOINT)] == [prog.id]
    assert ctx.list_programs(type=bpfman.ProgramType.XDP) == []
    assert [p.id for p in ctx.list_programs(application="py-app")] == [prog.id]
    assert [p.id for p in ctx.list_programs(kernel_type="tracepoint")] == [prog.id]
    assert prog.id in [p.id for p in ctx.list_programs(all=True)]

    ctx.detach(link.id)
    with pytest.raises(bpfman.NotFoundError):
        ctx.get_link(link.id)
    stopped = read_u64(counter)
    for _ in range(10):
        os.getpid()
    assert read_u64(counter) == stopped, "still counting after detach"

    ctx.unload(prog.id)
    # The kernel frees the program asynchronously (RCU): until then get
    # finds it, but no longer as ours.
    try:
        assert not ctx.get_program(prog.id).managed
    except bpfman.NotFoundError as e:
        assert e.errno == errno.ENOENT
    assert ctx.list_programs() == []


def test_list_by_owner(ctx: bpfman.Context) -> None:
    """owner (bpfman_list_opts.owner): exact match, "" the unowned, None all."""
    alice = [_load_counter(ctx, owner="uid:4242") for _ in range(2)]
    app = _load_counter(ctx, owner="cert:/CN=app")
    none = _load_counter(ctx)
    try:
        assert alice[0].owner == "uid:4242" and none.owner is None
        links = {p.id: ctx.attach(p.id, tracepoint=TP).id for p in alice + [app, none]}
        assert [p.id for p in ctx.list_programs(owner="uid:4242")] == sorted(p.id for p in alice)
        assert [p.id for p in ctx.list_programs(owner="cert:/CN=app")] == [app.id]
        assert [p.id for p in ctx.list_programs(owner="")] == [none.id]
        assert ctx.list_programs(owner="uid:424") == [] and ctx.list_programs(owner="UID:4242") == []
        assert len(ctx.list_programs(owner=None)) == 4
        assert [p.id for p in ctx.list_programs(owner="", all=True)] == [none.id]
        assert [lk.id for lk in ctx.list_links(owner="cert:/CN=app")] == [links[app.id]]
        assert sorted(lk.id for lk in ctx.list_links(owner="uid:4242")) == \
            sorted(links[p.id] for p in alice)
        assert ctx.list_links(owner="uid:1") == []
    finally:
        for p in alice + [app, none]:
            ctx.unload(p.id)


def test_unload_detaches_links(ctx: bpfman.Context, sandbox: Sandbox) -> None:
    prog = _load_counter(ctx)
    link = ctx.attach(prog.id, tracepoint=TP)
    ctx.unload(prog.id)
    assert ctx.list_links() == []
    with pytest.raises(bpfman.NotFoundError):
        ctx.get_link(link.id)
    assert pins_under(sandbox.bpffs_root) == []


def test_errors_carry_errno_and_sentence(ctx: bpfman.Context) -> None:
    with pytest.raises(bpfman.NotFoundError) as nf:
        ctx.get_program(0x7FFFFFF0)
    assert nf.value.errno == errno.ENOENT and "no program with ID" in str(nf.value)
    assert nf.value.function == "bpfman_program__get"
    assert bpfman.HAVE_ERROR_KINDS
    assert nf.value.kind is bpfman.ErrorKind.NOT_FOUND
    assert bpfman.ErrorKind.NOT_FOUND.bpfman_name == "not-found"
    assert isinstance(nf.value, OSError)

    with pytest.raises(bpfman.NotFoundError):
        ctx.load_file("/nonexistent/x.bpf.o", ["tracepoint:count_getpid"])
    with pytest.raises(bpfman.BadObjectError) as bad:
        ctx.load_file(bpfman.__file__, ["tracepoint:count_getpid"])  # not ELF
    assert isinstance(bad.value, bpfman.InvalidError) and bad.value.kind is bpfman.ErrorKind.BAD_OBJECT
    with pytest.raises(bpfman.InvalidError) as inv:
        ctx.load_file(bpf_obj("tracepoint_counter"), [])
    assert inv.value.errno == errno.EINVAL and inv.value.message
    with pytest.raises(bpfman.BpfmanError) as nofunc:
        ctx.load_file(bpf_obj("tracepoint_counter"), ["tracepoint:no_such_function"])
    assert "no_such_function" in str(nofunc.value)

    prog = _load_counter(ctx)
    try:
        with pytest.raises(bpfman.BpfmanError) as bad_tp:
            ctx.attach(prog.id, tracepoint="no_such_group/no_such_tp")
        assert "no_such_tp" in str(bad_tp.value)
        assert ctx.list_links() == []
        with pytest.raises(bpfman.InvalidError):
            ctx.attach(prog.id, iface="lo")  # a tracepoint has no interface
    finally:
        ctx.unload(prog.id)


def test_verifier_rejection(ctx: bpfman.Context) -> None:
    with pytest.raises(bpfman.VerifierError) as e:
        ctx.load_file(bpf_obj("bad_verifier"), ["tracepoint:unchecked_lookup"])
    # Classified by the library's kind: the kernel's EACCES alone would
    # read as a missing privilege.
    assert type(e.value) is bpfman.VerifierError and e.value.kind is bpfman.ErrorKind.VERIFIER
    assert not isinstance(e.value, bpfman.PermissionDeniedError)
    assert e.value.errno in (errno.EACCES, errno.EINVAL)
    assert "map_value_or_null" in e.value.log, e.value.message
    assert "unchecked_lookup" in e.value.message
    assert ctx.list_programs() == []


def test_context_paths_and_bad_context(sandbox: Sandbox, tmp_path: Path) -> None:
    with sandbox.context() as c:
        assert c.state_dir == sandbox.kwargs["state_dir"]
        assert c.bpffs_root == sandbox.bpffs_root
        assert c.runtime_dir == sandbox.kwargs["runtime_dir"]
        assert c.image_cache_dir == sandbox.kwargs["image_cache_dir"]
        assert c.config_path == sandbox.kwargs["config_path"]
    with pytest.raises(ValueError):
        c.list_programs()  # closed
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(bpfman.BpfmanError) as e:
        bpfman.Context(**{**sandbox.kwargs, "state_dir": str(tmp_path / "file" / "x")})  # type: ignore[arg-type]
    assert str(tmp_path / "file") in str(e.value), e.value
    assert e.value.function == "bpfman_ctx_new"


def test_logging_reaches_python(sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("DEBUG", logger="bpfman"):
        with sandbox.context(log_level=bpfman.LogLevel.DEBUG) as c:
            with pytest.raises(bpfman.VerifierError):
                c.load_file(bpf_obj("bad_verifier"), ["tracepoint:unchecked_lookup"])
            c.set_log_level(bpfman.LogLevel.ERROR)
            n = len(caplog.records)
            c.list_programs()
            assert len(caplog.records) == n, "DEBUG messages still arrive at ERROR level"
    assert any(r.name == "bpfman" for r in caplog.records), "no library message was logged"


def test_reconcile_and_restore(ctx: bpfman.Context) -> None:
    prog = _load_counter(ctx)
    try:
        ctx.attach(prog.id, tracepoint=TP)
        r = ctx.reconcile()
        assert r.failures == 0 and r.items == []
        # Everything is in the kernel already: restore leaves it alone.
        r = ctx.restore()
        assert r.failures == 0
        assert all(i.error == 0 for i in r.items)
    finally:
        ctx.unload(prog.id)


def test_map_sharing(ctx: bpfman.Context) -> None:
    owner = _load_counter(ctx)
    user = ctx.load_file(bpf_obj("tracepoint_counter"), ["tracepoint:count_getpid"],
                         map_owner_id=owner.id)[0]
    try:
        assert user.map_owner_id == owner.id
        assert user.map_pin_dir == owner.map_pin_dir
        assert ctx.map_used_by(owner.id) == sorted([owner.id, user.id])
        assert ctx.map_used_by(user.id) == sorted([owner.id, user.id])
        assert ctx.map_used_by(0x7FFFFFF0) == []  # not managed
        with pytest.raises(bpfman.BpfmanError):
            ctx.unload(owner.id)  # its maps are in use
        assert ctx.get_program(owner.id).managed
    finally:
        ctx.unload(user.id)
        ctx.unload(owner.id, force=True)


def test_error_classes_by_kind_and_by_errno() -> None:
    from bpfman.errors import error_for
    K = bpfman.ErrorKind
    e = error_for(-errno.EACCES, "refused", "f", int(K.VERIFIER))
    assert type(e) is bpfman.VerifierError and e.kind is K.VERIFIER and e.errno == errno.EACCES
    e = error_for(-errno.EACCES, "refused", "f", int(K.PERMISSION))
    assert type(e) is bpfman.PermissionDeniedError and isinstance(e, PermissionError)
    for kind, cls in ((K.IMAGE_REFUSED, bpfman.ImageRefusedError), (K.AUTH, bpfman.AuthError),
                      (K.REGISTRY, bpfman.RegistryError), (K.BUSY, bpfman.BusyError),
                      (K.UNSUPPORTED, bpfman.NotSupportedError)):
        assert type(error_for(-errno.EIO, "x", "f", int(kind))) is cls
    e = error_for(-errno.EIO, "x", "f", 99)  # a kind newer than this binding
    assert type(e) is bpfman.BpfmanError and e.kind is K.OTHER
    # Without kinds: the errno, and the verifier log in the sentence.
    assert type(error_for(-errno.EACCES, "no")) is bpfman.PermissionDeniedError
    e = error_for(-errno.EACCES, "x: -- BEGIN PROG LOAD LOG --\nR0 bad\n-- END PROG LOAD LOG --")
    assert type(e) is bpfman.VerifierError and e.log == "R0 bad" and e.kind is None
    assert str(error_for(-errno.ENOENT, "")) == os.strerror(errno.ENOENT)


def test_one_context_from_several_threads(ctx: bpfman.Context) -> None:
    """Calls on a shared Context run one at a time, so each error is the
    error of its own call."""
    import threading
    prog = _load_counter(ctx)
    wrong: list[str] = []

    def worker(n: int) -> None:
        for _ in range(50):
            try:
                ctx.get_program(0x7FFF0000 + n)
            except bpfman.NotFoundError as e:
                if f"ID {0x7FFF0000 + n}" not in str(e):
                    wrong.append(str(e))
            assert ctx.get_program(prog.id).id == prog.id

    try:
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert wrong == []
    finally:
        ctx.unload(prog.id)


def test_status_of_programs_and_links(ctx: bpfman.Context) -> None:
    S = bpfman.Status
    assert S.GONE.bpfman_name == "gone" and S.IN_KERNEL.bpfman_name == "in-kernel"
    prog = _load_counter(ctx)
    link = ctx.attach(prog.id, tracepoint="syscalls/sys_enter_getpid")
    assert ctx.get_program(prog.id).status is S.IN_KERNEL and link.status is S.IN_KERNEL
    assert [lk.status for lk in ctx.list_links()] == [S.IN_KERNEL]
    assert {p.status for p in ctx.list_programs(all=True) if not p.managed} <= {S.UNKNOWN}
    ctx.detach(link.id)
    # Removed behind libbpfman's back (its pin, the only reference): gone
    # until a reconcile forgets it.
    os.unlink(prog.pin_path)
    assert ctx.get_program(prog.id).status is S.GONE
    report = ctx.reconcile()
    assert [(i.kind, i.old_id) for i in report.items] == [(bpfman.ReportKind.PROGRAM, prog.id)]
    assert ctx.list_programs() == []


def test_shared_dirs_refused_unless_allowed(sandbox: Sandbox) -> None:
    state = Path(sandbox.kwargs["state_dir"])
    state.mkdir(mode=0o700)
    state.chmod(0o777)
    with pytest.raises(bpfman.BpfmanError) as e:
        sandbox.context()
    assert "writable by others" in str(e.value) and "allow_shared_dirs" in str(e.value)
    assert e.value.function == "bpfman_ctx_new"
    with sandbox.context(allow_shared_dirs=True) as ctx:
        assert ctx.list_programs() == []
