#!/usr/bin/env bash
# The seed's demonstration driven only by YAML (doc/apply.md), plus the
# kinds only the VM kernels run (kprobe, fentry, fexit). Runs in the test VM
# (tests/vm/batch.sh): multi-program XDP needs freplace, and the test sets
# the VM's default route (primarynodeinterface), which a host must not.
#
#  1. images built with `bpfmanctl image build` and pushed to a real
#     docker-registry on 127.0.0.1; documents name them by URL;
#  2. the counter XdpProgram at priority 55 counts packets on the primary
#     node interface;
#  3. the seed's xdp-pass-all-nodes at 50 with proceedon [drop]: counting
#     stops;
#  4. the same document at 60: counting resumes, same kernel program IDs,
#     the link updated in place; applying it again changes nothing (same
#     dispatcher);
#  5. delete -f leaves nothing: no programs, pins or XDP on the interface.
set -euo pipefail
apply_dir=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$apply_dir/../.." && pwd)
export REGISTRY_TEST_PORTS=5300-5399
. "$top/tests/image/lib.sh"
if [ -z "${BPFMAN_IN_VM:-}" ]; then
  echo "*** SKIP: this test changes the default route and needs freplace; it runs in the test VM (tests/vm/batch.sh) ***"
  exit 77
fi
image_setup
ns=apns$$ host_if=aph$$ peer_if=app$$ pinger=
vm_cleanup() {
  [ -z "$pinger" ] || kill "$pinger" 2>/dev/null || true
  ip link del "$host_if" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  image_cleanup
}
trap vm_cleanup EXIT
ctl() { bm "$@"; }

step() { printf '\n== %s\n' "$*"; }
applied_json() { ctl get applied "$1" -o json; }
prog_id() { applied_json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["metadata"]["annotations"]["bpfman.io/ProgramId"])'; }
link_id() { applied_json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["metadata"]["annotations"]["bpfman.io/LinkId"])'; }
map_path() { applied_json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["spec"]["maps"][sys.argv[1]])' "$2"; }
count() {
  bpftool map lookup pinned "$1" key 0 0 0 0 -j | python3 -c '
import json,sys
v=json.load(sys.stdin); v=v.get("formatted",v)["value"]
print(v if isinstance(v,int) else int.from_bytes(bytes(int(b,16) for b in v),"little"))'
}
watch_count() {  # MAP_PATH rising|still
  local first last
  first=$(count "$1"); sleep 2; last=$(count "$1")
  echo "  counter: $first -> $last"
  if [ "$2" = rising ] && [ "$last" -le "$first" ]; then fail "the counter should be rising"; fi
  if [ "$2" = still ] && [ "$last" -ne "$first" ]; then fail "the counter should stand still"; fi
}
dispatcher() { ctl chain xdp -i "$host_if" -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["dispatcher_id"])'; }

step "1. a registry on 127.0.0.1 with the two bytecode images"
start_registry R plain
write_config "$R_HOST=insecure"
ctl image build -f "$BPF_OBJ_DIR/xdp_counter.bpf.o" -t "$R_HOST/bpfman-bytecode/go-xdp-counter:latest" >/dev/null
ctl image build -f "$BPF_OBJ_DIR/xdp_pass.bpf.o" -t "$R_HOST/bpfman-bytecode/xdp_pass:latest" >/dev/null
for f in seed-xdp-pass-50 seed-xdp-pass-60 seed-xdp-pass; do
  sed "s#quay.io/bpfman-bytecode/#$R_HOST/bpfman-bytecode/#" "$apply_dir/$f.yaml" >"$work/$f.yaml"
done
cat >"$work/counter.yaml" <<DOC
apiVersion: bpfman.io/v1alpha1
kind: XdpProgram
metadata:
  labels:
    app.kubernetes.io/name: go-xdp-counter
  name: go-xdp-counter-example
spec:
  bpffunctionname: xdp_count
  nodeselector: {}
  interfaceselector:
    primarynodeinterface: true
  priority: 55
  bytecode:
    image:
      url: $R_HOST/bpfman-bytecode/go-xdp-counter:latest
      imagepullpolicy: Always
DOC

step "2. a veth pair whose host end carries the default route, with traffic"
ip netns add "$ns"
ip link add name "$host_if" type veth peer name "$peer_if" netns "$ns"
ip addr add 10.78.0.1/24 dev "$host_if"; ip link set dev "$host_if" up
ip -n "$ns" addr add 10.78.0.2/24 dev "$peer_if"; ip -n "$ns" link set dev "$peer_if" up
ip -n "$ns" link set dev lo up
ip route replace default via 10.78.0.2 dev "$host_if"
ip netns exec "$ns" ping -q -i 0.05 10.78.0.1 >/dev/null 2>&1 &
pinger=$!

step "3. the counter at priority 55 counts"
expect_eq "$(ctl apply -f "$work/counter.yaml")" "xdpprogram/go-xdp-counter-example created" "counter"
ctl get applied xdpprogram/go-xdp-counter-example -o yaml | grep -q "bpfman.io.xdpprogramcontroller/interface: $host_if" ||
  fail "the counter is not on the primary interface $host_if"
counter_map=$(map_path xdpprogram/go-xdp-counter-example counter)
watch_count "$counter_map" rising

step "4. the seed's xdp-pass-all-nodes at 50 with proceedon [drop]: counting stops"
expect_eq "$(ctl apply -f "$work/seed-xdp-pass-50.yaml")" "xdpprogram/xdp-pass-all-nodes created" "xdp-pass at 50"
ctl chain xdp -i "$host_if"
sleep 0.5
watch_count "$counter_map" still
counter_id=$(prog_id xdpprogram/go-xdp-counter-example)
pass_id=$(prog_id xdpprogram/xdp-pass-all-nodes)
pass_link=$(link_id xdpprogram/xdp-pass-all-nodes)

step "5. re-applied at 60: counting resumes, same kernel program IDs"
ctl diff -f "$work/seed-xdp-pass-60.yaml" | tee "$work/diff"
grep -q "^xdpprogram/xdp-pass-all-nodes: update $host_if: priority 50 -> 60" "$work/diff" || fail "diff does not plan the in-place update"
expect_eq "$(ctl apply -f "$work/seed-xdp-pass-60.yaml")" "xdpprogram/xdp-pass-all-nodes configured" "xdp-pass at 60"
ctl chain xdp -i "$host_if"
watch_count "$counter_map" rising
expect_eq "$(prog_id xdpprogram/xdp-pass-all-nodes)" "$pass_id" "xdp-pass program ID after the move"
expect_eq "$(link_id xdpprogram/xdp-pass-all-nodes)" "$pass_link" "xdp-pass link ID after the move"
expect_eq "$(prog_id xdpprogram/go-xdp-counter-example)" "$counter_id" "counter program ID after the move"
disp=$(dispatcher)
expect_eq "$(ctl apply -f "$work/seed-xdp-pass-60.yaml" -f "$work/counter.yaml")" "xdpprogram/xdp-pass-all-nodes unchanged
xdpprogram/go-xdp-counter-example unchanged" "everything again"
expect_eq "$(dispatcher)" "$disp" "dispatcher after an unchanged apply (no rebuild)"
ctl get applied -o yaml

step "6. the seed's first listing (globaldata GLOBAL_u8) reloads in place of the same object"
expect_eq "$(ctl apply -f "$work/seed-xdp-pass.yaml")" "xdpprogram/xdp-pass-all-nodes configured" "seed listing"
[ "$(prog_id xdpprogram/xdp-pass-all-nodes)" != "$pass_id" ] || fail "changed globaldata should reload"

step "7. delete -f leaves nothing"
expect_eq "$(ctl delete -f "$work/seed-xdp-pass.yaml" -f "$work/counter.yaml")" "xdpprogram/xdp-pass-all-nodes deleted
xdpprogram/go-xdp-counter-example deleted" "delete"
expect_eq "$(ctl list programs -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 0 "programs left"
left=$(find "$BPFMAN_BPFFS_ROOT" -mindepth 1 -not -type d -not -path "$BPFMAN_BPFFS_ROOT/owner" | wc -l)  # owner: the root's claim (doc/safety.md)
expect_eq "$left" 0 "pins left"
expect_eq "$(ip -o link show dev "$host_if" | grep -c xdp || true)" 0 "XDP programs left on $host_if"

step "8. TC: a priority change moves the link in place (same program and link IDs)"
cat >"$work/tc.yaml" <<DOC
apiVersion: bpfman.io/v1alpha1
kind: TcProgram
metadata: {name: tc-count}
spec:
  bpffunctionname: tc_count
  interfaceselector: {primarynodeinterface: true}
  priority: 10
  direction: ingress
  proceedon: [pipe, dispatcher_return]
  bytecode: {path: $BPF_OBJ_DIR/tc_counter.bpf.o}
DOC
sed 's/priority: 10/priority: 20/; s/proceedon: \[pipe, dispatcher_return\]/proceedon: [ok, pipe, dispatcher_return]/' "$work/tc.yaml" >"$work/tc20.yaml"
expect_eq "$(ctl apply -f "$work/tc.yaml")" "tcprogram/tc-count created" "tc"
tc_id=$(prog_id tcprogram/tc-count); tc_link=$(link_id tcprogram/tc-count)
expect_eq "$(ctl apply -f "$work/tc20.yaml")" "tcprogram/tc-count configured" "tc at 20"
expect_eq "$(prog_id tcprogram/tc-count)" "$tc_id" "tc program ID after the move"
expect_eq "$(link_id tcprogram/tc-count)" "$tc_link" "tc link ID after the move"
ctl chain tc -i "$host_if" -d ingress | tee "$work/tcchain"
grep -qw 20 "$work/tcchain" || fail "the TC chain does not show priority 20"
expect_eq "$(ctl delete -f "$work/tc.yaml")" "tcprogram/tc-count deleted" "tc delete"

step "9. kprobe, fentry and fexit documents"
cat >"$work/tracing.yaml" <<DOC
apiVersion: bpfman.io/v1alpha1
kind: KprobeProgram
metadata: {name: kp-nanosleep}
spec:
  bpffunctionname: kprobe_count
  func_name: do_nanosleep
  offset: 0
  retprobe: false
  bytecode: {path: $BPF_OBJ_DIR/kprobe_counter.bpf.o}
---
apiVersion: bpfman.io/v1alpha1
kind: KprobeProgram
metadata: {name: kretp-nanosleep}
spec:
  bpffunctionname: kretprobe_count
  func_name: do_nanosleep
  retprobe: true
  bytecode: {path: $BPF_OBJ_DIR/kprobe_counter.bpf.o}
---
apiVersion: bpfman.io/v1alpha1
kind: FentryProgram
metadata: {name: fentry-nanosleep}
spec:
  bpffunctionname: fentry_count
  func_name: do_nanosleep
  bytecode: {path: $BPF_OBJ_DIR/fentry_counter.bpf.o}
---
apiVersion: bpfman.io/v1alpha1
kind: FexitProgram
metadata: {name: fexit-nanosleep}
spec:
  bpffunctionname: fexit_count
  func_name: do_nanosleep
  bytecode: {path: $BPF_OBJ_DIR/fentry_counter.bpf.o}
DOC
expect_eq "$(ctl apply -f "$work/tracing.yaml")" "kprobeprogram/kp-nanosleep created
kprobeprogram/kretp-nanosleep created
fentryprogram/fentry-nanosleep created
fexitprogram/fexit-nanosleep created" "tracing kinds"
ids=$(for o in kprobeprogram/kp-nanosleep kprobeprogram/kretp-nanosleep fentryprogram/fentry-nanosleep fexitprogram/fexit-nanosleep; do prog_id $o; done)
for o in kprobeprogram/kp-nanosleep kprobeprogram/kretp-nanosleep fentryprogram/fentry-nanosleep fexitprogram/fexit-nanosleep; do
  m=$(map_path $o counter); before=$(count "$m"); sleep 0.2; python3 -c 'import time; [time.sleep(0.01) for _ in range(5)]'
  after=$(count "$m"); [ "$after" -gt "$before" ] || fail "$o did not run ($before -> $after)"
done
expect_eq "$(ctl apply -f "$work/tracing.yaml" | sort -u | awk '{print $2}' | sort -u)" "unchanged" "tracing kinds again"
expect_eq "$(for o in kprobeprogram/kp-nanosleep kprobeprogram/kretp-nanosleep fentryprogram/fentry-nanosleep fexitprogram/fexit-nanosleep; do prog_id $o; done)" "$ids" "tracing program IDs after re-apply"
ctl delete -f "$work/tracing.yaml" >/dev/null
expect_eq "$(ctl list programs -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 0 "programs left after the tracing kinds"
echo "PASS"
