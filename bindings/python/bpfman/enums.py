"""Named constants of include/bpfman/*.h.

ctypes cannot read C enums or macros, so the values are written here;
tests/test_constants.py compiles a C program against the headers and fails
when any enumerator or proceed-on macro of the headers is missing here or
has another value.
"""
from __future__ import annotations

import enum

from ._lib import lib


class ProgramType(enum.IntEnum):
    """enum bpfman_program_type (BPFMAN_PROG_TYPE_*)."""

    UNSPEC = 0
    XDP = 1
    TC = 2
    TRACEPOINT = 3
    KPROBE = 4
    UPROBE = 5
    FENTRY = 6
    FEXIT = 7
    TCX = 8
    LSM = 9

    @property
    def bpfman_name(self) -> str | None:
        """bpfman's name ("xdp", "tracepoint", ...): bpfman_program_type_name()."""
        s = lib.bpfman_program_type_name(int(self))
        return s.decode() if s is not None else None

    @classmethod
    def from_name(cls, name: str) -> ProgramType:
        """The type bpfman calls `name` ("kretprobe" and "uretprobe" too);
        UNSPEC when unknown: bpfman_program_type_from_name()."""
        return cls(lib.bpfman_program_type_from_name(name.encode()))


class Status(enum.IntEnum):
    """enum bpfman_status (BPFMAN_STATUS_*): whether what the state database
    records is in the kernel, as found by the get or list call
    (Program.status, Link.status)."""

    UNKNOWN = 0  # not managed by libbpfman (list_programs(all=True))
    IN_KERNEL = 1
    GONE = 2  # removed behind libbpfman's back; reconcile() forgets it
    NEEDS_RESTORE = 3  # recorded in an earlier boot; restore() re-creates it

    @property
    def bpfman_name(self) -> str | None:
        """"in-kernel", "gone", "needs-restore", "unknown": bpfman_status_name()."""
        s = lib.bpfman_status_name(int(self))
        return s.decode() if s is not None else None


class ErrorKind(enum.IntEnum):
    """enum bpfman_errkind (BPFMAN_ERRKIND_*): what kind of failure an error
    was, as the library classifies it (bpfman_errkind(); see
    BpfmanError.kind)."""

    NONE = 0
    OTHER = 1
    INVALID = 2
    NOT_FOUND = 3
    PERMISSION = 4
    BUSY = 5
    VERIFIER = 6
    IMAGE_REFUSED = 7
    BAD_OBJECT = 8
    UNSUPPORTED = 9
    AUTH = 10
    REGISTRY = 11

    @property
    def bpfman_name(self) -> str | None:
        """The library's stable name ("verifier", "image-refused", ...):
        bpfman_errkind_name()."""
        s = lib.bpfman_errkind_name(int(self))
        return s.decode() if s is not None else None


class Direction(enum.IntEnum):
    """enum bpfman_direction (BPFMAN_DIRECTION_*)."""

    UNSPEC = 0
    INGRESS = 1
    EGRESS = 2


class LogLevel(enum.IntEnum):
    """enum bpfman_log_level (BPFMAN_LOG_*)."""

    ERROR = 0
    WARN = 1
    INFO = 2
    DEBUG = 3


class PullPolicy(enum.IntEnum):
    """enum bpfman_pull_policy (BPFMAN_PULL_*)."""

    ALWAYS = 0
    IF_NOT_PRESENT = 1
    NEVER = 2

    @property
    def bpfman_name(self) -> str | None:
        """"Always", "IfNotPresent", "Never": bpfman_pull_policy_name()."""
        s = lib.bpfman_pull_policy_name(int(self))
        return s.decode() if s is not None else None

    @classmethod
    def from_name(cls, name: str) -> PullPolicy:
        """Case-insensitive; ValueError when unknown: bpfman_pull_policy_from_name()."""
        v = lib.bpfman_pull_policy_from_name(name.encode())
        if v < 0:
            raise ValueError(f"unknown pull policy {name!r}; use Always, IfNotPresent or Never")
        return cls(v)


class ReportKind(enum.IntEnum):
    """enum bpfman_report_kind (BPFMAN_REPORT_*)."""

    PROGRAM = 1
    LINK = 2
    MAP = 3
    PIN = 4


class EventKind(enum.IntEnum):
    """enum bpfman_event_kind (BPFMAN_EVENT_*): what a change-feed event says happened."""

    LOADED = 1
    ATTACHED = 2
    DETACHED = 3
    UNLOADED = 4
    REPAIRED = 5
    RESTORED = 6
    UPDATED = 7


class SignFormat(enum.IntEnum):
    """enum bpfman_sign_format (BPFMAN_SIGN_*)."""

    BOTH = 0
    LEGACY = 1
    BUNDLE = 2


class ApplyOutcome(enum.IntEnum):
    """enum bpfman_apply_outcome (BPFMAN_APPLY_UNCHANGED ... NOT_FOUND): what
    an apply, plan or delete did (or would do) to one object."""

    UNCHANGED = 0
    CREATED = 1
    CONFIGURED = 2
    DELETED = 3
    FAILED = 4
    NOT_SELECTED = 5
    NOT_FOUND = 6

    @property
    def bpfman_name(self) -> str | None:
        """"unchanged", "created", ..., "not selected": bpfman_apply_outcome_name()."""
        s = lib.bpfman_apply_outcome_name(int(self))
        return s.decode() if s is not None else None


class ApplyVerb(enum.IntEnum):
    """enum bpfman_apply_verb (BPFMAN_APPLY_LOAD ... KEEP): one action of an
    apply or delete."""

    LOAD = 1
    ATTACH = 2
    UPDATE = 3
    DETACH = 4
    UNLOAD = 5
    KEEP = 6

    @property
    def bpfman_name(self) -> str | None:
        """"load", "attach", ..., "keep": bpfman_apply_verb_name()."""
        s = lib.bpfman_apply_verb_name(int(self))
        return s.decode() if s is not None else None


class RenderFormat(enum.IntEnum):
    """enum bpfman_render_format (BPFMAN_RENDER_*)."""

    YAML = 0
    JSON = 1


class Role(enum.IntEnum):
    """enum bpfman_role (BPFMAN_ROLE_*): what an identity may do; each role
    includes the ones below it."""

    NONE = 0
    READ = 1
    OPERATE = 2
    ADMIN = 3

    @property
    def bpfman_name(self) -> str | None:
        """"none", "read", "operate", "admin": bpfman_role_name()."""
        s = lib.bpfman_role_name(int(self))
        return s.decode() if s is not None else None


_DISPATCHER_RETURN = 1 << 31  # BPFMAN_PROCEED_ON_DISPATCHER_RETURN


class XdpProceedOn(enum.IntFlag):
    """Proceed-on bits of an XDP link (BPFMAN_XDP_PROCEED_ON_*,
    BPFMAN_PROCEED_ON_DISPATCHER_RETURN)."""

    ABORTED = 1 << 0
    DROP = 1 << 1
    PASS = 1 << 2
    TX = 1 << 3
    REDIRECT = 1 << 4
    DISPATCHER_RETURN = _DISPATCHER_RETURN
    DEFAULT = PASS | DISPATCHER_RETURN


class TcProceedOn(enum.IntFlag):
    """Proceed-on bits of a TC link (BPFMAN_TC_PROCEED_ON_*,
    BPFMAN_PROCEED_ON_DISPATCHER_RETURN)."""

    UNSPEC = 1 << 0
    OK = 1 << 1
    RECLASSIFY = 1 << 2
    SHOT = 1 << 3
    PIPE = 1 << 4
    STOLEN = 1 << 5
    QUEUED = 1 << 6
    REPEAT = 1 << 7
    REDIRECT = 1 << 8
    TRAP = 1 << 9
    DISPATCHER_RETURN = _DISPATCHER_RETURN
    DEFAULT = PIPE | DISPATCHER_RETURN


def proceed_on_bit(type: ProgramType, name: str) -> int:
    """The bit of action `name` ("drop", "pass", "dispatcher_return", ...)
    for XDP or TC; 0 when it is none: bpfman_proceed_on_bit()."""
    return int(lib.bpfman_proceed_on_bit(int(type), name.encode()))


def proceed_on_name(type: ProgramType, bit: int) -> str | None:
    """The action name of bit number `bit` (0..31), or None: bpfman_proceed_on_name()."""
    s = lib.bpfman_proceed_on_name(int(type), bit)
    return s.decode() if s is not None else None


def proceed_on_valid(type: ProgramType) -> int:
    """Every bit naming an action of `type`: bpfman_proceed_on_valid()."""
    return int(lib.bpfman_proceed_on_valid(int(type)))


def proceed_on_default(type: ProgramType) -> int:
    """The mask a link gets when it asks for none: bpfman_proceed_on_default()."""
    return int(lib.bpfman_proceed_on_default(int(type)))


def proceed_on_names(type: ProgramType, mask: int) -> list[str]:
    """The action names set in `mask`, in bit order (for display)."""
    return [n for b in range(32) if mask & (1 << b) and (n := proceed_on_name(type, b))]
