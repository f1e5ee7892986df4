#!/bin/sh
# Build ghz (github.com/bojand/ghz, a standard gRPC load tool we did not
# write) from the Go module proxy into a cache outside the repository, once;
# later runs reuse it. bench/daemon.sh measures bpfmand's Get and List with
# it. Prints the path of the binary on stdout. Needs Go >= 1.25 (fetched
# from the module proxy when the machine has none new enough).
set -eu

version=${GHZ_VERSION:-v0.121.0}
cache=${LIBBPFMAN_TOOLS_CACHE:-/var/cache/libbpfman-tools}
dir="$cache/ghz-$version"
bin="$dir/ghz"

if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then
	echo "$bin"
	exit 0
fi

who=get-ghz
. "$(dirname "$0")/../tests/lib/go-toolchain.sh"

mkdir -p "$dir"
tmp=$(mktemp -d "$dir/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
echo "get-ghz: building ghz $version into $dir (first run only; takes a minute or two)" >&2
GOBIN="$tmp" GOMODCACHE="$cache/go-mod" GOCACHE="$cache/go-build" GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local \
	"$GO" install "github.com/bojand/ghz/cmd/ghz@$version" >&2
mv "$tmp/ghz" "$bin"
echo "get-ghz: built in $(( $(date +%s) - start ))s" >&2
echo "$bin"
