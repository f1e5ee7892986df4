#!/usr/bin/env bash
# bpfman-agent with network programs on this kernel (one program per hook:
# the host refuses freplace, so no multi-program chain here; that runs in
# the VM through bpfmanctl apply): an XdpProgram and a TcProgram on the
# simulated node's interface (a veth end in its own network namespace,
# nodes.sh); kubectl patch of the priority is applied in place
# (same kernel program, same link); delete detaches.
#   test-agent-net.sh BUILDDIR SRCDIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
K8S_NODE_NETNS=1  # this test is about the nodes' own namespaces
. "$here/nodes.sh"
nodes_init "${1:?usage: test-agent-net.sh BUILDDIR SRCDIR}"
trap nodes_cleanup EXIT
k8s_start
node_object a a
start_operator
start_agent a
veth=$(nic_of a)  # in node-a's network namespace
bpf=$builddir/tests/bpf

k apply -f - <<Y
apiVersion: bpfman.io/v1alpha1
kind: XdpProgram
metadata: {name: xdp-count}
spec:
  bpffunctionname: xdp_pass
  nodeselector: {}
  interfaceselector: {interfaces: [$veth]}
  priority: 50
  bytecode: {path: $bpf/xdp_counter.bpf.o}
---
apiVersion: bpfman.io/v1alpha1
kind: TcProgram
metadata: {name: tc-count}
spec:
  bpffunctionname: tc_count
  nodeselector: {}
  interfaceselector: {interfaces: [$veth]}
  priority: 10
  direction: ingress
  bytecode: {path: $bpf/tc_counter.bpf.o}
Y
xdp_bp=xdp-count-node-a-$veth
tc_bp=tc-count-node-a-$veth-ingress
ok() { has_cond "$1" "$2" ReconcileSuccess/ReconcileSuccess; }
wait_for "xdp-count converged" ok xdpprogram xdp-count
wait_for "tc-count converged" ok tcprogram tc-count
k get xdpprograms
k get bpfprograms
ids() { k get bpfprogram "$1" -o jsonpath='{.metadata.annotations.bpfman\.io/ProgramId}/{.metadata.annotations.bpfman\.io/LinkId}'; }
xdp_ids=$(ids "$xdp_bp") tc_ids=$(ids "$tc_bp")
expect_eq "$(k get bpfprogram "$xdp_bp" -o jsonpath='{.metadata.annotations.bpfman\.io\.xdpprogramcontroller/interface}')" "$veth" "XDP interface annotation"
expect_eq "$(k get bpfprogram "$tc_bp" -o jsonpath='{.metadata.annotations.bpfman\.io\.tcprogramcontroller/direction}')" ingress "TC direction annotation"
out=$(ctl a chain xdp -i "$veth" -n "$(netns_of a)")
grep -qw "${xdp_ids%/*}" <<<"$out" || fail "xdp-count not running on $veth: $out"
out=$(ctl a chain tc -i "$veth" -d ingress -n "$(netns_of a)")
grep -qw "${tc_ids%/*}" <<<"$out" || fail "tc-count not running on $veth ingress: $out"
echo "ok: XDP $xdp_ids and TC $tc_ids attached on $veth"

echo "== priority changes through the API are applied in place"
k patch xdpprogram xdp-count --type merge -p '{"spec":{"priority":60}}'
k patch tcprogram tc-count --type merge -p '{"spec":{"priority":20}}'
wait_for "XDP priority 60" sh -c "[ \"\$(BPFMAN_STATE_DIR=$k8s_work/state-a BPFMAN_BPFFS_ROOT=$(root_of a) $BPFMANCTL list links -o json | python3 -c 'import json,sys; print([l.get(\"priority\") for l in json.load(sys.stdin) if str(l.get(\"id\"))==\"${xdp_ids#*/}\"])')\" = '[60]' ]"
wait_for "TC priority 20" sh -c "[ \"\$(BPFMAN_STATE_DIR=$k8s_work/state-a BPFMAN_BPFFS_ROOT=$(root_of a) $BPFMANCTL list links -o json | python3 -c 'import json,sys; print([l.get(\"priority\") for l in json.load(sys.stdin) if str(l.get(\"id\"))==\"${tc_ids#*/}\"])')\" = '[20]' ]"
expect_eq "$(ids "$xdp_bp")" "$xdp_ids" "XDP program/link IDs after the priority change"
expect_eq "$(ids "$tc_bp")" "$tc_ids" "TC program/link IDs after the priority change"
echo "ok: priorities 60 and 20 in place"

echo "== delete detaches"
k delete xdpprogram xdp-count --wait=true --timeout=60s
k delete tcprogram tc-count --wait=true --timeout=60s
expect_eq "$(nprogs a)" 0 "programs after delete"
in_netns a ip link show "$veth" | grep -q "prog/xdp" && fail "XDP still attached to $veth: $(in_netns a ip link show "$veth")"
echo "PASS: agent network programs"
