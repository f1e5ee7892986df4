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
trap nodes_cleanup EXIT
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
  for f in "$root"/prog_*; do [ -e "$f" ] && echo "${f##*/prog_}"; done | sort -n
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

# kill_mid WHAT TEST DONE: SIGSTOP the agent as soon as TEST (a function of
# the pinned IDs) holds, SIGKILL it, restart it. Fails when DONE holds first
# (the pass ended: the kill would not have been mid-pass).
kill_mid() {
  local what=$1 test=$2 done=$3 pid p last= inflight=no
  pid=$(agent_pid)
  for _ in $(seq 20000); do
    p=$(pinned)
    [ "$p" = "$last" ] || echo "$p" >>"$ever"
    last=$p
    if "$test" "$p"; then
      kill -STOP "$pid"
      p=$(pinned)
      echo "$p" >>"$ever"
      if "$test" "$p"; then
        [ -n "$(ls -A "$root/staging" 2>/dev/null)" ] && inflight=yes
        kill -9 "$pid"
        wait "$pid" 2>/dev/null || true
        unset 'pids[${#pids[@]}-1]'
        echo "ok: killed during $what with $(echo "$p" | grep -c . || true) of $N programs pinned (a load in flight: $inflight)"
        start_agent a
        return 0
      fi
      kill -CONT "$pid"
    fi
    "$done" "$p" && fail "the agent finished $what before it could be stopped in the middle (pinned: $(echo $p))"
    kill -0 "$pid" 2>/dev/null || fail "the agent exited during $what"
  done
  fail "could not stop the agent during $what (pinned: $(pinned | tr '\n' ' '))"
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
some_loaded() { local c; c=$(grep -c . <<<"$1" || true); [ "$c" -ge "$low" ] && [ "$c" -lt "$N" ]; }
echo "== killed while loading $N objects (after $low)"
objects 0x01 | k apply -f - >/dev/null
all_loaded() { [ "$(grep -c . <<<"$1" || true)" = "$N" ]; }
kill_mid "the first load" some_loaded all_loaded
wait_for "converged after the restart" converged
check_consistent "create"
old=$(pinned)

low=$((1 + RANDOM % (N / 2)))
some_reloaded() {  # at least LOW new programs pinned, some old ones left
  local new
  new=$(comm -13 <(echo "$old" | sort) <(echo "$1" | sort) | grep -c . || true)
  [ "$new" -ge "$low" ] && [ -n "$(comm -12 <(echo "$old" | sort) <(echo "$1" | sort))" ]
}
echo "== killed while reloading them (globaldata changed; after $low new)"
objects 0x02 | k apply -f - >/dev/null
none_old() { [ -z "$(comm -12 <(echo "$old" | sort) <(echo "$1" | sort))" ]; }
kill_mid "the reload" some_reloaded none_old
reloaded() { converged && [ -z "$(comm -12 <(echo "$old" | sort) <(pinned | sort))" ]; }
wait_for "reloaded after the restart" reloaded
check_consistent "reload"

low=$((1 + RANDOM % (N / 2)))
some_deleted() { local c; c=$(grep -c . <<<"$1" || true); [ "$c" -le $((N - low)) ] && [ "$c" -gt 0 ]; }
echo "== killed while deleting them (after $low)"
k delete tracepointprograms -l crash=yes --wait=false >/dev/null
none_left() { [ -z "$1" ]; }
kill_mid "the delete" some_deleted none_left
empty() { [ "$(nprogs a)" = 0 ] && [ -z "$(pinned)" ] && [ -z "$(k get bpfprograms -o name)" ]; }
wait_for "empty after the restart" empty
expect_eq "$(ls -A "$root/links" 2>/dev/null | wc -l)" 0 "link pins after delete"
expect_eq "$(ls -A "$root/maps" 2>/dev/null | wc -l)" 0 "map directories after delete"
for id in $(sort -nu "$ever"); do
  bpftool prog show id "$id" >/dev/null 2>&1 && fail "program $id is still in the kernel after delete"
done
echo "PASS: agent killed mid-pass ($(sort -nu "$ever" | grep -c .) program IDs checked)"
