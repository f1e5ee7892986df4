#!/usr/bin/env bash
# bpfmanctl end to end with bpfman's command-line grammar: load, get, list,
# attach, detach, unload, output formats, exit codes, help.
. "$(dirname "$0")/lib.sh"
cli_setup
trap cli_cleanup EXIT

obj=$BPF_OBJ_DIR/tracepoint_counter.bpf.o

# bpfman's grammar, unchanged: several values after one flag.
out=$("$BPFMANCTL" load file --path "$obj" --programs tracepoint:count_getpid \
      -m owner=cli-test tier=host -a demo -o json)
id=$(json_get 0.id <<<"$out")
expect_eq "$(json_get 0.type <<<"$out")" tracepoint "type"
expect_eq "$(json_get 0.application <<<"$out")" demo "application"
expect_eq "$(json_get 0.metadata.tier <<<"$out")" host "metadata"

expect_eq "$("$BPFMANCTL" list programs -o json | json_ids)" "$id" "list"
expect_eq "$("$BPFMANCTL" list programs -m owner=cli-test -o json | json_ids)" "$id" "selector"
expect_eq "$("$BPFMANCTL" list programs -m owner=nobody -o json | json_ids)" "" "selector miss"
"$BPFMANCTL" list programs --all -o json | python3 -c '
import json,sys; ps=json.load(sys.stdin)
assert any(p["managed"] for p in ps) and len(ps) >= 1, ps' || fail "list --all"

out=$("$BPFMANCTL" attach "$id" tracepoint -t syscalls/sys_enter_getpid -o json)
link=$(json_get id <<<"$out")
before=$(counter_of "$id")
trigger_getpid 20
after=$(counter_of "$id")
[ "$after" -ge $((before + 20)) ] || fail "counter $before -> $after"

"$BPFMANCTL" get link "$link" -o yaml | grep -q 'tracepoint: syscalls/sys_enter_getpid' || fail "get link yaml"
"$BPFMANCTL" list links | grep -q "syscalls/sys_enter_getpid" || fail "list links table"

"$BPFMANCTL" detach "$link"
before=$(counter_of "$id")
trigger_getpid 20
expect_eq "$(counter_of "$id")" "$before" "counter after detach"

# Exit codes scripts rely on.
expect_exit 3 "$BPFMANCTL" detach "$link" >/dev/null

# --no-wait: the link is forgotten at once; the kernel releases it shortly
# after (tests/host/test-detach.c checks the timing side).
link=$("$BPFMANCTL" attach "$id" tracepoint -t syscalls/sys_enter_getpid -o json | json_get id)
"$BPFMANCTL" detach "$link" --no-wait
expect_exit 3 "$BPFMANCTL" get link "$link" >/dev/null
expect_eq "$("$BPFMANCTL" list links -o json | json_ids)" "" "links after detach --no-wait"
expect_exit 3 "$BPFMANCTL" get program 4294967 >/dev/null
expect_exit 2 "$BPFMANCTL" load file --path "$obj" --programs tracepoint:count_getpid -m novalue >/dev/null
expect_exit 2 "$BPFMANCTL" attach notanumber tracepoint -t a/b >/dev/null
expect_exit 2 "$BPFMANCTL" frobnicate >/dev/null
msg=$(expect_exit 3 "$BPFMANCTL" attach "$id" tracepoint -t syscalls/nope)
grep -q "unknown tracepoint" <<<"$msg" || fail "unknown tracepoint message: $msg"
msg=$(expect_exit 1 "$BPFMANCTL" load file -p "$obj" --programs kprobe:count_getpid)
grep -q "does not make it a kprobe program" <<<"$msg" || fail "type mismatch message: $msg"

"$BPFMANCTL" unload "$id"
expect_eq "$("$BPFMANCTL" list programs -o json | json_ids)" "" "list after unload"
left=$(find "$BPFMAN_BPFFS_ROOT" -mindepth 1 -not -type d -not -path "$BPFMAN_BPFFS_ROOT/owner")
[ -z "$left" ] || fail "pins left: $left"

# The change feed saw each change once, in order; refused calls added
# nothing; --after, the gap warning, and -f printing another process's
# change as it happens.
kinds=$("$BPFMANCTL" events -o json | python3 -c '
import json,sys; print(" ".join("%s:%d" % (e["kind"], e["seq"]) for e in json.load(sys.stdin)))')
expect_eq "$kinds" "loaded:1 attached:2 detached:3 attached:4 detached:5 unloaded:6" "events"
expect_eq "$("$BPFMANCTL" events --after 5 -o json | json_get 0.program_id)" "$id" "events --after"
"$BPFMANCTL" events --after 6 | grep -q "No events after 6" || fail "events after the newest"
msg=$("$BPFMANCTL" events --after 60 2>&1 >/dev/null)
grep -q "beyond the newest event (6)" <<<"$msg" || fail "events ahead of the feed: $msg"
"$BPFMANCTL" events --after 6 -f -o json >"$BPFMAN_STATE_DIR/follow" &
follower=$!
sleep 0.3
id=$("$BPFMANCTL" load file -p "$obj" --programs tracepoint:count_getpid -o json | json_get 0.id)
"$BPFMANCTL" unload "$id"
for _ in $(seq 50); do
  [ "$(wc -l <"$BPFMAN_STATE_DIR/follow")" -ge 2 ] && break
  sleep 0.1
done
kill "$follower"
wait "$follower" 2>/dev/null || true
got=$(python3 -c 'import json,sys
print(" ".join("%s:%d" % (e["kind"], e["program_id"]) for e in map(json.loads, open(sys.argv[1]))))' \
  "$BPFMAN_STATE_DIR/follow")
expect_eq "$got" "loaded:$id unloaded:$id" "events -f"

# Every command has help with an example.
for cmd in "load file" "attach" "detach" "unload" "list programs" "list links" \
           "get program" "get link" "restore" "reconcile" "events"; do
  # shellcheck disable=SC2086
  h=$("$BPFMANCTL" $cmd --help) || fail "$cmd --help failed"
  grep -qi "example" <<<"$h" || fail "$cmd --help has no example"
done
echo "cli: ok"
