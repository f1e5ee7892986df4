"""Exceptions carrying the library's errno, its whole sentence and the
library's error kind (bpfman_errkind()).

libbpfman reports a failure as a negative errno plus one sentence
(bpfman_errmsg()) and classifies it (bpfman_errkind()); a rejected load's
sentence holds the verifier log. The exception class follows the kind (the
kernel's EACCES means a verifier rejection as often as a missing
privilege). Where only an errno is known (ApplyObject.error, error_for()
without a kind), it follows the errno and, for VerifierError, the verifier
log in the sentence:

======================  ===================  ==================================
class                   kind                 errno (no kind known)
======================  ===================  ==================================
NotFoundError           NOT_FOUND            ENOENT, ESRCH, ENODEV
InvalidError            INVALID              EINVAL, ERANGE, E2BIG, ENAMETOOLONG
BadObjectError          BAD_OBJECT           ENOEXEC (an InvalidError)
BusyError               BUSY                 EBUSY, EAGAIN, EEXIST
PermissionDeniedError   PERMISSION           EPERM, EACCES (a PermissionError)
NotSupportedError       UNSUPPORTED          EOPNOTSUPP, ENOTSUP, ENOSYS
VerifierError           VERIFIER             a verifier log in the sentence
ImageRefusedError       IMAGE_REFUSED        -
AuthError               AUTH                 -
RegistryError           REGISTRY             -
BpfmanError             OTHER                anything else (the base class)
======================  ===================  ==================================
"""
from __future__ import annotations

import builtins
import errno as E
import os
from typing import Optional

from .enums import ErrorKind


class BpfmanError(OSError):
    """A libbpfman call failed. ``errno`` is the positive errno, ``message``
    the library's sentence (also ``str(err)``), ``function`` the C function,
    ``kind`` the library's ErrorKind (None when the loaded library does not
    classify its errors)."""

    message: str = ""
    function: str = ""
    kind: Optional[ErrorKind] = None

    def __init__(self, errno: int, message: str, function: str = "",
                 kind: Optional[ErrorKind] = None) -> None:
        super().__init__(errno, message)
        self.message = message
        self.function = function
        self.kind = kind

    def __str__(self) -> str:
        return self.message or os.strerror(self.errno or 0)


class NotFoundError(BpfmanError):
    """The program, link, image, file or hook does not exist."""


class InvalidError(BpfmanError):
    """The request is malformed or contradicts itself; nothing was changed."""


class BadObjectError(InvalidError):
    """The file is not a valid BPF ELF object."""


class BusyError(BpfmanError):
    """Something is in the way: a hook already taken, a lock held, a name in use."""


class PermissionDeniedError(BpfmanError, builtins.PermissionError):
    """The kernel or the file system refused (not root, lockdown, ...)."""


class NotSupportedError(BpfmanError):
    """This kernel or build cannot do it."""


class ImageRefusedError(BpfmanError):
    """An image was refused: its layer, a digest, its config or the signature policy."""


class AuthError(BpfmanError):
    """A registry refused the credentials, or needs some."""


class RegistryError(BpfmanError):
    """A registry is unreachable, misbehaving, or its TLS identity unverified."""


_LOG_START = "-- BEGIN PROG LOAD LOG --"
_LOG_END = "-- END PROG LOAD LOG --"


class VerifierError(BpfmanError):
    """The kernel's verifier rejected a program; ``log`` is its log."""

    @property
    def log(self) -> str:
        """The verifier's log, from the library's sentence."""
        start = self.message.find(_LOG_START)
        if start < 0:
            return ""
        start += len(_LOG_START)
        end = self.message.find(_LOG_END, start)
        return self.message[start : end if end >= 0 else None].strip("\n")


_BY_KIND: dict[ErrorKind, type[BpfmanError]] = {
    ErrorKind.INVALID: InvalidError,
    ErrorKind.NOT_FOUND: NotFoundError,
    ErrorKind.PERMISSION: PermissionDeniedError,
    ErrorKind.BUSY: BusyError,
    ErrorKind.VERIFIER: VerifierError,
    ErrorKind.IMAGE_REFUSED: ImageRefusedError,
    ErrorKind.BAD_OBJECT: BadObjectError,
    ErrorKind.UNSUPPORTED: NotSupportedError,
    ErrorKind.AUTH: AuthError,
    ErrorKind.REGISTRY: RegistryError,
}

_BY_ERRNO: dict[int, type[BpfmanError]] = {
    E.ENOENT: NotFoundError,
    E.ESRCH: NotFoundError,
    E.ENODEV: NotFoundError,
    E.EINVAL: InvalidError,
    E.ERANGE: InvalidError,
    E.E2BIG: InvalidError,
    E.ENAMETOOLONG: InvalidError,
    E.ENOEXEC: BadObjectError,
    E.EBUSY: BusyError,
    E.EAGAIN: BusyError,
    E.EEXIST: BusyError,
    E.EPERM: PermissionDeniedError,
    E.EACCES: PermissionDeniedError,
    E.EOPNOTSUPP: NotSupportedError,
    E.ENOTSUP: NotSupportedError,
    E.ENOSYS: NotSupportedError,
}


def error_for(err: int, message: str, function: str = "",
              kind: Optional[int] = None) -> BpfmanError:
    """The exception for a negative (or positive) errno, the sentence and,
    when the library gave one, its error kind (an unknown kind is OTHER)."""
    code = abs(err)
    if kind is not None:
        k = ErrorKind(kind) if kind in ErrorKind._value2member_map_ else ErrorKind.OTHER
        return _BY_KIND.get(k, BpfmanError)(code, message, function, k)
    cls = VerifierError if _LOG_START in message else _BY_ERRNO.get(code, BpfmanError)
    return cls(code, message, function)
