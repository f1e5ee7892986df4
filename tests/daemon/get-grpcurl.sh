#!/bin/sh
# Builds (once) grpcurl, the command-line gRPC client most people reach
# for, from the Go module proxy into the tools cache; prints its path.
set -eu
version=${GRPCURL_VERSION:-v1.9.3}
cache=${LIBBPFMAN_TOOLS_CACHE:-/var/cache/libbpfman-tools}
bin="$cache/grpcurl-$version/grpcurl"
[ -x "$bin" ] && "$bin" -version >/dev/null 2>&1 && { echo "$bin"; exit 0; }
GO=
for g in "$(command -v go 2>/dev/null || true)" /usr/local/go/bin/go; do
	if [ -n "$g" ] && [ -x "$g" ]; then GO=$g; break; fi
done
if [ -z "$GO" ]; then
	"$(dirname "$0")/../sign/get-cosign.sh" >/dev/null # fetches a pinned Go
	GO=$(ls -d "$cache"/go-*/bin/go | tail -n1)
fi
mkdir -p "$cache/grpcurl-$version"
tmp=$(mktemp -d "$cache/grpcurl-$version/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "get-grpcurl: building grpcurl $version (first run only)" >&2
GOBIN="$tmp" GOMODCACHE="$cache/go-mod" GOCACHE="$cache/go-build" GOTOOLCHAIN=local \
	GOFLAGS=-mod=mod CGO_ENABLED=0 "$GO" install "github.com/fullstorydev/grpcurl/cmd/grpcurl@$version" >&2
mv "$tmp/grpcurl" "$bin"
echo "$bin"
