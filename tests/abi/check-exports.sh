#!/usr/bin/env bash
# The exported ABI is exactly what the headers declare and the version
# script lists: every dynamic symbol is bpfman_*, carries a version node,
# and every BPFMAN_API declaration is exported (and the reverse).
set -euo pipefail
lib=$1 map=$2 incdir=$3

fail=0
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRV]$/ {print $3}')
[ -n "$exported" ] || { echo "no exported symbols in $lib"; exit 1; }

while read -r sym; do
  case "$sym" in
    bpfman_*@@LIBBPFMAN_*|bpfman_*@LIBBPFMAN_*) ;;
    LIBBPFMAN_*@@LIBBPFMAN_*|LIBBPFMAN_*) ;;   # the version node itself
    *) echo "unexpected export: $sym"; fail=1 ;;
  esac
done <<<"$exported"

declared=$(grep -ho 'BPFMAN_API[^;(]*\bbpfman_[a-z0-9_]*\s*(' "$incdir"/bpfman/*.h |
  grep -oE 'bpfman_[a-z0-9_]*\s*\($' | tr -d ' (' | sort -u)
mapped=$(grep -oE '^\s+bpfman_[a-z0-9_]+;' "$map" | tr -d ' \t;' | sort -u)
plain=$(sed 's/@.*//' <<<"$exported" | grep '^bpfman_' | sort -u)

if ! diff <(echo "$declared") <(echo "$mapped") >/dev/null; then
  echo "headers and $map disagree (< declared only, > mapped only):"
  diff <(echo "$declared") <(echo "$mapped") || true
  fail=1
fi
if ! diff <(echo "$mapped") <(echo "$plain") >/dev/null; then
  echo "$map and the library's exports disagree (< mapped only, > exported only):"
  diff <(echo "$mapped") <(echo "$plain") || true
  fail=1
fi
n=$(wc -l <<<"$plain")
[ $fail -eq 0 ] && echo "ok: $n symbols, all bpfman_*, all versioned, all declared"
exit $fail
