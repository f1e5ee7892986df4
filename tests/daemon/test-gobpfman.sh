#!/bin/sh
# bpfman's own Go client (gobpfman v0.6.0, unchanged) against bpfmand.
# usage: test-gobpfman.sh BPFMAND BPFMANCTL BPF_OBJ_DIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bpfmand=$1 bpfmanctl=$2 obj=$(cd "$3" && pwd)
[ "$(id -u)" = 0 ] || { echo "*** SKIP: needs root (loads BPF programs) ***"; exit 77; }
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
client=$("$here/get-go-client.sh")

tmp=$(mktemp -d /tmp/bpfmand-go-XXXXXX)
export BPFMAN_STATE_DIR=$tmp/state BPFMAN_RUNTIME_DIR=$tmp/run BPFMAN_IMAGE_CACHE_DIR=$tmp/cache
export BPFMAN_BPFFS_ROOT=/sys/fs/bpf/bpfman-test-go-$$
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	for id in $("$bpfmanctl" list programs -o json 2>/dev/null | python3 -c 'import json,sys; [print(p["id"]) for p in json.load(sys.stdin)]' 2>/dev/null); do
		"$bpfmanctl" unload "$id" --force >/dev/null 2>&1 || true
	done
	rm -rf "$tmp" "$BPFMAN_BPFFS_ROOT"
}
trap cleanup EXIT
"$bpfmand" --listen "unix:$tmp/sock" --config "$tmp/none.yaml" 2>"$tmp/log" &
pid=$!
for _ in $(seq 100); do [ -S "$tmp/sock" ] && break; sleep 0.1; done
[ -S "$tmp/sock" ] || { echo "FAIL: bpfmand did not start: $(cat "$tmp/log")"; exit 1; }
"$client" "$tmp/sock" "$obj/tracepoint_counter.bpf.o"
left=$("$bpfmanctl" list programs -o json)
[ "$left" = "[]" ] || { echo "FAIL: programs left after the Go client's Unload: $left"; exit 1; }
