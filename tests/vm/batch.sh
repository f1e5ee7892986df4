#!/usr/bin/env bash
# Runs INSIDE the test VM (tests/vm/vm-run): every kernel-level test, where
# BPFMAN_TEST_REQUIRE_ALL makes a missing feature a failure, not a skip.
#   tests/vm/vm-run --kernel 6.12 -- tests/vm/batch.sh "$PWD/build"
set -u
builddir=${1:?usage: batch.sh BUILDDIR}
[ -n "${BPFMAN_IN_VM:-}" ] || { echo "batch.sh runs inside the test VM (tests/vm/vm-run)" >&2; exit 2; }
cd "$(dirname "$0")/../.."
export BPFMAN_TEST_REQUIRE_ALL=1
export BPFMANCTL=$builddir/tools/bpfmanctl/bpfmanctl BPF_OBJ_DIR=$builddir/tests/bpf
export LD_LIBRARY_PATH=$builddir/libbpfman
# Every command is ~50x slower under emulation; the host runs 150 rounds.
export BPFMAN_CRASH_ROUNDS=40
pass=0 fail=0 skip=0 failed=()

# One test that hangs must not take the batch with it: vm-run's own timeout
# would kill the VM and every later test's result with it, leaving only "no
# summary" to read.  Each test gets its own bound (the slowest, the apply
# scenario, takes ~3 min under emulation) and its time is printed.
test_timeout=${BPFMAN_VM_TEST_TIMEOUT:-600}
run() {
  local name=$1 t0=$SECONDS rc; shift
  echo "=== vm $BPFMAN_VM_KERNEL: $name"
  timeout -k 10 "$test_timeout" "$@"; rc=$?
  if [ $rc -eq 0 ]; then pass=$((pass + 1)); echo "--- PASS $name ($((SECONDS - t0)) s)"
  else
    fail=$((fail + 1)); failed+=("$name")
    [ $rc -ne 124 ] && [ $rc -ne 137 ] || echo "*** $name did not finish within $test_timeout s: killed"
    echo "--- FAIL $name ($((SECONDS - t0)) s)"
  fi
}

for t in tracepoint detach uprobe kprobe fentry lsm crash concurrency tcx net xdp tc; do
  run "$t" "$builddir/tests/host/test-$t"
done
for t in tc-dispatcher xdp-dispatcher; do
  run "$t" "$builddir/tests/dispatcher/test-$t"
done
run cli tests/cli/test-cli.sh
run cli-errors tests/cli/test-errors.sh
run smoke tests/vm/smoke.sh
run seed-demo scripts/seed-demo.sh
run compat tests/cli/test-compat.sh
run image-compat tests/image/test-image-compat.sh
# bpfmand through Python grpcio: every RPC, then XDP and TC chains
for t in test_bpfman_api.py test_bpfman_chains.py; do
  run "daemon-${t%.py}" tests/daemon/run-python.sh "$t" "$builddir/tools/bpfmand/bpfmand" \
    "$BPFMANCTL" tools/bpfmand/proto "$BPF_OBJ_DIR"
done
run apply tests/apply/test-apply-vm.sh
run python bindings/python/tests/run.sh "$builddir"
# The Go binding's kernel tests and its example (both built on the host by
# the go meson suite: the VM cannot build Go).
# (A script, not a function: run's timeout executes a program.)  Go's own
# -test.timeout comes first: a hung test then prints every goroutine's stack.
# TestGoroutines once hung the 6.1 guest (a QEMU TCG defect, worked around
# in tests/vm/init; doc/testing.md, "The 6.1 hang").
go_tests="Tracepoint|Kprobe|Fentry|XDP|TC|Goroutines|Errors|LSM|Detach"
run go-binding bash -c '
  [ -x "$1/bindings/go/bpfman.test" ] || { echo "$1/bindings/go/bpfman.test is missing: run the go meson suite on the host first"; exit 1; }
  cd bindings/go && exec "$1/bindings/go/bpfman.test" -test.v -test.count=1 -test.timeout=240s \
    -test.run "$2"' go-binding "$builddir" "$go_tests"
run go-xdp-counter bindings/go/examples/xdp-counter/demo.sh "$builddir"

[ $fail -eq 0 ] || echo "failed in VM $BPFMAN_VM_KERNEL: ${failed[*]}"
echo "vm-batch: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
