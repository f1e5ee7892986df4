# SPDX-License-Identifier: Apache-2.0
"""Watch sees every change to the state, whoever made it: bpfmanctl's load,
attach, detach and unload made beside the daemon on the same state
directory and the daemon's own, in commit order, each exactly once, each
with its seq; a refused call shows nothing; a client resumes from a seq
(WatchRequest.after_seq) without loss or repeats; a cursor behind the
pruned range (events.keep in the config) or ahead of the feed gets RESYNC
first.

usage: test_watch_feed.py BPFMAND BPFMANCTL PROTO_DIR BPF_OBJ_DIR"""
import json
import os
import queue
import shutil
import subprocess
import threading
import time

import grpc

from daemon_env import Daemon, check, expect_status, fail, setup

A = setup()
bpfmand, bpfmanctl, obj_dir, stub_dir = A.bpfmand, A.bpfmanctl, A.obj_dir, A.stub_dir
obj = os.path.join(obj_dir, "tracepoint_counter.bpf.o")
import bpfman_pb2 as pb  # noqa: E402
import bpfman_pb2_grpc  # noqa: E402
import manager_pb2 as mpb  # noqa: E402
import manager_pb2_grpc  # noqa: E402

KEEP = 6
E = mpb.Event


class Watcher:
    """One Watch stream on its own channel, read by a thread into a queue."""

    def __init__(self, sock, **req):
        self.channel = grpc.insecure_channel("unix:" + sock)
        self.stream = manager_pb2_grpc.ManagerStub(self.channel).Watch(mpb.WatchRequest(**req))
        self.q = queue.Queue()
        self.status = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.stream.initial_metadata()  # the server has registered it

    def _run(self):
        try:
            for ev in self.stream:
                self.q.put(ev)
            self.status.append("OK")
        except grpc.RpcError as e:
            self.status.append(e.code().name)

    def take(self, n, what, timeout=15):
        out = []
        deadline = time.time() + timeout
        while len(out) < n:
            try:
                out.append(self.q.get(timeout=max(0.01, deadline - time.time())))
            except queue.Empty:
                fail("%s: %d of %d events after %d s: %s" % (what, len(out), n, timeout,
                                                             [(e.kind, e.seq) for e in out]))
        return out

    def quiet(self, what, secs=1.0):
        """Nothing more arrives: no duplicate, nothing invented."""
        try:
            ev = self.q.get(timeout=secs)
        except queue.Empty:
            return
        fail("%s: an unexpected event arrived: kind %d seq %d %r" % (what, ev.kind, ev.seq, ev.message))

    def close(self):
        self.stream.cancel()
        self.channel.close()


def ctl(d, *args):
    # The daemon's config, so both prune to the same events.keep.
    out = subprocess.run([bpfmanctl, "--config", d.config] + list(args), env=d.env,
                         capture_output=True, text=True)
    check(out.returncode == 0, "bpfmanctl %s: %s" % (" ".join(args), out.stderr))
    return out.stdout


def inotify_fds(d):
    """The daemon's inotify descriptors: the change feed's, while a Watch is open."""
    fd_dir = "/proc/%d/fd" % d.proc.pid
    n = 0
    for fd in os.listdir(fd_dir):
        try:
            n += os.readlink(os.path.join(fd_dir, fd)) == "anon_inode:inotify"
        except FileNotFoundError:
            pass
    return n


def wait_inotify_fds(d, want, what):
    deadline = time.time() + 10
    while inotify_fds(d) != want:
        if time.time() > deadline:
            fail("%s: bpfmand holds %d inotify descriptors, expected %d" % (what, inotify_fds(d), want))
        time.sleep(0.05)


def shape(evs):
    return [(e.kind, e.program_id, e.link_id) for e in evs]


config = "events:\n  keep: %d\n" % KEEP
d = Daemon(bpfmand, config=config)
watchers = []
try:
    api = bpfman_pb2_grpc.BpfmanStub(d.channel)
    mgr = manager_pb2_grpc.ManagerStub(d.channel)
    # The feed's descriptor is held only while a Watch is open: a daemon
    # nobody watches is not woken by every commit.
    wait_inotify_fds(d, 0, "before any Watch")
    t = Watcher(d.sock)
    wait_inotify_fds(d, 1, "with one Watch open")
    t.close()
    wait_inotify_fds(d, 0, "after the only Watch closed")

    # Changes while no Watch is open (the daemon then leaves its cursor
    # behind): a stream opened afterwards starts after them, not at them.
    early = api.Load(pb.LoadRequest(bytecode=pb.BytecodeLocation(file=obj),
                                    info=[pb.LoadInfo(name="count_getpid", program_type=pb.TRACEPOINT)]),
                     timeout=30).programs[0].kernel_info.id
    api.Unload(pb.UnloadRequest(id=early), timeout=30)
    w = Watcher(d.sock)
    watchers.append(w)
    wait_inotify_fds(d, 1, "with a Watch open again")

    # bpfmanctl beside the daemon, on the same state directory.
    pid = json.loads(ctl(d, "load", "file", "-p", obj, "--programs", "tracepoint:count_getpid",
                         "-o", "json"))[0]["id"]
    link = json.loads(ctl(d, "attach", str(pid), "tracepoint", "-t", "syscalls/sys_enter_getpid",
                          "-o", "json"))["id"]
    got = w.take(2, "bpfmanctl load + attach")
    check(shape(got) == [(E.LOADED, pid, 0), (E.ATTACHED, pid, link)],
          "bpfmanctl's load and attach seen as %s" % shape(got))
    check("count_getpid" in got[0].message, "LOADED message %r" % got[0].message)

    # The daemon's own calls: seen once (the handlers no longer publish).
    dpid = api.Load(pb.LoadRequest(bytecode=pb.BytecodeLocation(file=obj),
                                   info=[pb.LoadInfo(name="count_getpid", program_type=pb.TRACEPOINT)]),
                    timeout=30).programs[0].kernel_info.id
    dlink = api.Attach(pb.AttachRequest(id=dpid, attach=pb.AttachInfo(tracepoint_attach_info=pb.TracepointAttachInfo(
        tracepoint="syscalls/sys_enter_getpid"))), timeout=30).link_id
    got += w.take(2, "the daemon's load + attach")
    check(shape(got[2:]) == [(E.LOADED, dpid, 0), (E.ATTACHED, dpid, dlink)],
          "the daemon's load and attach seen as %s" % shape(got[2:]))

    # Refused calls change nothing and announce nothing.
    expect_status(lambda: mgr.UpdateLink(mpb.UpdateLinkRequest(id=dlink, priority=5)),
                  grpc.StatusCode.FAILED_PRECONDITION, "in place", "UpdateLink of a tracepoint link")
    expect_status(lambda: api.Unload(pb.UnloadRequest(id=987654)), grpc.StatusCode.NOT_FOUND,
                  None, "Unload of a missing program")
    out = subprocess.run([bpfmanctl, "detach", "424242"], env=d.env, capture_output=True, text=True)
    check(out.returncode != 0, "bpfmanctl detach of a missing link succeeded")
    w.quiet("after refused calls")

    # Interleaved: bpfmanctl detaches the daemon's link, the daemon
    # detaches bpfmanctl's, then each unloads the other's program.
    ctl(d, "detach", str(dlink))
    api.Detach(pb.DetachRequest(link_id=link), timeout=30)
    ctl(d, "unload", str(dpid))
    api.Unload(pb.UnloadRequest(id=pid), timeout=30)
    got += w.take(4, "detach + unload")
    check(shape(got[4:]) == [(E.DETACHED, dpid, dlink), (E.DETACHED, pid, link),
                             (E.UNLOADED, dpid, 0), (E.UNLOADED, pid, 0)],
          "detach and unload seen as %s" % shape(got[4:]))
    seqs = [e.seq for e in got]
    check(seqs[0] == 3 and seqs == list(range(seqs[0], seqs[0] + 8)),
          "seqs are not consecutive: %s" % seqs)
    check(all(e.time_unix_nano > 0 and e.message for e in got), "an event without time or message")
    w.quiet("after the eight changes")

    # Resume from a seq still kept: exactly what came after it, then live.
    r = Watcher(d.sock, after_seq=seqs[4])
    watchers.append(r)
    replay = r.take(3, "resume from seq %d" % seqs[4])
    check([e.seq for e in replay] == seqs[5:8] and shape(replay) == shape(got[5:8]),
          "resume after %d gave %s" % (seqs[4], [(e.kind, e.seq) for e in replay]))
    r.quiet("after the replay")
    p3 = json.loads(ctl(d, "load", "file", "-p", obj, "--programs", "tracepoint:count_getpid",
                        "-o", "json"))[0]["id"]
    for who in (w, r):
        ev = who.take(1, "a live load after the replay")[0]
        check(shape([ev]) == [(E.LOADED, p3, 0)] and ev.seq == seqs[7] + 1, "live event %s" % ev)
        who.quiet("after the live load")

    # Behind the pruned range (keep 6, 9 recorded): RESYNC, then what is kept.
    g = Watcher(d.sock, after_seq=seqs[0])
    watchers.append(g)
    first = g.take(1, "resume behind the pruned range")[0]
    check(first.kind == E.RESYNC and first.seq == 0 and "pruned" in first.message,
          "resume behind the pruned range began with %s" % first)
    kept = g.take(KEEP, "the events kept")
    check([e.seq for e in kept] == list(range(seqs[7] + 2 - KEEP, seqs[7] + 2)) and shape(kept)[-1] == (E.LOADED, p3, 0),
          "after RESYNC: %s" % [e.seq for e in kept])
    g.quiet("after the kept events")

    # Ahead of the feed (a cursor from another database): RESYNC, then live.
    a = Watcher(d.sock, after_seq=10**9)
    watchers.append(a)
    first = a.take(1, "resume ahead of the feed")[0]
    check(first.kind == E.RESYNC and "beyond" in first.message, "ahead: %s" % first)
    a.quiet("after RESYNC for a cursor ahead")
    ctl(d, "unload", str(p3))
    for who in (w, r, g, a):
        ev = who.take(1, "the last unload")[0]
        check(shape([ev]) == [(E.UNLOADED, p3, 0)] and ev.seq == seqs[7] + 2, "last: %s" % ev)

    # The database keeps only events.keep rows.
    import sqlite3
    db = sqlite3.connect(os.path.join(d.env["BPFMAN_STATE_DIR"], "state.db"))
    n = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    db.close()
    check(n == KEEP, "%d events kept, events.keep is %d" % (n, KEEP))

    # SIGTERM ends every stream with OK.
    check(d.stop() == 0, "bpfmand exit status")
    for who in watchers:
        who.thread.join(10)
        check(who.status == ["OK"], "a Watch ended with %s" % who.status)
    print("ok: Watch sees bpfmanctl's and the daemon's changes once each, in order; "
          "resume, RESYNC behind and ahead, pruning")
finally:
    for who in watchers:
        who.close()
    d.cleanup(bpfmanctl)
    shutil.rmtree(stub_dir, ignore_errors=True)
