#!/usr/bin/env bash
# Dispatcher costs (issue 4), measured in one run on one kernel:
#  - per packet, with BPF_PROG_TEST_RUN (bpftool prog run, many repeats):
#    xdp_count alone vs our XDP dispatcher running 1, 2, 5, 10 of them
#    (the TC dispatcher and TCX: bench/tc_dispatcher.sh);
#  - attach latency of the 1st..10th program on one interface: bpfmanctl
#    attach vs xdp-loader load.
# Under the VM's emulated CPU (TCG) the per-packet numbers are noisy even
# as medians; on real hardware run it where freplace works.
# Dispatchers need freplace: where this kernel refuses it, the benchmark runs
# in the test VM (numbers there are for an emulated CPU: compare ratios).
. "$(dirname "$0")/lib.sh"
if [ -z "${BPFMAN_IN_VM:-}" ] && ! bpftool prog load "$top/build/tests/bpf/fentry_counter.bpf.o" /sys/fs/bpf/bench-probe-$$ >/dev/null 2>&1; then
  echo "bench/dispatcher: this kernel refuses freplace; running in the Debian 6.12 VM (emulated CPU)"
  exec "$top/tests/vm/vm-run" --kernel 6.12 --timeout 1200 --rw "$top" -- "$top/bench/dispatcher.sh"
fi
rm -f /sys/fs/bpf/bench-probe-$$
bench_setup
REPEAT=${REPEAT:-200000}
xobj=$build/tests/bpf/xdp_counter.bpf.o
tobj=$build/tests/bpf/tc_ext.bpf.o
pkt=$(mktemp)
python3 -c 'import sys; sys.stdout.buffer.write(bytes(14) + bytes([0x45]) + bytes(49))' >"$pkt"
modprobe -q dummy 2>/dev/null || true
dev=benchd$$
ip link add name "$dev" type dummy && ip link set dev "$dev" up
dev2=benchx$$
ip link add name "$dev2" type dummy && ip link set dev "$dev2" up
trap 'ip link del "$dev"; ip link del "$dev2"; rm -f "$pkt"; bench_cleanup' EXIT

run_ns() {  # prog-ref... -> median ns per run over 5 measurements
  for _ in 1 2 3 4 5; do
    bpftool prog run "$@" data_in "$pkt" repeat "$REPEAT" 2>&1 |
      sed -n 's/.*duration (average): \([0-9]*\)ns.*/\1/p'
  done | sort -n | sed -n 3p
}
ids() { python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])'; }

bpftool prog load "$xobj" "/sys/fs/bpf/bench-alone-$$" type xdp
alone=$(run_ns pinned "/sys/fs/bpf/bench-alone-$$")
rm -f "/sys/fs/bpf/bench-alone-$$"
echo "xdp_count alone: ${alone} ns/packet"

count=0
for want in 1 2 5 10; do
  while [ $count -lt $want ]; do
    # xdp_count passes: the chain runs every program, each counting.
    id=$("$ctl" load file -p "$xobj" --programs xdp:xdp_count -o json | ids)
    "$ctl" attach "$id" xdp -i "$dev" -p $((count + 1)) >/dev/null
    count=$((count + 1))
  done
  disp=$("$ctl" chain xdp -i "$dev" -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["dispatcher_id"])')
  ns=$(run_ns id "$disp")
  python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'xdp dispatcher with $want program(s): {b} ns/packet -> ratio {b/a:.2f}x vs alone (goal for 1: < 1.10x)')" "$alone" "$ns"
done

# Attach latency of the k-th program: ours on one device, xdp-loader's on
# another (each rebuilds a dispatcher with k programs).
dev3=benchy$$
ip link add name "$dev3" type dummy && ip link set dev "$dev3" up
trap 'ip link del "$dev"; ip link del "$dev2"; ip link del "$dev3"; rm -f "$pkt"; bench_cleanup' EXIT
ours_total=0 theirs_total=0
for k in $(seq 1 10); do
  id=$("$ctl" load file -p "$xobj" --programs xdp:xdp_pass -o json | ids)
  t0=$(now_ns); "$ctl" attach "$id" xdp -i "$dev2" -p "$k" >/dev/null; t1=$(now_ns)
  ours=$(( (t1 - t0) / 1000 ))
  t0=$(now_ns); xdp-loader load -m skb -P "$k" -n xdp_pass "$dev3" "$xobj" >/dev/null; t1=$(now_ns)
  theirs=$(( (t1 - t0) / 1000 ))
  ours_total=$((ours_total + ours)) theirs_total=$((theirs_total + theirs))
  echo "attach #$k: bpfmanctl ${ours} us, xdp-loader ${theirs} us"
done
ratio "attach 1st..10th program on one interface (sum)" "$ours_total" "$theirs_total" "xdp-loader" "<= 1.0x"
xdp-loader unload --all "$dev3" >/dev/null 2>&1 || true
