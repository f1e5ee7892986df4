#!/usr/bin/env bash
# The guest half of test-vm-demo.sh: runs INSIDE the test VM (vm-run --net),
# where the kernel has freplace, so the XDP dispatcher chains programs. The
# control plane and the operator run on the host (10.0.2.2 here); this
# script runs the node: one bpfman-agent (as its service account), a
# registry on the guest's 127.0.0.1 with the two bytecode images, a veth
# carrying the default route (the primary node interface) with traffic, and
# kubectl driving the seed's demonstration:
#   1. go-xdp-counter-example at priority 55 (image) counts packets;
#   2. the seed's xdp-pass-all-nodes at 50, proceedon [drop]: the count
#      stops while xdp-pass still sees every packet;
#   3. the seed's step 12 (the same object at 60, kubectl apply): the chain
#      re-orders in place (same program and link IDs) and the count resumes;
#   4. kubectl delete: no BpfPrograms in the API, nothing in the kernel.
#   vm-demo.sh BUILDDIR SHARED KUBEDIR NODE
# SHARED (a --rw share) holds the kubeconfigs test-vm-demo.sh wrote for the
# guest (server https://10.0.2.2:PORT) and receives the agent's log.
set -euo pipefail
[ -n "${BPFMAN_IN_VM:-}" ] || { echo "vm-demo.sh runs inside the test VM; run tests/k8s/test-vm-demo.sh on the host" >&2; exit 2; }
builddir=$(cd "${1:?usage: vm-demo.sh BUILDDIR SHARED KUBEDIR NODE}" && pwd)
shared=${2:?} kube=${3:?} node=${4:?}
top=$(cd "$(dirname "$0")/../.." && pwd)
export BPFMANCTL=$builddir/tools/bpfmanctl/bpfmanctl BPF_OBJ_DIR=$builddir/tests/bpf
export LD_LIBRARY_PATH=$builddir/libbpfman
export REGISTRY_TEST_PORTS=5400-5499
. "$top/tests/image/lib.sh"
image_setup  # $work, BPFMAN_STATE_DIR and BPFMAN_BPFFS_ROOT shared with the agent
ns=kdns$$ host_if=kdh$$ peer_if=kdp$$ pinger= agent=
agent_log=$shared/agent.log
demo_cleanup() {
  local rc=$?
  [ -z "$pinger" ] || kill "$pinger" 2>/dev/null || true
  if [ -n "$agent" ]; then kill "$agent" 2>/dev/null || true; wait "$agent" 2>/dev/null || true; fi
  if [ "$rc" -ne 0 ] && [ -f "$agent_log" ]; then
    echo "--- agent log (errors and last lines)"; grep -v '"level":"info"' "$agent_log" | tail -n 30 || true
  fi
  ip link del "$host_if" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  image_cleanup
}
trap demo_cleanup EXIT
k() { "$kube/kubectl" --kubeconfig "$shared/admin-vm.kubeconfig" "$@"; }
step() { printf '\n== %s (%s s)\n' "$*" "$SECONDS"; }

# converged OBJECT: ReconcileSuccess (the operator, on the host) and this
# node's one BpfProgram of it Loaded (the agent, here); the BpfProgram is
# kept in $work/bp-OBJECT.json for bp_field (each kubectl costs ~2 s under
# emulation, so the checks read one copy).
converged() {
  local obj=$1
  k wait --for=jsonpath='{.status.conditions[0].type}'=ReconcileSuccess "xdpprogram/$obj" --timeout=180s >/dev/null ||
    fail "$obj: no ReconcileSuccess within 180 s: $(k get xdpprogram "$obj" -o jsonpath='{.status.conditions}')"
  k get bpfprograms -l "bpfman.io/ownedByProgram=$obj,kubernetes.io/hostname=$node" -o json >"$work/bp-$obj.json"
  expect_eq "$(bp_field "$obj" items_count)" 1 "BpfPrograms of $obj on node $node"
  expect_eq "$(bp_field "$obj" status conditions 0 type)/$(bp_field "$obj" status conditions 0 reason)" \
    Loaded/bpfmanLoaded "BpfProgram $(bp_field "$obj" metadata name) condition"
  echo "  xdpprogram/$obj ReconcileSuccess; bpfprogram/$(bp_field "$obj" metadata name) Loaded/bpfmanLoaded"
}
bp_field() {  # OBJECT KEY...: a field of its BpfProgram (KEY items_count: how many)
  python3 -c '
import json, sys
items = json.load(open(sys.argv[1]))["items"]
if sys.argv[2:] == ["items_count"]: print(len(items)); sys.exit(0)
d = items[0]
for key in sys.argv[2:]:
    d = d[int(key)] if isinstance(d, list) else d[key]
print(d)' "$work/bp-$1.json" "${@:2}"
}
# Sum over CPUs of one field of a map value (go-xdp-counter's per-CPU
# datarec) or the plain u64 of the test programs' counter.
count() {  # PIN FIELD|-
  bpftool map lookup pinned "$1" key 0 0 0 0 -j | python3 -c '
import json, sys
d = json.load(sys.stdin); d = d.get("formatted", d); field = sys.argv[1]
def val(v):
    if isinstance(v, dict): return v[field]
    if isinstance(v, int): return v
    return int.from_bytes(bytes(int(b, 16) for b in v[:8]), "little")  # raw: first u64
print(sum(val(c["value"]) for c in d["values"]) if "values" in d else val(d["value"]))' "$2"
}
watch_count() {  # PIN FIELD rising|still LABEL
  local first last
  first=$(count "$1" "$2"); sleep 2; last=$(count "$1" "$2")
  echo "  $4: $first -> $last"
  if [ "$3" = rising ] && [ "$last" -le "$first" ]; then fail "$4 should be rising"; fi
  if [ "$3" = still ] && [ "$last" -ne "$first" ]; then fail "$4 should stand still"; fi
  return 0
}
# The XDP chain on the primary interface as "program_id@priority ...", in run order.
chain() {
  "$BPFMANCTL" chain xdp -i "$host_if" -o json | python3 -c '
import json, sys
print(" ".join("%s@%s" % (p["program_id"], p["priority"]) for p in json.load(sys.stdin)["programs"]))'
}
wait_chain() {  # EXPECTED: the agent applies changes asynchronously
  for _ in $(seq 600); do
    [ "$(chain)" = "$1" ] && return 0
    kill -0 "$agent" 2>/dev/null || fail "the agent exited"
    sleep 0.2
  done
  fail "XDP chain on $host_if: expected '$1', got '$(chain)'"
}

step "1. the API server on the host answers through qemu's user network"
k version | sed 's/^/  /'
k get node "$node" >/dev/null || fail "no Node $node (test-vm-demo.sh creates it)"

step "2. a registry on 127.0.0.1 with the two bytecode images"
start_registry R plain
write_config "$R_HOST=insecure"
"$BPFMANCTL" --config "$work/bpfman.yaml" image build -f "$builddir/bindings/go/xdp_counter.bpf.o" \
  -t "$R_HOST/bpfman-bytecode/go-xdp-counter:latest" >/dev/null
"$BPFMANCTL" --config "$work/bpfman.yaml" image build -f "$BPF_OBJ_DIR/xdp_pass.bpf.o" \
  -t "$R_HOST/bpfman-bytecode/xdp_pass:latest" >/dev/null
for f in seed-xdp-pass-50 seed-xdp-pass-60; do
  sed "s#quay.io/bpfman-bytecode/#$R_HOST/bpfman-bytecode/#" "$top/tests/apply/$f.yaml" >"$work/$f.yaml"
done
# bpfman's go-xdp-counter bytecode object (examples/config/base/go-xdp-counter).
cat >"$work/counter.yaml" <<DOC
apiVersion: bpfman.io/v1alpha1
kind: XdpProgram
metadata:
  labels:
    app.kubernetes.io/name: xdpprogram
  name: go-xdp-counter-example
spec:
  bpffunctionname: xdp_stats
  nodeselector: {}
  interfaceselector:
    primarynodeinterface: true
  priority: 55
  bytecode:
    image:
      url: $R_HOST/bpfman-bytecode/go-xdp-counter:latest
DOC

step "3. a veth carrying the default route (the primary node interface), with traffic"
ip netns add "$ns"
ip link add name "$host_if" type veth peer name "$peer_if" netns "$ns"
ip addr add 10.79.0.1/24 dev "$host_if"; ip link set dev "$host_if" up
ip -n "$ns" addr add 10.79.0.2/24 dev "$peer_if"; ip -n "$ns" link set dev "$peer_if" up
ip -n "$ns" link set dev lo up
ip route replace default via 10.79.0.2 dev "$host_if"
ip netns exec "$ns" ping -q -i 0.05 10.79.0.1 >/dev/null 2>&1 &
pinger=$!

step "4. bpfman-agent for node $node (service account bpfman-agent, API at 10.0.2.2)"
"$builddir/k8s/bpfman-agent" --kubeconfig "$shared/agent-vm.kubeconfig" --node-name "$node" \
  --config "$work/bpfman.yaml" >"$agent_log" 2>&1 &
agent=$!

step "5. kubectl apply: go-xdp-counter-example at priority 55 counts"
k apply -f "$work/counter.yaml"
converged go-xdp-counter-example
expect_eq "$(bp_field go-xdp-counter-example metadata annotations bpfman.io.xdpprogramcontroller/interface)" \
  "$host_if" "the counter's interface (primarynodeinterface)"
stats=$(bp_field go-xdp-counter-example spec maps xdp_stats_map)
echo "  xdp_stats_map pinned at $stats (BpfProgram spec.maps)"
counter_id=$(bp_field go-xdp-counter-example metadata annotations bpfman.io/ProgramId)
counter_link=$(bp_field go-xdp-counter-example metadata annotations bpfman.io/LinkId)
wait_chain "$counter_id@55"
watch_count "$stats" rx_packets rising "go-xdp-counter packets"

step "6. kubectl apply: the seed's xdp-pass-all-nodes at 50, proceedon [drop]: counting stops"
k apply -f "$work/seed-xdp-pass-50.yaml"
converged xdp-pass-all-nodes
k get xdpprograms
pass_id=$(bp_field xdp-pass-all-nodes metadata annotations bpfman.io/ProgramId)
pass_link=$(bp_field xdp-pass-all-nodes metadata annotations bpfman.io/LinkId)
pass_counter=$(bp_field xdp-pass-all-nodes spec maps counter)
wait_chain "$pass_id@50 $counter_id@55"
"$BPFMANCTL" chain xdp -i "$host_if"
sleep 0.5
watch_count "$stats" rx_packets still "go-xdp-counter packets"
watch_count "$pass_counter" - rising "xdp-pass runs (packets still arrive)"

step "7. kubectl apply of the seed's step 12 (priority 60): re-ordered in place, counting resumes"
k apply -f "$work/seed-xdp-pass-60.yaml"
wait_chain "$counter_id@55 $pass_id@60"
"$BPFMANCTL" chain xdp -i "$host_if"
watch_count "$stats" rx_packets rising "go-xdp-counter packets"
converged xdp-pass-all-nodes
converged go-xdp-counter-example
for o in xdp-pass-all-nodes/$pass_id/$pass_link go-xdp-counter-example/$counter_id/$counter_link; do
  expect_eq "$(bp_field "${o%%/*}" metadata annotations bpfman.io/ProgramId)/$(bp_field "${o%%/*}" metadata annotations bpfman.io/LinkId)" \
    "${o#*/}" "${o%%/*}: program/link IDs in its BpfProgram after the move"
done
k get xdpprograms
k get bpfprograms

step "8. kubectl delete: nothing left in the API or in the kernel"
k delete xdpprogram xdp-pass-all-nodes go-xdp-counter-example --wait=true --timeout=180s
expect_eq "$(k get bpfprograms -o name)" "" "BpfPrograms left in the API"
expect_eq "$("$BPFMANCTL" list programs -o json | json_ids | wc -l)" 0 "programs bpfman still manages"
left=$(bpftool prog show -j | python3 -c '
import json, sys
print(" ".join("%s:%s" % (p["id"], p.get("name", "?")) for p in json.load(sys.stdin) if p["type"] in ("xdp", "ext")))')
expect_eq "$left" "" "XDP/freplace programs left in the kernel (bpftool)"
expect_eq "$(ip -o link show dev "$host_if" | grep -c xdp || true)" 0 "XDP attached to $host_if"
left=$(find "$BPFMAN_BPFFS_ROOT" -mindepth 1 -not -type d -not -path "$BPFMAN_BPFFS_ROOT/owner" | wc -l)  # owner: the root's claim (doc/safety.md)
expect_eq "$left" 0 "pins left under $BPFMAN_BPFFS_ROOT"
echo "PASS: the seed's XDP demo through kubectl on kernel $(uname -r) ($SECONDS s in the guest)"
