"""The Context: one open libbpfman context (struct bpfman_ctx) and every
operation, as methods taking keyword arguments for the C options structs."""
from __future__ import annotations

import ctypes
import functools
import logging
import os
import threading
from ctypes import POINTER, byref, c_int, c_size_t, c_uint64, c_void_p
from types import TracebackType
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Type, TypeVar, Union

from . import _structs as S
from ._lib import c_free, lib
from .enums import Direction, LogLevel, ProgramType, PullPolicy, Role, SignFormat
from .errors import BpfmanError, error_for
from .objects import (
    ApplyResult, ApplySecret, Chain, Events, Image, Link, ManifestDocument, Program, Report,
    SignatureResult,
)

PathLike = Union[str, "os.PathLike[str]"]
# progress(what, done, total): bytes moved for one blob; total 0 when unknown.
Progress = Callable[[str, int, int], None]

_LEVELS = {
    LogLevel.ERROR: logging.ERROR,
    LogLevel.WARN: logging.WARNING,
    LogLevel.INFO: logging.INFO,
    LogLevel.DEBUG: logging.DEBUG,
}

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def _locked(method: F) -> F:
    """Serializes calls on one Context: a context is one C object whose
    last error is read right after the failing call, and ctypes lets other
    threads run while C code does."""

    @functools.wraps(method)
    def wrapper(self: Context, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _b(s: Optional[PathLike]) -> Optional[bytes]:
    return os.fsencode(s) if s is not None else None


def _strv(items: Optional[Iterable[PathLike]]) -> tuple[Any, int]:
    if items is None:
        return None, 0
    enc = [os.fsencode(s) for s in items]
    return (ctypes.c_char_p * len(enc))(*enc), len(enc)


def _kvs(m: Optional[Mapping[str, str]]) -> tuple[Any, int]:
    if not m:
        return None, 0
    arr = (S.kv * len(m))()
    for i, (k, v) in enumerate(m.items()):
        arr[i].key, arr[i].value = k.encode(), v.encode()
    return arr, len(m)


def _error(err: int, ctx: Optional[int], function: str) -> BpfmanError:
    """The exception for a failed call on ctx (None: bpfman_ctx_new, whose
    error the library keeps for this thread), read right after the call;
    its class follows the library's error kind (bpfman_errkind)."""
    msg = (lib.bpfman_errmsg(ctx) or b"").decode("utf-8", "replace")
    return error_for(err, msg, function, lib.bpfman_errkind(ctx))


class _Registry:
    """struct bpfman_registry_opts from keyword arguments, keeping the
    progress trampoline alive for the call."""

    def __init__(self, username: Optional[str], password: Optional[str],
                 auth_file: Optional[PathLike], progress: Optional[Progress]) -> None:
        self.opts = S.new(S.registry_opts)
        self.opts.username = _b(username)
        self.opts.password = _b(password)
        self.opts.auth_file = _b(auth_file)
        self._cb = None
        if progress is not None:
            def tramp(what: Optional[bytes], done: int, total: int, _ud: Any) -> None:
                try:
                    progress(what.decode() if what else "", done, total)
                except Exception:  # an exception cannot cross the C frames
                    logging.getLogger("bpfman").exception("progress callback failed")
            self._cb = S.PROGRESS_FN(tramp)
            self.opts.progress = self._cb

    def ptr(self) -> Any:
        return ctypes.pointer(self.opts)


class Context:
    """An open libbpfman context (bpfman_ctx_new). Use it as a context
    manager, or call :meth:`close`. Paths default as in the C library
    (/var/lib/bpfman, /sys/fs/bpf/bpfman, /run/bpfman, /var/cache/bpfman,
    /etc/bpfman/bpfman.yaml). The library's messages go to the Python
    logger ``logger`` (default ``logging.getLogger("bpfman")``) when at or
    below ``log_level``. ``allow_shared_dirs`` accepts a state, bpffs or
    cache directory owned by another user or writable by group or others,
    which is refused by default (doc/safety.md).

    A Context may be shared by threads: its calls run one at a time.
    """

    def __init__(self, *, state_dir: Optional[PathLike] = None,
                 bpffs_root: Optional[PathLike] = None,
                 runtime_dir: Optional[PathLike] = None,
                 image_cache_dir: Optional[PathLike] = None,
                 config_path: Optional[PathLike] = None,
                 log_level: LogLevel = LogLevel.WARN,
                 logger: Optional[logging.Logger] = None,
                 allow_shared_dirs: bool = False) -> None:
        self._lock = threading.RLock()
        self._logger = logger or logging.getLogger("bpfman")
        self._log_cb = S.LOG_FN(self._log)
        opts = S.new(S.ctx_opts)
        opts.state_dir = _b(state_dir)
        opts.bpffs_root = _b(bpffs_root)
        opts.runtime_dir = _b(runtime_dir)
        opts.image_cache_dir = _b(image_cache_dir)
        opts.config_path = _b(config_path)
        opts.log_fn = self._log_cb
        opts.log_level = int(log_level)
        opts.allow_shared_dirs = allow_shared_dirs
        h = c_void_p()
        err = lib.bpfman_ctx_new(byref(h), byref(opts))
        if err < 0:
            raise _error(err, None, "bpfman_ctx_new")
        self._h: Optional[int] = h.value

    def _log(self, level: int, msg: Optional[bytes], _ud: Any) -> None:
        try:
            self._logger.log(_LEVELS.get(LogLevel(level), logging.DEBUG),
                             "%s", msg.decode("utf-8", "replace") if msg else "")
        except Exception:  # never let an exception unwind into C
            pass

    # -- lifetime ---------------------------------------------------------
    @_locked
    def close(self) -> None:
        """Frees the context (bpfman_ctx_free); idempotent."""
        if self._h is not None:
            lib.bpfman_ctx_free(self._h)
            self._h = None

    def __enter__(self) -> Context:
        return self

    def __exit__(self, et: Optional[Type[BaseException]], ev: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    @property
    def _ctx(self) -> int:
        if self._h is None:
            raise ValueError("this Context is closed")
        return self._h

    def _check(self, err: int, function: str) -> None:
        if err < 0:
            raise _error(err, self._h, function)

    @_locked
    def set_log_level(self, level: LogLevel, logger: Optional[logging.Logger] = None) -> None:
        """Changes what reaches the logger (bpfman_ctx_set_log)."""
        if logger is not None:
            self._logger = logger
        lib.bpfman_ctx_set_log(self._ctx, self._log_cb, None, int(level))

    # -- paths ------------------------------------------------------------
    def _path(self, fn: Callable[[int], bytes]) -> str:
        return os.fsdecode(fn(self._ctx))

    @property
    @_locked
    def state_dir(self) -> str:
        return self._path(lib.bpfman_ctx_state_dir)

    @property
    @_locked
    def bpffs_root(self) -> str:
        return self._path(lib.bpfman_ctx_bpffs_root)

    @property
    @_locked
    def runtime_dir(self) -> str:
        return self._path(lib.bpfman_ctx_runtime_dir)

    @property
    @_locked
    def image_cache_dir(self) -> str:
        return self._path(lib.bpfman_ctx_image_cache_dir)

    @property
    @_locked
    def config_path(self) -> str:
        return self._path(lib.bpfman_ctx_config_path)

    # -- handle plumbing ----------------------------------------------------
    def _one(self, cls: Callable[[Any], T], free: Callable[[Any], None],
             call: Callable[[Any], int], function: str) -> T:
        h = c_void_p()
        self._check(call(byref(h)), function)
        try:
            return cls(h.value)
        finally:
            free(h.value)

    def _many(self, cls: Callable[[Any], T], free: Callable[[Any, int], None],
              call: Callable[[Any, Any], int], function: str) -> list[T]:
        arr = POINTER(c_void_p)()
        cnt = c_size_t(0)
        self._check(call(byref(arr), byref(cnt)), function)
        try:
            return [cls(arr[i]) for i in range(cnt.value)]
        finally:
            free(arr, cnt.value)

    def _load_opts(self, programs: Sequence[str], globals: Optional[Mapping[str, bytes]],
                   metadata: Optional[Mapping[str, str]], application: Optional[str],
                   map_owner_id: int, owner: Optional[str] = None) -> Any:
        o = S.new(S.load_opts)
        o.programs, o.programs_cnt = _strv(programs)
        if globals:
            g = (S.global_data * len(globals))()
            keep = []
            for i, (name, value) in enumerate(globals.items()):
                buf = ctypes.create_string_buffer(bytes(value), len(value))
                keep.append(buf)
                g[i].name = name.encode()
                g[i].value = ctypes.cast(buf, c_void_p)
                g[i].size = len(value)
            o.globals, o.globals_cnt = g, len(globals)
            o._keep = keep  # the value buffers live as long as the struct
        o.metadata, o.metadata_cnt = _kvs(metadata)
        o.application = _b(application)
        o.map_owner_id = map_owner_id
        o.owner = _b(owner)
        return o

    # -- programs -----------------------------------------------------------
    @_locked
    def load_file(self, path: PathLike, programs: Sequence[str], *,
                  globals: Optional[Mapping[str, bytes]] = None,
                  metadata: Optional[Mapping[str, str]] = None,
                  application: Optional[str] = None,
                  map_owner_id: int = 0, owner: Optional[str] = None) -> list[Program]:
        """Loads programs of one ELF object, all or nothing
        (bpfman_program__load_file). `programs` are "TYPE:FUNC[:ATTACH_FUNC]"
        strings, e.g. ``["tracepoint:count_getpid"]``; `globals` sets global
        variables by name; `owner` is recorded as Program.owner (an
        identity_name(), as bpfmand records its callers). Returns the
        programs in request order."""
        o = self._load_opts(programs, globals, metadata, application, map_owner_id, owner)
        return self._many(Program._from_handle, lib.bpfman_program_list__free,
                          lambda a, c: lib.bpfman_program__load_file(
                              a, c, self._ctx, os.fsencode(path), byref(o)),
                          "bpfman_program__load_file")

    @_locked
    def load_image(self, reference: str, programs: Sequence[str] = (), *,
                   globals: Optional[Mapping[str, bytes]] = None,
                   metadata: Optional[Mapping[str, str]] = None,
                   application: Optional[str] = None, map_owner_id: int = 0,
                   owner: Optional[str] = None, policy: PullPolicy = PullPolicy.ALWAYS, platform: Optional[str] = None,
                   username: Optional[str] = None, password: Optional[str] = None,
                   auth_file: Optional[PathLike] = None,
                   progress: Optional[Progress] = None) -> list[Program]:
        """Pulls an image and loads it (bpfman_program__load_image); empty
        `programs` loads every program its labels name; `owner` as in
        load_file()."""
        o = self._load_opts(programs, globals, metadata, application, map_owner_id, owner)
        reg = _Registry(username, password, auth_file, progress)
        po = self._pull_opts(policy, platform, reg)
        return self._many(Program._from_handle, lib.bpfman_program_list__free,
                          lambda a, c: lib.bpfman_program__load_image(
                              a, c, self._ctx, reference.encode(), byref(o), byref(po)),
                          "bpfman_program__load_image")

    @_locked
    def unload(self, program_id: int, *, force: bool = False) -> None:
        """Detaches every link of the program and unloads it
        (bpfman_program__unload)."""
        o = S.new(S.unload_opts)
        o.force = force
        self._check(lib.bpfman_program__unload(self._ctx, program_id, byref(o)),
                    "bpfman_program__unload")

    @_locked
    def get_program(self, program_id: int) -> Program:
        """A managed program, or any program in the kernel (bpfman_program__get)."""
        return self._one(Program._from_handle, lib.bpfman_program__free,
                         lambda h: lib.bpfman_program__get(h, self._ctx, program_id),
                         "bpfman_program__get")

    def _list_opts(self, all: bool, type: ProgramType, metadata: Optional[Mapping[str, str]],
                   application: Optional[str], program_id: int,
                   kernel_type: Optional[str], owner: Optional[str]) -> Any:
        o = S.new(S.list_opts)
        o.all = all
        o.type = int(type)
        o.match_metadata, o.match_metadata_cnt = _kvs(metadata)
        o.application = _b(application)
        o.program_id = program_id
        o.kernel_type = _b(kernel_type)
        o.owner = _b(owner)
        return o

    @_locked
    def list_programs(self, *, all: bool = False, type: ProgramType = ProgramType.UNSPEC,
                      metadata: Optional[Mapping[str, str]] = None,
                      application: Optional[str] = None,
                      kernel_type: Optional[str] = None,
                      owner: Optional[str] = None) -> list[Program]:
        """Programs sorted by ID (bpfman_program__list); `all` adds programs
        bpfman does not manage; the other arguments filter. `owner` selects
        the programs whose Program.owner is exactly that string ("" those
        without one; None any), in the library's query."""
        o = self._list_opts(all, type, metadata, application, 0, kernel_type, owner)
        return self._many(Program._from_handle, lib.bpfman_program_list__free,
                          lambda a, c: lib.bpfman_program__list(a, c, self._ctx, byref(o)),
                          "bpfman_program__list")

    # -- links --------------------------------------------------------------
    @_locked
    def attach(self, program_id: int, *, tracepoint: Optional[str] = None,
               fn_name: Optional[str] = None, offset: int = 0,
               target: Optional[PathLike] = None, pid: int = 0,
               iface: Optional[str] = None, priority: int = 0, proceed_on: int = 0,
               direction: Direction = Direction.UNSPEC,
               netns: Optional[PathLike] = None,
               metadata: Optional[Mapping[str, str]] = None) -> Link:
        """Attaches a loaded program (bpfman_program__attach); which
        arguments apply follows from its type (tracepoint: "group/name";
        kprobe/uprobe: fn_name, offset, target, pid; xdp/tc/tcx: iface,
        priority, proceed_on, direction, netns). Returns the new link."""
        o = S.new(S.attach_opts)
        o.tracepoint = _b(tracepoint)
        o.fn_name = _b(fn_name)
        o.offset = offset
        o.target = _b(target)
        o.pid = pid
        o.iface = _b(iface)
        o.priority = priority
        o.proceed_on = int(proceed_on)
        o.direction = int(direction)
        o.netns = _b(netns)
        o.metadata, o.metadata_cnt = _kvs(metadata)
        link_id = c_uint64(0)
        self._check(lib.bpfman_program__attach(byref(link_id), self._ctx, program_id, byref(o)),
                    "bpfman_program__attach")
        return self.get_link(link_id.value)

    @_locked
    def detach(self, link_id: int, *, no_wait: bool = False) -> None:
        """Detaches a link and forgets it (bpfman_link__detach). On return
        the kernel has released it: the program is unhooked and, for
        perf-event links, no run is in flight. ``no_wait`` returns at once,
        as bpfman does (bpfman_link__detach_opts): the pin and record are
        gone, but a tracepoint, kprobe, uprobe, fentry, fexit or lsm link is
        released by the kernel a few ms later and may run until then."""
        if not no_wait:
            self._check(lib.bpfman_link__detach(self._ctx, link_id), "bpfman_link__detach")
            return
        o = S.new(S.detach_opts)
        o.no_wait = True
        self._check(lib.bpfman_link__detach_opts(self._ctx, link_id, byref(o)),
                    "bpfman_link__detach_opts")

    @_locked
    def update_link(self, link_id: int, *, priority: Optional[int] = None,
                    proceed_on: int = 0) -> None:
        """Changes an XDP or TC link's priority and/or proceed-on in place
        (bpfman_link__update); 0 leaves proceed-on as it is."""
        o = S.new(S.link_update_opts)
        o.set_priority = priority is not None
        o.priority = priority or 0
        o.proceed_on = int(proceed_on)
        self._check(lib.bpfman_link__update(self._ctx, link_id, byref(o)), "bpfman_link__update")

    @_locked
    def get_link(self, link_id: int) -> Link:
        """One link (bpfman_link__get)."""
        return self._one(Link._from_handle, lib.bpfman_link__free,
                         lambda h: lib.bpfman_link__get(h, self._ctx, link_id),
                         "bpfman_link__get")

    @_locked
    def list_links(self, *, type: ProgramType = ProgramType.UNSPEC, program_id: int = 0,
                   metadata: Optional[Mapping[str, str]] = None,
                   application: Optional[str] = None,
                   kernel_type: Optional[str] = None,
                   owner: Optional[str] = None) -> list[Link]:
        """Links sorted by ID (bpfman_link__list), filtered as asked
        (`owner`: their program's, as for list_programs)."""
        o = self._list_opts(False, type, metadata, application, program_id, kernel_type, owner)
        return self._many(Link._from_handle, lib.bpfman_link_list__free,
                          lambda a, c: lib.bpfman_link__list(a, c, self._ctx, byref(o)),
                          "bpfman_link__list")

    @_locked
    def chain(self, type: ProgramType, iface: str, *, direction: Direction = Direction.UNSPEC,
              netns: Optional[PathLike] = None) -> Chain:
        """The programs running at a network hook, in order (bpfman_chain__get)."""
        o = S.new(S.chain_opts)
        o.type = int(type)
        o.iface = iface.encode()
        o.direction = int(direction)
        o.netns = _b(netns)
        return self._one(Chain._from_handle, lib.bpfman_chain__free,
                         lambda h: lib.bpfman_chain__get(h, self._ctx, byref(o)),
                         "bpfman_chain__get")

    # -- state --------------------------------------------------------------
    @_locked
    def reconcile(self) -> Report:
        """Repairs what a crash left half done (bpfman_reconcile)."""
        return self._one(Report._from_handle, lib.bpfman_report__free,
                         lambda h: lib.bpfman_reconcile(h, self._ctx), "bpfman_reconcile")

    @_locked
    def restore(self) -> Report:
        """Reloads and re-attaches everything recorded, after a reboot (bpfman_restore)."""
        return self._one(Report._from_handle, lib.bpfman_report__free,
                         lambda h: lib.bpfman_restore(h, self._ctx), "bpfman_restore")

    # -- the change feed ------------------------------------------------------
    @_locked
    def read_events(self, after_seq: int = 0, *, max: int = 0) -> Events:
        """Events recorded after the cursor ``after_seq``, oldest first, at most
        ``max`` of them (0: at most 1000) (bpfman_events__read)."""
        return self._one(Events._from_handle, lib.bpfman_events__free,
                         lambda h: lib.bpfman_events__read(h, self._ctx, after_seq, max),
                         "bpfman_events__read")

    @_locked
    def last_event_seq(self) -> int:
        """The newest seq recorded, 0 when none (bpfman_events_last_seq): a
        cursor that sees only what happens from now on."""
        seq = c_uint64(0)
        self._check(lib.bpfman_events_last_seq(byref(seq), self._ctx), "bpfman_events_last_seq")
        return int(seq.value)

    @_locked
    def events_fd(self) -> int:
        """A new non-blocking descriptor, readable when the feed may have grown
        (bpfman_events_fd); for select/poll/asyncio. Drain it with os.read until
        BlockingIOError, then read_events(); the caller closes it."""
        fd = c_int(-1)
        self._check(lib.bpfman_events_fd(byref(fd), self._ctx), "bpfman_events_fd")
        return int(fd.value)

    @_locked
    def wait_events(self, after_seq: int, timeout: Optional[float] = None) -> bool:
        """Blocks until events after ``after_seq`` exist (or a gap), at most
        ``timeout`` seconds (None: no limit); False when the time ran out
        (bpfman_events_wait). Holds the context for the whole wait."""
        ms = -1 if timeout is None else int(timeout * 1000)
        err = int(lib.bpfman_events_wait(self._ctx, after_seq, ms))
        self._check(err, "bpfman_events_wait")
        return err == 1

    # -- images -------------------------------------------------------------
    @staticmethod
    def _pull_opts(policy: PullPolicy, platform: Optional[str], reg: _Registry) -> Any:
        o = S.new(S.pull_opts)
        o.policy = int(policy)
        o.registry = reg.ptr()
        o.platform = _b(platform)
        o._reg = reg  # keeps the progress trampoline alive
        return o

    @_locked
    def pull_image(self, reference: str, *, policy: PullPolicy = PullPolicy.ALWAYS,
                   platform: Optional[str] = None, username: Optional[str] = None,
                   password: Optional[str] = None, auth_file: Optional[PathLike] = None,
                   progress: Optional[Progress] = None) -> Image:
        """Pulls an image into the cache (bpfman_image__pull)."""
        po = self._pull_opts(policy, platform, _Registry(username, password, auth_file, progress))
        return self._one(Image._from_handle, lib.bpfman_image__free,
                         lambda h: lib.bpfman_image__pull(h, self._ctx, reference.encode(),
                                                          byref(po)),
                         "bpfman_image__pull")

    @_locked
    def get_image(self, reference: str) -> Image:
        """A cached image, without the network (bpfman_image__get)."""
        return self._one(Image._from_handle, lib.bpfman_image__free,
                         lambda h: lib.bpfman_image__get(h, self._ctx, reference.encode()),
                         "bpfman_image__get")

    @_locked
    def list_images(self) -> list[Image]:
        """Every cached image (bpfman_image__list)."""
        return self._many(Image._from_handle, lib.bpfman_image_list__free,
                          lambda a, c: lib.bpfman_image__list(a, c, self._ctx),
                          "bpfman_image__list")

    @_locked
    def remove_image(self, reference: str) -> None:
        """Forgets a cached reference (bpfman_image__remove)."""
        self._check(lib.bpfman_image__remove(self._ctx, reference.encode()),
                    "bpfman_image__remove")

    @_locked
    def prune_images(self) -> tuple[int, int]:
        """Deletes unused blobs; returns (blobs, bytes) (bpfman_image__prune)."""
        blobs, size = c_size_t(0), c_uint64(0)
        self._check(lib.bpfman_image__prune(self._ctx, byref(blobs), byref(size)),
                    "bpfman_image__prune")
        return blobs.value, size.value

    def _digest_call(self, call: Callable[[Any], int], function: str) -> str:
        out = c_void_p()
        self._check(call(byref(out)), function)
        try:
            return ctypes.string_at(out.value).decode() if out.value else ""
        finally:
            c_free(out.value)

    @_locked
    def build_image(self, objects: Sequence[PathLike], *,
                    platforms: Optional[Sequence[str]] = None,
                    layout_dir: Optional[PathLike] = None,
                    push_reference: Optional[str] = None,
                    labels: Optional[Mapping[str, str]] = None,
                    username: Optional[str] = None, password: Optional[str] = None,
                    auth_file: Optional[PathLike] = None,
                    progress: Optional[Progress] = None) -> str:
        """Builds a bytecode image into an OCI layout and/or pushes it
        (bpfman_image__build); returns the top digest."""
        reg = _Registry(username, password, auth_file, progress)
        o = S.new(S.build_opts)
        o.objects, o.objects_cnt = _strv(objects)
        if platforms is not None:
            if len(platforms) != len(objects):
                raise ValueError("platforms must name one platform per object")
            o.platforms, _ = _strv(platforms)
        o.layout_dir = _b(layout_dir)
        o.push_reference = _b(push_reference)
        o.registry = reg.ptr()
        o.labels, o.labels_cnt = _kvs(labels)
        return self._digest_call(lambda d: lib.bpfman_image__build(d, self._ctx, byref(o)),
                                 "bpfman_image__build")

    @_locked
    def sign_image(self, reference: str, *, key_file: PathLike,
                   key_password: Optional[str] = None,
                   format: SignFormat = SignFormat.BOTH,
                   username: Optional[str] = None, password: Optional[str] = None,
                   auth_file: Optional[PathLike] = None) -> str:
        """Signs the digest `reference` names and pushes the signature(s)
        (bpfman_image__sign); returns the signed digest."""
        reg = _Registry(username, password, auth_file, None)
        o = S.new(S.sign_opts)
        o.registry = reg.ptr()
        o.key_file = _b(key_file)
        o.key_password = _b(key_password)
        o.format = int(format)
        return self._digest_call(
            lambda d: lib.bpfman_image__sign(d, self._ctx, reference.encode(), byref(o)),
            "bpfman_image__sign")

    @_locked
    def verify_image(self, reference: str, *, keys: Optional[Sequence[PathLike]] = None,
                     roots: Optional[Sequence[PathLike]] = None,
                     identity: Optional[str] = None, issuer: Optional[str] = None,
                     gpg_keyring: Optional[PathLike] = None,
                     gpg_lookaside: Optional[str] = None,
                     username: Optional[str] = None, password: Optional[str] = None,
                     auth_file: Optional[PathLike] = None) -> SignatureResult:
        """Checks every signature of the digest `reference` names
        (bpfman_image__verify). An unsigned or badly signed image is not an
        error: read ``.verified``. Given keys/roots/gpg replace the config
        file's policy for this call."""
        reg = _Registry(username, password, auth_file, None)
        o = S.new(S.verify_opts)
        o.registry = reg.ptr()
        o.keys, o.keys_cnt = _strv(keys)
        o.roots, o.roots_cnt = _strv(roots)
        o.identity = _b(identity)
        o.issuer = _b(issuer)
        o.gpg_keyring = _b(gpg_keyring)
        o.gpg_lookaside = _b(gpg_lookaside)
        return self._one(SignatureResult._from_handle, lib.bpfman_signature_result__free,
                         lambda h: lib.bpfman_image__verify(h, self._ctx, reference.encode(),
                                                            byref(o)),
                         "bpfman_image__verify")


    # -- maps ---------------------------------------------------------------
    @_locked
    def map_used_by(self, program_id: int) -> list[int]:
        """The managed programs using the maps of `program_id` (itself and
        the programs sharing its maps), sorted; [] when it is not managed
        (bpfman_program__map_used_by)."""
        ids = POINTER(ctypes.c_uint32)()
        cnt = c_size_t(0)
        self._check(lib.bpfman_program__map_used_by(byref(ids), byref(cnt), self._ctx,
                                                    program_id),
                    "bpfman_program__map_used_by")
        try:
            return [int(ids[i]) for i in range(cnt.value)]
        finally:
            c_free(ctypes.cast(ids, c_void_p))

    # -- declarative apply (doc/apply.md) -------------------------------------
    def _manifest(self, sources: Sequence[PathLike], text: Union[str, bytes, None],
                  origin: str) -> int:
        """A C manifest of `sources` (files or directories) then `text`;
        the caller frees it. Raises InvalidError naming the bad field."""
        if not sources and text is None:
            raise ValueError("give manifest files or directories, or text=")
        h = c_void_p()
        self._check(lib.bpfman_manifest__new(byref(h)), "bpfman_manifest__new")
        m: int = h.value or 0
        try:
            for src in sources:
                self._check(lib.bpfman_manifest__add_file(m, self._ctx, os.fsencode(src)),
                            "bpfman_manifest__add_file")
            if text is not None:
                buf = text.encode() if isinstance(text, str) else bytes(text)
                self._check(lib.bpfman_manifest__add_buffer(m, self._ctx, origin.encode(),
                                                            buf, len(buf)),
                            "bpfman_manifest__add_buffer")
        except BaseException:
            lib.bpfman_manifest__free(m)
            raise
        return m

    @staticmethod
    def _apply_opts(node_name: Optional[str], node_labels: Optional[Mapping[str, str]],
                    secrets: Optional[Sequence[ApplySecret]], reg: _Registry) -> Any:
        o = S.new(S.apply_opts)
        o.node_name = _b(node_name)
        if node_labels is not None:
            o.node_labels, o.node_labels_cnt = _kvs(node_labels)
            o.node_labels_set = True
        o.registry = reg.ptr()
        o._reg = reg  # keeps the progress trampoline alive
        if secrets:
            arr = (S.apply_secret * len(secrets))()
            for i, sec in enumerate(secrets):
                arr[i].name = sec.name.encode()
                arr[i].ns = _b(sec.namespace)
                arr[i].username = sec.username.encode()
                arr[i].password = sec.password.encode()
            o.secrets, o.secrets_cnt = arr, len(secrets)
        return o

    def _apply_call(self, fn: Any, function: str, sources: Sequence[PathLike],
                    text: Union[str, bytes, None], origin: str, node_name: Optional[str],
                    node_labels: Optional[Mapping[str, str]],
                    secrets: Optional[Sequence[ApplySecret]], username: Optional[str],
                    password: Optional[str], auth_file: Optional[PathLike],
                    progress: Optional[Progress]) -> ApplyResult:
        o = self._apply_opts(node_name, node_labels, secrets,
                             _Registry(username, password, auth_file, progress))
        m = self._manifest(sources, text, origin)
        try:
            return self._one(ApplyResult._from_handle, lib.bpfman_apply_result__free,
                             lambda h: int(fn(h, self._ctx, m, byref(o))), function)
        finally:
            lib.bpfman_manifest__free(m)

    @_locked
    def parse_manifest(self, *sources: PathLike, text: Union[str, bytes, None] = None,
                       origin: str = "-") -> list[ManifestDocument]:
        """Parses manifest files (a directory: its *.yaml, *.yml, *.json;
        "-": standard input) and/or YAML or JSON `text` (named `origin` in
        error sentences) without applying them; returns each document's kind
        and name. A bad document raises InvalidError naming its origin,
        line and field (bpfman_manifest__add_file, __add_buffer)."""
        m = self._manifest(sources, text, origin)
        try:
            return [ManifestDocument(kind=(lib.bpfman_manifest__kind(m, i) or b"").decode(),
                                     name=(lib.bpfman_manifest__name(m, i) or b"").decode())
                    for i in range(lib.bpfman_manifest__cnt(m))]
        finally:
            lib.bpfman_manifest__free(m)

    @_locked
    def apply(self, *sources: PathLike, text: Union[str, bytes, None] = None,
              origin: str = "-", node_name: Optional[str] = None,
              node_labels: Optional[Mapping[str, str]] = None,
              secrets: Optional[Sequence[ApplySecret]] = None,
              username: Optional[str] = None, password: Optional[str] = None,
              auth_file: Optional[PathLike] = None,
              progress: Optional[Progress] = None) -> ApplyResult:
        """Makes the documents of manifest files and/or `text` true on this
        node (bpfman_apply__run): a second apply of the same documents keeps
        the same programs. Failure is per object: read ``.failures`` and
        each object's ``outcome``/``message``; an exception means it could
        not run at all (a bad document, ...). `node_name`/`node_labels`
        default to the config file's node section; `secrets` resolve
        imagepullsecret names; username/password/auth_file/progress are the
        registry access for images that name no secret."""
        return self._apply_call(lib.bpfman_apply__run, "bpfman_apply__run", sources, text,
                                origin, node_name, node_labels, secrets, username,
                                password, auth_file, progress)

    @_locked
    def plan(self, *sources: PathLike, text: Union[str, bytes, None] = None,
             origin: str = "-", node_name: Optional[str] = None,
             node_labels: Optional[Mapping[str, str]] = None,
             secrets: Optional[Sequence[ApplySecret]] = None) -> ApplyResult:
        """What apply() would do, changing nothing; images are only read
        from the cache (bpfman_apply__plan)."""
        return self._apply_call(lib.bpfman_apply__plan, "bpfman_apply__plan", sources, text,
                                origin, node_name, node_labels, secrets, None, None, None,
                                None)

    @_locked
    def delete_applied(self, *sources: PathLike, text: Union[str, bytes, None] = None,
                       origin: str = "-", node_name: Optional[str] = None) -> ApplyResult:
        """Removes everything the documents' objects own; only each
        document's kind and name matter (bpfman_apply__delete)."""
        return self._apply_call(lib.bpfman_apply__delete, "bpfman_apply__delete", sources,
                                text, origin, node_name, None, None, None, None, None, None)

    @_locked
    def applied(self, kind: Optional[str] = None, name: Optional[str] = None, *,
                node_name: Optional[str] = None) -> ApplyResult:
        """Status of what is applied now, from the recorded state: every
        object, or only `kind` (case-insensitive) and/or `name`
        (bpfman_apply__status)."""
        o = self._apply_opts(node_name, None, None, _Registry(None, None, None, None))
        return self._one(ApplyResult._from_handle, lib.bpfman_apply_result__free,
                         lambda h: lib.bpfman_apply__status(h, self._ctx, _b(kind), _b(name),
                                                            byref(o)),
                         "bpfman_apply__status")

    # -- authorization (doc/api.md#authorization) ----------------------------
    @_locked
    def authorize(self, operation: str, role: Role, *, uid: Optional[int] = None,
                  gid: int = 0, groups: Sequence[int] = (),
                  cert_subject: Optional[str] = None, cert_sans: Sequence[str] = (),
                  type: ProgramType = ProgramType.UNSPEC, iface: Optional[str] = None,
                  image: Optional[str] = None, program_id: int = 0,
                  link_id: int = 0) -> Role:
        """Whether an identity may perform `operation` (named in refusals,
        e.g. "Load"), which needs `role`, under the config file's
        ``authorization`` rules (bpfman_authorize). The identity is unix
        credentials (`uid`, `gid`, supplementary `groups`) and/or a TLS
        client certificate (`cert_subject` as "/CN=app/O=example",
        `cert_sans` as "DNS:...", "URI:...", "IP:..."); `type`, `iface` and
        `image` are the limits a rule may set; `program_id` / `link_id` name
        the recorded program or link an operate operation acts on (its owner
        must be the identity, and the limits apply to it too). Returns the role granted;
        raises PermissionDeniedError with the library's sentence when
        refused, InvalidError for a mistake in the config section."""
        ident = S.new(S.identity)
        if uid is not None:
            ident.has_unix_cred = True
            ident.uid, ident.gid = uid, gid
            garr = (ctypes.c_uint32 * len(groups))(*groups)
            ident.groups, ident.groups_cnt = garr, len(groups)
        ident.cert_subject = _b(cert_subject)
        ident.cert_sans, ident.cert_sans_cnt = _strv(cert_sans)
        req = S.new(S.authz_request)
        req.operation = operation.encode()
        req.role = int(role)
        req.type = int(type)
        req.iface = _b(iface)
        req.image = _b(image)
        req.program_id, req.link_id = program_id, link_id
        granted = ctypes.c_int(0)
        self._check(lib.bpfman_authorize(byref(granted), self._ctx, byref(ident), byref(req)),
                    "bpfman_authorize")
        return Role(granted.value)


__all__ = ["Context", "BpfmanError"]
