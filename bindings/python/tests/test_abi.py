"""The binding against the C ABI it mirrors: every exported function bound
(or left out with a reason), every options struct laid out as the C
compiler lays it out, every header constant present with the C value."""
from __future__ import annotations

import ctypes
import enum
import os
import re
import subprocess
from pathlib import Path

import pytest

import bpfman
from bpfman import _abi, _structs
from conftest import SOURCE

MAP = SOURCE / "libbpfman" / "libbpfman.map"
HEADERS = sorted((SOURCE / "include" / "bpfman").glob("*.h"))
PKG = Path(bpfman.__file__).parent


def _exported() -> set[str]:
    text = MAP.read_text()
    return set(re.findall(r"^\s*(bpfman_\w+);", text, re.M))


def test_every_exported_function_is_bound_or_omitted_with_reason() -> None:
    exported = _exported()
    assert len(exported) > 100, "libbpfman.map was not parsed"
    bound = {f.name for f in _abi.FUNCTIONS}
    missing = sorted(exported - bound - set(_abi.OMITTED))
    assert not missing, ("exported by libbpfman.map with no Python binding; add a line to "
                         f"bpfman/_abi.py FUNCTIONS and the code using it: {missing}")
    assert not bound & set(_abi.OMITTED), "both bound and omitted"
    assert all(len(r) > 20 for r in _abi.OMITTED.values()), "an omission needs a reason"
    pending = {f.name for f in _abi.FUNCTIONS if f.pending}
    stale = sorted((bound | set(_abi.OMITTED)) - exported - pending)
    assert not stale, f"bound but not exported by libbpfman.map: {stale}"
    assert len(_abi.FUNCTIONS) == len(bound), "a function is listed twice"


def _resolve(python: str) -> object:
    """Class.attr / func() / Class.method() in the package, or raise."""
    parts = python.rstrip("()").split(".")
    obj: object = bpfman
    for i, p in enumerate(parts):
        if i == len(parts) - 1 and isinstance(obj, type) and "__dataclass_fields__" in vars(obj):
            if p in obj.__dataclass_fields__:  # type: ignore[attr-defined]
                return obj.__dataclass_fields__[p]  # type: ignore[attr-defined]
        obj = getattr(obj, p)
    return obj


def test_every_bound_function_is_used() -> None:
    """Declared is not enough: each C function must be called by the
    package, and surface under the Python name the mapping gives."""
    source = "\n".join(p.read_text() for p in PKG.glob("*.py") if p.name != "_abi.py")
    for f in _abi.FUNCTIONS:
        assert re.search(rf"\blib\.{f.name}\b", source), f"{f.name} is declared but never called"
        if not f.python.startswith("("):
            _resolve(f.python)  # AttributeError names what is missing


def test_loaded_library_has_every_bound_symbol() -> None:
    lib = ctypes.CDLL(os.environ["LIBBPFMAN_PATH"])
    for f in _abi.FUNCTIONS:
        assert f.pending or hasattr(lib, f.name), f.name
        if f.name in _exported():
            assert hasattr(lib, f.name), f"{f.name} is in libbpfman.map but not in the library"


def _compile_and_run(tmp_path: Path, body: str) -> str:
    src = tmp_path / "probe.c"
    src.write_text("#include <stdio.h>\n#include <stddef.h>\n#include <bpfman/bpfman.h>\n"
                   "int main(void)\n{\n" + body + "\treturn 0;\n}\n")
    exe = tmp_path / "probe"
    subprocess.run(["cc", "-Wall", "-Werror", "-I", str(SOURCE / "include"), "-o", str(exe),
                    str(src)], check=True)
    return subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout


def test_struct_layouts_match_the_headers(tmp_path: Path) -> None:
    # Every struct the headers define must be mirrored...
    defined = {m for h in HEADERS for m in re.findall(r"^struct bpfman_(\w+) \{", h.read_text(), re.M)}
    assert defined == set(_structs.ALL), (
        f"not mirrored: {sorted(defined - set(_structs.ALL))}; "
        f"not in the headers: {sorted(set(_structs.ALL) - defined)}")
    # ... with the compiler's size and every field at the compiler's offset.
    body = ""
    want = []
    for name, cls in sorted(_structs.ALL.items()):
        body += f'\tprintf("{name} %zu\\n", sizeof(struct bpfman_{name}));\n'
        want.append(f"{name} {ctypes.sizeof(cls)}")
        for fname, ftype in cls._fields_:
            body += (f'\tprintf("{name}.{fname} %zu %zu\\n", offsetof(struct bpfman_{name}, {fname}), '
                     f'sizeof(((struct bpfman_{name} *)0)->{fname}));\n')
            want.append(f"{name}.{fname} {getattr(cls, fname).offset} {ctypes.sizeof(ftype)}")
    got = _compile_and_run(tmp_path, body).split("\n")[:-1]
    assert got == want


# C enum -> (its enumerators' common prefix, Python class). Keyed by the
# enum's name: two enums may share a prefix (BPFMAN_APPLY_ outcomes and verbs).
ENUMS: dict[str, tuple[str, type[enum.IntEnum]]] = {
    "bpfman_program_type": ("BPFMAN_PROG_TYPE_", bpfman.ProgramType),
    "bpfman_direction": ("BPFMAN_DIRECTION_", bpfman.Direction),
    "bpfman_log_level": ("BPFMAN_LOG_", bpfman.LogLevel),
    "bpfman_pull_policy": ("BPFMAN_PULL_", bpfman.PullPolicy),
    "bpfman_report_kind": ("BPFMAN_REPORT_", bpfman.ReportKind),
    "bpfman_sign_format": ("BPFMAN_SIGN_", bpfman.SignFormat),
    "bpfman_errkind": ("BPFMAN_ERRKIND_", bpfman.ErrorKind),
    "bpfman_apply_outcome": ("BPFMAN_APPLY_", bpfman.ApplyOutcome),
    "bpfman_apply_verb": ("BPFMAN_APPLY_", bpfman.ApplyVerb),
    "bpfman_render_format": ("BPFMAN_RENDER_", bpfman.RenderFormat),
    "bpfman_role": ("BPFMAN_ROLE_", bpfman.Role),
    "bpfman_status": ("BPFMAN_STATUS_", bpfman.Status),
    "bpfman_event_kind": ("BPFMAN_EVENT_", bpfman.EventKind),
}
# Proceed-on macros, by prefix.
FLAGS: dict[str, type[enum.IntFlag]] = {
    "BPFMAN_XDP_PROCEED_ON_": bpfman.XdpProceedOn,
    "BPFMAN_TC_PROCEED_ON_": bpfman.TcProceedOn,
}


def _header_constants() -> list[tuple[str, str]]:
    """(C enum name or "#define", constant) of every header."""
    names = []
    for h in HEADERS:
        text = h.read_text()
        for tag, body in re.findall(r"^enum (bpfman_\w+) \{(.*?)\};", text, re.M | re.S):
            names += [(tag, n) for n in re.findall(r"^\s*(BPFMAN_\w+)\s*=", body, re.M)]
        names += [("#define", n) for n in re.findall(r"^#define (BPFMAN_\w*PROCEED_ON\w*)\s", text, re.M)
                  if not n.endswith("_H")]
    return names


def test_constants_match_the_headers(tmp_path: Path) -> None:
    consts = _header_constants()
    names = [n for _, n in consts]
    assert "BPFMAN_PROG_TYPE_TCX" in names and "BPFMAN_TC_PROCEED_ON_TRAP" in names
    body = "".join(f'\tprintf("{n} %lld\\n", (long long)({n}));\n' for n in names)
    c_values = dict(line.split() for line in _compile_and_run(tmp_path, body).splitlines())
    seen: set[tuple[type, str]] = set()
    for tag, n in consts:
        v = c_values[n]
        if n == "BPFMAN_PROCEED_ON_DISPATCHER_RETURN":
            for fcls in FLAGS.values():
                assert fcls.DISPATCHER_RETURN == int(v)
            continue
        if tag == "#define":
            prefix = next((p for p in FLAGS if n.startswith(p)), None)
            assert prefix, f"{n}: a header macro of a kind the binding does not know"
            cls: type[enum.Enum] = FLAGS[prefix]
        else:
            assert tag in ENUMS, f"enum {tag} ({n}): a header enum the binding does not mirror"
            prefix, cls = ENUMS[tag]
            assert n.startswith(prefix), f"{n} does not start with {prefix}"
        member = n[len(prefix):]
        assert member in cls.__members__, f"{n} has no {cls.__name__}.{member}"
        assert int(cls.__members__[member].value) == int(v), f"{n} is {v} in C"
        seen.add((cls, member))
    for cls in (*(c for _, c in ENUMS.values()), *FLAGS.values()):
        for member in cls.__members__:
            if member == "DISPATCHER_RETURN":
                continue
            assert (cls, member) in seen, f"{cls.__name__}.{member} is not in the headers"


@pytest.mark.parametrize("ptype,flags", [(bpfman.ProgramType.XDP, bpfman.XdpProceedOn),
                                         (bpfman.ProgramType.TC, bpfman.TcProceedOn)])
def test_proceed_on_names_agree_with_the_library(ptype: bpfman.ProgramType,
                                                 flags: type[enum.IntFlag]) -> None:
    valid = 0
    for m in flags:
        if m.name == "DEFAULT":
            continue
        assert bpfman.proceed_on_bit(ptype, m.name.lower()) == m, m
        assert bpfman.proceed_on_name(ptype, int(m).bit_length() - 1) == m.name.lower()
        valid |= m
    assert bpfman.proceed_on_valid(ptype) == valid
    assert bpfman.proceed_on_default(ptype) == flags.__members__["DEFAULT"]
    assert bpfman.proceed_on_bit(ptype, "no_such_action") == 0
    assert bpfman.proceed_on_names(ptype, bpfman.proceed_on_default(ptype))[-1] == "dispatcher_return"


def test_names_of_types_and_policies() -> None:
    for t in bpfman.ProgramType:
        if t is not bpfman.ProgramType.UNSPEC:
            assert t.bpfman_name and bpfman.ProgramType.from_name(t.bpfman_name) is t
    assert bpfman.ProgramType.from_name("kretprobe") is bpfman.ProgramType.KPROBE
    assert bpfman.ProgramType.from_name("nonsense") is bpfman.ProgramType.UNSPEC
    assert bpfman.PullPolicy.IF_NOT_PRESENT.bpfman_name == "IfNotPresent"
    assert bpfman.PullPolicy.from_name("never") is bpfman.PullPolicy.NEVER
    with pytest.raises(ValueError):
        bpfman.PullPolicy.from_name("sometimes")


def test_version() -> None:
    assert bpfman.version_string() == "0.1.0"
    assert bpfman.version_number() == 0x000100
    from bpfman._lib import check_version
    check_version(0x000100)
    check_version(0x000305)  # a later minor keeps every function we use
    for bad in (0x010000, 0x000000):
        with pytest.raises(bpfman.LibraryError, match="needs 0.1"):
            check_version(bad)


def test_library_lookup(tmp_path: Path) -> None:
    import sys
    code = "import bpfman; print(bpfman.version_string())"
    env = {**os.environ, "LIBBPFMAN_PATH": str(tmp_path / "nothing.so")}
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode != 0 and "LIBBPFMAN_PATH" in r.stderr and "nothing.so" in r.stderr
    # Without the override: found as the dynamic linker finds libbpfman.so.0.
    env = {k: v for k, v in os.environ.items() if k != "LIBBPFMAN_PATH"}
    env["LD_LIBRARY_PATH"] = str(Path(os.environ["LIBBPFMAN_PATH"]).parent)
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "0.1.0", r.stderr


def test_installed_not_source() -> None:
    venv = os.environ.get("BPFMAN_PY_VENV")
    assert venv, "run through tests/run.sh, which installs the package"
    assert str(PKG).startswith(venv), f"bpfman imported from {PKG}, not the installed copy"
    assert (PKG / "py.typed").exists()


def test_mypy_strict() -> None:
    import sys
    examples = SOURCE / "bindings" / "python" / "examples"
    # The installed package, then the examples as a user's code using it.
    for what in (["-p", "bpfman"], [str(p) for p in examples.glob("*.py")]):
        r = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                            "--cache-dir", os.devnull, *what],
                           capture_output=True, text=True, cwd=str(PKG.parent.parent))
        assert r.returncode == 0, r.stdout + r.stderr
