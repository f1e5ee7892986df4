#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The container images of k8s/images/build.sh: built twice, byte for byte
# the same; each layout valid (every blob named by its SHA-256, what the
# manifests say, read by skopeo); pushed with skopeo to a real registry on
# 127.0.0.1 under the same digest; and they run: each image's layer is
# unpacked into a directory and its programs run there under chroot with
# an empty environment, so a library missing from the closure fails the
# run. In the agent image bpfmanctl builds, pushes and pulls a bytecode
# image (libarchive, libcurl, OpenSSL: the libraries libbpfman dlopens),
# and no shared object is there that nothing needs.
#   test-images.sh BUILDDIR SRCDIR
set -euo pipefail
builddir=$(cd "${1:?usage: test-images.sh BUILDDIR SRCDIR}" && pwd)
srcdir=$(cd "${2:?usage: test-images.sh BUILDDIR SRCDIR}" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }
skip() {
  echo "SKIP: $*" >&2
  [ -z "${BPFMAN_TEST_REQUIRE_ALL:-}" ] || exit 1
  exit 77
}
for tool in skopeo docker-registry readelf; do
  command -v "$tool" >/dev/null || skip "$tool is missing (scripts/install-deps.sh installs it)"
done
[ "$(id -u)" = 0 ] || skip "running the images under chroot needs root"
[ -x "$builddir/tools/bpfmand/bpfmand" ] || skip "bpfmand is not built (protoc-c, libprotobuf-c, libnghttp2, libsystemd, libev missing): no agent image"
export REGISTRY_TEST_PORTS=5500-5549
work=$(mktemp -d /tmp/bpfman-k8s-images-XXXXXX)
cleanup() {
  [ ! -f "$work/reg/pids" ] || "$srcdir/tests/registry/registry-stop" "$work/reg" || true
  rm -rf "$work"
}
trap cleanup EXIT
multiarch=$(cc -print-multiarch)
case $(uname -m) in x86_64) goarch=amd64 ;; aarch64) goarch=arm64 ;; *) goarch=$(uname -m) ;; esac
version=$(sed -n "s/^  version: '\(.*\)',$/\1/p;T;q" "$srcdir/meson.build")

echo "== built twice: the same digests and the same bytes"
"$srcdir/k8s/images/build.sh" "$builddir" "$srcdir" "$work/one" >"$work/one.txt"
"$srcdir/k8s/images/build.sh" "$builddir" "$srcdir" "$work/two" >"$work/two.txt"
cat "$work/one.txt"
expect_eq "$(cat "$work/two.txt")" "$(cat "$work/one.txt")" "digests of the second build"
diff -r "$work/one" "$work/two" >/dev/null || fail "the two builds differ: $(diff -rq "$work/one" "$work/two")"
digest() { awk -v n="$1" '$1 == n {print $2}' "$work/one.txt"; }
[[ $(digest agent) == sha256:* && $(digest operator) == sha256:* ]] || fail "no digests in: $(cat "$work/one.txt")"

echo "== each layout is valid"
# Prints the layer blobs, in order, after checking every descriptor.
check_layout() {  # DIR TOP_DIGEST
  python3 - "$1" "$2" "$version" <<'PY'
import hashlib, json, os, sys
root, top, version = sys.argv[1:]
def blob(desc, media_type):
    assert desc["mediaType"] == media_type, (desc, media_type)
    algo, hexd = desc["digest"].split(":")
    data = open(os.path.join(root, "blobs", algo, hexd), "rb").read()
    assert algo == "sha256" and hashlib.sha256(data).hexdigest() == hexd, desc
    assert len(data) == desc["size"], desc
    return data
assert json.load(open(os.path.join(root, "oci-layout"))) == {"imageLayoutVersion": "1.0.0"}
index = json.load(open(os.path.join(root, "index.json")))
assert index["schemaVersion"] == 2 and len(index["manifests"]) == 1, index
desc = index["manifests"][0]
assert desc["digest"] == top, (desc, top)
assert desc["annotations"]["org.opencontainers.image.ref.name"] == version, desc
man = json.loads(blob(desc, "application/vnd.oci.image.manifest.v1+json"))
cfg = json.loads(blob(man["config"], "application/vnd.oci.image.config.v1+json"))
layers = man["layers"]
assert len(cfg["rootfs"]["diff_ids"]) == len(layers) == 1, man
import gzip
tar = gzip.decompress(blob(layers[0], "application/vnd.oci.image.layer.v1.tar+gzip"))
assert "sha256:" + hashlib.sha256(tar).hexdigest() == cfg["rootfs"]["diff_ids"][0], "diff_id"
names = {d["digest"].split(":")[1] for d in [desc, man["config"]] + layers}
assert set(os.listdir(os.path.join(root, "blobs", "sha256"))) == names, "stray blobs"
print(os.path.join(root, "blobs", "sha256", layers[0]["digest"].split(":")[1]))
PY
}
for img in agent operator; do
  check_layout "$work/one/$img" "$(digest "$img")" >"$work/$img.layer" || fail "$img: layout check failed"
  out=$(skopeo inspect "oci:$work/one/$img") || fail "skopeo inspect oci:$work/one/$img: $out"
  expect_eq "$(jq -r .Digest <<<"$out")" "$(digest "$img")" "$img: digest skopeo reads"
  expect_eq "$(jq -r '.Os + "/" + .Architecture' <<<"$out")" "linux/$goarch" "$img: platform"
  expect_eq "$(jq -r '.Labels["org.opencontainers.image.title"]' <<<"$out")" "bpfman-$img" "$img: title label"
  echo "ok: $img layout (skopeo inspect: $(jq -r '.Layers | length' <<<"$out") layer)"
done
entry=$(skopeo inspect --config "oci:$work/one/agent" | jq -c '[.config.Entrypoint, .config.User]')
expect_eq "$entry" '[["/usr/bin/bpfman-agent"],"0:0"]' "agent entrypoint and user"
entry=$(skopeo inspect --config "oci:$work/one/operator" | jq -c '[.config.Entrypoint, .config.User]')
expect_eq "$entry" '[["/usr/bin/bpfman-operator"],"65532:65532"]' "operator entrypoint and user"

# run [chroot options] ROOT CMD...: CMD inside ROOT, environment emptied.
run() { env -i PATH=/usr/sbin:/usr/bin HOME=/tmp chroot "$@" 2>&1; }

echo "== the operator image: one static binary, runs as 65532"
op=$work/root-operator
mkdir "$op"
tar -xzf "$(cat "$work/operator.layer")" -C "$op"
files=$(cd "$op" && find . -type f -o -type l | sort | tr '\n' ' ')
expect_eq "$files" "./etc/group ./etc/passwd ./usr/bin/bpfman-operator " "operator image files"
! grep -q INTERP <<<"$(readelf -lW "$op/usr/bin/bpfman-operator")" || fail "bpfman-operator has a dynamic loader"
out=$(run --userspec=65532:65532 "$op" /usr/bin/bpfman-operator --help) || true
grep -q -- '-deploy-agent' <<<"$out" || fail "bpfman-operator --help in the image: $out"
grep -q -- '-agent-image' <<<"$out" || fail "bpfman-operator --help in the image: $out"
echo "ok: bpfman-operator --help runs in the image as 65532"

echo "== the agent image: the programs run on the image's libraries only"
ag=$work/root-agent
mkdir "$ag"
tar -xzf "$(cat "$work/agent.layer")" -C "$ag"
[ ! -e "$ag/bin/sh" ] && [ ! -e "$ag/etc/ld.so.cache" ] || fail "the agent image has a shell or an ld.so.cache"
echo "-- it holds no shared object that nothing needs"
# Needed: the DT_NEEDED of every ELF in the image, plus what libbpfman
# and bpfmand dlopen; each .so file present must be one of them.
needed=$(find "$ag" -type f -exec sh -c 'head -c4 "$1" | grep -q "ELF" && readelf -dW "$1"' _ {} \; |
  sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u)
dlopened=$(sed -n 's/^#define DLOPEN_[A-Z]*_SONAME "\(.*\)"$/\1/p' \
  "$srcdir/libbpfman/dlopen_libs.h" "$srcdir/libbpfman/dlopen_crypto.h" \
  "$srcdir/libbpfman/dlopen_yaml.h" \
  "$srcdir/tools/bpfmand/systemd.h")
for f in "$ag/usr/lib/$multiarch"/*.so*; do
  n=$(basename "$f")
  grep -qxF "$n" <<<"$needed"$'\n'"$dlopened" || fail "$n is in the image but nothing needs it"
done
extra=$(cd "$ag" && find . \( -type f -o -type l \) ! -path "./usr/lib/$multiarch/*.so*" | sort | tr '\n' ' ')
expect_eq "$extra" "./etc/group ./etc/nsswitch.conf ./etc/passwd ./etc/ssl/certs/ca-certificates.crt ./lib64/ld-linux-x86-64.so.2 ./usr/bin/bpfman-agent ./usr/bin/bpfmanctl ./usr/bin/gpg ./usr/bin/gpgconf ./usr/lib/$multiarch/bpf/xdp-dispatcher.o ./usr/sbin/bpfmand " \
  "files besides the libraries"
echo "ok: $(ls "$ag/usr/lib/$multiarch"/*.so* | wc -l) shared objects, each needed"

out=$(run "$ag" /usr/bin/bpfman-agent --help) || true
grep -q -- '-node-name' <<<"$out" || fail "bpfman-agent --help in the image: $out"
echo "ok: bpfman-agent --help"
out=$(run "$ag" /usr/sbin/bpfmand --version) || fail "bpfmand --version in the image: $out"
expect_eq "$out" "bpfmand $version (libbpfman $version)" "bpfmand --version"
out=$(run "$ag" /usr/bin/bpfmanctl --version) || fail "bpfmanctl --version in the image: $out"
echo "ok: $out"
out=$(run "$ag" /usr/bin/gpg --version) || fail "gpg --version in the image: $out"
echo "ok: $(head -1 <<<"$out")"

echo "== in the agent image, bpfmanctl builds, pushes and pulls a bytecode image"
"$srcdir/tests/registry/registry-start" plain "$work/reg" >/dev/null
# shellcheck disable=SC1091
. "$work/reg/env"
cp "$builddir/tests/bpf/xdp_pass.bpf.o" "$ag/tmp/"
printf 'registries:\n  - location: "%s"\n    insecure: true\n' "$REG_HOST" >"$ag/tmp/bpfman.yaml"
# bpfmanctl wants a bpffs at its pin root, as the DaemonSet mounts one:
# a fresh bpffs instance, in a mount namespace of its own (gone with it).
ctl_in() {
  env -i PATH=/usr/sbin:/usr/bin HOME=/tmp BPFMAN_STATE_DIR=/tmp/state BPFMAN_RUNTIME_DIR=/tmp/run \
    BPFMAN_IMAGE_CACHE_DIR=/tmp/cache unshare -m --propagation private \
    /bin/sh -c 'mount -t bpf bpf "$0/sys/fs/bpf" && exec chroot "$0" /usr/bin/bpfmanctl --config /tmp/bpfman.yaml "$@"' \
    "$ag" "$@" 2>&1
}
pushed=$(ctl_in image build -f /tmp/xdp_pass.bpf.o -t "$REG_HOST/bytecode/xdp-pass:v1") ||
  fail "bpfmanctl image build -t in the image: $pushed"
pulled=$(ctl_in image pull "$REG_HOST/bytecode/xdp-pass:v1") || fail "bpfmanctl image pull in the image: $pulled"
out=$(ctl_in image inspect "$REG_HOST/bytecode/xdp-pass:v1") || fail "bpfmanctl image inspect in the image: $out"
grep -q "$(tail -1 <<<"$pushed")" <<<"$out" || fail "pulled image is not the pushed $pushed: $out"
echo "ok: image build/push/pull in the image ($(tail -1 <<<"$pushed"))"

echo "== skopeo pushes both layouts to a registry under the same digest"
for img in agent operator; do
  skopeo copy --quiet --dest-tls-verify=false "oci:$work/one/$img" "docker://$REG_HOST/bpfman-$img:$version" ||
    fail "skopeo copy of $img"
  got=$(skopeo inspect --tls-verify=false "docker://$REG_HOST/bpfman-$img:$version" | jq -r .Digest)
  expect_eq "$got" "$(digest "$img")" "$img: digest in the registry"
  echo "ok: $REG_HOST/bpfman-$img:$version@$got"
done
echo "PASS: images"
