#!/usr/bin/env bash
# primarynodeinterface per node: two simulated nodes, each agent acting in
# its node's own network namespace (--netns; nodes.sh gives each its own
# veth end, na-eth0 and nb-eth0, carrying its default route). One
# XdpProgram with interfaceselector {primarynodeinterface: true} attaches
# on each node to that node's interface, inside its namespace (checked with
# ip, bpftool and bpfmanctl there), and nowhere in the host's namespace;
# delete detaches both.
#   test-agent-netns.sh BUILDDIR SRCDIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
K8S_NODE_NETNS=1  # this test is about the nodes' own namespaces
. "$here/nodes.sh"
nodes_init "${1:?usage: test-agent-netns.sh BUILDDIR SRCDIR}"
trap nodes_cleanup EXIT
k8s_start
for n in a b; do
  node_object "$n" "$n"
  start_agent "$n"
done
host_xdp_before=$(ip -o link show | grep -c "prog/xdp" || true)

k apply -f - <<Y
apiVersion: bpfman.io/v1alpha1
kind: XdpProgram
metadata: {name: xdp-primary}
spec:
  bpffunctionname: xdp_pass
  nodeselector: {}
  interfaceselector: {primarynodeinterface: true}
  priority: 50
  bytecode: {path: $builddir/tests/bpf/xdp_counter.bpf.o}
Y
for n in a b; do
  bp=xdp-primary-node-$n-$(nic_of "$n")
  wait_for "$bp Loaded" has_cond bpfprogram "$bp" Loaded/bpfmanLoaded
done
k get bpfprograms
for n in a b; do
  nic=$(nic_of "$n") bp=xdp-primary-node-$n-$(nic_of "$n")
  expect_eq "$(k get bpfprogram "$bp" -o jsonpath='{.metadata.annotations.bpfman\.io\.xdpprogramcontroller/interface}')" "$nic" "node-$n's interface annotation"
  id=$(k get bpfprogram "$bp" -o jsonpath='{.metadata.annotations.bpfman\.io/ProgramId}')
  [ -n "$id" ] || fail "$bp has no ProgramId"
  # The kernel's view inside node-n's namespace: its interface runs XDP ...
  # (outputs captured first: grep -q closing a pipe early would fail the
  # writer with SIGPIPE under pipefail)
  out=$(in_netns "$n" ip link show "$nic")
  grep -q "prog/xdp" <<<"$out" || fail "no XDP program on $nic in node-$n's namespace: $out"
  out=$(in_netns "$n" bpftool net show dev "$nic")
  grep -q "xdp" <<<"$out" || fail "bpftool sees no XDP on $nic in node-$n's namespace: $out"
  # ... and bpfman's chain there runs node-n's program.
  out=$(ctl "$n" chain xdp -i "$nic" -n "$(netns_of "$n")")
  grep -qw "$id" <<<"$out" || fail "node-$n's program $id is not in the chain of $nic: $out"
  echo "ok: node-$n: program $id on $nic in $(netns_of "$n")"
done
ida=$(k get bpfprogram "xdp-primary-node-a-$(nic_of a)" -o jsonpath='{.metadata.annotations.bpfman\.io/ProgramId}')
idb=$(k get bpfprogram "xdp-primary-node-b-$(nic_of b)" -o jsonpath='{.metadata.annotations.bpfman\.io/ProgramId}')
[ "$ida" != "$idb" ] || fail "both nodes report program $ida"
# The host's own interfaces got nothing from the agents (same count of XDP
# attachments as before; other tests on this machine may hold their own).
expect_eq "$(ip -o link show | grep -c "prog/xdp" || true)" "$host_xdp_before" "XDP attachments in the host's namespace"
in_netns a ip link show "$(nic_of b)" >/dev/null 2>&1 && fail "node-b's interface is visible in node-a's namespace"

echo "== delete detaches on both nodes"
k delete xdpprogram xdp-primary --wait=true --timeout=60s
empty() { [ "$(nprogs "$1")" = 0 ]; }
for n in a b; do
  wait_for "node-$n empty" empty "$n"
  out=$(in_netns "$n" ip link show "$(nic_of "$n")")
  grep -q "prog/xdp" <<<"$out" && fail "XDP still on $(nic_of "$n") in node-$n's namespace: $out"
done
echo "PASS: agent network namespaces"
