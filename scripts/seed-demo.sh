#!/usr/bin/env bash
# The seed's demonstration on one host, without Kubernetes: an XDP packet
# counter at priority 55 counts traffic; xdp_pass at priority 50 with
# proceed-on drop ends the chain before it, and the count stops; moving
# xdp_pass to priority 60 lets the counter run first again. Everything runs
# in a private network namespace and is removed at the end.
#
# Multi-program XDP needs freplace (BPF_PROG_TYPE_EXT). Where this kernel
# refuses it, the same script runs inside the test VM (tests/vm/vm-run) and
# says so.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
ctl=$top/build/tools/bpfmanctl/bpfmanctl
obj=$top/build/tests/bpf/xdp_counter.bpf.o

mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing

freplace_works() {
  local pin=/sys/fs/bpf/seed-demo-probe-$$ ok=1
  bpftool prog load "$top/build/tests/bpf/fentry_counter.bpf.o" "$pin" >/dev/null 2>&1 || ok=0
  rm -f "$pin"
  [ $ok = 1 ]
}

if [ -z "${BPFMAN_IN_VM:-}" ] && ! freplace_works; then
  echo "seed demo: this kernel ($(uname -r)) refuses freplace programs, which multi-program"
  echo "seed demo: XDP needs; running the demo inside a Debian 6.12 kernel under qemu instead."
  exec tests/vm/vm-run --kernel 6.12 --timeout 600 --rw "$top" -- scripts/seed-demo.sh
fi

export BPFMAN_STATE_DIR=$(mktemp -d /tmp/bpfman-seed-XXXXXX)
export BPFMAN_BPFFS_ROOT=/sys/fs/bpf/bpfman-seed-$$
ns=seed$$ host_if=seedh$$ peer_if=seedp$$
pinger=
cleanup() {
  [ -z "$pinger" ] || kill "$pinger" 2>/dev/null || true
  for id in $("$ctl" list programs -o json 2>/dev/null | python3 -c 'import json,sys; [print(p["id"]) for p in json.load(sys.stdin)]'); do
    "$ctl" unload "$id" >/dev/null 2>&1 || true
  done
  ip link del "$host_if" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$BPFMAN_STATE_DIR" "$BPFMAN_BPFFS_ROOT"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
id_of() { python3 -c 'import json,sys; d=json.load(sys.stdin); print((d[0] if isinstance(d,list) else d)["id"])'; }
count() {
  bpftool map lookup pinned "$BPFMAN_BPFFS_ROOT/maps/$1/counter" key 0 0 0 0 -j | python3 -c '
import json,sys
v=json.load(sys.stdin); v=v.get("formatted",v)["value"]
print(v if isinstance(v,int) else int.from_bytes(bytes(int(b,16) for b in v),"little"))'
}
# watch_count ID rising|still: prints the counter three times, a second
# apart, and fails the demo unless it behaved as the seed says.
watch_count() {
  local first last
  first=$(count "$1")
  for _ in 1 2 3; do sleep 1; last=$(count "$1"); echo "  $(date +%T) $last packets counted"; done
  if [ "$2" = rising ] && [ "$last" -le "$first" ]; then
    echo "seed demo: FAIL: the counter should be rising"; exit 1
  fi
  if [ "$2" = still ] && [ "$last" -ne "$first" ]; then
    echo "seed demo: FAIL: the counter should stand still"; exit 1
  fi
}

step "1. a network namespace and a veth pair with traffic"
ip netns add "$ns"
ip link add name "$host_if" type veth peer name "$peer_if" netns "$ns"
ip addr add 10.77.0.1/24 dev "$host_if" && ip link set dev "$host_if" up
ip -n "$ns" addr add 10.77.0.2/24 dev "$peer_if" && ip -n "$ns" link set dev "$peer_if" up
ip -n "$ns" link set dev lo up
ping -q -i 0.05 10.77.0.2 >/dev/null 2>&1 &
pinger=$!
echo "traffic: ping 10.77.0.2 every 50 ms into $ns/$peer_if"

step "2. the XDP packet counter at priority 55 (proceed-on pass, dispatcher_return)"
counter=$("$ctl" load file -p "$obj" --programs xdp:xdp_count -m app=go-xdp-counter -o json | id_of)
run "$ctl" attach "$counter" xdp -i "$peer_if" -n "/var/run/netns/$ns" -p 55 --proceed-on pass dispatcher_return -o json >/dev/null
watch_count "$counter" rising

step "3. xdp_pass at priority 50 with proceed-on drop: it returns XDP_PASS, so the chain ends before the counter"
pass=$("$ctl" load file -p "$obj" --programs xdp:xdp_pass -o json | id_of)
link=$("$ctl" attach "$pass" xdp -i "$peer_if" -n "/var/run/netns/$ns" -p 50 --proceed-on drop -o json | id_of)
run "$ctl" list links
run nsenter --net="/var/run/netns/$ns" xdp-loader status "$peer_if"
sleep 0.5  # packets already past the old chain
watch_count "$counter" still

step "4. xdp_pass moved to priority 60: the counter runs first again"
run "$ctl" update "$link" -p 60 -o json >/dev/null
run nsenter --net="/var/run/netns/$ns" xdp-loader status "$peer_if"
watch_count "$counter" rising

step "5. clean up"
run "$ctl" unload "$pass"
run "$ctl" unload "$counter"
left=$(find "$BPFMAN_BPFFS_ROOT" -mindepth 1 -not -type d -not -path "$BPFMAN_BPFFS_ROOT/owner" | wc -l)
xdp=$(ip netns exec "$ns" ip -o link show dev "$peer_if" | grep -c xdp || true)
echo "pins left: $left, XDP programs on $peer_if: $xdp"
[ "$left" = 0 ] && [ "$xdp" = 0 ]
echo "seed demo: done, nothing left behind"
