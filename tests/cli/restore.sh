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
  # An XDP program on a dispatcher: lo exists in every boot.
  xid=$("$BPFMANCTL" load file -p "$BPF_OBJ_DIR/xdp_counter.bpf.o" --programs xdp:xdp_count -o json | json_get 0.id)
  xlink=$("$BPFMANCTL" attach "$xid" xdp -i lo -p 10 -o json | json_get id)
  ping -c 3 -i 0.2 -q 127.0.0.1 >/dev/null
  [ "$(counter_of "$xid")" -ge 3 ] || fail "XDP program not counting before reboot"
  # An LSM program, its hook named by its section (the VM boots with bpf
  # in lsm=): restore must attach it to the same hook again.
  lid=$("$BPFMANCTL" load file -p "$BPF_OBJ_DIR/lsm_counter.bpf.o" --programs lsm:lsm_count -o json | json_get 0.id)
  llink=$("$BPFMANCTL" attach "$lid" lsm -o json | json_get id)
  cat /proc/self/status >/dev/null
  [ "$(counter_of "$lid")" -ge 1 ] || fail "LSM program not counting before reboot"
  echo "$id $link $xid $xlink $lid $llink" >"$dir/ids"
  echo "restore setup: program $id link $link, xdp program $xid link $xlink, lsm program $lid link $llink"
  ;;
check)
  read -r old_id link old_xid xlink old_lid llink <"$dir/ids"
  # Before restore the program is recorded but not in the kernel.
  "$BPFMANCTL" get program "$old_id" -o json | json_get kernel.loaded | grep -qx False ||
    "$BPFMANCTL" get program "$old_id" -o json | json_get kernel.loaded | grep -qx false ||
    fail "program should be recorded but not loaded after reboot"
  expect_eq "$("$BPFMANCTL" get program "$old_id" -o json | json_get status)" needs-restore \
    "status of a program of the earlier boot"
  expect_eq "$("$BPFMANCTL" get link "$link" -o json | json_get status)" needs-restore \
    "status of a link of the earlier boot"
  "$BPFMANCTL" restore
  new_id=$("$BPFMANCTL" list programs --program-type tracepoint -o json | json_ids)
  [ -n "$new_id" ] || fail "nothing restored"
  new_xid=$("$BPFMANCTL" list programs --program-type xdp -o json | json_ids)
  [ -n "$new_xid" ] || fail "the XDP program was not restored"
  # The change feed (doc/abi.md) announces each program restored with the
  # ID it had before the reboot, and each link.
  feed=$("$BPFMANCTL" events -o json | python3 -c 'import json,sys
print(" ".join("%d:%d:%d" % (e["old_program_id"], e["program_id"], e["link_id"])
               for e in json.load(sys.stdin) if e["kind"] == "restored"))')
  for want in "$old_id:$new_id:0" "$old_xid:$new_xid:0" "0:$new_id:$link" "0:$new_xid:$xlink"; do
    case " $feed " in *" $want "*) ;; *) fail "the feed's RESTORED events ($feed) lack $want" ;; esac
  done
  expect_eq "$("$BPFMANCTL" get link "$xlink" -o json | json_get program_id)" "$new_xid" "same XDP link id"
  "$BPFMANCTL" chain xdp -i lo | grep -q "$new_xid" || fail "the XDP program is not on lo's dispatcher"
  xbefore=$(counter_of "$new_xid")
  ping -c 3 -i 0.2 -q 127.0.0.1 >/dev/null
  [ "$(counter_of "$new_xid")" -ge $((xbefore + 3)) ] || fail "restored XDP program does not count"
  "$BPFMANCTL" unload "$new_xid"
  new_lid=$("$BPFMANCTL" list programs --program-type lsm -o json | json_ids)
  [ -n "$new_lid" ] || fail "the LSM program was not restored"
  expect_eq "$("$BPFMANCTL" get program "$new_lid" -o json | json_get attach_func)" file_open "LSM hook kept"
  expect_eq "$("$BPFMANCTL" get link "$llink" -o json | json_get program_id)" "$new_lid" "same LSM link id"
  lbefore=$(counter_of "$new_lid")
  cat /proc/self/status >/dev/null
  [ "$(counter_of "$new_lid")" -gt "$lbefore" ] || fail "restored LSM program does not count"
  "$BPFMANCTL" unload "$new_lid"
  expect_eq "$("$BPFMANCTL" get program "$new_id" -o json | json_get metadata.keep)" me "metadata kept"
  expect_eq "$("$BPFMANCTL" get link "$link" -o json | json_get program_id)" "$new_id" "same link id"
  expect_eq "$("$BPFMANCTL" get link "$link" -o json | json_get status)" in-kernel "link status after restore"
  before=$(counter_of "$new_id")
  trigger_getpid 10
  [ "$(counter_of "$new_id")" -ge $((before + 10)) ] || fail "restored program does not count"
  "$BPFMANCTL" unload "$new_id"
  echo "restore check: program $old_id -> $new_id, link $link re-attached and counting; xdp $old_xid -> $new_xid on lo's dispatcher, link $xlink; lsm $old_lid -> $new_lid on file_open, link $llink"
  ;;
*) fail "phase must be setup or check" ;;
esac
