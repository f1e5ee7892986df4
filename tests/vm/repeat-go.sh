#!/usr/bin/env bash
# Runs INSIDE the test VM: the Go binding's test binary RUNS times, each a
# fresh process run the way batch.sh runs it, with each run's time and
# status.  For hunting rare hangs (doc/testing.md, "The 6.1 hang"):
#   BPFMAN_VM_APPEND='ignore_loglevel watchdog_thresh=5' \
#   flock /tmp/libbpfman-vm.lock tests/vm/vm-run --verbose --kernel 6.1 \
#     --timeout 2400 -- tests/vm/repeat-go.sh "$PWD/build" 60 2>console.log
# A guest that locks up cannot report it itself: --verbose streams the
# kernel console (soft lockup backtraces, with ignore_loglevel) to stderr.
# Stress knobs of TestGoroutines pass through: vm-run -- env
# BPFMAN_TEST_GOROUTINES=16 BPFMAN_TEST_GOROUTINE_ROUNDS=10 tests/vm/repeat-go.sh ...
set -u
builddir=${1:?usage: repeat-go.sh BUILDDIR [RUNS] [TEST_REGEX]}
runs=${2:-20}
regex=${3:-Tracepoint|Kprobe|Fentry|XDP|TC|Goroutines|Errors|LSM|Detach}
[ -n "${BPFMAN_IN_VM:-}" ] || { echo "repeat-go.sh runs inside the test VM (tests/vm/vm-run)" >&2; exit 2; }
bin=$builddir/bindings/go/bpfman.test
[ -x "$bin" ] || { echo "$bin is missing: run the go meson suite on the host first" >&2; exit 2; }
export BPFMAN_TEST_REQUIRE_ALL=1 LD_LIBRARY_PATH=$builddir/libbpfman BPF_OBJ_DIR=$builddir/tests/bpf
cd "$(dirname "$0")/../../bindings/go"
failed=0
for i in $(seq 1 "$runs"); do
  t=$SECONDS
  timeout -k 10 600 "$bin" -test.count=1 -test.timeout=400s -test.run "$regex" >/tmp/repeat-go.log 2>&1
  rc=$?
  echo "repeat-go: run $i/$runs rc=$rc $((SECONDS - t)) s"
  [ $rc -eq 0 ] || { failed=$((failed + 1)); cat /tmp/repeat-go.log; }
done
echo "repeat-go: $((runs - failed)) of $runs runs passed"
[ $failed -eq 0 ]
