"""Every C function of libbpfman this package binds: its ctypes signature
and the Python name that exposes it (the C -> Python mapping in README.md
is this table). Adding a C function to the binding is one line here plus
the Python code that calls ``lib.<name>``.

tests/test_coverage.py fails when a symbol exported by libbpfman.map is
neither here nor in OMITTED, and when a line here is not used by the package.
"""
from __future__ import annotations

from ctypes import (
    POINTER,
    c_bool,
    c_char_p,
    c_int,
    c_int32,
    c_size_t,
    c_uint,
    c_uint32,
    c_uint64,
    c_void_p,
)
from typing import Any, NamedTuple, Sequence

from . import _structs as S

P = c_void_p  # every opaque handle (struct bpfman_ctx *, ...)
PP = POINTER(c_void_p)  # T ** out-parameter
PPP = POINTER(POINTER(c_void_p))  # T *** out-parameter (lists)
SZ = POINTER(c_size_t)
E = c_int  # enum


class Fn(NamedTuple):
    name: str
    restype: Any
    argtypes: Sequence[Any]
    python: str  # where it surfaces in Python
    # Not in every 0.1 library yet: bound when the loaded library has it,
    # and the binding does without otherwise (see the caller).
    pending: bool = False


def _acc(prefix: str, cls: str, names: str, restype: Any, indexed: bool = False) -> list[Fn]:
    """Accessors of one handle type that share a signature, e.g. the
    uint32_t fields of struct bpfman_program; Python name Class.attr."""
    args = [P, c_size_t] if indexed else [P]
    return [Fn(f"{prefix}{n}", restype, args, f"{cls}.{n}") for n in names.split()]


FUNCTIONS: list[Fn] = [
    # common.h
    Fn("bpfman_version_number", c_uint32, [], "version_number()"),
    Fn("bpfman_version_string", c_char_p, [], "version_string()"),
    Fn("bpfman_ctx_new", c_int, [PP, POINTER(S.ctx_opts)], "Context()"),
    Fn("bpfman_ctx_free", None, [P], "Context.close()"),
    Fn("bpfman_errmsg", c_char_p, [P], "BpfmanError.message"),
    Fn("bpfman_errkind", E, [P], "BpfmanError.kind"),
    Fn("bpfman_errkind_name", c_char_p, [E], "ErrorKind.bpfman_name"),
    Fn("bpfman_ctx_set_log", None, [P, S.LOG_FN, c_void_p, E], "Context.set_log_level()"),
    *_acc("bpfman_ctx_", "Context", "state_dir bpffs_root runtime_dir image_cache_dir config_path", c_char_p),
    # program.h
    Fn("bpfman_program_type_name", c_char_p, [E], "ProgramType.bpfman_name"),
    Fn("bpfman_program_type_from_name", E, [c_char_p], "ProgramType.from_name()"),
    Fn("bpfman_program__load_file", c_int, [PPP, SZ, P, c_char_p, POINTER(S.load_opts)], "Context.load_file()"),
    Fn("bpfman_program__unload", c_int, [P, c_uint32, POINTER(S.unload_opts)], "Context.unload()"),
    Fn("bpfman_program__get", c_int, [PP, P, c_uint32], "Context.get_program()"),
    Fn("bpfman_program__list", c_int, [PPP, SZ, P, POINTER(S.list_opts)], "Context.list_programs()"),
    Fn("bpfman_program_list__free", None, [POINTER(c_void_p), c_size_t], "(list copied, then freed)"),
    Fn("bpfman_program__free", None, [P], "(Program copied, then freed)"),
    Fn("bpfman_program__map_used_by", c_int, [POINTER(POINTER(c_uint32)), SZ, P, c_uint32], "Context.map_used_by()"),
    *_acc("bpfman_program__", "Program", "id map_owner_id kernel_type btf_id bytes_xlated bytes_jited bytes_memlock verified_insns", c_uint32),
    *_acc("bpfman_program__", "Program", "managed retprobe gpl_compatible jited kernel_loaded", c_bool),
    *_acc("bpfman_program__", "Program", "name attach_func path application pin_path map_pin_dir kernel_name kernel_type_name tag image image_digest", c_char_p),
    Fn("bpfman_program__type", E, [P], "Program.type"),
    Fn("bpfman_program__loaded_at", c_uint64, [P], "Program.loaded_at"),
    Fn("bpfman_program__status", E, [P], "Program.status"),
    Fn("bpfman_status_name", c_char_p, [E], "Status.bpfman_name"),
    Fn("bpfman_program__metadata_cnt", c_size_t, [P], "Program.metadata"),
    Fn("bpfman_program__metadata_key", c_char_p, [P, c_size_t], "Program.metadata"),
    Fn("bpfman_program__metadata_value", c_char_p, [P, c_size_t], "Program.metadata"),
    Fn("bpfman_program__global_cnt", c_size_t, [P], "Program.globals"),
    Fn("bpfman_program__global_name", c_char_p, [P, c_size_t], "Program.globals"),
    Fn("bpfman_program__global_value", c_void_p, [P, c_size_t, SZ], "Program.globals"),
    Fn("bpfman_program__link_cnt", c_size_t, [P], "Program.link_ids"),
    Fn("bpfman_program__link_id", c_uint64, [P, c_size_t], "Program.link_ids"),
    Fn("bpfman_program__map_id_cnt", c_size_t, [P], "Program.map_ids"),
    Fn("bpfman_program__map_id", c_uint32, [P, c_size_t], "Program.map_ids"),
    # link.h
    Fn("bpfman_program__attach", c_int, [POINTER(c_uint64), P, c_uint32, POINTER(S.attach_opts)], "Context.attach()"),
    Fn("bpfman_link__detach", c_int, [P, c_uint64], "Context.detach()"),
    Fn("bpfman_link__detach_opts", c_int, [P, c_uint64, POINTER(S.detach_opts)], "Context.detach()"),
    Fn("bpfman_link__update", c_int, [P, c_uint64, POINTER(S.link_update_opts)], "Context.update_link()"),
    Fn("bpfman_link__get", c_int, [PP, P, c_uint64], "Context.get_link()"),
    Fn("bpfman_link__list", c_int, [PPP, SZ, P, POINTER(S.list_opts)], "Context.list_links()"),
    Fn("bpfman_link_list__free", None, [POINTER(c_void_p), c_size_t], "(list copied, then freed)"),
    Fn("bpfman_link__free", None, [P], "(Link copied, then freed)"),
    Fn("bpfman_link__id", c_uint64, [P], "Link.id"),
    Fn("bpfman_link__offset", c_uint64, [P], "Link.offset"),
    *_acc("bpfman_link__", "Link", "program_id proceed_on kernel_link_id", c_uint32),
    *_acc("bpfman_link__", "Link", "pid priority position", c_int32),
    Fn("bpfman_link__retprobe", c_bool, [P], "Link.retprobe"),
    *_acc("bpfman_link__", "Link", "tracepoint fn_name target iface netns pin_path", c_char_p),
    Fn("bpfman_link__type", E, [P], "Link.type"),
    Fn("bpfman_link__direction", E, [P], "Link.direction"),
    Fn("bpfman_link__status", E, [P], "Link.status"),
    Fn("bpfman_link__metadata_cnt", c_size_t, [P], "Link.metadata"),
    Fn("bpfman_link__metadata_key", c_char_p, [P, c_size_t], "Link.metadata"),
    Fn("bpfman_link__metadata_value", c_char_p, [P, c_size_t], "Link.metadata"),
    # proceed_on.h
    Fn("bpfman_proceed_on_bit", c_uint32, [E, c_char_p], "proceed_on_bit()"),
    Fn("bpfman_proceed_on_name", c_char_p, [E, c_uint], "proceed_on_name()"),
    Fn("bpfman_proceed_on_valid", c_uint32, [E], "proceed_on_valid()"),
    Fn("bpfman_proceed_on_default", c_uint32, [E], "proceed_on_default()"),
    # chain.h
    Fn("bpfman_chain__get", c_int, [PP, P, POINTER(S.chain_opts)], "Context.chain()"),
    Fn("bpfman_chain__free", None, [P], "(Chain copied, then freed)"),
    Fn("bpfman_chain__dispatcher_id", c_uint32, [P], "Chain.dispatcher_id"),
    Fn("bpfman_chain__xdp_mode", c_char_p, [P], "Chain.xdp_mode"),
    Fn("bpfman_chain__cnt", c_size_t, [P], "Chain.slots"),
    Fn("bpfman_chain__prog_id", c_uint32, [P, c_size_t], "ChainSlot.prog_id"),
    Fn("bpfman_chain__prog_name", c_char_p, [P, c_size_t], "ChainSlot.prog_name"),
    Fn("bpfman_chain__priority", c_int32, [P, c_size_t], "ChainSlot.priority"),
    Fn("bpfman_chain__proceed_on", c_uint32, [P, c_size_t], "ChainSlot.proceed_on"),
    Fn("bpfman_chain__link_id", c_uint64, [P, c_size_t], "ChainSlot.link_id"),
    # state.h
    Fn("bpfman_reconcile", c_int, [PP, P], "Context.reconcile()"),
    Fn("bpfman_restore", c_int, [PP, P], "Context.restore()"),
    Fn("bpfman_report__free", None, [P], "(Report copied, then freed)"),
    Fn("bpfman_report__cnt", c_size_t, [P], "Report.items"),
    Fn("bpfman_report__failures", c_size_t, [P], "Report.failures"),
    Fn("bpfman_report__kind", E, [P, c_size_t], "ReportItem.kind"),
    Fn("bpfman_report__error", c_int, [P, c_size_t], "ReportItem.error"),
    Fn("bpfman_report__old_id", c_uint64, [P, c_size_t], "ReportItem.old_id"),
    Fn("bpfman_report__new_id", c_uint64, [P, c_size_t], "ReportItem.new_id"),
    Fn("bpfman_report__message", c_char_p, [P, c_size_t], "ReportItem.message"),
    # event.h
    Fn("bpfman_events__read", c_int, [PP, P, c_uint64, c_size_t], "Context.read_events()"),
    Fn("bpfman_events__free", None, [P], "(Events copied, then freed)"),
    Fn("bpfman_events__cnt", c_size_t, [P], "Events.events"),
    Fn("bpfman_events__gap", c_bool, [P], "Events.gap"),
    Fn("bpfman_events__last_seq", c_uint64, [P], "Events.last_seq"),
    *_acc("bpfman_events__", "Event", "seq time_ns link_id", c_uint64, indexed=True),
    *_acc("bpfman_events__", "Event", "program_id old_program_id", c_uint32, indexed=True),
    Fn("bpfman_events__kind", E, [P, c_size_t], "Event.kind"),
    Fn("bpfman_events__message", c_char_p, [P, c_size_t], "Event.message"),
    Fn("bpfman_events__owner", c_char_p, [P, c_size_t], "Event.owner"),
    Fn("bpfman_events_last_seq", c_int, [POINTER(c_uint64), P], "Context.last_event_seq()"),
    Fn("bpfman_events_fd", c_int, [POINTER(c_int), P], "Context.events_fd()"),
    Fn("bpfman_events_wait", c_int, [P, c_uint64, c_int], "Context.wait_events()"),
    # image.h
    Fn("bpfman_pull_policy_name", c_char_p, [E], "PullPolicy.bpfman_name"),
    Fn("bpfman_pull_policy_from_name", c_int, [c_char_p], "PullPolicy.from_name()"),
    Fn("bpfman_image__pull", c_int, [PP, P, c_char_p, POINTER(S.pull_opts)], "Context.pull_image()"),
    Fn("bpfman_image__get", c_int, [PP, P, c_char_p], "Context.get_image()"),
    Fn("bpfman_image__list", c_int, [PPP, SZ, P], "Context.list_images()"),
    Fn("bpfman_image_list__free", None, [POINTER(c_void_p), c_size_t], "(list copied, then freed)"),
    Fn("bpfman_image__free", None, [P], "(Image copied, then freed)"),
    Fn("bpfman_image__remove", c_int, [P, c_char_p], "Context.remove_image()"),
    Fn("bpfman_image__prune", c_int, [P, SZ, POINTER(c_uint64)], "Context.prune_images()"),
    *_acc("bpfman_image__", "Image", "reference digest index_digest platform", c_char_p),
    Fn("bpfman_image__size", c_uint64, [P], "Image.size"),
    Fn("bpfman_image__label_cnt", c_size_t, [P], "Image.labels"),
    Fn("bpfman_image__label_key", c_char_p, [P, c_size_t], "Image.labels"),
    Fn("bpfman_image__label_value", c_char_p, [P, c_size_t], "Image.labels"),
    Fn("bpfman_image__program_cnt", c_size_t, [P], "Image.programs"),
    Fn("bpfman_image__program_name", c_char_p, [P, c_size_t], "Image.programs"),
    Fn("bpfman_image__program_type", E, [P, c_size_t], "Image.programs"),
    Fn("bpfman_image__map_cnt", c_size_t, [P], "Image.maps"),
    Fn("bpfman_image__map_name", c_char_p, [P, c_size_t], "Image.maps"),
    Fn("bpfman_image__map_type", c_char_p, [P, c_size_t], "Image.maps"),
    Fn("bpfman_program__load_image", c_int, [PPP, SZ, P, c_char_p, POINTER(S.load_opts), POINTER(S.pull_opts)], "Context.load_image()"),
    Fn("bpfman_image__build", c_int, [POINTER(c_void_p), P, POINTER(S.build_opts)], "Context.build_image()"),
    # signature.h
    Fn("bpfman_image__verify", c_int, [PP, P, c_char_p, POINTER(S.verify_opts)], "Context.verify_image()"),
    Fn("bpfman_image__sign", c_int, [POINTER(c_void_p), P, c_char_p, POINTER(S.sign_opts)], "Context.sign_image()"),
    Fn("bpfman_signature_result__free", None, [P], "(SignatureResult copied, then freed)"),
    *_acc("bpfman_signature_result__", "SignatureResult", "reference digest rule", c_char_p),
    Fn("bpfman_signature_result__verified", c_bool, [P], "SignatureResult.verified"),
    Fn("bpfman_signature_result__cnt", c_size_t, [P], "SignatureResult.signatures"),
    Fn("bpfman_signature_result__ok", c_bool, [P, c_size_t], "Signature.ok"),
    *_acc("bpfman_signature_result__", "Signature", "format signer status detail", c_char_p, indexed=True),
    # apply.h
    Fn("bpfman_manifest__new", c_int, [PP], "Context.parse_manifest()"),
    Fn("bpfman_manifest__add_buffer", c_int, [P, P, c_char_p, c_char_p, c_size_t], "Context.parse_manifest()"),
    Fn("bpfman_manifest__add_file", c_int, [P, P, c_char_p], "Context.parse_manifest()"),
    Fn("bpfman_manifest__free", None, [P], "(manifest parsed, used, then freed)"),
    Fn("bpfman_manifest__cnt", c_size_t, [P], "Context.parse_manifest()"),
    Fn("bpfman_manifest__kind", c_char_p, [P, c_size_t], "ManifestDocument.kind"),
    Fn("bpfman_manifest__name", c_char_p, [P, c_size_t], "ManifestDocument.name"),
    Fn("bpfman_apply__plan", c_int, [PP, P, P, POINTER(S.apply_opts)], "Context.plan()"),
    Fn("bpfman_apply__run", c_int, [PP, P, P, POINTER(S.apply_opts)], "Context.apply()"),
    Fn("bpfman_apply__delete", c_int, [PP, P, P, POINTER(S.apply_opts)], "Context.delete_applied()"),
    Fn("bpfman_apply__status", c_int, [PP, P, c_char_p, c_char_p, POINTER(S.apply_opts)], "Context.applied()"),
    Fn("bpfman_apply_result__free", None, [P], "(ApplyResult copied, then freed)"),
    Fn("bpfman_apply_outcome_name", c_char_p, [E], "ApplyOutcome.bpfman_name"),
    Fn("bpfman_apply_verb_name", c_char_p, [E], "ApplyVerb.bpfman_name"),
    Fn("bpfman_apply_result__object_cnt", c_size_t, [P], "ApplyResult.objects"),
    *_acc("bpfman_apply_result__object_", "ApplyObject", "kind name message", c_char_p, indexed=True),
    Fn("bpfman_apply_result__object_outcome", E, [P, c_size_t], "ApplyObject.outcome"),
    Fn("bpfman_apply_result__object_error", c_int, [P, c_size_t], "ApplyObject.error"),
    Fn("bpfman_apply_result__failures", c_size_t, [P], "ApplyResult.failures"),
    Fn("bpfman_apply_result__action_cnt", c_size_t, [P], "ApplyResult.actions"),
    Fn("bpfman_apply_result__action_object", c_size_t, [P, c_size_t], "ApplyAction.object"),
    Fn("bpfman_apply_result__action_verb", E, [P, c_size_t], "ApplyAction.verb"),
    *_acc("bpfman_apply_result__action_", "ApplyAction", "attach_point detail", c_char_p, indexed=True),
    Fn("bpfman_apply_result__entry_cnt", c_size_t, [P], "ApplyResult.entries"),
    Fn("bpfman_apply_result__entry_object", c_size_t, [P, c_size_t], "ApplyEntry.object"),
    *_acc("bpfman_apply_result__entry_", "ApplyEntry", "node attach_point condition reason message", c_char_p, indexed=True),
    Fn("bpfman_apply_result__entry_program_id", c_uint32, [P, c_size_t], "ApplyEntry.program_id"),
    Fn("bpfman_apply_result__entry_link_id", c_uint64, [P, c_size_t], "ApplyEntry.link_id"),
    Fn("bpfman_apply_result__entry_map_cnt", c_size_t, [P, c_size_t], "ApplyEntry.maps"),
    Fn("bpfman_apply_result__entry_map_name", c_char_p, [P, c_size_t, c_size_t], "ApplyEntry.maps"),
    Fn("bpfman_apply_result__entry_map_path", c_char_p, [P, c_size_t, c_size_t], "ApplyEntry.maps"),
    Fn("bpfman_apply_result__render", c_int, [POINTER(c_void_p), P, E], "ApplyResult.render()"),
    # authz.h
    Fn("bpfman_role_name", c_char_p, [E], "Role.bpfman_name"),
    Fn("bpfman_authorize", c_int, [POINTER(c_int), P, POINTER(S.identity), POINTER(S.authz_request)], "Context.authorize()"),
    Fn("bpfman_identity_name", c_int, [c_char_p, c_size_t, POINTER(S.identity)], "identity_name()"),
    Fn("bpfman_program__owner", c_char_p, [P], "Program.owner"),
]

# Exported by libbpfman.map but deliberately not bound, with the reason.
OMITTED: dict[str, str] = {
    name: "ctypes structs are zeroed on creation and _structs.new() sets sz "
    "itself; the C helper exists for callers without C macros, and this "
    "binding is one"
    for name in (
        "bpfman_ctx_opts_init", "bpfman_load_opts_init", "bpfman_unload_opts_init",
        "bpfman_list_opts_init", "bpfman_attach_opts_init", "bpfman_link_update_opts_init",
        "bpfman_chain_opts_init", "bpfman_registry_opts_init", "bpfman_pull_opts_init",
        "bpfman_build_opts_init", "bpfman_verify_opts_init", "bpfman_sign_opts_init",
        "bpfman_apply_opts_init", "bpfman_identity_init", "bpfman_authz_request_init",
        "bpfman_detach_opts_init",
    )
}
OMITTED["bpfman_ctx_new_err"] = (
    "for callers whose calls may change OS thread (Go); a Python thread is one "
    "OS thread, so Context() reads bpfman_ctx_new's sentence and error kind "
    "(which bpfman_ctx_new_err does not give) right after the call, on the same thread"
)
