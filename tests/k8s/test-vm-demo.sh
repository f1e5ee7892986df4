#!/usr/bin/env bash
# The seed's XDP demonstration through kubectl, with multi-program XDP:
# the host kernel refuses freplace, so the node is a test VM.
#   host: etcd, kube-apiserver, kube-controller-manager (control-plane.sh,
#         on 127.0.0.1), the CRDs, the Node object, bpfman-operator (as
#         its service account);
#   VM (tests/vm/vm-run --net, kernel 6.1 or 6.12): bpfman-agent (as its
#         service account), a registry with the bytecode images, the
#         traffic, and kubectl, all reaching the API server at 10.0.2.2
#         (qemu's user network maps it to the host's loopback). The steps
#         are in vm-demo.sh.
#   test-vm-demo.sh KERNEL BUILDDIR
# Not a meson test: run by tests/run-all.sh next to the VM batch. Exits with
# vm-run's status (125: the VM failed, e.g. a guest panic, which run-all
# retries once). One VM at a time: wrap it in
#   flock /tmp/libbpfman-vm.lock tests/k8s/test-vm-demo.sh 6.12 build
set -euo pipefail
kernel=${1:?usage: test-vm-demo.sh 6.1|6.12 BUILDDIR}
. "$(dirname "$0")/lib.sh"
. "$here/nodes.sh"
nodes_init "${2:?usage: test-vm-demo.sh 6.1|6.12 BUILDDIR}"
trap nodes_cleanup EXIT
trap 'exit 143' TERM INT
node=bpfman-vm
start=$SECONDS

k8s_start
k apply -f - >/dev/null <<Y
apiVersion: v1
kind: Node
metadata:
  name: $node
  labels: {kubernetes.io/hostname: $node}
Y
use_rbac
start_operator
# The guest's kubeconfigs: the same credentials, the server at 10.0.2.2,
# verified against the API server's self-signed CA (its certificate names
# 127.0.0.1 and kubernetes, not 10.0.2.2: tls-server-name says which).
api_port=$(k config view -o jsonpath='{.clusters[0].cluster.server}'); api_port=${api_port##*:}
for who in agent admin; do
  kc=$k8s_work/$who-vm.kubeconfig
  if [ $who = agent ]; then cp "$agent_kc" "$kc"; else cp "$k8s_work/cp/kubeconfig" "$kc"; fi
  "$kube/kubectl" --kubeconfig "$kc" config set-cluster test --server "https://10.0.2.2:$api_port" \
    --insecure-skip-tls-verify=false --certificate-authority "$k8s_work/cp/certs/apiserver.crt" \
    --tls-server-name kubernetes >/dev/null
done
echo "control plane and operator on the host ready in $((SECONDS - start)) s (API server port $api_port)"

# The tree and the build (under /tmp in CI clones, a fresh tmpfs in the
# guest) and the work directory (kubeconfigs, the agent's log) are shared.
shares=(--rw "$k8s_work" --rw "$srcdir")
case $builddir/ in "$srcdir"/*) ;; *) shares+=(--rw "$builddir") ;; esac
rc=0
"$srcdir/tests/vm/vm-run" --net --kernel "$kernel" --timeout 900 --cwd "$srcdir" "${shares[@]}" -- \
  "$srcdir/tests/k8s/vm-demo.sh" "$builddir" "$k8s_work" "$kube" "$node" || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "--- operator log (errors and last lines)"; grep -v '"level":"info"' "$k8s_work/operator.log" | tail -n 20 || true
  echo "FAIL: the demo in the $kernel VM exited $rc ($((SECONDS - start)) s)"
  exit "$rc"
fi
# Seen from the host too: the operator released both objects, no BpfProgram.
expect_eq "$(k get xdpprograms,bpfprograms -o name)" "" "objects left in the API (seen from the host)"
echo "PASS: seed XDP demo through kubectl, agent in the $kernel VM ($((SECONDS - start)) s)"
