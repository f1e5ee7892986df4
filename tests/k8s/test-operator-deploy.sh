#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bpfman-operator deploys the agent DaemonSet, against a real API server,
# as its service account (k8s/config/rbac/operator.yaml): it creates it in
# its namespace from the embedded k8s/config/agent/daemonset.yaml, creates
# it again after kubectl delete, puts a changed field back (and leaves a
# field someone else added), sets --agent-image on both containers, and
# does nothing with --deploy-agent=false. Objects only: no pod of the
# DaemonSet runs here (no kubelet, and control-plane.sh starts the
# controller manager with the garbage collector only, no DaemonSet
# controller).
#   test-operator-deploy.sh BUILDDIR SRCDIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$here/nodes.sh"
nodes_init "${1:?usage: test-operator-deploy.sh BUILDDIR SRCDIR}"
trap nodes_cleanup EXIT
k8s_start
use_rbac
manifest=$srcdir/k8s/config/agent/daemonset.yaml
ds() { k -n bpfman get daemonset bpfman-agent -o "$@"; }
# The containers as the manifest declares them, and as the API stores
# them, projected on what the manifest sets.
project='[.spec.template.spec.containers[] | {name, image, command, env, securityContext, volumeMounts}]'
want=$(k create --dry-run=client -f "$manifest" -o json | jq -cS "$project")
live() { ds json | jq -cS "$project"; }
stop_operator() {
  kill "$1"
  wait "$1" 2>/dev/null || true
  local keep=()
  for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  pids=("${keep[@]}")
}

echo "== --deploy-agent=false: no DaemonSet"
start_operator --deploy-agent=false
op=${pids[-1]}
sleep 3
kill -0 "$op" || fail "the operator exited: $(tail -5 "$k8s_work/operator.log")"
! k -n bpfman get daemonset bpfman-agent >/dev/null 2>&1 || fail "a DaemonSet was created with --deploy-agent=false"
stop_operator "$op"
echo "ok: nothing deployed"

echo "== the operator creates the DaemonSet of k8s/config/agent/daemonset.yaml in its namespace"
start_operator --deploy-agent=true
op=${pids[-1]}
wait_for "the agent DaemonSet" k -n bpfman get daemonset bpfman-agent
expect_eq "$(live)" "$want" "containers of the DaemonSet"
expect_eq "$(ds jsonpath='{.spec.template.spec.hostNetwork} {.spec.template.spec.hostPID} {.spec.template.spec.serviceAccountName}')" \
  "true true bpfman-agent" "pod settings"
expect_eq "$(ds jsonpath='{.spec.template.spec.containers[*].name}')" "agent bpfmand" "containers"
expect_eq "$(ds json --show-managed-fields | jq -r '[.metadata.managedFields[] | select(.operation == "Apply") | .manager] | join(",")')" \
  bpfman-operator "server-side apply field manager"
uid1=$(ds jsonpath='{.metadata.uid}')
echo "ok: created ($uid1)"

echo "== kubectl delete: created again"
k -n bpfman delete daemonset bpfman-agent --wait=true >/dev/null
recreated() { local u; u=$(ds jsonpath='{.metadata.uid}') && [ -n "$u" ] && [ "$u" != "$uid1" ]; }
wait_for "the DaemonSet created again" recreated
expect_eq "$(live)" "$want" "containers of the new DaemonSet"
echo "ok: created again ($(ds jsonpath='{.metadata.uid}'))"

echo "== changed fields are put back; a field the manifest does not set stays"
k -n bpfman annotate daemonset bpfman-agent example.com/note=kept >/dev/null
k -n bpfman patch daemonset bpfman-agent --type=json -p '[
  {"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "example.com/other:1"},
  {"op": "add", "path": "/spec/template/spec/containers/1/securityContext/capabilities/add/-", "value": "SYS_PTRACE"},
  {"op": "replace", "path": "/spec/template/spec/hostNetwork", "value": false}]' >/dev/null
put_back() { [ "$(live)" = "$want" ] && [ "$(ds jsonpath='{.spec.template.spec.hostNetwork}')" = true ]; }
wait_for "the changed fields put back" put_back
expect_eq "$(ds jsonpath='{.metadata.annotations.example\.com/note}')" kept "annotation someone else set"
echo "ok: image, capabilities and hostNetwork put back"

echo "== --agent-image: the image of both containers"
stop_operator "$op"
start_operator --agent-image 127.0.0.1:5000/bpfman/bpfman-agent:test
op=${pids[-1]}
images() { [ "$(ds jsonpath='{.spec.template.spec.containers[*].image}')" = "$1" ]; }
wait_for "the new image" images "127.0.0.1:5000/bpfman/bpfman-agent:test 127.0.0.1:5000/bpfman/bpfman-agent:test"
echo "ok: both containers run 127.0.0.1:5000/bpfman/bpfman-agent:test"

echo "== an operator that starts on a DaemonSet as declared writes nothing"
rv=$(ds jsonpath='{.metadata.resourceVersion}')
stop_operator "$op"
start_operator --agent-image 127.0.0.1:5000/bpfman/bpfman-agent:test
op=${pids[-1]}
applied() { [ "$(grep -c 'agent DaemonSet already as the manifest says' "$k8s_work/operator.log")" -ge 1 ]; }
wait_for "the operator's apply at start" applied
expect_eq "$(ds jsonpath='{.metadata.resourceVersion}')" "$rv" "resourceVersion after a no-op apply"
echo "ok: applied, unchanged (resourceVersion $rv)"

echo "== the operator's rights on DaemonSets: this one, in its namespace"
can() { k --kubeconfig "$operator_kc" auth can-i "$@" 2>/dev/null || true; }
expect_eq "$(can patch daemonsets/bpfman-agent -n bpfman)" yes "patch its DaemonSet"
expect_eq "$(can patch daemonsets/other -n bpfman)" no "patch another DaemonSet"
expect_eq "$(can list daemonsets -n bpfman)" no "list every DaemonSet of its namespace"
expect_eq "$(can create daemonsets -n default)" no "create a DaemonSet elsewhere"
expect_eq "$(can delete daemonsets/bpfman-agent -n bpfman)" no "delete its DaemonSet"
echo "ok: RBAC"

errors=$(grep -c 'Reconciler error' "$k8s_work/operator.log" || true)
expect_eq "$errors" 0 "reconcile errors in the operator's log"
expect_eq "$(k -n bpfman get pods -o name)" "" "pods (no kubelet, no DaemonSet controller)"
echo "PASS: operator deploys the agent DaemonSet"
