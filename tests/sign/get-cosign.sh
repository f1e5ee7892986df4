#!/bin/sh
# Build cosign (the reference client the sign tests compare against) from the
# Go module proxy into a cache outside the repository, once; later runs reuse it.
# Prints the path of the binary on stdout.  Needs Go >= 1.25 (cosign v3's
# minimum; Debian 12 ships 1.19) and network access to the module proxy on
# the first run (Go itself is fetched from the proxy when the machine has
# none new enough).
set -eu
version=${COSIGN_VERSION:-v3.1.3}
who=get-cosign lib=$(cd "$(dirname "$0")/../lib" && pwd)
. "$lib/go-tool.sh"
bin="$cache/cosign-$version/cosign"
go_tool_ready "$bin" version
go_tool_install "$bin" "github.com/sigstore/cosign/v3/cmd/cosign@$version" "takes minutes"
echo "$bin"
