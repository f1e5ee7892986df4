"""Exceptions carrying the library's errno and its whole sentence.

libbpfman reports a failure as a negative errno plus one sentence
(bpfman_errmsg()); a rejected load's sentence holds the verifier log. Until
the C library exposes an error classification of its own, the subclasses
are chosen from the errno (and, for VerifierError, from the verifier log
in the sentence):

=====================  ================================================
class                  raised for
=====================  ================================================
NotFoundError          ENOENT, ESRCH, ENODEV (no such program, link, image,
                       file, interface)
InvalidError           EINVAL, ERANGE, E2BIG, ENAMETOOLONG (bad input)
BusyError              EBUSY, EAGAIN (hook or lock in use), EEXIST
PermissionDeniedError  EPERM, EACCES (also a builtins.PermissionError)
NotSupportedError      EOPNOTSUPP, ENOTSUP, ENOSYS (kernel lacks it)
VerifierError          a load the kernel's verifier refused (.log)
BpfmanError            anything else (the base class of all of these)
=====================  ================================================
"""
from __future__ import annotations

import builtins
import errno as E
import os
from typing import Optional


class BpfmanError(OSError):
    """A libbpfman call failed. ``errno`` is the positive errno, ``message``
    the library's sentence (also ``str(err)``), ``function`` the C function."""

    message: str = ""
    function: str = ""

    def __init__(self, errno: int, message: str, function: str = "") -> None:
        super().__init__(errno, message)
        self.message = message
        self.function = function

    def __str__(self) -> str:
        return self.message or os.strerror(self.errno or 0)


class NotFoundError(BpfmanError):
    """The program, link, image, file or hook does not exist."""


class InvalidError(BpfmanError):
    """The request is malformed or contradicts itself; nothing was changed."""


class BusyError(BpfmanError):
    """Something is in the way: a hook already taken, a lock held, a name in use."""


class PermissionDeniedError(BpfmanError, builtins.PermissionError):
    """The kernel or the file system refused (not root, lockdown, ...)."""


class NotSupportedError(BpfmanError):
    """This kernel or build cannot do it."""


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


_BY_ERRNO: dict[int, type[BpfmanError]] = {
    E.ENOENT: NotFoundError,
    E.ESRCH: NotFoundError,
    E.ENODEV: NotFoundError,
    E.EINVAL: InvalidError,
    E.ERANGE: InvalidError,
    E.E2BIG: InvalidError,
    E.ENAMETOOLONG: InvalidError,
    E.EBUSY: BusyError,
    E.EAGAIN: BusyError,
    E.EEXIST: BusyError,
    E.EPERM: PermissionDeniedError,
    E.EACCES: PermissionDeniedError,
    E.EOPNOTSUPP: NotSupportedError,
    E.ENOTSUP: NotSupportedError,
    E.ENOSYS: NotSupportedError,
}


def error_for(err: int, message: str, function: str = "") -> BpfmanError:
    """The exception for a negative (or positive) errno and the sentence."""
    code = abs(err)
    cls: Optional[type[BpfmanError]]
    if _LOG_START in message:
        cls = VerifierError
    else:
        cls = _BY_ERRNO.get(code, BpfmanError)
    return cls(code, message, function)
