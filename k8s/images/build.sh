#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the two container images of doc/kubernetes.md ("Images") from
# scratch, without docker, podman or a base image, as OCI image layouts:
#
#   OUT/agent     bpfman-agent, bpfmand and bpfmanctl, exactly the shared
#                 libraries they load (the ldd closure of the binaries and
#                 of the libraries libbpfman and bpfmand dlopen, with the dynamic
#                 loader), libxdp's XDP dispatcher object, gpg for GPG
#                 signature policies, CA certificates, /etc/passwd, /tmp
#   OUT/operator  bpfman-operator, a static Go binary (CGO_ENABLED=0: it
#                 does not use libbpfman), /etc/passwd; runs as 65532
#
# Push one with skopeo: skopeo copy oci:OUT/agent docker://REGISTRY/bpfman-agent:TAG
# Same sources and toolchain, same digests (k8s/images/oci-layout.py).
#
#   build.sh BUILDDIR SRCDIR [OUT]   (OUT defaults to BUILDDIR/k8s-images)
#
# BUILDDIR is a meson build tree where bpfmand and bpfmanctl are built
# (`ninja -C BUILDDIR k8s-images` builds them first and calls this). Go
# modules and build cache as tests/k8s/build.sh keeps them.
set -euo pipefail
builddir=$(cd "${1:?usage: build.sh BUILDDIR SRCDIR [OUT]}" && pwd)
srcdir=$(cd "${2:?usage: build.sh BUILDDIR SRCDIR [OUT]}" && pwd)
out=${3:-$builddir/k8s-images}
here=$srcdir/k8s/images
cache=${LIBBPFMAN_TOOLS_CACHE:-/var/cache/libbpfman-tools}
who=k8s-images
die() { echo "k8s-images: $*" >&2; exit 1; }

version=$(sed -n "s/^  version: '\(.*\)',$/\1/p;T;q" "$srcdir/meson.build")
[ -n "$version" ] || die "no project version in $srcdir/meson.build"
multiarch=$(cc -print-multiarch)
case $(uname -m) in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
labels=(--label "org.opencontainers.image.version=$version"
        --label "org.opencontainers.image.source=https://github.com/libbpfman/libbpfman"
        --label "org.opencontainers.image.licenses=Apache-2.0")

work=$(mktemp -d /tmp/bpfman-k8s-images-XXXXXX)
trap 'rm -rf "$work"' EXIT

# --- the programs ------------------------------------------------------
# bpfmand and bpfmanctl as `meson install` writes them (no build-tree
# RUNPATH), libbpfman.so.0 beside them.
meson install -C "$builddir" --destdir "$work/inst" --tags runtime --no-rebuild --quiet >&2
bpfmand=$(find "$work/inst" -path '*/sbin/bpfmand' -type f)
bpfmanctl=$(find "$work/inst" -path '*/bin/bpfmanctl' -type f)
libbpfman=$(find "$work/inst" -name 'libbpfman.so.0' -print -quit)
[ -n "$bpfmand" ] || die "bpfmand is not built in $builddir (it needs protoc-c, libprotobuf-c, libnghttp2, libsystemd, libev: scripts/install-deps.sh)"
[ -n "$bpfmanctl" ] && [ -n "$libbpfman" ] || die "bpfmanctl/libbpfman are not built in $builddir; run ninja -C $builddir"
libdir=$(dirname "$libbpfman")

. "$srcdir/tests/lib/go-toolchain.sh"
mkdir -p "$cache/go-mod" "$cache/go-build"
export GOMODCACHE=$cache/go-mod GOCACHE=$cache/go-build GOFLAGS=-mod=mod GOTOOLCHAIN=local
# The flags of tests/k8s/build.sh (so the build cache serves both: a
# change of -trimpath or CGO_ENABLED recompiles client-go and
# controller-runtime, minutes), plus link-time ones: no VCS stamp (a
# commit or a dirty tree does not change the binaries), no symbol table.
# Without -trimpath the Go binaries hold the source and module cache
# paths: the digests are the same for the same sources at the same path.
goflags=(-buildvcs=false -ldflags=-s\ -w)
( cd "$srcdir/k8s"
  PKG_CONFIG_PATH=$builddir/meson-uninstalled "$GO" build "${goflags[@]}" -o "$work/bpfman-agent" ./cmd/bpfman-agent
  CGO_ENABLED=0 "$GO" build "${goflags[@]}" -o "$work/bpfman-operator" ./cmd/bpfman-operator ) >&2
if grep -q 'INTERP\|DYNAMIC' <<<"$(readelf -lW "$work/bpfman-operator")"; then
  die "bpfman-operator is not static (something in cmd/bpfman-operator needs cgo now)"
fi

# --- the library closure -----------------------------------------------
# libbpfman opens these on first use (libbpfman/dlopen_*.h), bpfmand opens
# libsystemd when systemd asks for it (tools/bpfmand/systemd.h): ldd of the
# binaries cannot see them, so their SONAMEs are read from those headers.
dlopened=$(sed -n 's/^#define DLOPEN_[A-Z]*_SONAME "\(.*\)"$/\1/p' \
  "$srcdir/libbpfman/dlopen_libs.h" "$srcdir/libbpfman/dlopen_crypto.h" \
  "$srcdir/libbpfman/dlopen_yaml.h" \
  "$srcdir/tools/bpfmand/systemd.h")
[ "$(echo "$dlopened" | wc -l)" -ge 7 ] || die "expected the DLOPEN_*_SONAME lines in libbpfman/dlopen_*.h and tools/bpfmand/systemd.h, found: $dlopened"
# gpgme runs gpg (found through gpgconf) for GPG signature policies.
gpg_tools=(/usr/bin/gpg /usr/bin/gpgconf)
objs=("$work/bpfman-agent" "$bpfmand" "$bpfmanctl" "${gpg_tools[@]}")
# ldconfig's path of a SONAME, the 64-bit one first.  awk reads all of
# ldconfig's output (no early exit): under pipefail a reader that stops
# early can kill ldconfig with SIGPIPE, which failed this script at random.
so_path() {  # SONAME
  ldconfig -p | awk -v so="$1" '$1 == so && /x86-64|AArch64|64bit/ && !p64 {p64 = $NF}
    $1 == so && !any {any = $NF} END {print p64 ? p64 : any}'
}
for so in $dlopened; do
  p=$(so_path "$so")
  [ -n "$p" ] || die "$so (dlopened by libbpfman or bpfmand) is not installed on this host"
  objs+=("$p")
done
# ldd lines: "libx.so.1 => /path (0x..)" and the loader "/lib64/ld-... (0x..)".
# A library is stored under the name it is asked for (its SONAME) in the
# multiarch directory, which the loader searches without ld.so.cache; the
# loader stays at the path written in the binaries (PT_INTERP).
contents=$work/contents
loader=
declare -A seen=()
for o in "${objs[@]}" "$libbpfman"; do
  out_ldd=$(LD_LIBRARY_PATH=$libdir ldd "$o") || die "ldd $o failed: $out_ldd"
  if grep -q 'not found' <<<"$out_ldd"; then die "$o: $(grep 'not found' <<<"$out_ldd")"; fi
  while read -r name arrow path _; do
    if [ "$arrow" = "=>" ] && [ "${path:0:1}" = / ]; then
      [ -n "${seen[$name]:-}" ] || { seen[$name]=1; echo "f /usr/lib/$multiarch/$name 0755 $path"; }
    elif [[ ${name:0:1} == / && ( -z $arrow || ${arrow:0:1} == "(" ) ]]; then
      loader=$name
    fi
  done <<<"$out_ldd"
done >"$contents"
[ -n "$loader" ] || die "no dynamic loader in ldd's output"
# The dlopened ones, by their SONAME (ldd lists only what they need).
for so in $dlopened; do
  [ -n "${seen[$so]:-}" ] && continue
  seen[$so]=1
  echo "f /usr/lib/$multiarch/$so 0755 $(so_path "$so")" >>"$contents"
done

# --- files the programs read -----------------------------------------------
mkdir -p "$work/etc"
# Names for uid/gid 0 (gpg and glibc look them up) and the operator's 65532.
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/:/sbin/nologin\n' >"$work/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$work/etc/group"
printf 'hosts: files dns\n' >"$work/etc/nsswitch.conf"
xdp_dispatcher=/usr/lib/$multiarch/bpf/xdp-dispatcher.o
[ -f "$xdp_dispatcher" ] || die "$xdp_dispatcher (libxdp's XDP dispatcher, package libxdp1) is missing"
cacerts=/etc/ssl/certs/ca-certificates.crt
[ -f "$cacerts" ] || die "$cacerts is missing (package ca-certificates)"
{
  # libc also names the loader by SONAME: then one copy, and PT_INTERP's
  # path is a link to it.
  if [ -n "${seen[$(basename "$loader")]:-}" ]; then
    echo "l $loader /usr/lib/$multiarch/$(basename "$loader")"
  else
    echo "f $loader 0755 $(readlink -f "$loader")"
  fi
  echo "f /usr/bin/bpfman-agent 0755 $work/bpfman-agent"
  echo "f /usr/sbin/bpfmand 0755 $bpfmand"
  echo "f /usr/bin/bpfmanctl 0755 $bpfmanctl"
  echo "f /usr/bin/gpg 0755 /usr/bin/gpg"
  echo "f /usr/bin/gpgconf 0755 /usr/bin/gpgconf"
  # libxdp's own dispatcher: libbpfman builds XDP dispatchers from it.
  echo "f $xdp_dispatcher 0644 $xdp_dispatcher"
  # libcurl's default CA bundle (registries over TLS).
  echo "f $cacerts 0644 $cacerts"
  echo "f /etc/passwd 0644 $work/etc/passwd"
  echo "f /etc/group 0644 $work/etc/group"
  echo "f /etc/nsswitch.conf 0644 $work/etc/nsswitch.conf"
  # gpg's private homes (mkdtemp); an emptyDir in the pod.
  echo "d /tmp 1777"
  # Mount points of the DaemonSet (present even where a runtime does not
  # create them).
  for d in /sys/fs/bpf /sys/kernel/tracing /var/lib/bpfman /run/bpfman /run/bpfman-sock /var/cache/bpfman /etc/bpfman; do
    echo "d $d 0755"
  done
} >>"$contents"

mkdir -p "$out"
printf 'agent    '
python3 "$here/oci-layout.py" "$out/agent" --contents "$contents" --tag "$version" \
  --arch "$arch" --entrypoint '["/usr/bin/bpfman-agent"]' --user 0:0 \
  --env PATH=/usr/sbin:/usr/bin "${labels[@]}" \
  --label "org.opencontainers.image.title=bpfman-agent" \
  --label "org.opencontainers.image.description=libbpfman's Kubernetes node agent, bpfmand and bpfmanctl"

{
  echo "f /usr/bin/bpfman-operator 0755 $work/bpfman-operator"
  echo "f /etc/passwd 0644 $work/etc/passwd"
  echo "f /etc/group 0644 $work/etc/group"
} >"$work/contents-operator"
printf 'operator '
python3 "$here/oci-layout.py" "$out/operator" --contents "$work/contents-operator" --tag "$version" \
  --arch "$arch" --entrypoint '["/usr/bin/bpfman-operator"]' --user 65532:65532 \
  --env PATH=/usr/bin "${labels[@]}" \
  --label "org.opencontainers.image.title=bpfman-operator" \
  --label "org.opencontainers.image.description=libbpfman's Kubernetes operator"
