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
pass=0 fail=0 failed=()

run() {
  local name=$1; shift
  echo "=== vm $BPFMAN_VM_KERNEL: $name"
  if "$@"; then pass=$((pass + 1)); echo "--- PASS $name"
  else fail=$((fail + 1)); failed+=("$name"); echo "--- FAIL $name"; fi
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
go_kernel_tests() {
  [ -x "$builddir/bindings/go/bpfman.test" ] || { echo "$builddir/bindings/go/bpfman.test is missing: run the go meson suite on the host first"; return 1; }
  (cd bindings/go && "$builddir/bindings/go/bpfman.test" -test.v -test.count=1 \
    -test.run 'Tracepoint|Kprobe|Fentry|XDP|TC|Goroutines|Errors')
}
run go-binding go_kernel_tests
run go-xdp-counter bindings/go/examples/xdp-counter/demo.sh "$builddir"

[ $fail -eq 0 ] || echo "failed in VM $BPFMAN_VM_KERNEL: ${failed[*]}"
echo "vm-batch: $pass passed, $fail failed"
[ $fail -eq 0 ]
