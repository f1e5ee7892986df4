#!/bin/sh
# Build cosign (the reference client the sign tests compare against) from the
# Go module proxy into a cache outside the repository, once; later runs reuse it.
# Prints the path of the binary on stdout.  Needs Go >= 1.25 and network access
# to the module proxy on the first run (Go itself is fetched from the proxy
# when the machine has none new enough).
set -eu

version=${COSIGN_VERSION:-v3.1.3}
cache=${LIBBPFMAN_TOOLS_CACHE:-/var/cache/libbpfman-tools}
dir="$cache/cosign-$version"
bin="$dir/cosign"

if [ -x "$bin" ] && "$bin" version >/dev/null 2>&1; then
	echo "$bin"
	exit 0
fi

# cosign v3 needs Go >= 1.25; Debian 12 ships 1.19.
who=get-cosign
. "$(dirname "$0")/../lib/go-toolchain.sh"

mkdir -p "$dir"
tmp=$(mktemp -d "$dir/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
echo "get-cosign: building cosign $version into $dir (first run only; takes minutes)" >&2
GOBIN="$tmp" GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local \
	"$GO" install "github.com/sigstore/cosign/v3/cmd/cosign@$version" >&2
mv "$tmp/cosign" "$bin"
echo "get-cosign: built in $(( $(date +%s) - start ))s" >&2
echo "$bin"
