"""Snapshots of programs, links, images, chains, reports, signature and apply
results. Each is a frozen dataclass whose values were copied out of the C
handle, which was then freed: nothing here holds C memory."""
from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ._lib import c_free, lib
from .errors import error_for
from .enums import (
    ApplyOutcome, ApplyVerb, Direction, EventKind, ProgramType, RenderFormat, ReportKind, Status,
)


def _s(b: Optional[bytes]) -> str:
    return b.decode("utf-8", "replace") if b is not None else ""


def _opt(b: Optional[bytes]) -> Optional[str]:
    return b.decode("utf-8", "replace") if b is not None else None


def _pairs(h: Any, cnt: Callable[[Any], int], key: Callable[[Any, int], bytes],
           value: Callable[[Any, int], bytes]) -> dict[str, str]:
    return {_s(key(h, i)): _s(value(h, i)) for i in range(cnt(h))}


@dataclass(frozen=True)
class Program:
    """A program as bpfman records it plus the kernel's view at the time of
    the call (struct bpfman_program)."""

    id: int
    managed: bool
    type: ProgramType
    retprobe: bool
    name: str
    attach_func: str
    path: str
    application: str
    pin_path: str
    map_pin_dir: str
    map_owner_id: int
    metadata: dict[str, str]
    globals: dict[str, bytes]
    link_ids: list[int]
    kernel_name: str
    kernel_type: int
    kernel_type_name: str
    tag: str
    loaded_at: int
    gpl_compatible: bool
    map_ids: list[int]
    btf_id: int
    bytes_xlated: int
    bytes_jited: int
    jited: bool
    bytes_memlock: int
    verified_insns: int
    kernel_loaded: bool
    image: Optional[str]
    image_digest: Optional[str]
    # The identity that loaded it through bpfmand ("uid:1000"), or None.
    owner: Optional[str]
    status: Status

    @classmethod
    def _from_handle(cls, h: Any) -> Program:
        def glob(i: int) -> tuple[str, bytes]:
            size = ctypes.c_size_t(0)
            p = lib.bpfman_program__global_value(h, i, ctypes.byref(size))
            return (_s(lib.bpfman_program__global_name(h, i)),
                    ctypes.string_at(p, size.value) if p else b"")

        return cls(
            id=lib.bpfman_program__id(h),
            managed=lib.bpfman_program__managed(h),
            type=ProgramType(lib.bpfman_program__type(h)),
            retprobe=lib.bpfman_program__retprobe(h),
            name=_s(lib.bpfman_program__name(h)),
            attach_func=_s(lib.bpfman_program__attach_func(h)),
            path=_s(lib.bpfman_program__path(h)),
            application=_s(lib.bpfman_program__application(h)),
            pin_path=_s(lib.bpfman_program__pin_path(h)),
            map_pin_dir=_s(lib.bpfman_program__map_pin_dir(h)),
            map_owner_id=lib.bpfman_program__map_owner_id(h),
            metadata=_pairs(h, lib.bpfman_program__metadata_cnt,
                            lib.bpfman_program__metadata_key,
                            lib.bpfman_program__metadata_value),
            globals=dict(glob(i) for i in range(lib.bpfman_program__global_cnt(h))),
            link_ids=[lib.bpfman_program__link_id(h, i)
                      for i in range(lib.bpfman_program__link_cnt(h))],
            kernel_name=_s(lib.bpfman_program__kernel_name(h)),
            kernel_type=lib.bpfman_program__kernel_type(h),
            kernel_type_name=_s(lib.bpfman_program__kernel_type_name(h)),
            tag=_s(lib.bpfman_program__tag(h)),
            loaded_at=lib.bpfman_program__loaded_at(h),
            gpl_compatible=lib.bpfman_program__gpl_compatible(h),
            map_ids=[lib.bpfman_program__map_id(h, i)
                     for i in range(lib.bpfman_program__map_id_cnt(h))],
            btf_id=lib.bpfman_program__btf_id(h),
            bytes_xlated=lib.bpfman_program__bytes_xlated(h),
            bytes_jited=lib.bpfman_program__bytes_jited(h),
            jited=lib.bpfman_program__jited(h),
            bytes_memlock=lib.bpfman_program__bytes_memlock(h),
            verified_insns=lib.bpfman_program__verified_insns(h),
            kernel_loaded=lib.bpfman_program__kernel_loaded(h),
            image=_opt(lib.bpfman_program__image(h)),
            image_digest=_opt(lib.bpfman_program__image_digest(h)),
            owner=_opt(lib.bpfman_program__owner(h)),
            status=Status(lib.bpfman_program__status(h)),
        )


@dataclass(frozen=True)
class Link:
    """A program attached to a hook (struct bpfman_link). ``id`` is
    libbpfman's link ID, stable for the life of the attachment."""

    id: int
    program_id: int
    type: ProgramType
    retprobe: bool
    tracepoint: str
    fn_name: str
    offset: int
    target: str
    pid: int
    iface: str
    priority: int
    proceed_on: int
    direction: Direction
    netns: str
    position: int
    pin_path: str
    kernel_link_id: int
    metadata: dict[str, str]
    status: Status

    @classmethod
    def _from_handle(cls, h: Any) -> Link:
        return cls(
            id=lib.bpfman_link__id(h),
            program_id=lib.bpfman_link__program_id(h),
            type=ProgramType(lib.bpfman_link__type(h)),
            retprobe=lib.bpfman_link__retprobe(h),
            tracepoint=_s(lib.bpfman_link__tracepoint(h)),
            fn_name=_s(lib.bpfman_link__fn_name(h)),
            offset=lib.bpfman_link__offset(h),
            target=_s(lib.bpfman_link__target(h)),
            pid=lib.bpfman_link__pid(h),
            iface=_s(lib.bpfman_link__iface(h)),
            priority=lib.bpfman_link__priority(h),
            proceed_on=lib.bpfman_link__proceed_on(h),
            direction=Direction(lib.bpfman_link__direction(h)),
            netns=_s(lib.bpfman_link__netns(h)),
            position=lib.bpfman_link__position(h),
            pin_path=_s(lib.bpfman_link__pin_path(h)),
            kernel_link_id=lib.bpfman_link__kernel_link_id(h),
            metadata=_pairs(h, lib.bpfman_link__metadata_cnt,
                            lib.bpfman_link__metadata_key,
                            lib.bpfman_link__metadata_value),
            status=Status(lib.bpfman_link__status(h)),
        )


@dataclass(frozen=True)
class ChainSlot:
    """One program running at a network hook, in run order."""

    prog_id: int
    prog_name: str
    priority: int  # -1 where the hook has no priorities
    proceed_on: int
    link_id: int  # 0 when the program is not ours


@dataclass(frozen=True)
class Chain:
    """The programs running at one network hook (struct bpfman_chain)."""

    dispatcher_id: int
    xdp_mode: str
    slots: list[ChainSlot]

    @classmethod
    def _from_handle(cls, h: Any) -> Chain:
        return cls(
            dispatcher_id=lib.bpfman_chain__dispatcher_id(h),
            xdp_mode=_s(lib.bpfman_chain__xdp_mode(h)),
            slots=[ChainSlot(prog_id=lib.bpfman_chain__prog_id(h, i),
                             prog_name=_s(lib.bpfman_chain__prog_name(h, i)),
                             priority=lib.bpfman_chain__priority(h, i),
                             proceed_on=lib.bpfman_chain__proceed_on(h, i),
                             link_id=lib.bpfman_chain__link_id(h, i))
                   for i in range(lib.bpfman_chain__cnt(h))],
        )


@dataclass(frozen=True)
class ReportItem:
    """One repaired or restored item; ``error`` is 0 or a negative errno."""

    kind: ReportKind
    error: int
    old_id: int
    new_id: int
    message: str


@dataclass(frozen=True)
class Report:
    """What bpfman_reconcile() or bpfman_restore() did."""

    failures: int
    items: list[ReportItem]

    @classmethod
    def _from_handle(cls, h: Any) -> Report:
        return cls(
            failures=lib.bpfman_report__failures(h),
            items=[ReportItem(kind=ReportKind(lib.bpfman_report__kind(h, i)),
                              error=lib.bpfman_report__error(h, i),
                              old_id=lib.bpfman_report__old_id(h, i),
                              new_id=lib.bpfman_report__new_id(h, i),
                              message=_s(lib.bpfman_report__message(h, i)))
                   for i in range(lib.bpfman_report__cnt(h))],
        )


@dataclass(frozen=True)
class Event:
    """One change to the recorded state, from the change feed (bpfman/event.h).
    ``old_program_id`` is set on RESTORED programs: the ID before the reboot.
    ``owner``: the program's owner when the change was recorded (what
    ``Program.owner`` said), None when it had none."""

    seq: int
    kind: EventKind
    time_ns: int
    program_id: int
    link_id: int
    old_program_id: int
    message: str
    owner: Optional[str] = None


@dataclass(frozen=True)
class Events:
    """Events read after a cursor. ``gap``: some after the cursor were pruned
    (or the cursor is ahead of the feed), so re-read the state rather than
    trust a copy; ``last_seq``: the newest seq recorded when read."""

    events: list[Event]
    gap: bool
    last_seq: int

    @classmethod
    def _from_handle(cls, h: Any) -> Events:
        return cls(
            events=[Event(seq=lib.bpfman_events__seq(h, i),
                          kind=EventKind(lib.bpfman_events__kind(h, i)),
                          time_ns=lib.bpfman_events__time_ns(h, i),
                          program_id=lib.bpfman_events__program_id(h, i),
                          link_id=lib.bpfman_events__link_id(h, i),
                          old_program_id=lib.bpfman_events__old_program_id(h, i),
                          message=_s(lib.bpfman_events__message(h, i)),
                          owner=_opt(lib.bpfman_events__owner(h, i)))
                    for i in range(lib.bpfman_events__cnt(h))],
            gap=bool(lib.bpfman_events__gap(h)),
            last_seq=lib.bpfman_events__last_seq(h),
        )


@dataclass(frozen=True)
class ImageProgram:
    name: str
    type: ProgramType


@dataclass(frozen=True)
class ImageMap:
    name: str
    type: str


@dataclass(frozen=True)
class Image:
    """A bytecode image in the cache (struct bpfman_image)."""

    reference: str
    digest: str
    index_digest: Optional[str]
    platform: str
    size: int
    labels: dict[str, str]
    programs: list[ImageProgram]
    maps: list[ImageMap]

    @classmethod
    def _from_handle(cls, h: Any) -> Image:
        return cls(
            reference=_s(lib.bpfman_image__reference(h)),
            digest=_s(lib.bpfman_image__digest(h)),
            index_digest=_opt(lib.bpfman_image__index_digest(h)),
            platform=_s(lib.bpfman_image__platform(h)),
            size=lib.bpfman_image__size(h),
            labels=_pairs(h, lib.bpfman_image__label_cnt,
                          lib.bpfman_image__label_key, lib.bpfman_image__label_value),
            programs=[ImageProgram(_s(lib.bpfman_image__program_name(h, i)),
                                   ProgramType(lib.bpfman_image__program_type(h, i)))
                      for i in range(lib.bpfman_image__program_cnt(h))],
            maps=[ImageMap(_s(lib.bpfman_image__map_name(h, i)),
                           _s(lib.bpfman_image__map_type(h, i)))
                  for i in range(lib.bpfman_image__map_cnt(h))],
        )


@dataclass(frozen=True)
class Signature:
    """One signature found for an image."""

    ok: bool
    format: str
    signer: str
    status: str
    detail: str


@dataclass(frozen=True)
class SignatureResult:
    """What a verification found (struct bpfman_signature_result)."""

    reference: str
    digest: str
    verified: bool
    rule: str
    signatures: list[Signature] = field(default_factory=list)

    @classmethod
    def _from_handle(cls, h: Any) -> SignatureResult:
        return cls(
            reference=_s(lib.bpfman_signature_result__reference(h)),
            digest=_s(lib.bpfman_signature_result__digest(h)),
            verified=lib.bpfman_signature_result__verified(h),
            rule=_s(lib.bpfman_signature_result__rule(h)),
            signatures=[Signature(ok=lib.bpfman_signature_result__ok(h, i),
                                  format=_s(lib.bpfman_signature_result__format(h, i)),
                                  signer=_s(lib.bpfman_signature_result__signer(h, i)),
                                  status=_s(lib.bpfman_signature_result__status(h, i)),
                                  detail=_s(lib.bpfman_signature_result__detail(h, i)))
                        for i in range(lib.bpfman_signature_result__cnt(h))],
        )


@dataclass(frozen=True)
class ManifestDocument:
    """One parsed document of a manifest: its kind ("XdpProgram", ...) and
    metadata.name (bpfman_manifest__kind/__name)."""

    kind: str
    name: str


@dataclass(frozen=True)
class ApplySecret:
    """Credentials for a document's bytecode.image.imagepullsecret (struct
    bpfman_apply_secret), resolved by the caller; ``namespace`` None
    matches any."""

    name: str
    username: str
    password: str
    namespace: Optional[str] = None


@dataclass(frozen=True)
class ApplyObject:
    """What happened to one document's object ("kind/name"). ``error`` is 0
    or the negative errno of a failed object, ``message`` its sentence."""

    kind: str
    name: str
    outcome: ApplyOutcome
    error: int
    message: str


@dataclass(frozen=True)
class ApplyAction:
    """One action taken (or planned): ``object`` indexes ApplyResult.objects;
    ``attach_point`` is "" for load/unload."""

    object: int
    verb: ApplyVerb
    attach_point: str
    detail: str


@dataclass(frozen=True)
class ApplyEntry:
    """A status entry, one per (object, attach point), in the shape of the
    seed's per-node BpfProgram: condition "Loaded", "NotLoaded", ...,
    reason "bpfmanLoaded", ...; IDs 0 when none; ``maps`` name -> pin path."""

    object: int
    node: str
    attach_point: str
    condition: str
    reason: str
    message: str
    program_id: int
    link_id: int
    maps: dict[str, str]


@dataclass(frozen=True)
class ApplyResult:
    """The result of Context.apply(), plan(), delete_applied() or applied()
    (struct bpfman_apply_result): one ApplyObject per document, the actions
    in the order taken, the status entries, and ``failures``, the number of
    objects that failed (apply() does not raise for those)."""

    objects: list[ApplyObject]
    actions: list[ApplyAction]
    entries: list[ApplyEntry]
    failures: int
    _rendered: dict[RenderFormat, str] = field(repr=False, compare=False)

    def render(self, format: RenderFormat = RenderFormat.YAML) -> str:
        """The status entries as the seed's per-node BpfProgram objects: a
        YAML stream of documents, or a JSON array (bpfman_apply_result__render,
        rendered when the result was taken)."""
        return self._rendered[RenderFormat(format)]

    @classmethod
    def _from_handle(cls, h: Any) -> ApplyResult:
        def render(fmt: RenderFormat) -> str:
            out = ctypes.c_void_p()
            err = lib.bpfman_apply_result__render(ctypes.byref(out), h, int(fmt))
            if err < 0:  # only out of memory: the result itself is valid
                raise error_for(err, f"cannot render the apply result as {fmt.name}",
                                "bpfman_apply_result__render")
            try:
                return ctypes.string_at(out.value).decode("utf-8", "replace") if out.value else ""
            finally:
                c_free(out.value)

        def entry(i: int) -> ApplyEntry:
            return ApplyEntry(
                object=lib.bpfman_apply_result__entry_object(h, i),
                node=_s(lib.bpfman_apply_result__entry_node(h, i)),
                attach_point=_s(lib.bpfman_apply_result__entry_attach_point(h, i)),
                condition=_s(lib.bpfman_apply_result__entry_condition(h, i)),
                reason=_s(lib.bpfman_apply_result__entry_reason(h, i)),
                message=_s(lib.bpfman_apply_result__entry_message(h, i)),
                program_id=lib.bpfman_apply_result__entry_program_id(h, i),
                link_id=lib.bpfman_apply_result__entry_link_id(h, i),
                maps={_s(lib.bpfman_apply_result__entry_map_name(h, i, j)):
                      _s(lib.bpfman_apply_result__entry_map_path(h, i, j))
                      for j in range(lib.bpfman_apply_result__entry_map_cnt(h, i))})

        return cls(
            objects=[ApplyObject(kind=_s(lib.bpfman_apply_result__object_kind(h, i)),
                                 name=_s(lib.bpfman_apply_result__object_name(h, i)),
                                 outcome=ApplyOutcome(lib.bpfman_apply_result__object_outcome(h, i)),
                                 error=lib.bpfman_apply_result__object_error(h, i),
                                 message=_s(lib.bpfman_apply_result__object_message(h, i)))
                     for i in range(lib.bpfman_apply_result__object_cnt(h))],
            actions=[ApplyAction(object=lib.bpfman_apply_result__action_object(h, i),
                                 verb=ApplyVerb(lib.bpfman_apply_result__action_verb(h, i)),
                                 attach_point=_s(lib.bpfman_apply_result__action_attach_point(h, i)),
                                 detail=_s(lib.bpfman_apply_result__action_detail(h, i)))
                     for i in range(lib.bpfman_apply_result__action_cnt(h))],
            entries=[entry(i) for i in range(lib.bpfman_apply_result__entry_cnt(h))],
            failures=lib.bpfman_apply_result__failures(h),
            _rendered={f: render(f) for f in RenderFormat},
        )
