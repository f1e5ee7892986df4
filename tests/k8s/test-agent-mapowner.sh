#!/usr/bin/env bash
# mapownerselector through kubectl: a TracepointProgram (tp-user) shares
# the maps of another (tp-owner) selected by its labels. Every pass of an
# agent gives the engine all *Program objects of the cluster in one
# manifest, so the owner is found whatever order kubectl applied them in,
# but it must run on the same node:
#   - tp-user alone: MapOwnerNotFound on every node;
#   - tp-owner created, selecting node-a only: on node-a both Loaded, the
#     user's program uses the owner's map (same kernel map ID, same pin
#     path in spec.maps); on node-b tp-user is MapOwnerNotLoaded;
#   - the owner reloaded (new bytecode path): the user is reloaded too and
#     shares the new owner's map, the old programs are gone;
#   - delete of both leaves nothing.
#   test-agent-mapowner.sh BUILDDIR SRCDIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$here/nodes.sh"
nodes_init "${1:?usage: test-agent-mapowner.sh BUILDDIR SRCDIR}"
trap nodes_cleanup EXIT
k8s_start
for n in a b; do
  node_object "$n" "$n"
  start_agent "$n"
done
obj=$builddir/tests/bpf/tracepoint_counter.bpf.o

echo "== tp-user alone: no map owner"
k apply -f - <<Y
apiVersion: bpfman.io/v1alpha1
kind: TracepointProgram
metadata: {name: tp-user}
spec:
  bpffunctionname: count_getpid
  nodeselector: {}
  names: [syscalls/sys_enter_getppid]
  mapownerselector: {matchLabels: {app: counter-owner}}
  bytecode: {path: $obj}
Y
for n in a b; do
  wait_for "tp-user MapOwnerNotFound on node-$n" has_cond bpfprogram "tp-user-node-$n" MapOwnerNotFound/mapOwnerNotFound
done
echo "ok: $(k get bpfprogram tp-user-node-a -o jsonpath='{.status.conditions[0].message}')"

echo "== tp-owner on node-a"
k apply -f - <<Y
apiVersion: bpfman.io/v1alpha1
kind: TracepointProgram
metadata:
  name: tp-owner
  labels: {app: counter-owner}
spec:
  bpffunctionname: count_getpid
  nodeselector: {matchLabels: {role: a}}
  names: [syscalls/sys_enter_getpid]
  bytecode: {path: $obj}
Y
owner_bp=tp-owner-node-a-syscalls-sys-enter-getpid user_bp=tp-user-node-a-syscalls-sys-enter-getppid
wait_for "$owner_bp Loaded" has_cond bpfprogram "$owner_bp" Loaded/bpfmanLoaded
wait_for "$user_bp Loaded" has_cond bpfprogram "$user_bp" Loaded/bpfmanLoaded
wait_for "tp-user MapOwnerNotLoaded on node-b" has_cond bpfprogram tp-user-node-b MapOwnerNotLoaded/mapOwnerNotLoaded
k get bpfprograms
echo "node-b: $(k get bpfprogram tp-user-node-b -o jsonpath='{.status.conditions[0].message}')"
owner_id=$(k get bpfprogram "$owner_bp" -o jsonpath='{.metadata.annotations.bpfman\.io/ProgramId}')
user_id=$(k get bpfprogram "$user_bp" -o jsonpath='{.metadata.annotations.bpfman\.io/ProgramId}')
[ "$owner_id" != "$user_id" ] || fail "owner and user report the same program"
maps_of() { bpftool prog show id "$1" -j | python3 -c 'import json,sys; print(sorted(json.load(sys.stdin).get("map_ids", [])))'; }
counter_id() {  # PROG: the kernel ID of its map named counter
  for m in $(bpftool prog show id "$1" -j | python3 -c 'import json,sys; print(" ".join(map(str, json.load(sys.stdin).get("map_ids", []))))'); do
    bpftool map show id "$m" -j | python3 -c 'import json,sys; m=json.load(sys.stdin); print(m["id"] if m.get("name")=="counter" else "")'
  done | grep .
}
oc=$(counter_id "$owner_id") uc=$(counter_id "$user_id")
[ -n "$oc" ] || fail "the owner's program $owner_id has no counter map: $(maps_of "$owner_id")"
expect_eq "$uc" "$oc" "the user's counter map (kernel map ID)"
path_of() { k get bpfprogram "$1" -o jsonpath='{.spec.maps.counter}'; }
expect_eq "$(path_of "$user_bp")" "$(path_of "$owner_bp")" "the user's counter pin path"
[ -e "$(path_of "$owner_bp")" ] || fail "the counter pin $(path_of "$owner_bp") does not exist"
expect_eq "$(nprogs b)" 0 "programs on node-b"
echo "ok: tp-user (program $user_id) shares map $oc of tp-owner (program $owner_id)"

echo "== the owner reloaded (another bytecode file): the sharer follows in the same pass"
cp "$obj" "$k8s_work/owner-copy.bpf.o"
k patch tracepointprogram tp-owner --type merge -p "{\"spec\":{\"bytecode\":{\"path\":\"$k8s_work/owner-copy.bpf.o\"}}}"
new_id() { local i; i=$(k get bpfprogram "$1" -o jsonpath='{.metadata.annotations.bpfman\.io/ProgramId}'); [ -n "$i" ] && [ "$i" != "$2" ]; }
wait_for "tp-owner reloaded" new_id "$owner_bp" "$owner_id"
wait_for "tp-user reloaded" new_id "$user_bp" "$user_id"
bpftool prog show id "$owner_id" >/dev/null 2>&1 && fail "the old owner program $owner_id is still in the kernel"
bpftool prog show id "$user_id" >/dev/null 2>&1 && fail "the old sharer program $user_id is still in the kernel"
owner_id=$(k get bpfprogram "$owner_bp" -o jsonpath='{.metadata.annotations.bpfman\.io/ProgramId}')
user_id=$(k get bpfprogram "$user_bp" -o jsonpath='{.metadata.annotations.bpfman\.io/ProgramId}')
expect_eq "$(counter_id "$user_id")" "$(counter_id "$owner_id")" "the reloaded sharer's counter map"
echo "ok: both reloaded (programs $owner_id and $user_id), still sharing"

echo "== delete leaves nothing"
k delete tracepointprogram tp-user tp-owner --wait=true --timeout=60s
empty() { [ "$(nprogs "$1")" = 0 ]; }
wait_for "node-a empty" empty a
bpftool prog show id "$owner_id" >/dev/null 2>&1 && fail "program $owner_id is still in the kernel"
bpftool prog show id "$user_id" >/dev/null 2>&1 && fail "program $user_id is still in the kernel"
echo "PASS: agent mapownerselector"
