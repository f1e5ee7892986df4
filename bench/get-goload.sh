#!/bin/sh
# Builds (once) bench/goload, which drives bpfmand with bpfman's published
# gobpfman v0.6.0 client (same modules as tests/daemon/goclient), into the
# tools cache keyed by the hash of its sources. Prints the binary's path.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=${LIBBPFMAN_TOOLS_CACHE:-/var/cache/libbpfman-tools}
hash=$(cat "$here/goload/go.mod" "$here/goload/go.sum" "$here/goload/main.go" | sha256sum | cut -c1-16)
bin="$cache/goload-$hash"
[ -x "$bin" ] && { echo "$bin"; exit 0; }
who=get-goload
. "$here/../tests/lib/go-toolchain.sh"
mkdir -p "$cache"
echo "get-goload: building bench/goload (first run only)" >&2
cd "$here/goload"
GOMODCACHE="$cache/go-mod" GOCACHE="$cache/go-build" GOTOOLCHAIN=local GOFLAGS=-mod=readonly \
	CGO_ENABLED=0 "$GO" build -o "$bin.part" . >&2
mv "$bin.part" "$bin"
echo "$bin"
