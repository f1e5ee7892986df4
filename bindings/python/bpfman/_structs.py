"""ctypes mirrors of the C options structs (include/bpfman/*.h).

Field order, types and names follow the headers exactly; the tests compile
a C program printing sizeof/offsetof of every field and compare. Each struct
gets ``sz`` filled in by :func:`new`, which is what the C ``*_opts_init``
functions would do.
"""
from __future__ import annotations

import ctypes
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_bool,
    c_char_p,
    c_int,
    c_int32,
    c_size_t,
    c_uint32,
    c_uint64,
    c_void_p,
)
from typing import Type, TypeVar

# C enums are int-sized here (every enumerator fits in an int).
c_enum = c_int

# void (*)(enum bpfman_log_level, const char *, void *)
LOG_FN = CFUNCTYPE(None, c_enum, c_char_p, c_void_p)
# void (*)(const char *what, uint64_t done, uint64_t total, void *)
PROGRESS_FN = CFUNCTYPE(None, c_char_p, c_uint64, c_uint64, c_void_p)


class kv(Structure):
    """struct bpfman_kv"""

    _fields_ = [("key", c_char_p), ("value", c_char_p)]


class global_data(Structure):
    """struct bpfman_global_data"""

    _fields_ = [("name", c_char_p), ("value", c_void_p), ("size", c_size_t)]


class ctx_opts(Structure):
    """struct bpfman_ctx_opts"""

    _fields_ = [
        ("sz", c_size_t),
        ("state_dir", c_char_p),
        ("bpffs_root", c_char_p),
        ("runtime_dir", c_char_p),
        ("image_cache_dir", c_char_p),
        ("config_path", c_char_p),
        ("log_fn", LOG_FN),
        ("log_user_data", c_void_p),
        ("log_level", c_enum),
        ("allow_shared_dirs", c_bool),
    ]


class load_opts(Structure):
    """struct bpfman_load_opts"""

    _fields_ = [
        ("sz", c_size_t),
        ("programs", POINTER(c_char_p)),
        ("programs_cnt", c_size_t),
        ("globals", POINTER(global_data)),
        ("globals_cnt", c_size_t),
        ("metadata", POINTER(kv)),
        ("metadata_cnt", c_size_t),
        ("application", c_char_p),
        ("map_owner_id", c_uint32),
        ("owner", c_char_p),
    ]


class unload_opts(Structure):
    """struct bpfman_unload_opts"""

    _fields_ = [("sz", c_size_t), ("force", c_bool)]


class list_opts(Structure):
    """struct bpfman_list_opts"""

    _fields_ = [
        ("sz", c_size_t),
        ("all", c_bool),
        ("type", c_enum),
        ("match_metadata", POINTER(kv)),
        ("match_metadata_cnt", c_size_t),
        ("application", c_char_p),
        ("program_id", c_uint32),
        ("kernel_type", c_char_p),
        ("owner", c_char_p),
    ]


class attach_opts(Structure):
    """struct bpfman_attach_opts"""

    _fields_ = [
        ("sz", c_size_t),
        ("tracepoint", c_char_p),
        ("fn_name", c_char_p),
        ("offset", c_uint64),
        ("target", c_char_p),
        ("pid", c_int32),
        ("iface", c_char_p),
        ("priority", c_int32),
        ("proceed_on", c_uint32),
        ("direction", c_enum),
        ("netns", c_char_p),
        ("metadata", POINTER(kv)),
        ("metadata_cnt", c_size_t),
    ]


class detach_opts(Structure):
    """struct bpfman_detach_opts"""

    _fields_ = [("sz", c_size_t), ("no_wait", c_bool)]


class link_update_opts(Structure):
    """struct bpfman_link_update_opts"""

    _fields_ = [
        ("sz", c_size_t),
        ("set_priority", c_bool),
        ("priority", c_int32),
        ("proceed_on", c_uint32),
    ]


class chain_opts(Structure):
    """struct bpfman_chain_opts"""

    _fields_ = [
        ("sz", c_size_t),
        ("type", c_enum),
        ("iface", c_char_p),
        ("direction", c_enum),
        ("netns", c_char_p),
    ]


class registry_opts(Structure):
    """struct bpfman_registry_opts"""

    _fields_ = [
        ("sz", c_size_t),
        ("username", c_char_p),
        ("password", c_char_p),
        ("auth_file", c_char_p),
        ("progress", PROGRESS_FN),
        ("progress_user_data", c_void_p),
    ]


class pull_opts(Structure):
    """struct bpfman_pull_opts"""

    _fields_ = [
        ("sz", c_size_t),
        ("policy", c_enum),
        ("registry", POINTER(registry_opts)),
        ("platform", c_char_p),
    ]


class build_opts(Structure):
    """struct bpfman_build_opts"""

    _fields_ = [
        ("sz", c_size_t),
        ("objects", POINTER(c_char_p)),
        ("platforms", POINTER(c_char_p)),
        ("objects_cnt", c_size_t),
        ("layout_dir", c_char_p),
        ("push_reference", c_char_p),
        ("registry", POINTER(registry_opts)),
        ("labels", POINTER(kv)),
        ("labels_cnt", c_size_t),
    ]


class verify_opts(Structure):
    """struct bpfman_verify_opts"""

    _fields_ = [
        ("sz", c_size_t),
        ("registry", POINTER(registry_opts)),
        ("keys", POINTER(c_char_p)),
        ("keys_cnt", c_size_t),
        ("roots", POINTER(c_char_p)),
        ("roots_cnt", c_size_t),
        ("identity", c_char_p),
        ("issuer", c_char_p),
        ("gpg_keyring", c_char_p),
        ("gpg_lookaside", c_char_p),
    ]


class sign_opts(Structure):
    """struct bpfman_sign_opts"""

    _fields_ = [
        ("sz", c_size_t),
        ("registry", POINTER(registry_opts)),
        ("key_file", c_char_p),
        ("key_password", c_char_p),
        ("format", c_enum),
    ]


class apply_secret(Structure):
    """struct bpfman_apply_secret"""

    _fields_ = [
        ("name", c_char_p),
        ("ns", c_char_p),
        ("username", c_char_p),
        ("password", c_char_p),
    ]


class apply_pull_secret(Structure):
    """struct bpfman_apply_pull_secret"""

    _fields_ = [
        ("name", c_char_p),
        ("ns", c_char_p),
        ("auths", c_char_p),
        ("legacy", c_bool),
        ("problem", c_char_p),
    ]


class apply_opts(Structure):
    """struct bpfman_apply_opts"""

    _fields_ = [
        ("sz", c_size_t),
        ("node_name", c_char_p),
        ("node_labels", POINTER(kv)),
        ("node_labels_cnt", c_size_t),
        ("node_labels_set", c_bool),
        ("registry", POINTER(registry_opts)),
        ("secrets", POINTER(apply_secret)),
        ("secrets_cnt", c_size_t),
        ("pull_secrets", POINTER(apply_pull_secret)),
        ("pull_secrets_cnt", c_size_t),
        ("netns", c_char_p),
    ]


class identity(Structure):
    """struct bpfman_identity"""

    _fields_ = [
        ("sz", c_size_t),
        ("has_unix_cred", c_bool),
        ("uid", c_uint32),
        ("gid", c_uint32),
        ("groups", POINTER(c_uint32)),
        ("groups_cnt", c_size_t),
        ("cert_subject", c_char_p),
        ("cert_sans", POINTER(c_char_p)),
        ("cert_sans_cnt", c_size_t),
    ]


class authz_request(Structure):
    """struct bpfman_authz_request"""

    _fields_ = [
        ("sz", c_size_t),
        ("operation", c_char_p),
        ("role", c_enum),
        ("type", c_enum),
        ("iface", c_char_p),
        ("image", c_char_p),
        ("program_id", c_uint32),
        ("link_id", c_uint64),
    ]


# C struct name (without "bpfman_") -> mirror; the layout test walks this.
ALL: dict[str, type[Structure]] = {
    cls.__name__: cls
    for cls in (
        kv, global_data, ctx_opts, load_opts, unload_opts, list_opts,
        attach_opts, detach_opts, link_update_opts, chain_opts, registry_opts, pull_opts,
        build_opts, verify_opts, sign_opts, apply_secret, apply_pull_secret, apply_opts, identity,
        authz_request,
    )
}

S = TypeVar("S", bound=Structure)


def new(cls: Type[S]) -> S:
    """A zeroed struct with ``sz`` set, like BPFMAN_OPTS() in C."""
    s = cls()
    s.sz = ctypes.sizeof(cls)
    return s
