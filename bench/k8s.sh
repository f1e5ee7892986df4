#!/usr/bin/env bash
# Kubernetes (issue 14, "Benchmark"): time from kubectl apply to attached
# on every selected node and back after kubectl delete, for 1 program on 1
# node and for 10 programs on 50 simulated nodes; the agents' memory; their
# API-server load at rest. A real etcd, kube-apiserver and
# kube-controller-manager (tests/k8s/control-plane.sh, binaries from
# tests/k8s/get-kube.sh's cache); each node is a Node object and a
# bpfman-agent process with its own state dir and bpffs root, all on this
# kernel, started here with the flags the tests use; the operator runs too.
# Every agent has its own service-account token (k8s/config/rbac), so the
# API server's audit log attributes each request to its node.
# Numbers and goals: doc/benchmarks.md ("Kubernetes").
#   K8S_BENCH_NODES (50) K8S_BENCH_PROGRAMS (10) K8S_BENCH_REST (60 s at
#   rest) K8S_BENCH_REPS (3 runs of 1 program on 1 node)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
nodes=${K8S_BENCH_NODES:-50} progs=${K8S_BENCH_PROGRAMS:-10}
rest=${K8S_BENCH_REST:-60} reps=${K8S_BENCH_REPS:-3}
obj=$build/tests/bpf/tracepoint_counter.bpf.o
ctl=$build/tools/bpfmanctl/bpfmanctl
measure() { python3 "$top/bench/k8s_measure.py" "$@"; }
# Syscalls nothing on this host calls in passing: 500 attached programs
# must not slow the machine down.
tracepoints=(sethostname setdomainname acct swapon swapoff reboot pivot_root quotactl vhangup ustat)
[ -f "$obj" ] && [ -x "$ctl" ] || { echo "k8s.sh: no build in $build: meson setup build && ninja -C build (bench/run.sh does it)" >&2; exit 2; }
((progs <= ${#tracepoints[@]})) || { echo "k8s.sh: K8S_BENCH_PROGRAMS is at most ${#tracepoints[@]}" >&2; exit 2; }

kube=$("$top/tests/k8s/get-kube.sh")
bin=$("$top/tests/k8s/build.sh" "$build" "$top")
export LD_LIBRARY_PATH=$build/libbpfman
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing

work=$(mktemp -d /tmp/bpfman-k8s-bench-XXXXXX)
pids=() started=()
root_of() { echo "/sys/fs/bpf/bpfman-bench-k8s-$$-$1"; }
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  local n id
  for n in "${started[@]}"; do
    # Only after a failure is anything left: unload it through the node's state.
    for id in $(BPFMAN_STATE_DIR=$work/state-$n BPFMAN_BPFFS_ROOT=$(root_of "$n") "$ctl" list programs -o json 2>/dev/null |
      python3 -c 'import json,sys; print(" ".join(str(p["id"]) for p in json.load(sys.stdin)))' 2>/dev/null); do
      BPFMAN_STATE_DIR=$work/state-$n BPFMAN_BPFFS_ROOT=$(root_of "$n") "$ctl" unload "$id" >/dev/null 2>&1 || true
    done
    rm -rf "$(root_of "$n")"
  done
  "$top/tests/k8s/control-plane.sh" stop "$work/cp" || true
  [ -n "${K8S_BENCH_KEEP:-}" ] && echo "k8s.sh: kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
k() { "$kube/kubectl" --kubeconfig "$work/cp/kubeconfig" "$@"; }
say() { echo "k8s.sh: $*" >&2; }

# The audit log names each request's token (its credential ID), so the
# load at rest is counted per agent; Metadata level, the agents and the
# operator only.
cat >"$work/audit-policy.yaml" <<'Y'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  users: ["system:serviceaccount:bpfman:bpfman-agent", "system:serviceaccount:bpfman:bpfman-operator"]
- level: None
Y
KUBE_APISERVER_FLAGS="--audit-policy-file=$work/audit-policy.yaml --audit-log-path=$work/audit.log" \
  "$top/tests/k8s/control-plane.sh" start "$work/cp" >/dev/null
k apply -f "$top/k8s/config/crd/" >/dev/null
k wait --for condition=established crd --all --timeout 60s >/dev/null
for _ in $(seq 100); do  # served, and the admission policy read, a moment later
  k apply --dry-run=server -f "$top/tests/apply/seed-xdp-pass.yaml" >/dev/null 2>&1 &&
    k get mutatingadmissionpolicybinding bpfman.io-bpffunctionname >/dev/null 2>&1 && break
  sleep 0.1
done
k create namespace bpfman >/dev/null
k apply -f "$top/k8s/config/rbac/" >/dev/null
server=$(k config view -o jsonpath='{.clusters[0].cluster.server}')
kubeconfig_for() {  # WHO SA: a kubeconfig with a token of its own
  local token
  token=$(k -n bpfman create token "$2" --duration 3h)
  echo "$1 $token" >>"$work/tokens"
  cat >"$work/$1.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: bench, cluster: {server: "$server", insecure-skip-tls-verify: true}}]
users: [{name: $1, user: {token: "$token"}}]
contexts: [{name: bench, context: {cluster: bench, user: $1}}]
current-context: bench
KC
}
name_of() { printf 'node-%03d' "$1"; }
nodes_objects() {  # FROM TO: Node objects, all labelled bench=yes
  local i
  for ((i = $1; i < $2; i++)); do
    printf 'apiVersion: v1\nkind: Node\nmetadata:\n  name: %s\n  labels: {bench: "yes", kubernetes.io/hostname: %s}\n---\n' \
      "$(name_of "$i")" "$(name_of "$i")"
  done | k apply -f - >/dev/null
}
start_agents() {  # FROM TO
  local i n
  for ((i = $1; i < $2; i++)); do
    n=$(name_of "$i")
    kubeconfig_for "$n" bpfman-agent
    started+=("$n")
    "$bin/bpfman-agent" --kubeconfig "$work/$n.kubeconfig" --node-name "$n" \
      --state-dir "$work/state-$n" --bpffs-root "$(root_of "$n")" \
      --runtime-dir "$work/run-$n" --image-cache-dir "$work/cache-$n" >>"$work/agent-$n.log" 2>&1 &
    pids+=($!)
    echo $! >>"$work/agents.pids"
    root_of "$n" >>"$work/roots"
  done
}
wait_inventories() {  # N: until N BpfNodeInventories exist
  for _ in $(seq 6000); do
    [ "$(k get bpfnodeinventories -o name | wc -l)" -ge "$1" ] && return 0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || { say "an agent or the operator exited"; tail -5 "$work"/*.log >&2; exit 1; }; done
    sleep 0.5
  done
  say "timed out waiting for $1 inventories"; exit 1
}
manifest() {  # N: N TracepointPrograms, one syscall each, on every bench=yes node
  local i
  for ((i = 0; i < $1; i++)); do
    cat <<Y
apiVersion: bpfman.io/v1alpha1
kind: TracepointProgram
metadata: {name: bench-tp-$i}
spec:
  bpffunctionname: count_getpid
  nodeselector: {matchLabels: {bench: "yes"}}
  names: [syscalls/sys_enter_${tracepoints[$i]}]
  bytecode: {path: $obj}
---
Y
  done
}
result() { echo "{\"phase\": \"$1\", \"result\": $2}" >>"$work/results"; }
converge() {  # PHASE PROGRAMS apply|delete MANIFEST
  local out
  if [ "$3" = apply ]; then
    out=$(measure converge "$work/cp/kubeconfig" "$work/roots" "$2" apply "$kube/kubectl" --kubeconfig "$work/cp/kubeconfig" apply -f "$4")
  else
    out=$(measure converge "$work/cp/kubeconfig" "$work/roots" "$2" delete "$kube/kubectl" --kubeconfig "$work/cp/kubeconfig" delete --wait=false -f "$4")
  fi
  say "$1 $3: $out"
  result "$1-$3" "$out"
  case $out in *timeout*) say "did not converge; agent logs in $work (K8S_BENCH_KEEP=1 keeps them)"; exit 1 ;; esac
}
nothing_left() {  # every node's root empty of pins, no BpfProgram, the kernel IDs gone
  local r ids id
  while read -r r; do
    [ -z "$(ls "$r/links")" ] && ! ls "$r"/prog_* >/dev/null 2>&1 || { say "left on $r: $(ls -R "$r")"; exit 1; }
  done <"$work/roots"
  [ -z "$(k get bpfprograms,tracepointprograms -o name)" ] || { say "left in the API: $(k get bpfprograms,tracepointprograms -o name)"; exit 1; }
  for id in $(cat "$work/progids" 2>/dev/null); do
    ! bpftool prog show id "$id" >/dev/null 2>&1 || { say "program $id still in the kernel"; exit 1; }
  done
}
prog_ids() {  # the program IDs pinned on the nodes
  local r f
  while read -r r; do for f in "$r"/prog_*; do [ -e "$f" ] && echo "${f##*_}"; done; done <"$work/roots"
}
kernel_ids() { bpftool prog list -j | python3 -c 'import json,sys; print(" ".join(sorted(str(p["id"]) for p in json.load(sys.stdin))))'; }

kubeconfig_for operator bpfman-operator
"$bin/bpfman-operator" --kubeconfig "$work/operator.kubeconfig" >>"$work/operator.log" 2>&1 &
pids+=($!)

# 1 program on 1 node.
manifest 1 >"$work/one.yaml"
nodes_objects 0 1
start_agents 0 1
wait_inventories 1
measure idle "$work/agents.pids" >/dev/null
for ((r = 0; r < reps; r++)); do
  converge "1x1" 1 apply "$work/one.yaml"
  prog_ids >"$work/progids"
  measure idle "$work/agents.pids" >/dev/null
  converge "1x1" 1 delete "$work/one.yaml"
  nothing_left
  measure idle "$work/agents.pids" >/dev/null
done

# PROGRAMS programs on NODES nodes.
say "starting $((nodes - 1)) more agents"
t0=$(date +%s%N)
nodes_objects 1 "$nodes"
start_agents 1 "$nodes"
wait_inventories "$nodes"
t1=$(date +%s%N)
idle_s=$(measure idle "$work/agents.pids")
result start "{\"agents\": $((nodes - 1)), \"inventories\": $(((t1 - t0) / 1000000)), \"then_idle_s\": $idle_s}"
result mem-idle "$(measure mem "$work/agents.pids")"
manifest "$progs" >"$work/many.yaml"
converge "${progs}x$nodes" "$progs" apply "$work/many.yaml"
prog_ids >"$work/progids"
measure idle "$work/agents.pids" >/dev/null
result mem-loaded "$(measure mem "$work/agents.pids")"

# At rest with the programs loaded: what the agents ask of the API server.
say "at rest for $rest s"
before_ids=$(kernel_ids)
measure metrics "$work/cp/kubeconfig" "$work/metrics.before"
off=$(stat -c %s "$work/audit.log")
cpu0=$(measure cpu "$work/agents.pids")
sleep "$rest"
cpu1=$(measure cpu "$work/agents.pids")
end=$(stat -c %s "$work/audit.log")
measure metrics "$work/cp/kubeconfig" "$work/metrics.after"
after_ids=$(kernel_ids)
changed=$(python3 -c 'import sys; a,b=set(sys.argv[1].split()),set(sys.argv[2].split()); print(len(a^b))' "$before_ids" "$after_ids")
load=$(measure load "$work/cp/kubeconfig" "$work/metrics.before" "$work/metrics.after" "$work/audit.log" "$off" "$end" "$rest" "$work/tokens")
result rest "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["kernel_programs_changed"]=int(sys.argv[2]); d["agent_cpu_s"]=float(sys.argv[4])-float(sys.argv[3]); print(json.dumps(d))' "$load" "$changed" "$cpu0" "$cpu1")"

converge "${progs}x$nodes" "$progs" delete "$work/many.yaml"
nothing_left
errors=$(cat "$work"/agent-*.log "$work/operator.log" | grep -c '"level":"error"' || true)
result logs "{\"error_lines\": $errors}"
measure report "$work/results" "$nodes" "$progs"
