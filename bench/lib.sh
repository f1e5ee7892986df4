# Shared by the benchmarks: isolated state, timing, ratio lines.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-$top/build}
ctl=$build/tools/bpfmanctl/bpfmanctl
obj=$build/tests/bpf/tracepoint_counter.bpf.o

bench_setup() {
  command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
  mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
  mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
  export BPFMAN_STATE_DIR=$(mktemp -d /tmp/bpfman-bench-XXXXXX)
  export BPFMAN_BPFFS_ROOT=/sys/fs/bpf/bpfman-bench-$$
  export BPFMAN_RUNTIME_DIR=$BPFMAN_STATE_DIR
  trap bench_cleanup EXIT
}

bench_cleanup() {
  rm -rf "$BPFMAN_BPFFS_ROOT" "$BPFMAN_STATE_DIR" "/sys/fs/bpf/bench-bpftool-$$"
}

now_ns() { date +%s%N; }

# IDs from the pins, without pipes that SIGPIPE under pipefail.
prog_ids() { local f; for f in "$BPFMAN_BPFFS_ROOT"/prog_*; do [ -e "$f" ] && echo "${f##*_}"; done; }
first_prog_id() { local f; for f in "$BPFMAN_BPFFS_ROOT"/prog_*; do echo "${f##*_}"; return; done; }
first_link_id() { local f; for f in "$BPFMAN_BPFFS_ROOT"/links/*; do echo "${f##*/}"; return; done; }

# ratio NAME OURS_US PEER_US PEER_NAME GOAL
ratio() {
  python3 - "$@" <<'PY'
import sys
name, ours, peer, peer_name, goal = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
r = ours / peer if peer else float("inf")
print(f"{name}: {ours/1000:.2f} ms vs {peer_name} {peer/1000:.2f} ms -> ratio {r:.2f}x (goal {goal})")
PY
}

# command... -> median wall microseconds, measured by hyperfine (no shell,
# no timer process in the measurement).
hyper_us() {
  local json
  json=$(mktemp)
  hyperfine -N -w 2 -r "${REPS:-15}" --export-json "$json" "$*" >/dev/null 2>&1
  python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["results"][0]["median"]*1e6))' "$json"
  rm -f "$json"
}

median_ms() {  # command... -> median wall us over $REPS runs (timer included)
  local reps=${REPS:-15} t0 t1 times=()
  for ((i = 0; i < reps; i++)); do
    t0=$(now_ns); "$@" >/dev/null; t1=$(now_ns)
    times+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
