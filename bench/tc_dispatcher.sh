#!/usr/bin/env bash
# TC dispatcher costs (issue 4), measured in one run on one kernel with
# BPF_PROG_TEST_RUN (bpftool prog run, REPEAT runs inside the kernel, median
# of 5):
#  - one program alone (a plain tc program) vs our TC dispatcher running
#    1, 2, 5, 10 copies of it;
# every variant measured once per round, ROUNDS rounds interleaved, median.
#  - the TC dispatcher vs a TCX chain of the same programs.
# Every program is tc_counter's tcx_next_count: it bumps a counter and
# returns -1, which is TC_ACT_UNSPEC for the dispatcher (proceed-on
# `unspec` goes on) and TCX_NEXT for TCX (the kernel goes on), so both
# chains run all N programs doing the same work.
#
# BPF_PROG_TEST_RUN runs one program, not a TCX hook, so the TCX chain is
# modelled: the kernel's TCX loop calls each program in turn, so a chain of
# N costs one entry (E, measured as the test run of an empty program that
# returns at once) plus N times one program's own work (its test run minus
# E): E + sum(P_i - E). Summing whole test runs would count the test-run
# harness N times. The loop's own few instructions per program are left
# out, which favours TCX slightly. The dispatcher's number is a real test
# run of the dispatcher program, which calls its slots through freplace.
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
REPEAT=${REPEAT:-1000000}
ROUNDS=${ROUNDS:-7}
tobj=$build/tests/bpf/tc_counter.bpf.o
pkt=$(mktemp)
python3 -c 'import sys; sys.stdout.buffer.write(bytes(12) + bytes([8, 0, 0x45]) + bytes(49))' >"$pkt"
modprobe -q dummy 2>/dev/null || true
modprobe -q sch_ingress 2>/dev/null || true
modprobe -q cls_bpf 2>/dev/null || true
devs=() devx=benchtx$$
for n in 1 2 5 10; do devs+=("btc$n-$$"); done
alone_dir=/sys/fs/bpf/bench-tc-alone-$$
for d in "${devs[@]}" "$devx"; do ip link add name "$d" type dummy && ip link set dev "$d" up; done
src=$(mktemp -d)
trap 'for d in "${devs[@]}" "$devx"; do ip link del "$d"; done; rm -rf "$pkt" "$alone_dir" "$src"; bench_cleanup' EXIT

one_ns() {  # prog-ref... -> ns per run of one measurement
  bpftool prog run "$@" data_in "$pkt" repeat "$REPEAT" 2>&1 |
    sed -n 's/.*duration (average): \([0-9]*\)ns.*/\1/p'
}
ids() { python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])'; }

mkdir -p "$alone_dir"
bpftool prog loadall "$tobj" "$alone_dir" type classifier
printf '%s\n' '__attribute__((section("tc"), used)) int empty(void *skb) { return -1; }' \
  'char LICENSE[] __attribute__((section("license"), used)) = "GPL";' >"$src/empty.c"
clang -O2 -target bpf -c "$src/empty.c" -o "$src/empty.o"
bpftool prog load "$src/empty.o" "$alone_dir/empty" type classifier

# The chains: a TC dispatcher with N programs on its own device for each
# N, and one TCX chain of ten.
disp=()
for i in 0 1 2 3; do
  want=$(( i == 0 ? 1 : i == 1 ? 2 : i == 2 ? 5 : 10 ))
  for k in $(seq 1 "$want"); do
    id=$("$ctl" load file -p "$tobj" --programs tc:tcx_next_count -o json | ids)
    "$ctl" attach "$id" tc -i "${devs[$i]}" -d ingress -p "$k" --proceed-on unspec >/dev/null
  done
  disp[$i]=$("$ctl" chain tc -i "${devs[$i]}" -d ingress -o json |
             python3 -c 'import json,sys; print(json.load(sys.stdin)["dispatcher_id"])')
done
tcx_ids=()
for k in $(seq 1 10); do
  id=$("$ctl" load file -p "$tobj" --programs tcx:tcx_next_count -o json | ids)
  "$ctl" attach "$id" tcx -i "$devx" -d ingress -p "$k" >/dev/null
  tcx_ids+=("$id")
done

# Rounds measure every variant once each, interleaved, so a slow spell of
# the machine hits all of them alike; then the median of each.
refs=("pinned $alone_dir/tcx_next_count" "pinned $alone_dir/empty")
for i in 0 1 2 3; do refs+=("id ${disp[$i]}"); done
for id in "${tcx_ids[@]}"; do refs+=("id $id"); done
for r in "${refs[@]}"; do bpftool prog run $r data_in "$pkt" repeat 1000 >/dev/null 2>&1; done
res=$(mktemp)
for round in $(seq 1 "$ROUNDS"); do
  for j in "${!refs[@]}"; do echo "$j $(one_ns ${refs[$j]})"; done
done >"$res"
python3 - "$res" "$REPEAT" "$ROUNDS" <<'PY'
import statistics, sys
by = {}
for line in open(sys.argv[1]):
    j, ns = line.split()
    by.setdefault(int(j), []).append(float(ns))
med = {j: statistics.median(v) for j, v in by.items()}
alone, entry = med[0], med[1]
disp = {n: med[2 + i] for i, n in enumerate((1, 2, 5, 10))}
prog = [med[6 + k] for k in range(10)]
print(f"REPEAT={sys.argv[2]}, median of {sys.argv[3]} interleaved rounds")
print(f"tcx_next_count alone (plain tc program): {alone:.0f} ns/packet")
print(f"empty program (test-run entry, E): {entry:.0f} ns/packet")
print(f"noise: the same program measured as 'alone' and as TCX's first: {alone:.0f} vs {prog[0]:.0f} ns "
      f"({abs(alone - prog[0]) / min(alone, prog[0]) * 100:.0f}% apart); smaller differences mean nothing")
for n, d in disp.items():
    goal = " (goal < 1.10x)" if n == 1 else f" ({n} programs' work)"
    print(f"tc dispatcher with {n} program(s): {d:.0f} ns/packet -> ratio {d/alone:.2f}x vs alone{goal}")
for n, d in disp.items():
    tcx = entry + sum(p - entry for p in prog[:n])
    print(f"tc dispatcher vs TCX chain, {n} program(s): {d:.0f} vs {tcx:.0f} ns/packet (E + sum(P_i - E)) -> ratio {d/tcx:.2f}x")
PY
rm -f "$res"
