"""A few bpf(2) commands for the tests (the package has no map access
because the library has none): open a pinned map, read one u64 slot."""
from __future__ import annotations

import ctypes
import os
import struct

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_SYS_BPF = {"x86_64": 321, "aarch64": 280}[os.uname().machine]
_BPF_MAP_LOOKUP_ELEM, _BPF_OBJ_GET = 1, 7


def _bpf(cmd: int, attr: ctypes.Array[ctypes.c_char]) -> int:
    r = int(_libc.syscall(_SYS_BPF, cmd, attr, len(attr)))
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return r


def read_u64(pin_path: str, key: int = 0) -> int:
    """Slot `key` of the pinned array map at pin_path, as a u64."""
    path = ctypes.create_string_buffer(pin_path.encode())
    attr = ctypes.create_string_buffer(128)
    struct.pack_into("=Q", attr, 0, ctypes.addressof(path))
    fd = _bpf(_BPF_OBJ_GET, attr)
    try:
        k = ctypes.c_uint32(key)
        v = ctypes.c_uint64(0)
        attr = ctypes.create_string_buffer(128)
        struct.pack_into("=IIQQ", attr, 0, fd, 0, ctypes.addressof(k), ctypes.addressof(v))
        _bpf(_BPF_MAP_LOOKUP_ELEM, attr)
        return v.value
    finally:
        os.close(fd)
