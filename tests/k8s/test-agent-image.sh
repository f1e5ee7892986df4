#!/usr/bin/env bash
# Image pull secrets through the API: a real registry on 127.0.0.1 with TLS
# and htpasswd authentication (tests/registry/registry-start tls) holds a
# bytecode image; a TracepointProgram names it with imagepullsecret
# {name, namespace}. The agent runs as its service account (RBAC: get on
# secrets, nothing more) in a clean environment (no auth files):
#   - no such Secret: NotLoaded, the sentence names the Secret and the fix;
#   - a Secret with credentials for another registry only: NotLoaded, the
#     sentence names the Secret and the registry;
#   - a kubernetes.io/dockerconfigjson Secret with the credentials: Loaded
#     (found by the agent's retry, no event needed);
#   - a second object whose Secret is the legacy kubernetes.io/dockercfg
#     type, pulled with policy Always: Loaded;
#   - delete leaves nothing.
#   test-agent-image.sh BUILDDIR SRCDIR
set -euo pipefail
export REGISTRY_TEST_PORTS=5700-5749
. "$(dirname "$0")/lib.sh"
. "$here/nodes.sh"
nodes_init "${1:?usage: test-agent-image.sh BUILDDIR SRCDIR}"
for tool in docker-registry openssl htpasswd; do
  command -v "$tool" >/dev/null || fail "$tool is missing (scripts/install-deps.sh installs it)"
done
reg=$k8s_work/registry
push=/sys/fs/bpf/bpfman-test-k8s-$$-push
trap '"$srcdir/tests/registry/registry-stop" "$reg" >/dev/null 2>&1 || true; rm -rf "$push"; nodes_cleanup' EXIT
"$srcdir/tests/registry/registry-start" tls "$reg" >/dev/null
# shellcheck disable=SC1091
. "$reg/env"  # REG_HOST REG_CA REG_USER REG_PASS
# Nobody's credentials but the Secrets': no auth file in reach of the agent.
export HOME=$k8s_work/home XDG_RUNTIME_DIR=$k8s_work/home/run
unset REGISTRY_AUTH_FILE DOCKER_CONFIG XDG_CONFIG_HOME
mkdir -p "$XDG_RUNTIME_DIR"
cat >"$k8s_work/bpfman.yaml" <<Y
registries:
  - location: "$REG_HOST"
    ca_file: "$REG_CA"
Y
image=$REG_HOST/protected/counter:v1
(umask 077; printf '%s:%s\n' "$REG_USER" "$REG_PASS" >"$k8s_work/push-creds")
BPFMAN_STATE_DIR=$k8s_work/state-push BPFMAN_BPFFS_ROOT=$push BPFMAN_IMAGE_CACHE_DIR=$k8s_work/cache-push \
  "$BPFMANCTL" --config "$k8s_work/bpfman.yaml" image build -f "$builddir/tests/bpf/tracepoint_counter.bpf.o" \
  -t "$image" --registry-auth-file "$k8s_work/push-creds" >/dev/null
# The registry really refuses anonymous pulls.
BPFMAN_STATE_DIR=$k8s_work/state-push BPFMAN_BPFFS_ROOT=$push BPFMAN_IMAGE_CACHE_DIR=$k8s_work/cache-anon \
  "$BPFMANCTL" --config "$k8s_work/bpfman.yaml" image pull "$image" >/dev/null 2>&1 &&
  fail "an anonymous pull of $image succeeded: the registry is not protected"

k8s_start
use_rbac
sa=system:serviceaccount:bpfman:bpfman-agent
expect_eq "$(k auth can-i get secrets -n bpfman --as "$sa")" yes "agent may get secrets"
expect_eq "$(k auth can-i list secrets -n bpfman --as "$sa" || true)" no "agent may list secrets"
expect_eq "$(k auth can-i watch secrets -n bpfman --as "$sa" || true)" no "agent may watch secrets"
node_object a a
start_agent a --config "$k8s_work/bpfman.yaml" --retry-interval 1s

doc() {  # NAME SECRET POLICY
  cat <<Y
apiVersion: bpfman.io/v1alpha1
kind: TracepointProgram
metadata: {name: $1}
spec:
  bpffunctionname: count_getpid
  nodeselector: {}
  names: [syscalls/sys_enter_getpid]
  bytecode:
    image:
      url: $image
      imagepullpolicy: $3
      imagepullsecret: {name: $2, namespace: bpfman}
Y
}
msg() { k get bpfprogram "$1" -o jsonpath='{.status.conditions[0].message}'; }

echo "== the Secret does not exist"
doc tp-img regcred IfNotPresent | k apply -f -
wait_for "tp-img NotLoaded" has_cond bpfprogram tp-img-node-a NotLoaded/bpfmanNotLoaded
m=$(msg tp-img-node-a)
echo "message: $m"
grep -q "Secret bpfman/regcred" <<<"$m" || fail "the sentence does not name the Secret: $m"
grep -q "kubectl create secret docker-registry regcred -n bpfman" <<<"$m" || fail "the sentence gives no fix: $m"
expect_eq "$(nprogs a)" 0 "programs without the Secret"

echo "== the Secret has credentials for another registry only"
k -n bpfman create secret docker-registry regcred --docker-server=registry.invalid:5000 \
  --docker-username="$REG_USER" --docker-password="$REG_PASS" >/dev/null
no_creds() { msg tp-img-node-a | grep -q "has no credentials for the registry $REG_HOST"; }
wait_for "the sentence about the registry" no_creds
echo "message: $(msg tp-img-node-a)"
msg tp-img-node-a | grep -q "Secret bpfman/regcred" || fail "the sentence does not name the Secret"
expect_eq "$(nprogs a)" 0 "programs with a Secret for another registry"

echo "== a dockerconfigjson Secret with the credentials"
k -n bpfman delete secret regcred >/dev/null
k -n bpfman create secret docker-registry regcred --docker-server="$REG_HOST" \
  --docker-username="$REG_USER" --docker-password="$REG_PASS" >/dev/null
expect_eq "$(k -n bpfman get secret regcred -o jsonpath='{.type}')" kubernetes.io/dockerconfigjson "Secret type"
on_a=tp-img-node-a-syscalls-sys-enter-getpid
wait_for "$on_a Loaded" has_cond bpfprogram "$on_a" Loaded/bpfmanLoaded
wait_for "the failed entry removed" gone bpfprogram tp-img-node-a
id=$(k get bpfprogram "$on_a" -o jsonpath='{.metadata.annotations.bpfman\.io/ProgramId}')
bpftool prog show id "$id" >/dev/null || fail "program $id is not in the kernel"
echo "ok: loaded from $image with the Secret (program $id)"

echo "== a legacy dockercfg Secret, policy Always"
printf '{"%s": {"auth": "%s"}}' "$REG_HOST" "$(printf '%s:%s' "$REG_USER" "$REG_PASS" | base64 -w0)" >"$k8s_work/dockercfg"
k -n bpfman create secret generic legacycred --type=kubernetes.io/dockercfg \
  --from-file=.dockercfg="$k8s_work/dockercfg" >/dev/null
rm -f "$k8s_work/dockercfg"
doc tp-legacy legacycred Always | k apply -f -
wait_for "tp-legacy Loaded" has_cond bpfprogram tp-legacy-node-a-syscalls-sys-enter-getpid Loaded/bpfmanLoaded
expect_eq "$(nprogs a)" 2 "programs with both Secrets"
echo "ok: loaded with the dockercfg Secret"

echo "== delete leaves nothing"
k delete tracepointprogram tp-img tp-legacy --wait=true --timeout=60s
empty() { [ "$(nprogs "$1")" = 0 ]; }
wait_for "node-a empty" empty a
bpftool prog show id "$id" >/dev/null 2>&1 && fail "program $id is still in the kernel"
echo "PASS: agent image pull secrets"
