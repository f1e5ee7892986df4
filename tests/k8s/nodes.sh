# Sourced after lib.sh by the tests that run agents: simulated nodes (a Node
# object, an agent process with its own state dir and bpffs root under
# /sys/fs/bpf/bpfman-test-k8s-*, and its own network namespace whose one
# interface, n<NAME>-eth0, one end of a veth pair, carries its default
# route), the operator as a process, and a cleanup that stops them,
# unloads whatever a node still holds and removes the namespaces.
#   nodes_init BUILDDIR  (builds k8s/, sets $bin)
pids=()
nodes=()
nodes_init() {
  builddir=$(cd "$1" && pwd)
  bin=$("$here/build.sh" "$builddir" "$srcdir")
  export LD_LIBRARY_PATH=$builddir/libbpfman
  BPFMANCTL=$builddir/tools/bpfmanctl/bpfmanctl
  mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
  mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
}
root_of() { echo "/sys/fs/bpf/bpfman-test-k8s-$$-$1"; }
# A node's network namespace (ip netns: /var/run/netns/NAME) and its
# primary interface (the namespace end of its veth; the host end is
# k8<pid><NAME>). Distinct interface names per node show that each agent
# resolved primarynodeinterface in its own namespace.
netns_name() { echo "bpfman-k8s-$$-$1"; }
netns_of() { echo "/var/run/netns/$(netns_name "$1")"; }
nic_of() { echo "n$1-eth0"; }
netns_nodes=()
node_netns() {  # NAME: creates node NAME's namespace, veth and default route
  local ns host=k8$$$1 nic
  ns=$(netns_name "$1") nic=$(nic_of "$1")
  ip netns add "$ns"
  netns_nodes+=("$1")
  ip link add "$host" type veth peer name "$nic" netns "$ns"
  ip link set "$host" up
  ip -n "$ns" link set lo up
  ip -n "$ns" link set "$nic" up
  # A device route is enough for a default route: nothing is routed here.
  ip -n "$ns" route add default dev "$nic"
}
# K8S_NODE_NETNS=0 (e.g. for many nodes in a benchmark): agents share this
# host's namespace as before; in_netns then runs CMD here.
k8s_node_netns=${K8S_NODE_NETNS:-1}
in_netns() {  # NODE CMD...: CMD in node's network namespace only (nsenter,
  # not ip netns exec, which remounts /sys and would hide /sys/fs/bpf)
  local n=$1; shift
  if [ -e "$(netns_of "$n")" ]; then
    nsenter --net="$(netns_of "$n")" "$@"
  else
    "$@"
  fi
}
ctl() {  # NODE ARGS...: bpfmanctl on a node's state, in its namespace
  local n=$1; shift
  BPFMAN_STATE_DIR=$k8s_work/state-$n BPFMAN_BPFFS_ROOT=$(root_of "$n") in_netns "$n" "$BPFMANCTL" "$@"
}
nprogs() { ctl "$1" list programs -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
nodes_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for n in "${nodes[@]}"; do
    ctl "$n" list programs -o json 2>/dev/null | python3 -c '
import json,sys
for p in json.load(sys.stdin): print(p["id"])' 2>/dev/null | while read -r id; do
      ctl "$n" unload "$id" >/dev/null 2>&1 || true
    done
    rm -rf "$(root_of "$n")"
  done
  for n in "${netns_nodes[@]}"; do
    ip link del "k8$$$n" 2>/dev/null || true
    ip netns del "$(netns_name "$n")" 2>/dev/null || true
  done
  k8s_cleanup
}
node_object() {  # NAME ROLE
  k apply -f - >/dev/null <<Y
apiVersion: v1
kind: Node
metadata:
  name: node-$1
  labels: {role: $2, kubernetes.io/hostname: node-$1}
Y
}
# use_rbac: from now on the agent and the operator run as their service
# accounts with k8s/config/rbac (least privilege), not as cluster admin.
agent_kc= operator_kc=
use_rbac() {
  k create namespace bpfman >/dev/null
  k apply -f "$srcdir/k8s/config/rbac/" >/dev/null
  local who server
  server=$(k config view -o jsonpath='{.clusters[0].cluster.server}')
  for who in agent operator; do
    cat >"$k8s_work/$who.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: test, cluster: {server: "$server", insecure-skip-tls-verify: true}}]
users: [{name: $who, user: {token: "$(k -n bpfman create token "bpfman-$who" --duration 2h)"}}]
contexts: [{name: test, context: {cluster: test, user: $who}}]
current-context: test
KC
  done
  agent_kc=$k8s_work/agent.kubeconfig operator_kc=$k8s_work/operator.kubeconfig
}
# start_agent NAME [ARGS...]: the agent of node-NAME (in node NAME's
# network namespace, created on first start), with extra agent ARGS.
start_agent() {
  local n=$1; shift
  [[ " ${nodes[*]} " == *" $n "* ]] || nodes+=("$n")
  local netns=()
  if [ "$k8s_node_netns" != 0 ]; then
    [ -e "$(netns_of "$n")" ] || node_netns "$n"
    netns=(--netns "$(netns_of "$n")")
  fi
  "$bin/bpfman-agent" --kubeconfig "${agent_kc:-$k8s_work/cp/kubeconfig}" --node-name "node-$n" \
    --state-dir "$k8s_work/state-$n" --bpffs-root "$(root_of "$n")" \
    --runtime-dir "$k8s_work/run-$n" --image-cache-dir "$k8s_work/cache-$n" \
    "${netns[@]}" "$@" \
    >>"$k8s_work/agent-$n.log" 2>&1 &
  pids+=($!)
}
start_operator() {  # [ARGS...] (default --deploy-agent=false: most tests run no DaemonSet)
  "$bin/bpfman-operator" --kubeconfig "${operator_kc:-$k8s_work/cp/kubeconfig}" "${@:---deploy-agent=false}" \
    >>"$k8s_work/operator.log" 2>&1 &
  pids+=($!)
}
# wait_for WHAT CMD...: up to 30 s for CMD to succeed; fails if a process died.
wait_for() {
  local what=$1; shift
  for _ in $(seq 300); do
    "$@" >/dev/null 2>&1 && return 0
    for p in "${pids[@]}"; do
      kill -0 "$p" 2>/dev/null || { tail -20 "$k8s_work"/*.log; fail "a process exited while waiting for $what"; }
    done
    sleep 0.1
  done
  for f in "$k8s_work"/*.log; do echo "--- $f"; grep -v '"level":"info"' "$f" | tail -10; done
  fail "timed out waiting for $what"
}
cond() {  # KIND NAME: its first condition as type/reason
  k get "$1" "$2" -o jsonpath='{.status.conditions[0].type}/{.status.conditions[0].reason}'
}
has_cond() { [ "$(cond "$1" "$2")" = "$3" ]; }
gone() { ! k get "$1" "$2" >/dev/null 2>&1; }
tp_doc() {  # NAME ROLE|all BYTECODE TRACEPOINTS...
  local name=$1 role=$2 obj=$3 sel; shift 3
  sel="nodeselector:
    matchLabels: {role: $role}"
  [ "$role" != all ] || sel="nodeselector: {}"
  cat <<Y
apiVersion: bpfman.io/v1alpha1
kind: TracepointProgram
metadata:
  name: $name
spec:
  bpffunctionname: report_globals
  $sel
  names: [$(IFS=,; echo "$*")]
  globaldata:
    GLOBAL_u8: [0x01]
    GLOBAL_u32: [0x0D, 0x0C, 0x0B, 0x0A]
  bytecode:
    path: $obj
Y
}
