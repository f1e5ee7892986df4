#!/usr/bin/env bash
# Builds bpfman-agent and bpfman-operator (k8s/, a Go module) against this
# build's libbpfman into BUILDDIR/k8s, with gofmt and go vet first. Modules
# and the build cache live outside the clone (GOMODCACHE, GOCACHE under
# LIBBPFMAN_TOOLS_CACHE): the first run downloads controller-runtime and
# client-go from the Go module proxy and compiles them (minutes on 2
# cores); later runs take seconds.
#   build.sh BUILDDIR SRCDIR
set -euo pipefail
builddir=$(cd "${1:?usage: build.sh BUILDDIR SRCDIR}" && pwd)
srcdir=$(cd "${2:?usage: build.sh BUILDDIR SRCDIR}" && pwd)
cache=${LIBBPFMAN_TOOLS_CACHE:-/var/cache/libbpfman-tools}
who=k8s-build
. "$srcdir/tests/lib/go-toolchain.sh"
mkdir -p "$cache/go-mod" "$cache/go-build"
export GOMODCACHE=$cache/go-mod GOCACHE=$cache/go-build GOFLAGS=-mod=mod GOTOOLCHAIN=local
export PKG_CONFIG_PATH=$builddir/meson-uninstalled
cd "$srcdir/k8s"
unformatted=$(gofmt -l .)
[ -z "$unformatted" ] || { echo "gofmt: not formatted: $unformatted" >&2; exit 1; }
"$GO" vet ./... >&2
"$GO" test -count=1 ./api/... >&2
mkdir -p "$builddir/k8s"
"$GO" build -o "$builddir/k8s/" ./cmd/bpfman-agent >&2
# The operator does not use libbpfman: static, as in its image.
CGO_ENABLED=0 "$GO" build -o "$builddir/k8s/" ./cmd/bpfman-operator >&2
echo "$builddir/k8s"
