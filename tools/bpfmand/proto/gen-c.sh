#!/bin/sh
# gen-c.sh PROTOC_C PROTO OUTDIR: protobuf-c code for one of our protos.
# Debian's protoc-c 1.4 predates proto3 `optional`, which is on the wire a
# one-field oneof (same number, same encoding), so the file is rewritten
# that way first; presence is then the oneof's _NAME_case.
set -eu
protoc_c=$1 proto=$2 out=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -E 's/^([[:space:]]*)optional ([A-Za-z0-9_.]+) ([a-z_0-9]+) = ([0-9]+);/\1oneof _\3 { \2 \3 = \4; }/' \
	"$proto" > "$tmp/$(basename "$proto")"
"$protoc_c" --c_out="$out" -I"$tmp" "$tmp/$(basename "$proto")"
