# Shared by the k8s tests: a control plane in a temp dir, kubectl on it,
# killed and removed on exit (k8s_cleanup from the test's trap).
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }
# get-kube.sh first: when it fails there is no temp dir to leak (the
# test's trap is set right after sourcing this).
kube=$("$here/get-kube.sh")
k8s_work=$(mktemp -d /tmp/bpfman-k8s-XXXXXX)
k() { "$kube/kubectl" --kubeconfig "$k8s_work/cp/kubeconfig" "$@"; }
k8s_cleanup() {
  "$here/control-plane.sh" stop "$k8s_work/cp" || true
  rm -rf "$k8s_work"
}
k8s_start() {
  "$here/control-plane.sh" start "$k8s_work/cp" >/dev/null
  k apply -f "$srcdir/k8s/config/crd/" >/dev/null
  k wait --for condition=established crd --all --timeout 60s >/dev/null
  # Served a moment after Established.
  for _ in $(seq 100); do
    k apply --dry-run=server -f "$srcdir/tests/apply/seed-xdp-pass.yaml" >/dev/null 2>&1 && break
    sleep 0.1
  done
  # The admission policy is read by the API server a moment after creation.
  for _ in $(seq 100); do
    k get mutatingadmissionpolicybinding bpfman.io-bpffunctionname >/dev/null 2>&1 && break
    sleep 0.1
  done
}
