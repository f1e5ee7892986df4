#!/usr/bin/env bash
# The main job: set up, build, show bpfmanctl's help, do a tracepoint
# round trip (load, attach, watch it count, detach, unload) in an isolated
# state directory, then the seed's XDP demonstration (scripts/seed-demo.sh;
# inside the test VM where this kernel refuses freplace).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing

ctl=build/tools/bpfmanctl/bpfmanctl
export BPFMAN_STATE_DIR=$(mktemp -d /tmp/bpfman-demo-XXXXXX)
export BPFMAN_BPFFS_ROOT=/sys/fs/bpf/bpfman-demo-$$
trap 'rm -rf "$BPFMAN_STATE_DIR" "$BPFMAN_BPFFS_ROOT"' EXIT

run() { printf '\n$ %s\n' "$*"; "$@"; }
count() {
  bpftool map lookup pinned "$BPFMAN_BPFFS_ROOT/maps/$1/counter" key 0 0 0 0 -j |
    python3 -c 'import json,sys
v=json.load(sys.stdin); v=v.get("formatted",v)["value"]
print(v if isinstance(v,int) else int.from_bytes(bytes(int(b,16) for b in v),"little"))'
}

run "$ctl" --help
out=$("$ctl" load file -p build/tests/bpf/tracepoint_counter.bpf.o \
      --programs tracepoint:count_getpid -m app=demo -o json)
id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])' <<<"$out")
printf '\n$ bpfmanctl load file -p tracepoint_counter.bpf.o --programs tracepoint:count_getpid -m app=demo\nloaded program %s\n' "$id"
run "$ctl" attach "$id" tracepoint -t syscalls/sys_enter_getpid
python3 -c 'import os; [os.getpid() for _ in range(100)]'
echo; echo "counter after 100 getpid() calls (any process counts): $(count "$id")"
run "$ctl" list links
link=$("$ctl" list links -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
run "$ctl" detach "$link"
run "$ctl" unload "$id"
run "$ctl" list programs
echo; echo "demo: round trip done, nothing left behind"
rm -rf "$BPFMAN_STATE_DIR" "$BPFMAN_BPFFS_ROOT"
trap - EXIT
unset BPFMAN_STATE_DIR BPFMAN_BPFFS_ROOT
echo; echo "==== the seed's demonstration"
scripts/seed-demo.sh
