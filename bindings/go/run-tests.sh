#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The `go` meson suite: go vet, gofmt and go test -race of the Go binding
# against this build's library (its uninstalled pkg-config file), then the
# test binary and the example built for the VM batch (tests/vm/batch.sh),
# which sees the tree read-only and cannot build Go.
#   run-tests.sh BUILDDIR SRCDIR
# Modules and builds are cached outside the clone, keyed by content by Go
# itself (GOMODCACHE, GOCACHE under LIBBPFMAN_TOOLS_CACHE): the first run
# downloads the few modules from the Go module proxy, later runs reuse them.
set -euo pipefail
builddir=$(cd "${1:?usage: run-tests.sh BUILDDIR SRCDIR}" && pwd)
srcdir=$(cd "${2:?usage: run-tests.sh BUILDDIR SRCDIR}" && pwd)
cache=${LIBBPFMAN_TOOLS_CACHE:-/var/cache/libbpfman-tools}

# Go >= 1.24 (go.mod); the toolchain tests/sign/get-cosign.sh pins is
# fetched into the same cache when the machine has none (run-all.sh runs it
# first).
GO=
for g in "$(command -v go 2>/dev/null || true)" /usr/local/go/bin/go "$cache"/go-*/bin/go; do
  [ -n "$g" ] && [ -x "$g" ] || continue
  v=$("$g" env GOVERSION 2>/dev/null) || continue
  v=${v#go}; minor=${v#1.}; minor=${minor%%.*}
  if [ "${v%%.*}" = 1 ] && [ "${minor%%[!0-9]*}" -ge 24 ]; then GO=$g; break; fi
done
[ -n "$GO" ] || { echo "no Go >= 1.24 found; tests/sign/get-cosign.sh fetches the pinned toolchain into $cache" >&2; exit 1; }
echo "using $("$GO" version) at $GO"

mkdir -p "$cache/go-mod" "$cache/go-build"
export GOMODCACHE=$cache/go-mod GOCACHE=$cache/go-build GOFLAGS=-mod=mod GOTOOLCHAIN=local
export PKG_CONFIG_PATH=$builddir/meson-uninstalled LD_LIBRARY_PATH=$builddir/libbpfman
export BPF_OBJ_DIR=$builddir/tests/bpf GO_XDP_COUNTER_OBJ=$builddir/bindings/go/xdp_counter.bpf.o
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing

# No stale binaries for the VM batch if this run fails before building them.
rm -f "$builddir/bindings/go/bpfman.test" "$builddir/bindings/go/xdp-counter"
cd "$srcdir/bindings/go"
unformatted=$(gofmt -l .)
[ -z "$unformatted" ] || { echo "gofmt: not formatted: $unformatted" >&2; exit 1; }
"$GO" vet ./...
echo "ok: go vet"
"$GO" test -race -count=1 -v ./...

# For the VM batch: the same tests as one binary, and the example.
"$GO" test -race -c -o "$builddir/bindings/go/bpfman.test" .
"$GO" build -o "$builddir/bindings/go/xdp-counter" ./examples/xdp-counter
echo "ok: built $builddir/bindings/go/bpfman.test and xdp-counter for the VM batch"
