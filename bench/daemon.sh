#!/usr/bin/env bash
# bpfmand against issue 11's goals: idle RSS, RSS and List latency with
# 1,000 programs, Get p99 with 16 clients, Load+Attach through the daemon
# vs in-process. Client: Python grpcio (tests/daemon/get-python-grpc.sh).
# bpfman-rpc is not built here (cargo); its numbers are quoted from the issue.
. "$(dirname "$0")/lib.sh"
bench_setup
py=$("$top/tests/daemon/get-python-grpc.sh")
read -r _ _ inproc_us < <("$build/bench/lifecycle_inproc" libbpfman "$obj" "${REPS:-15}")
INPROC=$build/bench/lifecycle_inproc "$py" "$top/bench/daemon.py" \
  "$build/tools/bpfmand/bpfmand" "$top/tools/bpfmand/proto" "$obj" "$inproc_us"
for p in $(prog_ids); do "$ctl" unload "$p" --force; done
