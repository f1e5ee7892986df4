#!/usr/bin/env bash
# TC dispatcher costs (issue 4), measured in one run on one kernel with
# BPF_PROG_TEST_RUN (bpftool prog run, REPEAT runs inside the kernel, median
# of 5):
#  - one program alone (a plain tc program) vs our TC dispatcher running
#    1, 2, 5, 10 copies of it;
#  - the TC dispatcher vs a TCX chain of the same programs.
# Every program is tc_counter's tcx_next_count: it bumps a counter and
# returns -1, which is TC_ACT_UNSPEC for the dispatcher (proceed-on
# `unspec` goes on) and TCX_NEXT for TCX (the kernel goes on), so both
# chains run all N programs doing the same work.
#
# BPF_PROG_TEST_RUN runs one program, not a TCX hook: the TCX chain's cost
# is the sum of its N programs' test runs (the kernel's TCX loop calls each
# in turn, which adds a few instructions per program that this leaves out).
# The dispatcher's number is a real test run of the dispatcher program,
# which calls its slots through freplace.
#
# Dispatchers need freplace and TCX needs Linux >= 6.6: where this kernel
# refuses freplace, this runs in the Debian 6.12 VM (an emulated CPU:
# compare ratios, not nanoseconds).
. "$(dirname "$0")/lib.sh"
if [ -z "${BPFMAN_IN_VM:-}" ] && ! bpftool prog load "$top/build/tests/bpf/fentry_counter.bpf.o" /sys/fs/bpf/bench-probe-$$ >/dev/null 2>&1; then
  echo "bench/tc_dispatcher: this kernel refuses freplace; running in the Debian 6.12 VM (emulated CPU)"
  exec "$top/tests/vm/vm-run" --kernel 6.12 --timeout 1500 --rw "$top" -- "$top/bench/tc_dispatcher.sh"
fi
rm -f /sys/fs/bpf/bench-probe-$$
bench_setup
REPEAT=${REPEAT:-100000}
tobj=$build/tests/bpf/tc_counter.bpf.o
pkt=$(mktemp)
python3 -c 'import sys; sys.stdout.buffer.write(bytes(12) + bytes([8, 0, 0x45]) + bytes(49))' >"$pkt"
modprobe -q dummy 2>/dev/null || true
modprobe -q sch_ingress 2>/dev/null || true
modprobe -q cls_bpf 2>/dev/null || true
dev=benchtc$$
devx=benchtx$$
alone_dir=/sys/fs/bpf/bench-tc-alone-$$
ip link add name "$dev" type dummy && ip link set dev "$dev" up
ip link add name "$devx" type dummy && ip link set dev "$devx" up
trap 'ip link del "$dev"; ip link del "$devx"; rm -rf "$pkt" "$alone_dir"; bench_cleanup' EXIT

run_ns() {  # prog-ref... -> median ns per run over 5 measurements
  for _ in 1 2 3 4 5; do
    bpftool prog run "$@" data_in "$pkt" repeat "$REPEAT" 2>&1 |
      sed -n 's/.*duration (average): \([0-9]*\)ns.*/\1/p'
  done | sort -n | sed -n 3p
}
ids() { python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])'; }
say() {  # LABEL NS BASE_NS BASE_NAME [GOAL]
  python3 -c 'import sys
l, b, a, n = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
g = f" (goal {sys.argv[5]})" if len(sys.argv) > 5 else ""
print(f"{l}: {b:.0f} ns/packet -> ratio {b/a:.2f}x vs {n}{g}")' "$@"
}

mkdir -p "$alone_dir"
bpftool prog loadall "$tobj" "$alone_dir" type classifier
alone=$(run_ns pinned "$alone_dir/tcx_next_count")
echo "tcx_next_count alone (plain tc program): ${alone} ns/packet (REPEAT=$REPEAT)"

declare -A disp_ns tcx_ns
count=0 tcx_ids=()
for want in 1 2 5 10; do
  while [ $count -lt $want ]; do
    count=$((count + 1))
    id=$("$ctl" load file -p "$tobj" --programs tc:tcx_next_count -o json | ids)
    "$ctl" attach "$id" tc -i "$dev" -d ingress -p "$count" --proceed-on unspec >/dev/null
    id=$("$ctl" load file -p "$tobj" --programs tcx:tcx_next_count -o json | ids)
    "$ctl" attach "$id" tcx -i "$devx" -d ingress -p "$count" >/dev/null
    tcx_ids+=("$id")
  done
  disp=$("$ctl" chain tc -i "$dev" -d ingress -o json |
         python3 -c 'import json,sys; print(json.load(sys.stdin)["dispatcher_id"])')
  disp_ns[$want]=$(run_ns id "$disp")
  sum=0
  for id in "${tcx_ids[@]}"; do sum=$((sum + $(run_ns id "$id"))); done
  tcx_ns[$want]=$sum
  say "tc dispatcher with $want program(s)" "${disp_ns[$want]}" "$alone" "alone" \
      "$([ "$want" = 1 ] && echo '< 1.10x' || echo "$want programs' work")"
done
for want in 1 2 5 10; do
  say "tc dispatcher vs TCX chain, $want program(s)" "${disp_ns[$want]}" "${tcx_ns[$want]}" \
      "TCX ${tcx_ns[$want]} ns (sum of its programs' test runs)"
done
