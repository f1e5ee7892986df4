#!/bin/sh
# Build ghz (github.com/bojand/ghz, a standard gRPC load tool we did not
# write) from the Go module proxy into a cache outside the repository, once;
# later runs reuse it. bench/daemon.sh measures bpfmand's Get and List with
# it. Prints the path of the binary on stdout. Needs Go >= 1.25 (fetched
# from the module proxy when the machine has none new enough).
set -eu
version=${GHZ_VERSION:-v0.121.0}
who=get-ghz lib=$(cd "$(dirname "$0")/../tests/lib" && pwd)
. "$lib/go-tool.sh"
bin="$cache/ghz-$version/ghz"
go_tool_ready "$bin" --version
go_tool_install "$bin" "github.com/bojand/ghz/cmd/ghz@$version" "takes a minute or two"
echo "$bin"
