#!/usr/bin/env bash
# The CRDs of k8s/config/crd against a real kube-apiserver: the seed's
# XdpProgram YAML applies unchanged, `kubectl get` shows the seed's columns
# and values, and invalid objects are refused with a sentence naming the
# problem (and nothing is stored).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
trap k8s_cleanup EXIT
k8s_start
seed=$srcdir/tests/apply

echo "== the seed's XdpProgram (spec.name, globaldata as a list) applies unchanged"
k apply -f "$seed/seed-xdp-pass.yaml"
# The API server copies the older spec.name into bpffunctionname.
expect_eq "$(k get xdpprogram xdp-pass-all-nodes -o jsonpath='{.spec.bpffunctionname}')" pass "bpffunctionname"
expect_eq "$(k get xdpprogram xdp-pass-all-nodes -o jsonpath='{.spec.globaldata.GLOBAL_u8}')" "[1]" "globaldata"

echo "== the go-xdp-counter example: defaults for proceedon"
k apply -f - <<'Y'
apiVersion: bpfman.io/v1alpha1
kind: XdpProgram
metadata:
  name: go-xdp-counter-example
spec:
  bpffunctionname: stats
  nodeselector: {}
  interfaceselector:
    primarynodeinterface: true
  priority: 55
  bytecode:
    image:
      url: quay.io/bpfman-userspace/go-xdp-counter:latest
  globaldata:
    GLOBAL_u8: 0x01
Y
echo "== step 9: priority 50, proceed on drop"
k apply -f "$seed/seed-xdp-pass-50.yaml"
out=$(k get xdpprograms)
echo "$out"
norm=$(echo "$out" | awk '{print $1, $2, $3, $4, $5, $6}')
expect_eq "$norm" 'NAME BPFFUNCTIONNAME NODESELECTOR PRIORITY INTERFACESELECTOR PROCEEDON
go-xdp-counter-example stats {} 55 {"primarynodeinterface":true} ["pass","dispatcher_return"]
xdp-pass-all-nodes pass {} 50 {"primarynodeinterface":true} ["drop"]' "kubectl get xdpprograms (the seed's step 10)"
k apply -f "$seed/seed-xdp-pass-60.yaml"
expect_eq "$(k get xdpprogram xdp-pass-all-nodes -o jsonpath='{.spec.priority}')" 60 "priority after step 12"

# refused NAME SENTENCE: the object on stdin is refused naming the problem.
refused() {
  local out rc=0
  out=$(k apply -f - 2>&1) || rc=$?
  [ "$rc" -ne 0 ] || fail "$1 was accepted"
  grep -qF -- "$2" <<<"$out" || fail "$1: expected '$2' in: $out"
  k get xdpprogram "$1" >/dev/null 2>&1 && fail "$1 was stored"
  echo "ok: $1 refused: $2"
}
xdp() {  # NAME, then spec lines on stdin replacing the defaults given
  cat <<Y
apiVersion: bpfman.io/v1alpha1
kind: XdpProgram
metadata:
  name: $1
spec:
  bpffunctionname: pass
  nodeselector: {}
Y
  cat
}
echo "== invalid objects are refused"
xdp bad-priority <<'Y' | refused bad-priority 'spec.priority: Invalid value: 1001: spec.priority in body should be less than or equal to 1000'
  interfaceselector: {primarynodeinterface: true}
  priority: 1001
  bytecode: {path: /x.o}
Y
xdp both-ifaces <<'Y' | refused both-ifaces 'interfaceselector: exactly one of interfaces and primarynodeinterface must be set'
  interfaceselector: {primarynodeinterface: true, interfaces: [eth0]}
  priority: 10
  bytecode: {path: /x.o}
Y
xdp no-iface <<'Y' | refused no-iface 'interfaceselector: exactly one of interfaces and primarynodeinterface must be set'
  interfaceselector: {}
  priority: 10
  bytecode: {path: /x.o}
Y
xdp both-bytecode <<'Y' | refused both-bytecode 'bytecode: exactly one of image and path must be set'
  interfaceselector: {primarynodeinterface: true}
  priority: 10
  bytecode: {path: /x.o, image: {url: quay.io/bpfman-bytecode/xdp_pass:latest}}
Y
xdp bad-proceedon <<'Y' | refused bad-proceedon 'spec.proceedon[0]: Unsupported value: "continue"'
  interfaceselector: {primarynodeinterface: true}
  priority: 10
  proceedon: [continue]
  bytecode: {path: /x.o}
Y
xdp two-names <<'Y' | refused two-names 'spec.bpffunctionname and spec.name differ'
  name: other
  interfaceselector: {primarynodeinterface: true}
  priority: 10
  bytecode: {path: /x.o}
Y
cat >"$k8s_work/nofn.yaml" <<'Y'
apiVersion: bpfman.io/v1alpha1
kind: TracepointProgram
metadata: {name: no-function}
spec:
  nodeselector: {}
  names: [syscalls/sys_enter_getpid]
  bytecode: {path: /x.o}
Y
out=$(k apply -f "$k8s_work/nofn.yaml" 2>&1) && fail "missing function name accepted"
grep -qF 'spec.bpffunctionname must be set' <<<"$out" || fail "missing function name: $out"
echo "ok: missing function name refused"
echo "== the deployment manifests (kubectl apply -k k8s/config) pass the API server's validation"
# (a dry run creates nothing, so the namespace the objects live in first)
k create namespace bpfman >/dev/null
out=$(k apply -k "$srcdir/k8s/config" --dry-run=server 2>&1) || fail "apply -k k8s/config: $out"
grep -q "daemonset.apps/bpfman-agent created (server dry run)" <<<"$out" || fail "no agent DaemonSet in: $out"
grep -q "deployment.apps/bpfman-operator created (server dry run)" <<<"$out" || fail "no operator Deployment in: $out"
echo "ok: apply -k k8s/config (server dry run)"
echo "== an image set once (kustomize images:) reaches the DaemonSet and the operator's BPFMAN_AGENT_IMAGE"
cp -r "$srcdir/k8s/config" "$k8s_work/overlay"
printf 'images:\n- {name: bpfman-agent, newName: registry.example/bpfman-agent, newTag: "7"}\n' >>"$k8s_work/overlay/kustomization.yaml"
built=$(k kustomize "$k8s_work/overlay")
expect_eq "$(echo "$built" | grep -c 'image: registry.example/bpfman-agent:7')" 2 "agent and bpfmand images"
echo "$built" | grep -A1 'name: BPFMAN_AGENT_IMAGE' | grep -q 'value: registry.example/bpfman-agent:7' ||
  fail "BPFMAN_AGENT_IMAGE was not set from the DaemonSet's image"
echo "ok: one image override"
echo "PASS: CRDs"
