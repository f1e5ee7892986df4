#!/usr/bin/env bash
# bpfman-agent against a real API server on this host's kernel: two agents
# as processes, each a simulated node (own Node object and labels, state
# dir, bpffs root). A TracepointProgram whose nodeselector picks node-a is
# loaded there only; each node publishes its BpfProgram with the seed's
# labels, owner reference, finalizer and condition (Loaded / NotSelected),
# the map pin paths are real; a priority-free change (a second tracepoint)
# is applied in place; kubectl delete takes the program off the node and
# the BpfPrograms away.
#   test-agent.sh BUILDDIR SRCDIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
builddir=$(cd "${1:?usage: test-agent.sh BUILDDIR SRCDIR}" && pwd)
bin=$("$here/build.sh" "$builddir" "$srcdir")
export LD_LIBRARY_PATH=$builddir/libbpfman
BPFMANCTL=$builddir/tools/bpfmanctl/bpfmanctl
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
pids=()
roots=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  # Anything an agent left behind in its sandbox goes with its state.
  for n in a b; do
    [ -d "$k8s_work/state-$n" ] || continue
    BPFMAN_STATE_DIR=$k8s_work/state-$n BPFMAN_BPFFS_ROOT=${roots[0]%-a}-$n \
      "$BPFMANCTL" list programs -o json 2>/dev/null | python3 -c '
import json,sys
for p in json.load(sys.stdin): print(p["id"])' 2>/dev/null | while read -r id; do
      BPFMAN_STATE_DIR=$k8s_work/state-$n BPFMAN_BPFFS_ROOT=${roots[0]%-a}-$n "$BPFMANCTL" unload "$id" >/dev/null 2>&1 || true
    done
  done
  for r in "${roots[@]}"; do rm -rf "$r"; done
  k8s_cleanup
}
trap cleanup EXIT
k8s_start

ctl() {  # NODE ARGS...: bpfmanctl on a node's state
  local n=$1; shift
  BPFMAN_STATE_DIR=$k8s_work/state-$n BPFMAN_BPFFS_ROOT=/sys/fs/bpf/bpfman-test-k8s-$$-$n "$BPFMANCTL" "$@"
}
nprogs() { ctl "$1" list programs -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

for n in a b; do
  k apply -f - >/dev/null <<Y
apiVersion: v1
kind: Node
metadata:
  name: node-$n
  labels: {role: $n, kubernetes.io/hostname: node-$n}
Y
  roots+=("/sys/fs/bpf/bpfman-test-k8s-$$-$n")
  "$bin/bpfman-agent" --kubeconfig "$k8s_work/cp/kubeconfig" --node-name "node-$n" \
    --state-dir "$k8s_work/state-$n" --bpffs-root "/sys/fs/bpf/bpfman-test-k8s-$$-$n" \
    --runtime-dir "$k8s_work/run-$n" --image-cache-dir "$k8s_work/cache-$n" \
    >"$k8s_work/agent-$n.log" 2>&1 &
  pids+=($!)
done

# wait_for WHAT CMD...: up to 30 s for CMD to succeed.
wait_for() {
  local what=$1; shift
  for _ in $(seq 300); do
    "$@" >/dev/null 2>&1 && return 0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || { tail -30 "$k8s_work"/agent-*.log; fail "an agent exited"; }; done
    sleep 0.1
  done
  echo "--- agent-a.log"; tail -30 "$k8s_work/agent-a.log"
  echo "--- agent-b.log"; tail -30 "$k8s_work/agent-b.log"
  fail "timed out waiting for $what"
}
cond() {  # BPFPROGRAM: its condition type/reason
  k get bpfprogram "$1" -o jsonpath='{.status.conditions[0].type}/{.status.conditions[0].reason}'
}
has_cond() { [ "$(cond "$1")" = "$2" ]; }

tp() {  # TRACEPOINTS...
  cat <<Y
apiVersion: bpfman.io/v1alpha1
kind: TracepointProgram
metadata:
  name: tp-counter
spec:
  bpffunctionname: report_globals
  nodeselector:
    matchLabels: {role: a}
  names: [$(IFS=,; echo "$*")]
  globaldata:
    GLOBAL_u8: [0x01]
    GLOBAL_u32: [0x0D, 0x0C, 0x0B, 0x0A]
  bytecode:
    path: $builddir/tests/bpf/globals.bpf.o
Y
}

echo "== a TracepointProgram selecting node-a"
tp syscalls/sys_enter_getpid | k apply -f -
on_a=tp-counter-node-a-syscalls-sys-enter-getpid
wait_for "$on_a Loaded" has_cond "$on_a" Loaded/bpfmanLoaded
wait_for "tp-counter-node-b NotSelected" has_cond tp-counter-node-b NotSelected/nodeNotSelected
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
wait_for "$on_a2 Loaded" has_cond "$on_a2" Loaded/bpfmanLoaded
expect_eq "$(k get bpfprogram "$on_a2" -o jsonpath='{.metadata.annotations.bpfman\.io/ProgramId}')" "$id" "program ID after adding a tracepoint"
tp syscalls/sys_enter_getpid | k apply -f -
gone() { ! k get bpfprogram "$1" >/dev/null 2>&1; }
wait_for "$on_a2 removed" gone "$on_a2"
bpftool prog show id "$id" >/dev/null || fail "program $id went with a removed tracepoint"
echo "ok: attach point added and removed in place"

echo "== node-b's labels change: it is selected too"
k label node node-b role=a --overwrite >/dev/null
on_b=tp-counter-node-b-syscalls-sys-enter-getpid
wait_for "$on_b Loaded" has_cond "$on_b" Loaded/bpfmanLoaded
wait_for "tp-counter-node-b (NotSelected) removed" gone tp-counter-node-b
expect_eq "$(nprogs b)" 1 "programs on node-b"
idb=$(k get bpfprogram "$on_b" -o jsonpath='{.metadata.annotations.bpfman\.io/ProgramId}')
[ "$idb" != "$id" ] || fail "node-b reports node-a's program"
echo "ok: node-b loaded its own program ($idb)"

echo "== kubectl delete takes it off every node"
k delete tracepointprogram tp-counter
wait_for "BpfPrograms gone" sh -c "[ -z \"\$($kube/kubectl --kubeconfig $k8s_work/cp/kubeconfig get bpfprograms -o name)\" ]"
wait_for "node-a empty" sh -c "[ \"\$(BPFMAN_STATE_DIR=$k8s_work/state-a BPFMAN_BPFFS_ROOT=/sys/fs/bpf/bpfman-test-k8s-$$-a $BPFMANCTL list programs -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')\" = 0 ]"
wait_for "node-b empty" sh -c "[ \"\$(BPFMAN_STATE_DIR=$k8s_work/state-b BPFMAN_BPFFS_ROOT=/sys/fs/bpf/bpfman-test-k8s-$$-b $BPFMANCTL list programs -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')\" = 0 ]"
bpftool prog show id "$id" >/dev/null 2>&1 && fail "program $id still in the kernel"
bpftool prog show id "$idb" >/dev/null 2>&1 && fail "program $idb still in the kernel"
echo "PASS: agent"
