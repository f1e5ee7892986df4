# Helpers for CLI tests: an isolated state per test run, the bpfmanctl
# under test, JSON field access, and assertions that say what differed.
set -euo pipefail

BPFMANCTL=${BPFMANCTL:?set BPFMANCTL to the bpfmanctl under test}
BPF_OBJ_DIR=${BPF_OBJ_DIR:?set BPF_OBJ_DIR to the directory of the test BPF objects}

. "$(dirname "${BASH_SOURCE[0]}")/../sanitizer-watch.sh"

cli_setup() {
  sanitizer_watch_start
  mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
  mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
  export BPFMAN_STATE_DIR=${BPFMAN_STATE_DIR:-$(mktemp -d /tmp/bpfman-cli-XXXXXX)}
  export BPFMAN_BPFFS_ROOT=${BPFMAN_BPFFS_ROOT:-/sys/fs/bpf/bpfman-cli-$$}
  export BPFMAN_RUNTIME_DIR=$BPFMAN_STATE_DIR
}

cli_cleanup() {
  # Unload whatever a failed test left, then remove our directories.
  local ids
  ids=$("$BPFMANCTL" list programs -o json 2>/dev/null | json_ids) || true
  for id in $ids; do "$BPFMANCTL" unload "$id" --force >/dev/null 2>&1 || true; done
  rm -rf "$BPFMAN_BPFFS_ROOT" "$BPFMAN_STATE_DIR"
  sanitizer_watch_check || exit 1
}

json_ids() { python3 -c 'import json,sys; [print(p["id"]) for p in json.load(sys.stdin)]'; }
json_get() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[int(k)] if isinstance(d,list) else d[k]
print(d)' "$1"; }

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }
expect_exit() {
  local want=$1; shift
  local out rc=0
  out=$("$@" 2>&1) || rc=$?
  [ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want; output: $out"
  printf '%s' "$out"
}

counter_of() {  # program id -> value of its counter map, slot 0
  local dir
  dir=$("$BPFMANCTL" get program "$1" -o json | json_get map_pin_dir)
  bpftool map lookup pinned "$dir/counter" key 0 0 0 0 -j | python3 -c '
import json,sys
v=json.load(sys.stdin); v=v.get("formatted",v)["value"]
print(v if isinstance(v,int) else int.from_bytes(bytes(int(b,16) for b in v),"little"))'
}

trigger_getpid() { python3 -c 'import os
for _ in range(int(__import__("sys").argv[1])): os.getpid()' "$1"; }
