"""Finding and loading libbpfman.so.0, and declaring every function's
signature from the table in _abi.py.

The library is looked up as the dynamic linker would (``CDLL("libbpfman.so.0")``,
i.e. LD_LIBRARY_PATH, the ld.so cache, ...), after ``ctypes.util.find_library``
fails to name a different one; ``LIBBPFMAN_PATH`` (a file path) overrides both.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
from typing import Any

from ._abi import FUNCTIONS

SONAME = "libbpfman.so.0"
# The release of the C library this package was written against: the loaded
# library must have the same major version (the ABI) and at least this minor
# (every function bound here exists from 0.1.0 on).
WRITTEN_FOR = (0, 1, 0)


class LibraryError(ImportError):
    """libbpfman.so.0 could not be found or is not a version this package
    can use."""


def _locate() -> str:
    env = os.environ.get("LIBBPFMAN_PATH")
    if env:
        return env
    found = ctypes.util.find_library("bpfman")
    # find_library may return an unversioned or other-major name; only the
    # ABI we were written for will do.
    return found if found == SONAME else SONAME


def _open() -> Any:
    path = _locate()
    try:
        lib = ctypes.CDLL(path, use_errno=True)
    except OSError as e:
        how = ("LIBBPFMAN_PATH=" + path) if os.environ.get("LIBBPFMAN_PATH") else path
        raise LibraryError(
            f"cannot load libbpfman ({how}): {e}; install libbpfman, or set "
            "LIBBPFMAN_PATH to the full path of libbpfman.so.0"
        ) from None
    for fn in FUNCTIONS:
        try:
            f = getattr(lib, fn.name)
        except AttributeError:
            if fn.pending:
                continue
            raise LibraryError(
                f"{path} has no {fn.name}, which this package (written for "
                f"libbpfman {'.'.join(map(str, WRITTEN_FOR))}) needs; install "
                "the libbpfman this package came with, or a newer one"
            ) from None
        f.restype = fn.restype
        f.argtypes = list(fn.argtypes)
    check_version(lib.bpfman_version_number(), path)
    return lib


def check_version(number: int, where: str = SONAME) -> None:
    """Raises LibraryError unless a library with version `number`
    (BPFMAN_MAKE_VERSION layout) can serve this package."""
    major, minor, patch = number >> 16, (number >> 8) & 0xFF, number & 0xFF
    if major != WRITTEN_FOR[0] or minor < WRITTEN_FOR[1]:
        raise LibraryError(
            f"{where} is libbpfman {major}.{minor}.{patch}, but this package "
            f"needs {WRITTEN_FOR[0]}.{WRITTEN_FOR[1]}.x or a later minor of "
            f"{WRITTEN_FOR[0]}.x; install a matching libbpfman or bpfman package"
        )


lib: Any = _open()


def has(name: str) -> bool:
    """Whether the loaded library exports `name` (for pending functions)."""
    return hasattr(lib, name)

# free() of the C library libbpfman allocates with, for char ** results.
_libc = ctypes.CDLL(None)
c_free = _libc.free
c_free.restype = None
c_free.argtypes = [ctypes.c_void_p]
