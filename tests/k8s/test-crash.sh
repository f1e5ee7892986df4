#!/usr/bin/env bash
# An agent killed in the middle of a pass (not between passes): N
# TracepointPrograms are applied at once and the agent is stopped (SIGSTOP,
# then SIGKILL) at a random point while it is loading them (some but not all
# programs pinned; whether a load was in flight, its staging directory
# present, is reported), then restarted; the same while it reloads them all
# (globaldata changed) and while it deletes them. After each restart the
# node converges and nothing is orphaned:
#   - every object is Loaded with exactly one program, and the programs
#     pinned under the node's bpffs root, the node's state (bpfmanctl list)
#     and the BpfPrograms' ProgramId annotations are the same set;
#   - one link pin and one map directory per program, no staging left;
#   - every program ID ever pinned that is not in that set is gone from
#     the kernel (bpftool), and after the delete none is left at all.
#   test-crash.sh BUILDDIR SRCDIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$here/nodes.sh"
nodes_init "${1:?usage: test-crash.sh BUILDDIR SRCDIR}"
trap 'nodes_cleanup; rmdir "$cg" 2>/dev/null || true' EXIT
k8s_start
node_object a a
start_agent a
root=$(root_of a)
N=16
obj=$builddir/tests/bpf/globals.bpf.o
ever=$k8s_work/ever-pinned  # every program ID seen pinned, one a line
: >"$ever"

objects() {  # GLOBAL_u8 value: the N objects
  for i in $(seq "$N"); do
    cat <<Y
---
apiVersion: bpfman.io/v1alpha1
kind: TracepointProgram
metadata: {name: tp-crash-$i, labels: {crash: "yes"}}
spec:
  bpffunctionname: report_globals
  nodeselector: {}
  names: [syscalls/sys_enter_getpid]
  globaldata: {GLOBAL_u8: [$1], GLOBAL_u32: [0x0D, 0x0C, 0x0B, $i]}
  bytecode: {path: $obj}
Y
  done
}
pinned() {  # program IDs pinned under the node's root, sorted
  local f
  for f in "$root"/prog_*; do [ ! -e "$f" ] || echo "${f##*/prog_}"; done | sort -n
}
state_ids() { ctl a list programs -o json | python3 -c 'import json,sys; print("\n".join(str(p["id"]) for p in json.load(sys.stdin)))' | sort -n; }
api_ids() {
  k get bpfprograms -l bpfman.io/ownedByProgram -o json | python3 -c '
import json,sys
for b in json.load(sys.stdin)["items"]:
    i = b["metadata"].get("annotations", {}).get("bpfman.io/ProgramId")
    if i: print(i)' | sort -n
}
agent_pid() { echo "${pids[${#pids[@]}-1]}"; }

# The agent runs throttled to 10% of a CPU (a cgroup v1 cpu controller
# group) while it is to be caught mid-pass, so a pass of N loads spans
# many polls; the restarted agent runs at full speed.
cg=/sys/fs/cgroup/cpu/bpfman-k8s-$$
slow_agent() {
  if [ ! -w /sys/fs/cgroup/cpu/cgroup.procs ]; then
    echo "NOTE: no cgroup v1 cpu controller here: the agent is not slowed down, only polled" >&2
    return 0
  fi
  mkdir -p "$cg"
  echo 100000 >"$cg/cpu.cfs_period_us"
  echo 10000 >"$cg/cpu.cfs_quota_us"
  echo "$(agent_pid)" >"$cg/cgroup.procs"
}

# kill_mid WHAT MODE LOW: stop the agent (SIGSTOP) as soon as the programs
# pinned under the node's root show it in the middle of a pass, then
# SIGKILL it and restart it. A Python poller (sub-millisecond polls):
#   load:   at least LOW and fewer than N programs pinned;
#   reload: at least LOW programs not in $old pinned, some of $old left;
#   delete: at most N-LOW and more than 0 programs pinned.
# Fails when the pass ends first (the kill would not have been mid-pass).
kill_mid() {
  local what=$1 mode=$2 lo=$3 pid out
  pid=$(agent_pid)
  echo "$old" >"$k8s_work/old-ids"
  out=$(python3 - "$root" "$pid" "$mode" "$lo" "$N" "$k8s_work/old-ids" "$ever" <<'PY'
import os, signal, sys, time
root, pid, mode, low, n, oldf, everf = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], sys.argv[7]
old = set(open(oldf).read().split())
seen = set()
def pinned():
    try:
        p = {f[5:] for f in os.listdir(root) if f.startswith("prog_")}
    except FileNotFoundError:
        p = set()
    seen.update(p)
    return p
def mid(p):
    if mode == "load":
        return low <= len(p) < n
    if mode == "reload":
        return len(p - old) >= low and bool(p & old)
    return 0 < len(p) <= n - low
def ended(p):
    return len(p) == n if mode == "load" else not (p & old) if mode == "reload" else not p
def finish(code, msg):
    with open(everf, "a") as f:
        f.write("\n".join(sorted(seen)) + "\n")
    print(msg)
    sys.exit(code)
deadline = time.time() + 120
while time.time() < deadline:
    p = pinned()
    if mid(p):
        os.kill(pid, signal.SIGSTOP)
        time.sleep(0.05)  # system calls in flight complete before the stop
        p = pinned()
        if mid(p):
            st = os.path.join(root, "staging")
            inflight = os.path.isdir(st) and bool(os.listdir(st))
            new = " (%d reloaded)" % len(p - old) if mode == "reload" else ""
            finish(0, "%d of %d programs pinned%s, a load in flight: %s" % (len(p), n, new, "yes" if inflight else "no"))
        os.kill(pid, signal.SIGCONT)
    if ended(p):
        finish(1, "the pass ended before the agent could be stopped (pinned: %s)" % " ".join(sorted(p)))
    time.sleep(0.0002)
finish(1, "nothing happened in 120 s (pinned: %s)" % " ".join(sorted(pinned())))
PY
) || { kill -CONT "$pid" 2>/dev/null || true; fail "$what: $out"; }
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  unset 'pids[${#pids[@]}-1]'
  echo "ok: killed during $what: $out"
  start_agent a
}

# converged: every object Loaded, one program each, pins = state = API.
converged() {
  local n
  n=$(k get bpfprograms -l bpfman.io/ownedByProgram -o jsonpath='{range .items[*]}{.status.conditions[0].type}{"\n"}{end}' | grep -c '^Loaded$' || true)
  [ "$n" = "$N" ] && [ "$(pinned | grep -c . || true)" = "$N" ] && [ "$(api_ids)" = "$(pinned)" ]
}
check_consistent() {  # WHAT
  local p s a id
  p=$(pinned) s=$(state_ids) a=$(api_ids)
  echo "$p" >>"$ever"
  expect_eq "$(echo "$p" | grep -c .)" "$N" "$1: programs pinned"
  expect_eq "$s" "$p" "$1: programs in the node's state vs pinned"
  expect_eq "$a" "$p" "$1: BpfPrograms' ProgramIds vs pinned"
  expect_eq "$(ls "$root/links" | wc -l)" "$N" "$1: link pins"
  expect_eq "$(ls "$root/maps" | wc -l)" "$N" "$1: map directories"
  expect_eq "$(ls -A "$root/staging" 2>/dev/null | wc -l)" 0 "$1: staging directories"
  for id in $p; do bpftool prog show id "$id" >/dev/null || fail "$1: program $id is not in the kernel"; done
  for id in $(sort -nu "$ever"); do
    grep -qx "$id" <<<"$p" && continue
    bpftool prog show id "$id" >/dev/null 2>&1 && fail "$1: program $id (pinned before the kill, not recorded now) is still in the kernel"
  done
  echo "ok: $1: $N programs, pins = state = API, nothing orphaned ($(sort -nu "$ever" | grep -c .) program IDs seen in all)"
}

# Random points: at least LOW (1..N/2) programs pinned, fewer than N.
low=$((1 + RANDOM % (N / 2)))
echo "== killed while loading $N objects (after $low)"
old=
slow_agent
objects 0x01 | k apply -f - >/dev/null
kill_mid "the first load" load "$low"
wait_for "converged after the restart" converged
check_consistent "create"
old=$(pinned)

low=$((1 + RANDOM % (N / 2)))
echo "== killed while reloading them (globaldata changed; after $low new)"
slow_agent
objects 0x02 | k apply -f - >/dev/null
kill_mid "the reload" reload "$low"
reloaded() { converged && [ -z "$(comm -12 <(echo "$old" | sort) <(pinned | sort))" ]; }
wait_for "reloaded after the restart" reloaded
check_consistent "reload"

low=$((1 + RANDOM % (N / 2)))
echo "== killed while deleting them (after $low)"
slow_agent
k delete tracepointprograms -l crash=yes --wait=false >/dev/null
kill_mid "the delete" delete "$low"
empty() { [ "$(nprogs a)" = 0 ] && [ -z "$(pinned)" ] && [ -z "$(k get bpfprograms -o name)" ]; }
wait_for "empty after the restart" empty
expect_eq "$(ls -A "$root/links" 2>/dev/null | wc -l)" 0 "link pins after delete"
expect_eq "$(ls -A "$root/maps" 2>/dev/null | wc -l)" 0 "map directories after delete"
for id in $(sort -nu "$ever"); do
  bpftool prog show id "$id" >/dev/null 2>&1 && fail "program $id is still in the kernel after delete"
done
echo "PASS: agent killed mid-pass ($(sort -nu "$ever" | grep -c .) program IDs checked)"
