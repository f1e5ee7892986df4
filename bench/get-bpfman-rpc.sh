#!/bin/sh
# Build bpfman's own gRPC daemon, bpfman-rpc (the bin of the bpfman-api crate,
# Rust, 0.6.0), from the Rust package registry with cargo into a cache outside
# the repository, once; later runs reuse it. bench/daemon.sh compares bpfmand
# against it. Prints the path of the binary on stdout. Not run by CI: the
# first build takes ~25 min on 2 cores; it runs under `nice -n 19`.
# Needs cargo (rust >= 1.85), protoc (Debian: protobuf-compiler) and, for
# bpfman's build script, Debian's multiarch include directory on
# C_INCLUDE_PATH (it compiles eBPF C that includes <asm/types.h>).
set -eu

version=${BPFMAN_RPC_VERSION:-0.6.0}
cache=${LIBBPFMAN_TOOLS_CACHE:-/var/cache/libbpfman-tools}
dir="$cache/bpfman-$version"
bin="$dir/bin/bpfman-rpc"

if [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi
command -v cargo >/dev/null || { echo "get-bpfman-rpc: no cargo; install rustup/cargo >= 1.85" >&2; exit 1; }
command -v protoc >/dev/null || { echo "get-bpfman-rpc: no protoc; apt-get install protobuf-compiler" >&2; exit 1; }
multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
export C_INCLUDE_PATH="/usr/include/$multiarch${C_INCLUDE_PATH:+:$C_INCLUDE_PATH}"
# The target dir is kept in the cache so an interrupted build resumes.
export CARGO_TARGET_DIR="$dir/target"
mkdir -p "$dir"
start=$(date +%s)
echo "get-bpfman-rpc: building bpfman-api $version (bpfman-rpc) into $dir (first run only; ~25 min on 2 cores)" >&2
nice -n 19 cargo install --locked bpfman-api --version "$version" --bin bpfman-rpc \
	--root "$dir.part" >&2
mkdir -p "$dir/bin"
mv "$dir.part/bin/bpfman-rpc" "$bin"
rm -rf "$dir.part" "$CARGO_TARGET_DIR"
echo "get-bpfman-rpc: built in $(( $(date +%s) - start ))s" >&2
echo "$bin"
