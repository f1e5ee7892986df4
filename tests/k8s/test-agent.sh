#!/usr/bin/env bash
# bpfman-agent against a real API server on this host's kernel: two agents
# as processes, each a simulated node (own Node object and labels, state
# dir, bpffs root). A TracepointProgram whose nodeselector picks node-a is
# loaded there only; each node publishes its BpfProgram with the seed's
# labels, owner reference, finalizer and condition (Loaded / NotSelected),
# the map pin paths are real; a priority-free change (a second tracepoint)
# is applied in place; each node's BpfNodeInventory lists every kernel
# program (ours with their owner, and one loaded by bpftool); kubectl delete
# takes the program off the node and the BpfPrograms away.
#   test-agent.sh BUILDDIR SRCDIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$here/nodes.sh"
nodes_init "${1:?usage: test-agent.sh BUILDDIR SRCDIR}"
foreign=/sys/fs/bpf/bpfman-test-k8s-$$-foreign
trap 'rm -f "$foreign"; nodes_cleanup' EXIT
k8s_start
for n in a b; do
  node_object "$n" "$n"
  start_agent "$n"
done
tp() { tp_doc tp-counter a "$builddir/tests/bpf/globals.bpf.o" "$@"; }

echo "== a TracepointProgram selecting node-a"
tp syscalls/sys_enter_getpid | k apply -f -
on_a=tp-counter-node-a-syscalls-sys-enter-getpid
wait_for "$on_a Loaded" has_cond bpfprogram "$on_a" Loaded/bpfmanLoaded
wait_for "tp-counter-node-b NotSelected" has_cond bpfprogram tp-counter-node-b NotSelected/nodeNotSelected
k get bpfprograms
expect_eq "$(k get bpfprogram "$on_a" -o jsonpath='{.metadata.labels.bpfman\.io/ownedByProgram} {.metadata.labels.kubernetes\.io/hostname}')" "tp-counter node-a" "labels"
expect_eq "$(k get bpfprogram "$on_a" -o jsonpath='{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name} {.metadata.ownerReferences[0].uid}')" \
  "TracepointProgram/tp-counter $(k get tracepointprogram tp-counter -o jsonpath='{.metadata.uid}')" "owner reference"
expect_eq "$(k get bpfprogram "$on_a" -o jsonpath='{.metadata.finalizers[0]}')" "bpfman.io.tracepointprogramcontroller/finalizer" "finalizer"
expect_eq "$(k get bpfprogram "$on_a" -o jsonpath='{.metadata.annotations.bpfman\.io\.tracepointprogramcontroller/tracepoint}')" "syscalls/sys_enter_getpid" "annotation"
expect_eq "$(k get bpfprogram "$on_a" -o jsonpath='{.spec.type}')" tracepoint "spec.type"
id=$(k get bpfprogram "$on_a" -o jsonpath='{.metadata.annotations.bpfman\.io/ProgramId}')
[ -n "$id" ] || fail "no bpfman.io/ProgramId"
bpftool prog show id "$id" >/dev/null || fail "program $id is not in the kernel"
expect_eq "$(nprogs a)" 1 "programs on node-a"
expect_eq "$(nprogs b)" 0 "programs on node-b"
maps=$(k get bpfprogram "$on_a" -o json | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)["spec"]["maps"].values()))')
[ -n "$maps" ] || fail "no map pin paths"
for m in $maps; do
  case $m in /sys/fs/bpf/bpfman-test-k8s-$$-a/*) ;; *) fail "map $m outside node-a's bpffs root" ;; esac
  [ -e "$m" ] || fail "map pin $m does not exist"
done
echo "ok: loaded on node-a only (program $id), maps pinned: $(echo $maps)"

echo "== a second tracepoint: same program, one more BpfProgram"
tp syscalls/sys_enter_getpid syscalls/sys_enter_getppid | k apply -f -
on_a2=tp-counter-node-a-syscalls-sys-enter-getppid
wait_for "$on_a2 Loaded" has_cond bpfprogram "$on_a2" Loaded/bpfmanLoaded
expect_eq "$(k get bpfprogram "$on_a2" -o jsonpath='{.metadata.annotations.bpfman\.io/ProgramId}')" "$id" "program ID after adding a tracepoint"
tp syscalls/sys_enter_getpid | k apply -f -
wait_for "$on_a2 removed" gone bpfprogram "$on_a2"
bpftool prog show id "$id" >/dev/null || fail "program $id went with a removed tracepoint"
echo "ok: attach point added and removed in place"

echo "== every kernel program of a node is in its BpfNodeInventory, ours or not"
bpftool prog load "$builddir/tests/bpf/xdp_pass.bpf.o" "$foreign"
fid=$(bpftool prog show pinned "$foreign" -j | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
inv() {  # NODE ID: the inventory entry of program ID as managed/owner
  k get bpfnodeinventory "node-$1" -o json | python3 -c '
import json,sys
for p in json.load(sys.stdin)["status"]["programs"]:
    if p["id"] == int(sys.argv[1]): print("%s/%s" % (p.get("managed", False), p.get("owner", "")))' "$2"
}

echo "== node-b's labels change: it is selected too"
k label node node-b role=a --overwrite >/dev/null
on_b=tp-counter-node-b-syscalls-sys-enter-getpid
wait_for "$on_b Loaded" has_cond bpfprogram "$on_b" Loaded/bpfmanLoaded
wait_for "tp-counter-node-b (NotSelected) removed" gone bpfprogram tp-counter-node-b
expect_eq "$(nprogs b)" 1 "programs on node-b"
idb=$(k get bpfprogram "$on_b" -o jsonpath='{.metadata.annotations.bpfman\.io/ProgramId}')
[ "$idb" != "$id" ] || fail "node-b reports node-a's program"
echo "ok: node-b loaded its own program ($idb)"
# (refreshed after every pass; node-b's relabelling made both agents pass)
inv_is() { [ "$(inv "$1" "$2")" = "$3" ]; }
wait_for "node-a's inventory entry of its program" inv_is a "$id" True/TracepointProgram/tp-counter
wait_for "node-a's inventory entry of program $fid (not bpfman's)" inv_is a "$fid" False/
wait_for "node-b's inventory entry of its program" inv_is b "$idb" True/TracepointProgram/tp-counter
k get bpfnodeinventories
rm -f "$foreign"
echo "ok: inventories list our programs with their owner and foreign ones"

echo "== kubectl delete takes it off every node"
k delete tracepointprogram tp-counter
wait_for "BpfPrograms gone" sh -c "[ -z \"\$($kube/kubectl --kubeconfig $k8s_work/cp/kubeconfig get bpfprograms -o name)\" ]"
empty() { [ "$(nprogs "$1")" = 0 ]; }
wait_for "node-a empty" empty a
wait_for "node-b empty" empty b
bpftool prog show id "$id" >/dev/null 2>&1 && fail "program $id still in the kernel"
bpftool prog show id "$idb" >/dev/null 2>&1 && fail "program $idb still in the kernel"
echo "PASS: agent"
