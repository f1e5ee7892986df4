#!/bin/sh
# Builds (once) the Go client in goclient/, which imports bpfman's published
# gobpfman v0.6.0 through the Go module proxy, into a cache outside the clone
# keyed by the hash of its sources; module and build caches live there too so
# CI reuses them. Prints the binary's path on stdout.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=${LIBBPFMAN_TOOLS_CACHE:-/var/cache/libbpfman-tools}
hash=$(cat "$here/goclient/go.mod" "$here/goclient/go.sum" "$here/goclient/main.go" | sha256sum | cut -c1-16)
bin="$cache/gobpfman-client-$hash"
[ -x "$bin" ] && { echo "$bin"; exit 0; }
GO=
for g in "$(command -v go 2>/dev/null || true)" /usr/local/go/bin/go; do
	if [ -n "$g" ] && [ -x "$g" ]; then GO=$g; break; fi
done
# Without Go, get-cosign.sh fetches a pinned toolchain into the same cache.
if [ -z "$GO" ]; then
	"$here/../sign/get-cosign.sh" >/dev/null
	GO=$(ls -d "$cache"/go-*/bin/go | tail -n1)
fi
mkdir -p "$cache"
echo "get-go-client: building the gobpfman v0.6.0 client (first run only)" >&2
cd "$here/goclient"
GOMODCACHE="$cache/go-mod" GOCACHE="$cache/go-build" GOTOOLCHAIN=local GOFLAGS=-mod=readonly \
	CGO_ENABLED=0 "$GO" build -o "$bin.part" . >&2
mv "$bin.part" "$bin"
echo "$bin"
