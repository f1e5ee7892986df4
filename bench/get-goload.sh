#!/bin/sh
# Builds (once) bench/goload, which drives bpfmand with bpfman's published
# gobpfman v0.6.0 client (same modules as tests/daemon/goclient), into the
# tools cache keyed by the hash of its sources. Prints the binary's path.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
who=get-goload lib=$here/../tests/lib
. "$lib/go-tool.sh"
bin="$cache/goload-$(go_tool_src_key "$here/goload")"
go_tool_ready "$bin"
go_tool_build "$bin" "$here/goload"
echo "$bin"
