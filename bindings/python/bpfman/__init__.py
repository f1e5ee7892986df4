"""bpfman: a ctypes binding of libbpfman.so.0 (load, attach, list and manage
eBPF programs, bpfman-compatible).

    import bpfman
    with bpfman.Context() as ctx:
        prog, = ctx.load_file("counter.bpf.o", ["tracepoint:count_getpid"])
        link = ctx.attach(prog.id, tracepoint="syscalls/sys_enter_getpid")
"""
from __future__ import annotations

import ctypes
from typing import Optional

from . import _structs as _S
from ._lib import LibraryError, WRITTEN_FOR, lib
from ._lib import has as _has
from .context import Context, Progress
from .enums import (
    ApplyOutcome, ApplyVerb, RenderFormat, Role, Status, Direction, ErrorKind, EventKind, LogLevel, ProgramType, PullPolicy, ReportKind, SignFormat,
    TcProceedOn, XdpProceedOn, proceed_on_bit, proceed_on_default, proceed_on_name,
    proceed_on_names, proceed_on_valid,
)
from .errors import (
    AuthError, BadObjectError, BpfmanError, BusyError, ImageRefusedError, InvalidError,
    NotFoundError, NotSupportedError, PermissionDeniedError, RegistryError, VerifierError,
)
from .objects import (
    ApplyAction, ApplyEntry, ApplyObject, ApplyResult, ApplySecret, ManifestDocument, Chain, ChainSlot, Event, Events, Image, ImageMap, ImageProgram, Link, Program, Report, ReportItem,
    Signature, SignatureResult,
)

__version__ = "0.1.0"

#: Whether the loaded library classifies its errors (bpfman_errkind()):
#: always true since the binding requires it (kept for older callers).
HAVE_ERROR_KINDS: bool = _has("bpfman_errkind")


def version_string() -> str:
    """The loaded library's version, e.g. "0.1.0" (bpfman_version_string)."""
    return str(lib.bpfman_version_string().decode())


def version_number() -> int:
    """The loaded library's version as (major << 16 | minor << 8 | patch)
    (bpfman_version_number)."""
    return int(lib.bpfman_version_number())


def identity_name(*, uid: Optional[int] = None, cert_subject: Optional[str] = None) -> str:
    """An identity as bpfmand records it as a program's owner and the owner
    rule compares it (bpfman_identity_name): "uid:1000" for a unix peer
    (`uid`), else "cert:/CN=app/O=example" for a TLS client certificate's
    one-line subject. ValueError when neither is given."""
    ident = _S.new(_S.identity)
    if uid is not None:
        ident.has_unix_cred, ident.uid = True, uid
    ident.cert_subject = cert_subject.encode() if cert_subject else None
    buf = ctypes.create_string_buffer(1100)
    n = lib.bpfman_identity_name(buf, len(buf), ctypes.byref(ident))
    if n < 0:
        raise ValueError("an identity needs a uid or a certificate subject (bpfman_identity_name: %d)" % n)
    return str(buf.value.decode())


__all__ = [
    "ApplyAction", "ApplyEntry", "ApplyObject", "ApplyOutcome", "ApplyResult", "ApplySecret",
    "ApplyVerb", "ManifestDocument", "RenderFormat", "Role", "Status", "Event", "EventKind", "Events",
    "AuthError", "BadObjectError", "ErrorKind", "ImageRefusedError", "RegistryError",
    "HAVE_ERROR_KINDS", "BpfmanError", "BusyError", "Chain", "ChainSlot", "Context", "Direction", "Image",
    "ImageMap", "ImageProgram", "InvalidError", "LibraryError", "Link", "LogLevel",
    "NotFoundError", "NotSupportedError", "PermissionDeniedError", "Program", "ProgramType",
    "Progress", "PullPolicy", "Report", "ReportItem", "ReportKind", "SignFormat", "Signature",
    "SignatureResult", "TcProceedOn", "VerifierError", "WRITTEN_FOR", "XdpProceedOn",
    "proceed_on_bit", "proceed_on_default", "proceed_on_name", "proceed_on_names",
    "proceed_on_valid", "version_number", "version_string", "identity_name",
]
