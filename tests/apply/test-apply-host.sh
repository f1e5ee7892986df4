#!/usr/bin/env bash
# Declarative apply on this host's kernel (doc/apply.md): every kind the
# host can run (tracepoint, uprobe, XDP single program, TC and TCX single),
# idempotence (same kernel program IDs, nothing rebuilt), reload on a
# changed bytecode input, per-object failure that leaves nothing of the
# failed object, node selectors, primarynodeinterface in a private network
# namespace, diff changing nothing, delete leaving nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cli/lib.sh"
cli_setup
ns_pid=
veth=apv$$ peer=app$$
cleanup() {
  ip link del "$veth" 2>/dev/null || true
  cli_cleanup
  rm -rf "$work"
}
work=$(mktemp -d /tmp/bpfman-apply-XXXXXX)
trap cleanup EXIT
ctl() { "$BPFMANCTL" "$@"; }

# prog_id KIND/NAME [ATTACH_POINT]: the kernel program ID status reports.
prog_id() {
  ctl get applied "$1" -o json | python3 -c '
import json,sys
docs=json.load(sys.stdin); ap=sys.argv[1] if len(sys.argv)>1 else None
ids={d["metadata"]["annotations"].get("bpfman.io/ProgramId") for d in docs}
print(",".join(sorted(i for i in ids if i)))' ${2:+"$2"}
}
entries() { ctl get applied "$1" -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
nprogs() { ctl list programs -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

tp_doc() {  # NAME GLOBAL_BYTE TRACEPOINTS...
  local name=$1 g=$2; shift 2
  cat <<DOC
---
apiVersion: bpfman.io/v1alpha1
kind: TracepointProgram
metadata:
  name: $name
  labels: {app: counter}
spec:
  bpffunctionname: report_globals
  nodeselector: {}
  names: [$(IFS=,; echo "$*")]
  globaldata:
    GLOBAL_u8: [$g]
    GLOBAL_u32: [0x0D, 0x0C, 0x0B, 0x0A]
  bytecode:
    path: $BPF_OBJ_DIR/globals.bpf.o
DOC
}

echo "== tracepoint: created, then unchanged with the same program ID"
tp_doc tp-one 0x01 syscalls/sys_enter_getpid >"$work/tp.yaml"
out=$(ctl apply -f "$work/tp.yaml")
expect_eq "$out" "tracepointprogram/tp-one created" "first apply"
id1=$(prog_id tracepointprogram/tp-one)
[ -n "$id1" ] || fail "status has no program ID"
out=$(ctl apply -f "$work/tp.yaml")
expect_eq "$out" "tracepointprogram/tp-one unchanged" "second apply"
expect_eq "$(prog_id tracepointprogram/tp-one)" "$id1" "program ID after re-apply"
out=$(ctl diff -f "$work/tp.yaml")
grep -q "^tracepointprogram/tp-one: keep syscalls/sys_enter_getpid" <<<"$out" || fail "diff should only keep: $out"
grep -qE ': (load|attach|update|detach|unload)' <<<"$out" && fail "diff of applied documents plans changes: $out"

echo "== status: BpfProgram-shaped, Loaded/bpfmanLoaded, map pin paths"
ctl get applied tracepointprogram/tp-one -o yaml >"$work/status.yaml"
python3 - "$work/status.yaml" <<'PY'
import sys
t=open(sys.argv[1]).read()
for want in ["kind: BpfProgram", "bpfman.io/ownedByProgram: tp-one", "type: Loaded",
             "reason: bpfmanLoaded", "status: \"True\"", "kind: TracepointProgram",
             "bpfman.io.tracepointprogramcontroller/tracepoint: syscalls/sys_enter_getpid"]:
    assert want in t, "status lacks %r:\n%s" % (want, t)
PY
ctl get applied tracepointprogram/tp-one -o json | python3 -c '
import json,sys,os
d=json.load(sys.stdin)[0]
maps=d["spec"]["maps"]
assert maps and all(os.path.exists(p) for p in maps.values()), maps'

echo "== a second tracepoint attaches to the same program; removing it detaches"
tp_doc tp-one 0x01 syscalls/sys_enter_getpid syscalls/sys_enter_getppid >"$work/tp2.yaml"
expect_eq "$(ctl apply -f "$work/tp2.yaml")" "tracepointprogram/tp-one configured" "added tracepoint"
expect_eq "$(prog_id tracepointprogram/tp-one)" "$id1" "program ID after adding an attach point"
expect_eq "$(entries tracepointprogram/tp-one)" 2 "entries with two tracepoints"
expect_eq "$(ctl apply -f "$work/tp.yaml")" "tracepointprogram/tp-one configured" "removed tracepoint"
expect_eq "$(entries tracepointprogram/tp-one)" 1 "entries with one tracepoint"
expect_eq "$(prog_id tracepointprogram/tp-one)" "$id1" "program ID after removing an attach point"

echo "== changed globaldata reloads (new program ID)"
tp_doc tp-one 0x02 syscalls/sys_enter_getpid >"$work/tp3.yaml"
expect_eq "$(ctl apply -f "$work/tp3.yaml")" "tracepointprogram/tp-one configured" "changed global"
id2=$(prog_id tracepointprogram/tp-one)
[ -n "$id2" ] && [ "$id2" != "$id1" ] || fail "changed globaldata should reload: $id1 -> $id2"
expect_eq "$(nprogs)" 1 "programs after reload (the old one is gone)"

echo "== per-object failure: the good object applies, the bad one leaves nothing"
{ tp_doc tp-one 0x02 syscalls/sys_enter_getpid
  cat <<DOC
---
apiVersion: bpfman.io/v1alpha1
kind: TracepointProgram
metadata: {name: tp-bad}
spec:
  bpffunctionname: report_globals
  names: [syscalls/sys_enter_getpid, nosuchgroup/nosuchevent]
  bytecode: {path: $BPF_OBJ_DIR/globals.bpf.o}
DOC
  cat <<DOC
---
apiVersion: bpfman.io/v1alpha1
kind: TracepointProgram
metadata: {name: tp-missing}
spec:
  bpffunctionname: no_such_function
  names: [syscalls/sys_enter_getpid]
  bytecode: {path: $BPF_OBJ_DIR/globals.bpf.o}
DOC
} >"$work/mixed.yaml"
rc=0; out=$(ctl apply -f "$work/mixed.yaml" 2>&1) || rc=$?
expect_eq "$rc" 1 "exit status with a failed object"
grep -q "^tracepointprogram/tp-one unchanged" <<<"$out" || fail "good object not reported: $out"
grep -q "error: tracepointprogram/tp-bad: .*nosuchgroup" <<<"$out" || fail "bad attach not reported: $out"
grep -q "error: tracepointprogram/tp-missing: .*no_such_function" <<<"$out" || fail "bad function not reported: $out"
expect_eq "$(nprogs)" 1 "programs after a partly failed apply"
expect_eq "$(prog_id tracepointprogram/tp-one)" "$id2" "good object's program ID"

echo "== node selector: --node-label and the config file's node.labels"
cat >"$work/sel.yaml" <<DOC
apiVersion: bpfman.io/v1alpha1
kind: TracepointProgram
metadata: {name: tp-sel}
spec:
  bpffunctionname: count_getpid
  nodeselector:
    matchLabels: {role: edge}
    matchExpressions:
    - {key: zone, operator: In, values: [a, b]}
  names: [syscalls/sys_enter_getpid]
  bytecode: {path: $BPF_OBJ_DIR/tracepoint_counter.bpf.o}
DOC
expect_eq "$(ctl apply -f "$work/sel.yaml" --node-label role=core,zone=a)" "tracepointprogram/tp-sel not selected" "unselected"
expect_eq "$(nprogs)" 1 "programs with an unselected object"
printf 'node:\n  name: test-node\n  labels:\n    role: edge\n    zone: b\n' >"$work/config.yaml"
expect_eq "$(ctl --config "$work/config.yaml" apply -f "$work/sel.yaml")" "tracepointprogram/tp-sel created" "selected by config labels"
ctl --config "$work/config.yaml" get applied tracepointprogram/tp-sel -o yaml | grep -q "kubernetes.io/hostname: test-node" || fail "node name from config not in status"
expect_eq "$(ctl apply -f "$work/sel.yaml" --node-label role=edge,zone=c)" "tracepointprogram/tp-sel not selected" "deselected"
expect_eq "$(entries tracepointprogram/tp-sel 2>/dev/null || echo 0)" 0 "entries after deselection"

echo "== uprobe on this script's python (libc malloc)"
cat >"$work/up.yaml" <<DOC
apiVersion: bpfman.io/v1alpha1
kind: UprobeProgram
metadata: {name: up-malloc}
spec:
  bpffunctionname: uprobe_count
  func_name: malloc
  target: libc
  retprobe: false
  bytecode: {path: $BPF_OBJ_DIR/uprobe_counter.bpf.o}
DOC
expect_eq "$(ctl apply -f "$work/up.yaml")" "uprobeprogram/up-malloc created" "uprobe"
expect_eq "$(ctl apply -f "$work/up.yaml")" "uprobeprogram/up-malloc unchanged" "uprobe again"
sed 's/retprobe: false/retprobe: true/' "$work/up.yaml" >"$work/up-ret.yaml"
rc=0; out=$(ctl apply -f "$work/up-ret.yaml" 2>&1) || rc=$?
expect_eq "$rc" 1 "retprobe that the ELF section contradicts"
grep -q "retprobe" <<<"$out" || fail "retprobe mismatch not explained: $out"
expect_eq "$(entries uprobeprogram/up-malloc)" 1 "uprobe kept after the refused change"

echo "== XDP (one program), TC and TCX on a veth pair"
ip link add "$veth" type veth peer name "$peer"
ip link set "$veth" up; ip link set "$peer" up
cat >"$work/net.yaml" <<DOC
apiVersion: bpfman.io/v1alpha1
kind: XdpProgram
metadata: {name: xdp-one}
spec:
  bpffunctionname: xdp_pass
  interfaceselector: {interfaces: [$veth]}
  priority: 50
  proceedon: [pass, dispatcher_return]
  bytecode: {path: $BPF_OBJ_DIR/xdp_counter.bpf.o}
---
apiVersion: bpfman.io/v1alpha1
kind: TcProgram
metadata: {name: tc-one}
spec:
  bpffunctionname: tc_count
  interfaceselector: {interfaces: [$veth]}
  priority: 10
  direction: ingress
  proceedon: [pipe, dispatcher_return]
  bytecode: {path: $BPF_OBJ_DIR/tc_counter.bpf.o}
---
apiVersion: bpfman.io/v1alpha1
kind: TcxProgram
metadata: {name: tcx-one}
spec:
  bpffunctionname: tc_count
  interfaceselector: {interfaces: [$veth]}
  priority: 10
  direction: egress
  bytecode: {path: $BPF_OBJ_DIR/tc_counter.bpf.o}
DOC
out=$(ctl apply -f "$work/net.yaml")
expect_eq "$out" "xdpprogram/xdp-one created
tcprogram/tc-one created
tcxprogram/tcx-one created" "network kinds"
ids=$(for o in xdpprogram/xdp-one tcprogram/tc-one tcxprogram/tcx-one; do prog_id $o; done)
out=$(ctl apply -f "$work/net.yaml")
expect_eq "$out" "xdpprogram/xdp-one unchanged
tcprogram/tc-one unchanged
tcxprogram/tcx-one unchanged" "network kinds again"
expect_eq "$(for o in xdpprogram/xdp-one tcprogram/tc-one tcxprogram/tcx-one; do prog_id $o; done)" "$ids" "network program IDs after re-apply"
ctl chain xdp -i "$veth" | grep -qw "$(prog_id xdpprogram/xdp-one)" || fail "xdp-one not running on $veth: $(ctl chain xdp -i "$veth")"
ctl chain tcx -i "$veth" -d egress | grep -qw "$(prog_id tcxprogram/tcx-one)" || fail "tcx-one not running on $veth egress"

echo "== a missing interface fails that object only, nothing half applied"
cat >"$work/noif.yaml" <<DOC
apiVersion: bpfman.io/v1alpha1
kind: TcxProgram
metadata: {name: tcx-noif}
spec:
  bpffunctionname: tc_count
  interfaceselector: {interfaces: [$veth, nosuch$$]}
  priority: 10
  direction: ingress
  bytecode: {path: $BPF_OBJ_DIR/tc_counter.bpf.o}
DOC
n_before=$(nprogs)
rc=0; out=$(ctl apply -f "$work/noif.yaml" 2>&1) || rc=$?
expect_eq "$rc" 1 "missing interface"
grep -q "interface nosuch$$ does not exist" <<<"$out" || fail "missing interface not named: $out"
expect_eq "$(nprogs)" "$n_before" "programs after the failed object"

echo "== primarynodeinterface: the default route's interface in a private netns"
cat >"$work/primary.yaml" <<DOC
apiVersion: bpfman.io/v1alpha1
kind: TcxProgram
metadata: {name: tcx-primary}
spec:
  bpffunctionname: tc_count
  interfaceselector: {primarynodeinterface: true}
  priority: 5
  direction: ingress
  bytecode: {path: $BPF_OBJ_DIR/tc_counter.bpf.o}
DOC
unshare --net bash -c '
  set -e
  ip link add apd0 type veth peer name apd1; ip link set apd0 up; ip link set apd1 up; ip link set lo up
  ip addr add 10.231.0.1/24 dev apd0; ip route add default via 10.231.0.2
  "$0" apply -f "$1"
  "$0" get applied tcxprogram/tcx-primary -o json | python3 -c "
import json,sys; d=json.load(sys.stdin)
assert d[0][\"metadata\"][\"annotations\"][\"bpfman.io.tcxprogramcontroller/interface\"]==\"apd0\", d"
  "$0" delete -f "$1"' "$BPFMANCTL" "$work/primary.yaml" >"$work/primary.out" || { cat "$work/primary.out"; fail "primarynodeinterface"; }
grep -q "tcxprogram/tcx-primary created" "$work/primary.out" || fail "primary: $(cat "$work/primary.out")"

echo "== delete -f leaves nothing"
out=$(ctl delete -f "$work/net.yaml" -f "$work/tp.yaml" -f "$work/up.yaml" -f "$work/sel.yaml")
expect_eq "$out" "xdpprogram/xdp-one deleted
tcprogram/tc-one deleted
tcxprogram/tcx-one deleted
tracepointprogram/tp-one deleted
uprobeprogram/up-malloc deleted
tracepointprogram/tp-sel not found" "delete"
expect_eq "$(nprogs)" 0 "programs after delete"
expect_eq "$(ctl list links -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 0 "links after delete"
expect_eq "$(ctl get applied)" "Nothing applied on this node." "get applied after delete"
echo "PASS"
