# SPDX-License-Identifier: Apache-2.0
"""The owner rule and the limits on operations that act on recorded
programs (doc/api.md, "Authorization"), through Python grpcio clients
running as other users:

- a program loaded through bpfmand records its caller's identity
  ("uid:N") as owner, shown by bpfmanctl get/list -o json (and selected
  by bpfmanctl list programs/links --owner) and through
  libbpfman.v1.Manager (GetProgram, ListPrograms and ListLinks with mine / owner, the
  owner of every Watch event, UNLOADED included, and Watch with owner /
  mine sending only that owner's events);
- another operate identity may not Unload, Attach to, Detach or UpdateLink
  it, nor Load sharing its maps (map_owner_id) (PERMISSION_DENIED naming
  the identity, the program, its owner and the rule), and nothing changes;
  the owner and an admin may;
- a program loaded by bpfmanctl (no owner) is admin-only, and shows an
  empty owner through the Manager service;
- a rule's limits (program types, here) hold on Unload and Detach too: the
  daemon restarted with a narrower rule refuses them on its own program;
- a v3 state database (before programs.owner) gets the column on open.

usage: test_owner.py BPFMAND BPFMANCTL PROTO_DIR BPF_OBJ_DIR"""
import json
import os
import shutil
import sqlite3
import subprocess

import grpc

from daemon_env import Daemon, check, expect_status, setup

A = setup(for_other_users=True)  # the clients run as other users
bpfmand, bpfmanctl, obj_dir = A.bpfmand, A.bpfmanctl, A.obj_dir
import bpfman_pb2 as pb  # noqa: E402
import bpfman_pb2_grpc  # noqa: E402
import manager_pb2 as mpb  # noqa: E402
import manager_pb2_grpc  # noqa: E402

ALICE, BOB, CAROL = 4242, 4343, 4444
RULES = """authorization:
  rules:
    - name: alice
      uid: %d
      role: operate
    - name: bob
      uid: %d
      role: operate
    - name: carol
      uid: %d
      role: operate
      program_types: [%s]
"""
TP = os.path.join(obj_dir, "tracepoint_counter.bpf.o")

d = Daemon(bpfmand, config=RULES % (ALICE, BOB, CAROL, "tracepoint"))


def as_user(uid, *calls):
    return d.as_user(uid, A.stub_dir, obj_dir, *calls)


def ctl(*args):
    r = subprocess.run([bpfmanctl] + list(args), env=d.env, capture_output=True, text=True,
                       timeout=60)
    check(r.returncode == 0, "bpfmanctl %s: rc %d %s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout


def state():
    """Programs with their owners and links: what a refusal must not change."""
    progs = json.loads(ctl("list", "programs", "-o", "json"))
    links = json.loads(ctl("list", "links", "-o", "json"))
    return (sorted((p["id"], p.get("owner")) for p in progs),
            sorted((ln["id"], ln["program_id"]) for ln in links))


def denied(r, *words):
    m = r.get("message", "")
    check(not r["ok"] and r["code"] == "PERMISSION_DENIED" and all(w in m for w in words),
          "%s: expected PERMISSION_DENIED naming %s, got %s" % (r["call"], words, r))


def feed(mgr, until):
    """The Watch events replayed from the start of the feed, up to the first
    one for which until(event) is true."""
    got = []
    stream = mgr.Watch(mpb.WatchRequest(after_seq=0), timeout=20)
    try:
        for ev in stream:
            got.append(ev)
            if until(ev):
                break
    finally:
        stream.cancel()
    return got


try:
    d.open_to_others()

    # alice loads and attaches: she owns the program, recorded and shown.
    r = as_user(ALICE, "load-tracepoint")
    check(r[0]["ok"], "alice Load: %s" % r[0])
    aid = r[0]["ids"][0]
    r = as_user(ALICE, "attach-tp:%d" % aid)
    check(r[0]["ok"] and r[0]["link_id"], "alice Attach to her program: %s" % r[0])
    alink = r[0]["link_id"]
    got = json.loads(ctl("get", "program", str(aid), "-o", "json"))
    got = got[0] if isinstance(got, list) else got
    check(got.get("owner") == "uid:%d" % ALICE, "bpfmanctl get shows owner %r" % got.get("owner"))
    check(any(p["id"] == aid and p.get("owner") == "uid:%d" % ALICE
              for p in json.loads(ctl("list", "programs", "-o", "json"))),
          "bpfmanctl list -o json does not show alice as owner")
    yaml_out = ctl("get", "program", str(aid), "-o", "yaml")
    check('owner: "uid:%d"' % ALICE in yaml_out,
          "bpfmanctl get -o yaml does not show the owner: %s" % yaml_out)
    print("ok: a Load through bpfmand records its caller as owner, shown by bpfmanctl")

    # The same owner through our own service (libbpfman.v1.Manager), to an
    # admin and to the owner, who finds her programs with mine.
    mgr = manager_pb2_grpc.ManagerStub(d.channel)
    alice, bob = "uid:%d" % ALICE, "uid:%d" % BOB
    got = mgr.GetProgram(mpb.GetProgramRequest(id=aid), timeout=10)
    check(got.owner == alice and got.id == aid and list(got.link_ids) == [alink],
          "Manager GetProgram as root: %s" % got)
    r = as_user(ALICE, "get-program:%d" % aid, "list-programs:mine")
    check(r[0]["ok"] and r[0]["owners"] == [[aid, alice]], "alice GetProgram: %s" % r[0])
    check(r[1]["ok"] and r[1]["owners"] == [[aid, alice]], "alice ListPrograms mine: %s" % r[1])
    print("ok: Manager GetProgram/ListPrograms show the owner uid:N of a unix-socket caller")

    # bob (operate too) may not act on it; nothing changes.
    before = state()
    r = as_user(BOB, "unload:%d" % aid, "detach:%d" % alink, "attach-tp:%d" % aid,
                "update-link:%d" % alink, "load-tracepoint-maps:%d" % aid)
    for x, op in zip(r, ("Unload", "Detach", "Attach", "UpdateLink", "Load with the maps of")):
        denied(x, "uid %d" % BOB, "may not %s program %d" % (op, aid),
               "owner is uid:%d" % ALICE, "'bob'", "admin may act on any program")
    check(state() == before, "refused calls changed the state: %s -> %s" % (before, state()))
    # An ID nobody recorded is NOT_FOUND (not a refusal that hides it).
    r = as_user(BOB, "unload:%d" % 4000000000, "detach:%d" % 987654321)
    check(r[0]["code"] == "NOT_FOUND" and "not managed by bpfman" in r[0]["message"],
          "bob Unload of an unknown ID: %s" % r[0])
    check(r[1]["code"] == "NOT_FOUND" and "not recorded" in r[1]["message"],
          "bob Detach of an unknown link: %s" % r[1])
    # alice may share the maps of her own program.
    r = as_user(ALICE, "load-tracepoint-maps:%d" % aid)
    check(r[0]["ok"], "alice Load sharing her own program's maps: %s" % r[0])
    r = as_user(ALICE, "unload:%d" % r[0]["ids"][0])
    check(r[0]["ok"], "alice Unload of the map sharer: %s" % r[0])
    print("ok: another operate identity may not unload, detach, attach, update it or share its maps")

    # bob acts on his own program; alice on hers.
    r = as_user(BOB, "load-tracepoint")
    check(r[0]["ok"], "bob Load: %s" % r[0])
    bid = r[0]["ids"][0]
    r = as_user(BOB, "list-programs:mine", "list-programs:owner=" + alice, "list-programs:all")
    check(r[0]["owners"] == [[bid, bob]], "bob ListPrograms mine: %s" % r[0])
    check(r[1]["owners"] == [[aid, alice]], "bob ListPrograms owner=alice: %s" % r[1])
    check(sorted(r[2]["owners"]) == sorted([[aid, alice], [bid, bob]]),
          "bob ListPrograms (everyone's, read role): %s" % r[2])
    # bpfmanctl list --owner: the library's filter, programs and links.
    for who, want in ((alice, [aid]), (bob, [bid]), ("uid:1", []), ("", [])):
        got = [p["id"] for p in json.loads(ctl("list", "programs", "--owner", who, "-o", "json"))]
        check(got == want, "bpfmanctl list programs --owner %r: %s, not %s" % (who, got, want))
    got = [x["id"] for x in json.loads(ctl("list", "links", "--owner", alice, "-o", "json"))]
    check(got == [alink], "bpfmanctl list links --owner %s: %s" % (alice, got))
    check(json.loads(ctl("list", "links", "--owner", bob, "-o", "json")) == [],
          "bpfmanctl list links --owner %s lists links of others" % bob)
    print("ok: bpfmanctl list programs/links --owner lists exactly that owner's")
    # The same through the Manager's ListLinks (alice's link only; bob has
    # none yet).
    r = as_user(BOB, "list-links:mine", "list-links:owner=" + alice, "list-links:owner=")
    check(r[0]["ok"] and r[0]["links"] == [], "bob ListLinks mine: %s" % r[0])
    check(r[1]["ok"] and r[1]["links"] == [[alink, aid]], "bob ListLinks owner=alice: %s" % r[1])
    check(r[2]["ok"] and r[2]["links"] == [], "bob ListLinks owner='': %s" % r[2])
    r = as_user(ALICE, "list-links:mine")
    check(r[0]["ok"] and r[0]["links"] == [[alink, aid]], "alice ListLinks mine: %s" % r[0])
    expect_status(lambda: mgr.ListLinks(mpb.ListLinksRequest(mine=True, owner=alice), timeout=10),
                  grpc.StatusCode.INVALID_ARGUMENT, "both mine and owner", "ListLinks mine with owner")
    print("ok: Manager ListLinks with owner or mine lists exactly that owner's links")
    r = as_user(BOB, "attach-tp:%d" % bid)
    check(r[0]["ok"], "bob Attach to his own: %s" % r[0])
    r = as_user(BOB, "detach:%d" % r[0]["link_id"], "unload:%d" % bid)
    check(r[0]["ok"] and r[1]["ok"], "bob Detach/Unload of his own: %s" % r)
    r = as_user(ALICE, "detach:%d" % alink)
    check(r[0]["ok"], "alice Detach of her link: %s" % r[0])

    # A program loaded by bpfmanctl has no owner: admin only.
    out = json.loads(ctl("load", "file", "-p", TP, "--programs", "tracepoint:count_getpid",
                         "-o", "json"))
    cid = out[0]["id"]
    check(out[0].get("owner") is None, "a bpfmanctl load has owner %r" % out[0].get("owner"))
    check(mgr.GetProgram(mpb.GetProgramRequest(id=cid), timeout=10).owner == "",
          "Manager GetProgram of a bpfmanctl load: owner not empty")
    got = mgr.ListPrograms(mpb.ListProgramsRequest(owner=""), timeout=10).programs
    check([p.id for p in got] == [cid], "ListPrograms of the programs without owner: %s" % got)
    got = mgr.ListPrograms(mpb.ListProgramsRequest(), timeout=10).programs
    check(sorted((p.id, p.owner) for p in got) == sorted([(aid, alice), (cid, "")]),
          "ListPrograms: %s" % got)
    expect_status(lambda: mgr.ListPrograms(mpb.ListProgramsRequest(mine=True, owner=alice),
                                           timeout=10),
                  grpc.StatusCode.INVALID_ARGUMENT, "both mine and owner", "mine with owner")
    expect_status(lambda: mgr.GetProgram(mpb.GetProgramRequest(id=4000000000), timeout=10),
                  grpc.StatusCode.NOT_FOUND, None, "GetProgram of an unknown ID")
    r = as_user(ALICE, "unload:%d" % cid, "attach-tp:%d" % cid)
    for x in r:
        denied(x, "program %d" % cid, "owner is none", "bpfmanctl", "'alice'")
    # root (admin by default) may act on any program.
    api = bpfman_pb2_grpc.BpfmanStub(d.channel)
    link = api.Attach(pb.AttachRequest(id=aid, attach=pb.AttachInfo(
        tracepoint_attach_info=pb.TracepointAttachInfo(tracepoint="syscalls/sys_enter_getpid"))),
        timeout=30).link_id
    api.Detach(pb.DetachRequest(link_id=link), timeout=30)
    api.Unload(pb.UnloadRequest(id=aid), timeout=30)
    api.Unload(pb.UnloadRequest(id=cid), timeout=30)
    check(state() == ([], []), "left after the admin's unloads: %s" % (state(),))
    print("ok: no owner is admin-only; an admin acts on anyone's program")

    # Watch: every event names its program's owner, also once the program
    # is gone (UNLOADED, even when an admin unloaded it); none for cid.
    evs = feed(mgr, lambda ev: ev.kind == mpb.Event.UNLOADED and ev.program_id == cid)
    want = {aid: alice, bid: bob, cid: ""}
    seen = {(ev.program_id, ev.kind) for ev in evs if ev.program_id in want}
    for ev in evs:
        check(ev.program_id not in want or ev.owner == want[ev.program_id],
              "event %s: owner %r, expected %r" % (ev, ev.owner, want.get(ev.program_id)))
    for pid in want:
        for kind in (mpb.Event.LOADED, mpb.Event.UNLOADED):
            check((pid, kind) in seen, "no %s event of program %d in %s" % (kind, pid, evs))
    check((aid, mpb.Event.ATTACHED) in seen and (aid, mpb.Event.DETACHED) in seen,
          "no attach/detach events of program %d" % aid)
    print("ok: Watch events carry the owner (uid:N, none for bpfmanctl), UNLOADED included")

    # Watch with an owner filter: only that owner's events; with mine (as
    # alice) only her own; both at once is refused.
    evs = feed(mgr, lambda ev: ev.kind == mpb.Event.UNLOADED and ev.program_id == bid)
    only_bob = [ev for ev in evs if ev.owner == bob]
    stream = mgr.Watch(mpb.WatchRequest(after_seq=0, owner=bob), timeout=20)
    got = []
    for ev in stream:
        got.append(ev)
        if ev.kind == mpb.Event.UNLOADED and ev.program_id == bid:
            break
    stream.cancel()
    check([ev.seq for ev in got] == [ev.seq for ev in only_bob] and len(got) >= 4,
          "Watch owner=%s: %s, expected %s" % (bob, got, only_bob))
    r = as_user(ALICE, "watch-mine-until-unload:%d" % aid)
    check(r[0]["ok"] and r[0]["owners"] and all(o == alice for _, o in r[0]["owners"]) and
          aid in [i for i, _ in r[0]["owners"]] and bid not in [i for i, _ in r[0]["owners"]],
          "alice Watch mine: %s" % r[0])
    expect_status(lambda: next(mgr.Watch(mpb.WatchRequest(mine=True, owner=bob), timeout=10)),
                  grpc.StatusCode.INVALID_ARGUMENT, "both mine and owner", "Watch mine with owner")
    print("ok: Watch with owner or mine sends only that owner's events")

    # Limits on Unload and Detach: carol's tracepoint, then her rule narrows
    # to xdp (the daemon restarted with the new config).
    r = as_user(CAROL, "load-tracepoint")
    check(r[0]["ok"], "carol Load of a tracepoint: %s" % r[0])
    kid = r[0]["ids"][0]
    r = as_user(CAROL, "attach-tp:%d" % kid)
    check(r[0]["ok"], "carol Attach: %s" % r[0])
    klink = r[0]["link_id"]
    d.restart(RULES % (ALICE, BOB, CAROL, "xdp"))
    before = state()
    r = as_user(CAROL, "detach:%d" % klink, "unload:%d" % kid, "attach-tp:%d" % kid)
    for x, op in zip(r, ("Detach", "Unload", "Attach")):
        denied(x, "uid %d" % CAROL, "may not %s a tracepoint program" % op, "'carol'",
               "other program types")
    check(state() == before, "refused calls changed the state: %s -> %s" % (before, state()))
    d.restart(RULES % (ALICE, BOB, CAROL, "tracepoint"))
    r = as_user(CAROL, "detach:%d" % klink, "unload:%d" % kid)
    check(r[0]["ok"] and r[1]["ok"], "carol within her limits again: %s" % r)
    print("ok: a rule's limits hold on Detach, Unload and Attach of a recorded program")

    # Schema v3 (before programs.owner): the column is added on open, the
    # rows keep everything and have no owner.
    ctl("load", "file", "-p", TP, "--programs", "tracepoint:count_getpid")
    rc = d.stop()
    check(rc == 0, "bpfmand exited %d at SIGTERM: %s" % (rc, d.logtext()))
    db = os.path.join(d.env["BPFMAN_STATE_DIR"], "state.db")
    c = sqlite3.connect(db)
    c.execute("ALTER TABLE programs DROP COLUMN owner")
    c.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    c.commit()
    c.close()
    progs = json.loads(ctl("list", "programs", "-o", "json"))
    check(len(progs) == 1 and progs[0].get("owner") is None, "after migration: %s" % progs)
    c = sqlite3.connect(db)
    cols = [row[1] for row in c.execute("PRAGMA table_info(programs)")]
    ver = c.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    c.close()
    check("owner" in cols, "migration did not add programs.owner: %s" % cols)
    check(int(ver) >= 4, "schema version after migration: %s" % ver)
    ctl("unload", str(progs[0]["id"]))
    print("ok: a schema v3 database gains programs.owner on open")
finally:
    d.cleanup(bpfmanctl)
    shutil.rmtree(A.stub_dir, ignore_errors=True)
