#!/usr/bin/env bash
# Recovery with the operator and one agent on this kernel: an agent killed
# (SIGKILL) while objects change finds the node's state on restart and
# converges (an object deleted while it was down is taken off the node, a
# new one is loaded); a kube-apiserver restart is survived by the agent and
# the operator (their watches reconnect and later changes still converge).
#   test-recovery.sh BUILDDIR SRCDIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$here/nodes.sh"
nodes_init "${1:?usage: test-recovery.sh BUILDDIR SRCDIR}"
trap nodes_cleanup EXIT
k8s_start
obj=$builddir/tests/bpf/globals.bpf.o
node_object a a
start_operator
start_agent a
ok_on_a() { has_cond tracepointprogram "$1" ReconcileSuccess/ReconcileSuccess; }

tp_doc tp-one all "$obj" syscalls/sys_enter_getpid | k apply -f -
wait_for "tp-one converged" ok_on_a tp-one
id1=$(k get bpfprogram tp-one-node-a-syscalls-sys-enter-getpid -o jsonpath='{.metadata.annotations.bpfman\.io/ProgramId}')

echo "== the agent is killed; meanwhile tp-one is deleted and tp-two created"
kill -9 "${pids[1]}"
wait "${pids[1]}" 2>/dev/null || true
pids=("${pids[0]}")
k delete tracepointprogram tp-one --wait=false
tp_doc tp-two all "$obj" syscalls/sys_enter_getppid | k apply -f -
sleep 1
expect_eq "$(nprogs a)" 1 "programs on node-a while its agent is down"
k get tracepointprogram tp-one >/dev/null || fail "tp-one went while node-a still runs it (operator finalizer)"
start_agent a
wait_for "tp-two converged" ok_on_a tp-two
wait_for "tp-one gone" gone tracepointprogram tp-one
bpftool prog show id "$id1" >/dev/null 2>&1 && fail "tp-one's program $id1 is still in the kernel"
expect_eq "$(nprogs a)" 1 "programs on node-a after the restart"
echo "ok: the restarted agent converged"

echo "== kube-apiserver restarts"
"$here/control-plane.sh" restart-apiserver "$k8s_work/cp"
tp_doc tp-three all "$obj" syscalls/sys_enter_getpid | k apply -f -
wait_for "tp-three converged after the restart" ok_on_a tp-three
k delete tracepointprogram tp-two tp-three --wait=true --timeout=60s
expect_eq "$(nprogs a)" 0 "programs after delete"
echo "PASS: recovery"
