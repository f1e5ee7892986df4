#!/usr/bin/env bash
# Longer libFuzzer runs of the parsers of untrusted input (the test tier
# runs each for 15 s). Builds a clang ASan+UBSan tree in build-fuzz/ and
# runs every harness (or those named) for SECONDS each, keeping the corpus
# it grows in build-fuzz/fuzz-corpus/<target>/ between runs.
#   bench/fuzz.sh [-t SECONDS] [-j JOBS] [target...]
# Targets: every tests/fuzz/fuzz-<target>.c (image-ref, manifest,
# image-config, layer, config-yaml, apply-doc, registry-auth, grpc-server).
# A crash leaves build-fuzz/fuzz-crash-<target>-* and makes the script fail;
# add the reproducer to tests/fuzz/corpus/<target>/ once it is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=300 jobs=1
while getopts "t:j:" o; do
  case $o in
    t) seconds=$OPTARG ;;
    j) jobs=$OPTARG ;;
    *) echo "usage: $0 [-t SECONDS] [-j JOBS] [target...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  # Every harness, so a new one is never left out of the long runs.
  for f in tests/fuzz/fuzz-*.c; do
    f=${f#tests/fuzz/fuzz-}
    targets+=("${f%.c}")
  done
fi

dir=build-fuzz
if [ ! -f $dir/build.ninja ]; then
  CC=clang meson setup $dir -Db_sanitize=address,undefined -Db_lundef=false -Dvm_tests=false >/dev/null
fi
ninja -C $dir $(printf 'tests/fuzz/fuzz-%s ' "${targets[@]}") >/dev/null

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
top=$PWD
par=()
# -jobs writes fuzz-N.log into the current directory: run inside $dir.
[ "$jobs" -gt 1 ] && par=(-jobs="$jobs" -workers="$jobs")
failed=()
for t in "${targets[@]}"; do
  corpus=$top/$dir/fuzz-corpus/$t
  mkdir -p "$corpus"
  echo "== $t: ${seconds}s x $jobs job(s)"
  dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="$top/tests/fuzz/$t.dict")
  if (cd "$dir" && "./tests/fuzz/fuzz-$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 "${par[@]}" "${dict[@]}" -print_final_stats=1 \
      -artifact_prefix="$top/$dir/fuzz-crash-$t-" "$corpus" "$top/tests/fuzz/corpus/$t" \
      > "$top/$dir/fuzz-$t.log" 2>&1); then
    grep -E 'stat::number_of_executed_units|Done [0-9]+ runs' "$dir/fuzz-$t.log" | tail -n 2 || true
    echo "   corpus: $(ls "$corpus" | wc -l) inputs"
  else
    echo "   CRASH or error; see $dir/fuzz-$t.log and $dir/fuzz-crash-$t-*"
    failed+=("$t")
  fi
done
[ ${#failed[@]} -eq 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
echo "no crashes"
