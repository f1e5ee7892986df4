#!/usr/bin/env bash
# Reboot restore, in two boots of the test VM sharing one state directory:
#   restore.sh setup DIR   load + attach, see it count (first boot)
#   restore.sh check DIR   restore, see the same link count again (second boot)
. "$(dirname "$0")/lib.sh"
phase=$1 dir=$2
[ -n "${BPFMAN_IN_VM:-}" ] || { echo "restore.sh runs inside the test VM (tests/vm/vm-run)"; exit 2; }
export BPFMAN_STATE_DIR=$dir/state BPFMAN_BPFFS_ROOT=/sys/fs/bpf/bpfman-restore
cli_setup

case $phase in
setup)
  id=$("$BPFMANCTL" load file -p "$BPF_OBJ_DIR/tracepoint_counter.bpf.o" \
       --programs tracepoint:count_getpid -m keep=me -o json | json_get 0.id)
  link=$("$BPFMANCTL" attach "$id" tracepoint -t syscalls/sys_enter_getpid -o json | json_get id)
  trigger_getpid 10
  [ "$(counter_of "$id")" -ge 10 ] || fail "not counting before reboot"
  echo "$id $link" >"$dir/ids"
  echo "restore setup: program $id link $link"
  ;;
check)
  read -r old_id link <"$dir/ids"
  # Before restore the program is recorded but not in the kernel.
  "$BPFMANCTL" get program "$old_id" -o json | json_get kernel.loaded | grep -qx False ||
    "$BPFMANCTL" get program "$old_id" -o json | json_get kernel.loaded | grep -qx false ||
    fail "program should be recorded but not loaded after reboot"
  "$BPFMANCTL" restore
  new_id=$("$BPFMANCTL" list programs -o json | json_ids)
  [ -n "$new_id" ] || fail "nothing restored"
  expect_eq "$("$BPFMANCTL" get program "$new_id" -o json | json_get metadata.keep)" me "metadata kept"
  expect_eq "$("$BPFMANCTL" get link "$link" -o json | json_get program_id)" "$new_id" "same link id"
  before=$(counter_of "$new_id")
  trigger_getpid 10
  [ "$(counter_of "$new_id")" -ge $((before + 10)) ] || fail "restored program does not count"
  "$BPFMANCTL" unload "$new_id"
  echo "restore check: program $old_id -> $new_id, link $link re-attached and counting"
  ;;
*) fail "phase must be setup or check" ;;
esac
