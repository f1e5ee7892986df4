#!/bin/sh
# Builds (once) the Go client in goclient/, which imports bpfman's published
# gobpfman v0.6.0 through the Go module proxy, into a cache outside the clone
# keyed by the hash of its sources; module and build caches live there too so
# CI reuses them. Prints the binary's path on stdout.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
who=get-go-client lib=$here/../lib
. "$lib/go-tool.sh"
bin="$cache/gobpfman-client-$(go_tool_src_key "$here/goclient")"
go_tool_ready "$bin"
go_tool_build "$bin" "$here/goclient"
echo "$bin"
