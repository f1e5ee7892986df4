#!/usr/bin/env bash
# Load + attach + detach + unload of a tracepoint program:
#  - bpfmanctl (four CLI calls, state kept, crash-safe) vs bpftool (prog
#    load + pin removal: bpftool 7.1 cannot attach tracepoints, so its side
#    does less work — the ratio is conservative);
#  - libbpfman in-process vs raw libbpf in-process (same kernel work, no state).
# Goal (issue 3): within 1.2x of bpftool.
. "$(dirname "$0")/lib.sh"
bench_setup
N=${N:-30}

# One CLI call per step, the way a script drives it. IDs come from the pins
# to keep JSON parsing (a python start each) out of the measurement.
ours_lifecycle() {
  "$ctl" load file -p "$obj" --programs tracepoint:count_getpid >/dev/null
  local id
  id=$(first_prog_id)
  "$ctl" attach "$id" tracepoint -t syscalls/sys_enter_getpid >/dev/null
  "$ctl" detach "$(first_link_id)"
  "$ctl" unload "$id"
}
ours_load_unload() {
  "$ctl" load file -p "$obj" --programs tracepoint:count_getpid >/dev/null
  "$ctl" unload "$(first_prog_id)"
}
# A hand-rolled libbpf loader process doing the same kernel work.
peer_libbpf_process() { "$build/bench/lifecycle_inproc" libbpf "$obj" 1 >/dev/null; }
peer_bpftool() {
  bpftool prog load "$obj" "/sys/fs/bpf/bench-bpftool-$$"
  rm -f "/sys/fs/bpf/bench-bpftool-$$"
}

mean_us() {  # N function -> mean microseconds
  local n=$1 f=$2 t0 t1
  "$f"  # warm up
  t0=$(now_ns); for ((i = 0; i < n; i++)); do "$f"; done; t1=$(now_ns)
  echo $(( (t1 - t0) / 1000 / n ))
}

ratio "load+attach+detach+unload: bpfmanctl (4 calls) vs hand-rolled libbpf loader process" \
  "$(mean_us "$N" ours_lifecycle)" "$(mean_us "$N" peer_libbpf_process)" "libbpf loader" "<= 1.2x"
ratio "load+unload: bpfmanctl (2 calls) vs bpftool prog load + rm pin (bpftool 7.1 cannot attach tracepoints)" \
  "$(mean_us "$N" ours_load_unload)" "$(mean_us "$N" peer_bpftool)" "bpftool" "<= 1.2x"

lib=$("$build/bench/lifecycle_inproc" libbpfman "$obj" "$N" | awk '{print $3}')
raw=$("$build/bench/lifecycle_inproc" libbpf "$obj" "$N" | awk '{print $3}')
ratio "load+attach+detach+unload in one process: libbpfman vs raw libbpf (no state)" "$lib" "$raw" libbpf "informational"
