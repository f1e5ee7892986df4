#!/usr/bin/env bash
# bpfman-operator with two agents (simulated nodes) on this kernel: an
# object's condition is NotYetLoaded/ProgramsNotYetLoaded until every node
# reported, then ReconcileSuccess; an object failing on a node is
# ReconcileError naming that node; kubectl delete waits (operator
# finalizer) until the program is off every node: when it returns nothing
# is left in any kernel or in the API. The agents and the operator run as
# their service accounts with k8s/config/rbac (least privilege).
#   test-operator.sh BUILDDIR SRCDIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$here/nodes.sh"
nodes_init "${1:?usage: test-operator.sh BUILDDIR SRCDIR}"
trap nodes_cleanup EXIT
k8s_start
obj=$builddir/tests/bpf/globals.bpf.o
node_object a a
node_object b b
use_rbac
start_operator

echo "== no agent yet: NotYetLoaded, finalizer set"
tp_doc tp-all all "$obj" syscalls/sys_enter_getpid | k apply -f -
wait_for "NotYetLoaded" has_cond tracepointprogram tp-all NotYetLoaded/ProgramsNotYetLoaded
expect_eq "$(k get tracepointprogram tp-all -o jsonpath='{.metadata.finalizers[0]}')" bpfman.io.operator/finalizer "finalizer"
expect_eq "$(k get tracepointprogram tp-all -o jsonpath='{.status.conditions[0].message}')" \
  "Waiting for Program Object to be reconciled to all nodes" "NotYetLoaded message"
echo "ok: NotYetLoaded"

echo "== node-a's agent only: still NotYetLoaded; both: ReconcileSuccess"
start_agent a
wait_for "node-a Loaded" has_cond bpfprogram tp-all-node-a-syscalls-sys-enter-getpid Loaded/bpfmanLoaded
sleep 1
expect_eq "$(cond tracepointprogram tp-all)" NotYetLoaded/ProgramsNotYetLoaded "with one of two nodes"
start_agent b
wait_for "ReconcileSuccess" has_cond tracepointprogram tp-all ReconcileSuccess/ReconcileSuccess
expect_eq "$(k get tracepointprogram tp-all -o jsonpath='{.status.conditions[0].message}')" \
  "bpfProgramReconciliation Succeeded on all nodes" "ReconcileSuccess message"
expect_eq "$(nprogs a) $(nprogs b)" "1 1" "programs on node-a and node-b"
echo "ok: ReconcileSuccess"

echo "== an object that fails on node-b: ReconcileError naming node-b"
tp_doc tp-bad b "$obj" nosuchgroup/nosuchevent | k apply -f -
wait_for "ReconcileError" has_cond tracepointprogram tp-bad ReconcileError/ReconcileError
msg=$(k get tracepointprogram tp-bad -o jsonpath='{.status.conditions[0].message}')
expect_eq "$msg" "bpfProgramReconciliation failed on the following bpfman nodes: node-b" "ReconcileError message"
k get bpfprograms -l bpfman.io/ownedByProgram=tp-bad -o jsonpath='{range .items[*]}{.metadata.name} {.status.conditions[0].type}: {.status.conditions[0].message}{"\n"}{end}'
expect_eq "$(nprogs b)" 1 "programs on node-b (the failed object left nothing)"
echo "ok: ReconcileError"

echo "== kubectl delete: when it returns, nothing is left on either node"
ida=$(ctl a list programs -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
k delete tracepointprogram tp-all tp-bad --wait=true --timeout=60s
expect_eq "$(nprogs a) $(nprogs b)" "0 0" "programs after delete"
bpftool prog show id "$ida" >/dev/null 2>&1 && fail "program $ida still in the kernel"
expect_eq "$(k get bpfprograms -o name)" "" "BpfPrograms after delete"
echo "PASS: operator"
