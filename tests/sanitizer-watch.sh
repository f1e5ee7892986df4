# Sourced by the shell tests (POSIX sh). Under LeakSanitizer
# (ASAN_OPTIONS holds detect_leaks=1, as tests/run-all.sh sets for the
# sanitizer tier), every sanitizer report of every bpfmanctl the test runs
# goes to a file in a private directory, and sanitizer_watch_check fails
# the test when any was written: a leak in a command whose exit status the
# test expects to be non-zero, or ignores (`|| true`), still fails the run.
# Without LeakSanitizer both functions do nothing.

sanitizer_watch_start() {
  case ${ASAN_OPTIONS:-} in
  *detect_leaks=1*) ;;
  *) return 0 ;;
  esac
  SANITIZER_REPORTS=$(mktemp -d /tmp/bpfman-sanitizer-XXXXXX) || return 1
  export SANITIZER_REPORTS
  export ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$SANITIZER_REPORTS/report"
}

sanitizer_watch_check() {
  [ -n "${SANITIZER_REPORTS:-}" ] && [ -d "$SANITIZER_REPORTS" ] || return 0
  if ls "$SANITIZER_REPORTS"/report* >/dev/null 2>&1; then
    cat "$SANITIZER_REPORTS"/report* >&2
    echo "FAIL: sanitizer reports above (leaks or memory errors)" >&2
    rm -rf "$SANITIZER_REPORTS"
    return 1
  fi
  rm -rf "$SANITIZER_REPORTS"
}
