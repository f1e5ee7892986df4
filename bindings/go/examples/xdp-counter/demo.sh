#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The seed's demonstration with the Go example instead of a C counter
# (scripts/seed-demo.sh does it with bpfmanctl alone): xdp-counter counts at
# priority 55; bpfmanctl puts xdp_pass at priority 50 with proceed-on drop
# in front of it and the count stops; xdp_pass moved to priority 60 lets the
# count resume; SIGTERM unloads the counter.
#   demo.sh BUILDDIR   (run by tests/vm/batch.sh inside the VM: multi-program
#                       XDP needs freplace, which the host kernel refuses)
# The example binary is built on the host by the `go` meson suite.
set -euo pipefail
builddir=$(cd "${1:?usage: demo.sh BUILDDIR}" && pwd)
ctl=$builddir/tools/bpfmanctl/bpfmanctl
counter_bin=$builddir/bindings/go/xdp-counter
counter_obj=$builddir/bindings/go/xdp_counter.bpf.o
pass_obj=$builddir/tests/bpf/xdp_counter.bpf.o
[ -x "$counter_bin" ] || { echo "go demo: $counter_bin is missing; the go meson suite builds it on the host (meson test -C build --suite go)"; exit 1; }

mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
export BPFMAN_STATE_DIR=$(mktemp -d /tmp/bpfman-godemo-XXXXXX)
export BPFMAN_BPFFS_ROOT=/sys/fs/bpf/bpfman-godemo-$$
ns=godemo$$ host_if=gdh$$ peer_if=gdp$$
log=$BPFMAN_STATE_DIR/xdp-counter.log
pinger= counter_pid=
cleanup() {
  [ -z "$pinger" ] || kill "$pinger" 2>/dev/null || true
  [ -z "$counter_pid" ] || kill "$counter_pid" 2>/dev/null || true
  for id in $("$ctl" list programs -o json 2>/dev/null | python3 -c 'import json,sys; [print(p["id"]) for p in json.load(sys.stdin)]'); do
    "$ctl" unload "$id" >/dev/null 2>&1 || true
  done
  ip link del "$host_if" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$BPFMAN_STATE_DIR" "$BPFMAN_BPFFS_ROOT"
}
trap cleanup EXIT
fail() { echo "go demo: FAIL: $*"; echo "--- xdp-counter log:"; cat "$log"; exit 1; }
step() { printf '\n== %s\n' "$*"; }
packets() { grep -oE '[0-9]+ packets received' "$log" | tail -n1 | cut -d' ' -f1; }
# watch rising|still: the example's count over three seconds.
watch() {
  local first last
  sleep 1.2; first=$(packets)
  sleep 3.2; last=$(packets)
  echo "  xdp-counter logged $first, then $last packets received"
  [ -n "$first" ] && [ -n "$last" ] || fail "no count logged"
  if [ "$1" = rising ] && [ "$last" -le "$first" ]; then fail "the count should be rising"; fi
  if [ "$1" = still ] && [ "$last" -ne "$first" ]; then fail "the count should stand still"; fi
  return 0
}

step "1. a network namespace and a veth pair with traffic"
ip netns add "$ns"
ip link add name "$host_if" type veth peer name "$peer_if" netns "$ns"
ip addr add 10.78.0.1/24 dev "$host_if" && ip link set dev "$host_if" up
ip -n "$ns" addr add 10.78.0.2/24 dev "$peer_if" && ip -n "$ns" link set dev "$peer_if" up
ping -q -i 0.05 10.78.0.2 >/dev/null 2>&1 &
pinger=$!

step "2. the Go xdp-counter at priority 55"
"$counter_bin" -iface "$peer_if" -netns "/var/run/netns/$ns" -priority 55 -obj "$counter_obj" -interval 1s >"$log" 2>&1 &
counter_pid=$!
for _ in $(seq 1 100); do grep -q "packets received" "$log" && break; sleep 0.2; done
grep -q "attached to $peer_if at priority 55" "$log" || fail "the example did not attach"
watch rising

step "3. xdp_pass at priority 50 with proceed-on drop: the chain ends before the counter"
pass=$("$ctl" load file -p "$pass_obj" --programs xdp:xdp_pass -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
link=$("$ctl" attach "$pass" xdp -i "$peer_if" -n "/var/run/netns/$ns" -p 50 --proceed-on drop -o json | python3 -c 'import json,sys; d=json.load(sys.stdin); print((d[0] if isinstance(d,list) else d)["id"])')
"$ctl" list links
watch still

step "4. xdp_pass moved to priority 60: the counter runs first again"
"$ctl" update "$link" -p 60 -o json >/dev/null
watch rising

step "5. SIGTERM: the example unloads its program"
kill -TERM "$counter_pid"
wait "$counter_pid" || fail "xdp-counter exited with $?"
counter_pid=
grep -q "unloaded program" "$log" || fail "no unload logged"
left=$("$ctl" list programs -o json | python3 -c 'import json,sys; print(" ".join(str(p["id"]) for p in json.load(sys.stdin)))')
[ "$left" = "$pass" ] || fail "programs left: '$left', want only xdp_pass ($pass)"
"$ctl" unload "$pass"
pins=$(find "$BPFMAN_BPFFS_ROOT" -mindepth 1 -not -type d -not -path "$BPFMAN_BPFFS_ROOT/owner" | wc -l)  # owner: the root's claim (doc/safety.md)
[ "$pins" = 0 ] || fail "$pins pins left"
tail -n 4 "$log"
echo "go demo: done, the Go counter stopped behind xdp_pass at 50 (proceed-on drop) and resumed with xdp_pass at 60"
