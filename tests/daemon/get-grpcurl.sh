#!/bin/sh
# Builds (once) grpcurl, the command-line gRPC client most people reach
# for, from the Go module proxy into the tools cache; prints its path.
set -eu
version=${GRPCURL_VERSION:-v1.9.3}
who=get-grpcurl lib=$(cd "$(dirname "$0")/../lib" && pwd)
. "$lib/go-tool.sh"
bin="$cache/grpcurl-$version/grpcurl"
go_tool_ready "$bin" -version
go_tool_install "$bin" "github.com/fullstorydev/grpcurl/cmd/grpcurl@$version"
echo "$bin"
