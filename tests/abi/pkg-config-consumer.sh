#!/usr/bin/env bash
# A program outside the tree builds against the installed library using
# only `pkg-config --cflags --libs libbpfman`, and runs.
set -euo pipefail
builddir=$1 srcdir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

meson install -C "$builddir" --destdir "$tmp/root" --quiet >/dev/null
prefix=$(meson introspect "$builddir" --buildoptions |
  python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
pcdir=$(dirname "$(find "$tmp/root" -name libbpfman.pc | head -n1)")
# The .pc names the real prefix; point it at the staged copy.
export PKG_CONFIG_SYSROOT_DIR="$tmp/root"
export PKG_CONFIG_PATH="$pcdir"
cflags=$(pkg-config --cflags libbpfman)
libs=$(pkg-config --libs libbpfman)
cc -std=c11 -Wall -Wextra -Werror -o "$tmp/consumer" "$srcdir/consumer.c" $cflags $libs
libdir=$(dirname "$(find "$tmp/root" -name 'libbpfman.so.0' | head -n1)")
LD_LIBRARY_PATH="$libdir" "$tmp/consumer"
echo "ok: built with: cc consumer.c $cflags $libs (prefix $prefix)"
