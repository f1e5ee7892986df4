#!/usr/bin/env bash
# bpfman's bytecode conventions (doc/compat.md), with our own test programs
# that reproduce each trait of bpfman's published examples: static entry
# functions of every type, aya-style sections ("classifier/NAME", "xdp/NAME",
# "tc/NAME", "tracepoint/NAME"), LIBBPF_PIN_BY_NAME maps, globals, and the
# older one-step grammar (load-from-file). Each program adds GLOBAL_u8 to
# its counter per event. Runs on the host and in the VM (tests/vm/batch.sh),
# where the kprobe and dispatcher parts run too.
. "$(dirname "$0")/lib.sh"
cli_setup

ns=bpfman-compat-$$ hif=cxh$$ pif=cxp$$ pinger=
# A run killed before its trap ran leaves its namespace and the host end of
# its veth (with this test's subnet, whose route would then take our pings):
# remove those of runs whose process is gone. Only our own names.
for stale in $(ip netns list | sed -n 's/^bpfman-compat-\([0-9]*\).*/\1/p'); do
  kill -0 "$stale" 2>/dev/null && continue
  ip link del "cxh$stale" 2>/dev/null
  ip netns del "bpfman-compat-$stale" 2>/dev/null
done
compat_cleanup() {
  [ -n "$pinger" ] && kill "$pinger" 2>/dev/null
  ip link del "$hif" 2>/dev/null
  ip netns del "$ns" 2>/dev/null
  cli_cleanup
}
trap compat_cleanup EXIT

skip_part() {  # a part this kernel cannot run: a failure where all must run
  [ -n "${BPFMAN_TEST_REQUIRE_ALL:-}" ] && fail "$*"
  echo "*** SKIP (part): $* ***"
}

obj() { echo "$BPF_OBJ_DIR/compat_$1.bpf.o"; }
load() { "$BPFMANCTL" load file -o json "$@" | json_get 0.id; }
map_id_of() {  # program id -> kernel ID of its pinned counter map
  bpftool map show pinned "$("$BPFMANCTL" get program "$1" -o json | json_get map_pin_dir)/counter" -j |
    json_get id
}
rising() {  # id what: the counter grows under the ping traffic
  local a b
  a=$(counter_of "$1"); sleep 0.6; b=$(counter_of "$1")
  [ "$b" -gt "$a" ] || fail "$2: counter not rising ($a -> $b)"
}

ip netns add "$ns"
ip link add name "$hif" type veth peer name "$pif" netns "$ns"
ip addr add 10.80.0.1/24 dev "$hif" && ip link set dev "$hif" up
ip -n "$ns" addr add 10.80.0.2/24 dev "$pif" && ip -n "$ns" link set dev "$pif" up
ping -q -i 0.05 10.80.0.2 >/dev/null 2>&1 &
pinger=$!

# 1. Static tracepoint entry, "tracepoint/NAME" section, a global set by -g,
#    a counter declared LIBBPF_PIN_BY_NAME.
byname_before=$(ls -d /sys/fs/bpf/counter 2>/dev/null || true)
tp=$(load -p "$(obj tracepoint)" --programs tracepoint:compat_tp -g GLOBAL_u8=05)
"$BPFMANCTL" attach "$tp" tracepoint -t syscalls/sys_enter_getpid >/dev/null
trigger_getpid 20
v=$(counter_of "$tp")
[ "$v" -ge 100 ] && [ $((v % 5)) -eq 0 ] || fail "static tracepoint with GLOBAL_u8=5: counter $v"
expect_eq "$(ls -d /sys/fs/bpf/counter 2>/dev/null || true)" "$byname_before" \
  "a pin-by-name map pinned by libbpf under /sys/fs/bpf"
echo "ok: static tracepoint entry, global, pin-by-name map in our layout ($v)"
# The adaptation is said at debug level.
log=$("$BPFMANCTL" -vv load file -p "$(obj tracepoint)" --programs tracepoint:compat_tp -o json 2>&1 >/dev/null)
grep -q "compat_tp (in tracepoint/compat_getpid: static -> global" <<<"$log" || fail "no debug line for the static entry: $log"
grep -q "map 'counter' is declared LIBBPF_PIN_BY_NAME" <<<"$log" || fail "no debug line for the pin-by-name map: $log"
"$BPFMANCTL" unload "$("$BPFMANCTL" list programs -o json | python3 -c 'import json,sys
print(max(p["id"] for p in json.load(sys.stdin)))')"

# 2. Pin-by-name maps are shared on request (--map-owner-id), not by name.
shared=$(load -p "$(obj tracepoint)" --programs tracepoint:compat_tp --map-owner-id "$tp")
own=$(load -p "$(obj tracepoint)" --programs tracepoint:compat_tp)
expect_eq "$(map_id_of "$shared")" "$(map_id_of "$tp")" "counter shared with the owner"
[ "$(map_id_of "$own")" != "$(map_id_of "$tp")" ] || fail "a load without --map-owner-id shares a name-pinned map"
expect_eq "$(counter_of "$own")" 0 "private counter of an unattached program"
"$BPFMANCTL" unload "$shared" && "$BPFMANCTL" unload "$own" && "$BPFMANCTL" unload "$tp"
echo "ok: name-pinned maps shared through --map-owner-id only"

# 3. Static uprobe and uretprobe entries ("uprobe/NAME", "uretprobe/NAME").
for t in uprobe uretprobe; do
  id=$(load -p "$(obj $t)" --programs "$t:compat_$t")
  expect_eq "$("$BPFMANCTL" get program "$id" -o json | json_get retprobe)" \
    "$([ $t = uretprobe ] && echo True || echo False)" "$t retprobe"
  "$BPFMANCTL" attach "$id" uprobe -t libc -f getpid >/dev/null
  trigger_getpid 20
  [ "$(counter_of "$id")" -ge 20 ] || fail "static $t: counter $(counter_of "$id")"
  "$BPFMANCTL" unload "$id"
done
echo "ok: static uprobe and uretprobe entries"

# 4. Static kprobe entry ("kprobe/NAME"); the host has no kprobes.
if [ -e /sys/bus/event_source/devices/kprobe/type ]; then
  id=$(load -p "$(obj kprobe)" --programs kprobe:compat_kprobe)
  "$BPFMANCTL" attach "$id" kprobe -f do_nanosleep >/dev/null
  python3 -c 'import time
for _ in range(10): time.sleep(0.001)'
  [ "$(counter_of "$id")" -ge 10 ] || fail "static kprobe: counter $(counter_of "$id")"
  "$BPFMANCTL" unload "$id"
  echo "ok: static kprobe entry"
else
  skip_part "this kernel has no kprobes; the static kprobe entry runs in the VM"
fi

# 5. XDP: static entry in "xdp/NAME"; TC: static entry in "classifier/NAME",
#    a global one in "classifier/stats", one in "tc/NAME"; TCX: "classifier/NAME".
xdp=$(load -p "$(obj xdp)" --programs xdp:compat_xdp)
"$BPFMANCTL" attach "$xdp" xdp -i "$hif" -p 100 >/dev/null
rising "$xdp" "static xdp entry"
tc=$(load -p "$(obj tc)" --programs tc:compat_tc)
"$BPFMANCTL" attach "$tc" tc -d ingress -i "$hif" -p 50 >/dev/null
rising "$tc" "static tc entry in classifier/NAME"
out=$("$BPFMANCTL" load file -p "$(obj classifier)" --programs tc:stats tcx:tcx_stats tc:tc_prefixed -o json)
stats=$(json_get 0.id <<<"$out") tcx=$(json_get 1.id <<<"$out") prefixed=$(json_get 2.id <<<"$out")
"$BPFMANCTL" attach "$stats" tc -d egress -i "$hif" -p 50 >/dev/null
rising "$stats" "classifier/stats as tc"
"$BPFMANCTL" detach "$("$BPFMANCTL" get program "$stats" -o json | json_get links.0)"
"$BPFMANCTL" attach "$prefixed" tc -d egress -i "$hif" -p 50 >/dev/null
rising "$prefixed" "tc/NAME as tc"
if python3 -c 'import os,sys; v=tuple(map(int,os.uname().release.split(".")[:2])); sys.exit(v < (6, 6))'; then
  "$BPFMANCTL" attach "$tcx" tcx -d ingress -i "$hif" -p 50 >/dev/null
  rising "$tcx" "classifier/tcx_stats as tcx"
  echo "ok: tcx from classifier/NAME"
else
  # Before 6.6 the program still loads; attaching it is refused clearly
  # (the host and the 6.12 VM run it).
  msg=$(expect_exit 1 "$BPFMANCTL" attach "$tcx" tcx -d ingress -i "$hif" -p 50)
  grep -q "TCX needs Linux 6.6" <<<"$msg" || fail "tcx on $(uname -r): $msg"
  echo "ok: kernel $(uname -r) has no TCX: classifier/NAME loads as tcx, its attach is refused clearly"
fi
echo "ok: xdp/NAME, classifier/NAME, tc/NAME (static and global entries)"

# 6. Dispatchers with the same programs where the kernel allows freplace:
#    a second XDP and a second TC program on the same hooks.
msg=$("$BPFMANCTL" load file -p "$BPF_OBJ_DIR/xdp_counter.bpf.o" --programs xdp:xdp_count -o json 2>&1 >/dev/null) || true
xdp2=$("$BPFMANCTL" list programs -o json | python3 -c 'import json,sys
print([p["id"] for p in json.load(sys.stdin) if p["name"]=="xdp_count"][0])')
if grep -q "refuses freplace" <<<"$msg"; then
  skip_part "this kernel refuses freplace: no dispatcher chains (the VM runs them)"
else
  "$BPFMANCTL" attach "$xdp2" xdp -i "$hif" -p 50 >/dev/null
  expect_eq "$("$BPFMANCTL" chain xdp -i "$hif" -o json | python3 -c 'import json,sys
print(len(json.load(sys.stdin)["programs"]))')" 2 "xdp chain length"
  rising "$xdp" "static xdp entry behind a dispatcher"
  rising "$xdp2" "second xdp program in the chain"
  "$BPFMANCTL" detach "$("$BPFMANCTL" get program "$prefixed" -o json | json_get links.0)"
  "$BPFMANCTL" attach "$stats" tc -d ingress -i "$hif" -p 60 >/dev/null
  "$BPFMANCTL" unload "$tc"
  tc=$(load -p "$(obj tc)" --programs tc:compat_tc)
  "$BPFMANCTL" attach "$tc" tc -d ingress -i "$hif" -p 40 --proceed-on ok pipe dispatcher_return >/dev/null
  rising "$tc" "static tc entry in a dispatcher"
  rising "$stats" "classifier/stats after it in the chain"
  echo "ok: static XDP and TC entries in dispatcher chains"
fi
"$BPFMANCTL" unload "$xdp2"
for id in "$xdp" "$tc" "$stats" "$tcx" "$prefixed"; do "$BPFMANCTL" unload "$id"; done

# 7. bpfman's older one-step grammar: load-from-file ... xdp -i IFACE -p 100.
out=$("$BPFMANCTL" load-from-file -g GLOBAL_u8=01 -p "$(obj xdp)" -n compat_xdp xdp -i "$hif" -p 100 -o json)
id=$(json_get id <<<"$out")
expect_eq "$(json_get globals.GLOBAL_u8 <<<"$out")" 01 "load-from-file global"
[ -n "$(json_get links.0 <<<"$out")" ] || fail "load-from-file: no link"
rising "$id" "load-from-file xdp"
"$BPFMANCTL" unload "$id"
# A failed attach unloads what it loaded.
expect_exit 3 "$BPFMANCTL" load-from-file -p "$(obj tracepoint)" -n compat_tp \
  tracepoint -t syscalls/no_such_tracepoint >/dev/null
expect_eq "$("$BPFMANCTL" list programs -o json | json_ids)" "" "load-from-file left a program after a failed attach"
expect_exit 2 "$BPFMANCTL" load-from-file -p "$(obj tracepoint)" tracepoint -t a/b >/dev/null
echo "ok: load-from-file"

# 8. Refusals say what to change, and leave nothing.
msg=$(expect_exit 1 "$BPFMANCTL" load file -p "$(obj legacy_maps)" --programs tracepoint:legacy_tp)
grep -q 'legacy "maps" section' <<<"$msg" && grep -q 'SEC(".maps")' <<<"$msg" || fail "legacy maps message: $msg"
msg=$(expect_exit 1 "$BPFMANCTL" load file -p "$(obj xdp)" --programs tc:compat_xdp)
grep -q "does not make it a tc program" <<<"$msg" || fail "xdp/NAME as tc: $msg"
msg=$(expect_exit 1 "$BPFMANCTL" load file -p "$(obj classifier)" --programs xdp:stats)
grep -q "does not make it a xdp program" <<<"$msg" || fail "classifier/NAME as xdp: $msg"
expect_eq "$("$BPFMANCTL" list programs -o json | json_ids)" "" "programs after refusals"
echo "compat: ok"
