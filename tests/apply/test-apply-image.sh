#!/usr/bin/env bash
# Declarative apply with bytecode images from a real registry on 127.0.0.1
# (doc/apply.md): an unchanged image keeps the program (same kernel ID), a
# new image pushed under the same tag reloads it (digest compared), a new
# image that lacks the function fails that object and keeps the running
# program, imagepullpolicy Never uses the cache, delete leaves nothing.
set -euo pipefail
export REGISTRY_TEST_PORTS=5450-5499
. "$(cd "$(dirname "$0")" && pwd)/../image/lib.sh"
image_setup
ctl() { bm "$@" 2> >(grep -v "is not verified" >&2); }
prog_id() { ctl get applied tracepointprogram/tp-img -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["metadata"]["annotations"]["bpfman.io/ProgramId"])'; }

start_registry R plain
write_config "$R_HOST=insecure"
ctl image build -f "$BPF_OBJ_DIR/tracepoint_counter.bpf.o" -t "$R_HOST/t/counter:latest" >/dev/null
doc() {  # POLICY
  cat <<DOC
apiVersion: bpfman.io/v1alpha1
kind: TracepointProgram
metadata: {name: tp-img}
spec:
  bpffunctionname: count_getpid
  names: [syscalls/sys_enter_getpid]
  bytecode:
    image: {url: "$R_HOST/t/counter:latest", imagepullpolicy: $1}
DOC
}
doc Always >"$work/always.yaml"
doc Never >"$work/never.yaml"

echo "== created, then unchanged with the same program ID"
expect_eq "$(ctl apply -f "$work/always.yaml")" "tracepointprogram/tp-img created" "first apply"
id1=$(prog_id)
expect_eq "$(ctl apply -f "$work/always.yaml")" "tracepointprogram/tp-img unchanged" "second apply"
expect_eq "$(prog_id)" "$id1" "program ID"
expect_eq "$(ctl apply -f "$work/never.yaml")" "tracepointprogram/tp-img unchanged" "policy Never from the cache"

echo "== a new image under the same tag reloads"
ctl image build -f "$BPF_OBJ_DIR/tracepoint_counter.bpf.o" -l rebuilt=yes -t "$R_HOST/t/counter:latest" >/dev/null
ctl diff -f "$work/never.yaml" | grep -q ": load" && fail "diff with the old image cached should not plan a load"
expect_eq "$(ctl apply -f "$work/always.yaml")" "tracepointprogram/tp-img configured" "new image"
id2=$(prog_id)
[ "$id2" != "$id1" ] || fail "a new image digest should reload the program"

echo "== a new image without the function fails and keeps the running program"
ctl image build -f "$BPF_OBJ_DIR/globals.bpf.o" -t "$R_HOST/t/counter:latest" >/dev/null
rc=0; out=$(ctl apply -f "$work/always.yaml" 2>&1) || rc=$?
expect_eq "$rc" 1 "exit status"
grep -q "function 'count_getpid' not found" <<<"$out" || fail "no sentence: $out"
expect_eq "$(prog_id)" "$id2" "running program after the failed reload"

echo "== delete leaves nothing"
expect_eq "$(ctl delete -f "$work/always.yaml")" "tracepointprogram/tp-img deleted" "delete"
expect_eq "$(ctl list programs -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 0 "programs left"
echo PASS
