#!/usr/bin/env bash
# Runs every benchmark; each prints ratios against peers measured in the
# same run. Not part of the tests: numbers, not pass/fail.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
for b in bench/lifecycle.sh bench/detach.sh bench/list.sh bench/dispatcher.sh bench/tc_dispatcher.sh bench/image.sh bench/sign.sh bench/daemon.sh bench/k8s.sh; do
  echo "== $b"
  "$b"
done
