"""bpfman_authorize through the binding (doc/api.md#authorization): the
config file's rules decide by uid, gid/group or client certificate, with
limits on operate; without a matching rule only root (and group bpfman) is
admin; a mistake in the section is InvalidError."""
from __future__ import annotations

import pytest

import bpfman
from conftest import Sandbox, bpf_obj

R = bpfman.Role
T = bpfman.ProgramType

CONFIG = """authorization:
  rules:
    - name: ops
      uid: 1001
      role: admin
    - name: monitoring
      group: 4242
      role: read
    - name: xdp-app
      cert_san: "URI:spiffe://example/xdp-app"
      role: operate
      program_types: [xdp]
      interfaces: [eth0]
      images: ["quay.io/example/"]
"""


def test_rules_roles_and_limits(sandbox: Sandbox) -> None:
    with open(sandbox.kwargs["config_path"], "w") as f:
        f.write(CONFIG)
    with sandbox.context() as ctx:
        assert ctx.authorize("Load", R.OPERATE, uid=1001, gid=1001) is R.ADMIN
        assert ctx.authorize("List", R.READ, uid=2000, gid=2000, groups=[4242]) is R.READ
        with pytest.raises(bpfman.PermissionDeniedError) as e:
            ctx.authorize("Load", R.OPERATE, uid=2000, gid=2000, groups=[4242])
        assert e.value.kind is bpfman.ErrorKind.PERMISSION
        assert "Load" in str(e.value) and "monitoring" in str(e.value)

        san = ["URI:spiffe://example/xdp-app"]
        assert ctx.authorize("Attach", R.OPERATE, cert_subject="/CN=app", cert_sans=san,
                             type=T.XDP, iface="eth0") is R.OPERATE
        with pytest.raises(bpfman.PermissionDeniedError) as e:
            ctx.authorize("Attach", R.OPERATE, cert_sans=san, type=T.TC, iface="eth0")
        assert "xdp-app" in str(e.value)
        with pytest.raises(bpfman.PermissionDeniedError):
            ctx.authorize("Attach", R.OPERATE, cert_sans=san, type=T.XDP, iface="eth1")
        with pytest.raises(bpfman.PermissionDeniedError):
            ctx.authorize("PullBytecode", R.OPERATE, cert_sans=san, image="quay.io/other/x:1")

        # No rule matches: root is admin, anyone else refused.
        assert ctx.authorize("Unload", R.ADMIN, uid=0, gid=0) is R.ADMIN
        with pytest.raises(bpfman.PermissionDeniedError) as e:
            ctx.authorize("List", R.READ, uid=65534, gid=65534)
        assert "65534" in str(e.value)
        with pytest.raises(bpfman.PermissionDeniedError):
            ctx.authorize("List", R.READ)  # no identity at all


def test_bad_config_section_is_invalid(sandbox: Sandbox) -> None:
    with open(sandbox.kwargs["config_path"], "w") as f:
        f.write("authorization:\n  rules:\n    - uid: 1\n      role: superuser\n")
    # The context opens (only the daemon refuses to start); every call
    # checks the whole section and names the key path.
    with sandbox.context() as ctx, pytest.raises(bpfman.InvalidError) as err:
        ctx.authorize("List", R.READ, uid=0, gid=0)
    assert err.value.kind is bpfman.ErrorKind.INVALID
    assert "authorization.rules[0].role" in str(err.value)
    assert "read, operate or admin" in str(err.value)


def test_role_names() -> None:
    assert [r.bpfman_name for r in R] == ["none", "read", "operate", "admin"]


def test_owner_rule_on_recorded_programs(sandbox: Sandbox) -> None:
    # uid 4242 and 4343 are operators; a program records who loaded it.
    with open(sandbox.kwargs["config_path"], "w") as f:
        f.write("authorization:\n  rules:\n"
                "    - {name: alice, uid: 4242, role: operate}\n"
                "    - {name: bob, uid: 4343, role: operate, program_types: [xdp]}\n")
    alice = bpfman.identity_name(uid=4242)
    assert alice == "uid:4242"
    assert bpfman.identity_name(cert_subject="/CN=app/O=example") == "cert:/CN=app/O=example"
    with pytest.raises(ValueError):
        bpfman.identity_name()
    with sandbox.context() as ctx:
        mine, = ctx.load_file(bpf_obj("tracepoint_counter"), ["tracepoint:count_getpid"],
                              owner=alice)
        nobody, = ctx.load_file(bpf_obj("tracepoint_counter"), ["tracepoint:count_getpid"])
        try:
            assert mine.owner == alice and ctx.get_program(mine.id).owner == alice
            assert nobody.owner is None
            assert ctx.authorize("Unload", R.OPERATE, uid=4242, gid=4242,
                                 program_id=mine.id) is R.OPERATE
            with pytest.raises(bpfman.PermissionDeniedError) as e:
                ctx.authorize("Unload", R.OPERATE, uid=4343, gid=4343, program_id=mine.id)
            msg = str(e.value)
            assert "program %d" % mine.id in msg and "owner is uid:4242" in msg and "bob" in msg
            # No owner (loaded without bpfmand): only an admin acts on it.
            with pytest.raises(bpfman.PermissionDeniedError) as e:
                ctx.authorize("Unload", R.OPERATE, uid=4242, gid=4242, program_id=nobody.id)
            assert "owner is none" in str(e.value)
            assert ctx.authorize("Unload", R.OPERATE, uid=0, gid=0,
                                 program_id=nobody.id) is R.ADMIN
            with pytest.raises(bpfman.NotFoundError):
                ctx.authorize("Detach", R.OPERATE, uid=4242, gid=4242, link_id=999999)
        finally:
            ctx.unload(mine.id)
            ctx.unload(nobody.id)
