#!/usr/bin/env bash
# Errors that tell the truth (issue 10): each refusal has its exit status
# and a sentence, and changes nothing: no program in the kernel, no pin, no
# row. Also the option parser's one-value flags and --config ./relative.
. "$(dirname "$0")/lib.sh"
cli_setup
trap cli_cleanup EXIT

obj=$BPF_OBJ_DIR/tracepoint_counter.bpf.o
work=$(mktemp -d /tmp/bpfman-cli-err-XXXXXX)
trap 'cli_cleanup; rm -rf "$work"' EXIT

# What a refusal must leave alone: our programs and links, every pin under
# our bpffs root, and every row of the database.
snapshot() {
  "$BPFMANCTL" list programs -o json
  "$BPFMANCTL" list links -o json
  find "$BPFMAN_BPFFS_ROOT" | sort
  sqlite3 "$BPFMAN_STATE_DIR/state.db" .dump
}
same_as() { local now; now=$(snapshot); [ "$now" = "$1" ] || fail "$2 changed the state: $(diff <(echo "$1") <(echo "$now"))"; }
kernel_has() { bpftool prog show -j | python3 -c '
import json,sys; sys.exit(0 if any(p.get("name")==sys.argv[1] for p in json.load(sys.stdin)) else 1)' "$1"; }

id=$("$BPFMANCTL" -o json load file -p "$obj" --programs tracepoint:count_getpid | json_get 0.id)
before=$(snapshot)

# A verifier rejection is status 6 with the verifier's words, not 4
# ("permission denied") although the kernel answered EACCES.
msg=$(expect_exit 6 "$BPFMANCTL" load file -p "$BPF_OBJ_DIR/bad_verifier.bpf.o" \
      --programs tracepoint:unchecked_lookup)
grep -q "the verifier rejected" <<<"$msg" || fail "verifier sentence: $msg"
grep -q "BEGIN PROG LOAD LOG" <<<"$msg" || fail "no verifier log: $msg"
! grep -qi "run as root" <<<"$msg" || fail "verifier rejection blamed on privileges: $msg"
kernel_has unchecked_lookup && fail "a rejected program is in the kernel"
same_as "$before" "a verifier rejection"

# libbpf's own error codes become sentences, never "Unknown error 4001".
printf '\177ELF\2\1\1\0\0\0\0\0\0\0\0\0not really an object' >"$work/bad.o"
head -c 300 "$obj" >"$work/truncated.o"
for f in bad.o truncated.o; do
  msg=$(expect_exit 1 "$BPFMANCTL" load file -p "$work/$f" --programs tracepoint:x)
  grep -q "$work/$f is not a valid BPF ELF object: " <<<"$msg" || fail "$f sentence: $msg"
  ! grep -q "Unknown error" <<<"$msg" || fail "$f: bare libbpf code: $msg"
done
same_as "$before" "a malformed object"

# The same function twice: refused before anything is loaded.
msg=$(expect_exit 1 "$BPFMANCTL" load file -p "$obj" \
      --programs tracepoint:count_getpid tracepoint:count_getpid)
grep -q "function 'count_getpid' is requested twice" <<<"$msg" || fail "duplicate: $msg"
same_as "$before" "a duplicate program"

# A map owner that shares no map name with the object would leave the new
# maps unpinned: refused, naming both sides (the object has "seen", the
# owner "counter").
msg=$(expect_exit 1 "$BPFMANCTL" load file -p "$BPF_OBJ_DIR/globals.bpf.o" \
      --programs tracepoint:report_globals --map-owner-id "$id")
grep -q "map owner $id shares no map with this object" <<<"$msg" || fail "map owner: $msg"
grep -q "object's maps are seen" <<<"$msg" || fail "object's maps not named: $msg"
grep -q "counter" <<<"$msg" || fail "owner's maps not named: $msg"
same_as "$before" "a map owner sharing nothing"
# One that does share ("counter") is still accepted.
id2=$("$BPFMANCTL" -o json load file -p "$BPF_OBJ_DIR/uprobe_counter.bpf.o" \
      --programs uprobe:uprobe_count --map-owner-id "$id" | json_get 0.id) ||
  fail "map owner sharing 'counter' refused"
"$BPFMANCTL" unload "$id2"
before=$(snapshot)  # the ID sequence moved on

# Control characters are refused where they are recorded (metadata and
# application names from the caller): nothing loaded.
msg=$(expect_exit 1 "$BPFMANCTL" load file -p "$obj" --programs tracepoint:count_getpid \
      -m "owner=$(printf 'x\033]0;pwned\007')")
grep -q "holds a control character in its value" <<<"$msg" || fail "control metadata: $msg"
msg=$(expect_exit 1 "$BPFMANCTL" load file -p "$obj" --programs tracepoint:count_getpid \
      -a "$(printf 'app\033[2J')")
grep -q "application name holds a control character" <<<"$msg" || fail "control application: $msg"
same_as "$before" "control characters in metadata"

# A corrupt metadata column (something else wrote the database) is a
# sentence naming the database, not a bare "Input/output error".
db=$BPFMAN_STATE_DIR/state.db
orig=$(sqlite3 "$db" "SELECT quote(metadata) FROM programs WHERE id = $id;")
sqlite3 "$db" "UPDATE programs SET metadata = '{\"k\": 5' WHERE id = $id;"
msg=$(expect_exit 1 "$BPFMANCTL" list programs)
grep -q "the state database $db holds a corrupt row" <<<"$msg" || fail "corrupt row: $msg"
! grep -q "Input/output error" <<<"$msg" || fail "bare EIO for a corrupt row: $msg"
sqlite3 "$db" "UPDATE programs SET metadata = '{\"k\": 5}' WHERE id = $id;"
msg=$(expect_exit 1 "$BPFMANCTL" get program "$id")
grep -q "holds a corrupt row" <<<"$msg" || fail "non-string metadata value accepted: $msg"
sqlite3 "$db" "UPDATE programs SET metadata = $orig WHERE id = $id;"
same_as "$before" "repairing the corrupt row"

# Library sentences name fields, not bpfmanctl flags.
msg=$(expect_exit 3 "$BPFMANCTL" detach 424242)
grep -q "no link with ID 424242" <<<"$msg" || fail "detach sentence: $msg"
! grep -q "error: .*'bpfmanctl" <<<"$msg" || fail "library names a bpfmanctl command: $msg"
grep -q "hint: 'bpfmanctl list links' shows the link IDs" <<<"$msg" || fail "no CLI hint: $msg"

# --config takes a path relative to the working directory.
mkdir -p "$work/etc"
printf 'interfaces: [\n' >"$work/etc/bad.yaml"
(cd "$work" && "$BPFMANCTL" --config etc/none.yaml list programs >/dev/null) ||
  fail "--config with a relative path refused"
# ... and it is that file, resolved against the working directory, that is read.
msg=$(cd "$work" && expect_exit 1 "$BPFMANCTL" --config etc/bad.yaml image verify 127.0.0.1:1/x:v1)
grep -q "$work/etc/bad.yaml:2:1" <<<"$msg" || fail "relative config not read from the cwd: $msg"

# --key takes exactly one value: the reference may follow it (cosign's
# order). The registry is not running, so the call fails past the parser.
msg=$(expect_exit 1 "$BPFMANCTL" image verify --key "$work/k.pub" 127.0.0.1:1/x:v1)
! grep -q "missing REFERENCE" <<<"$msg" || fail "--key swallowed the reference: $msg"
msg=$(expect_exit 1 "$BPFMANCTL" image verify --certificate-root "$work/ca.pem" \
      --certificate-identity a@b 127.0.0.1:1/x:v1)
! grep -q "missing REFERENCE" <<<"$msg" || fail "--certificate-root swallowed the reference: $msg"

"$BPFMANCTL" unload "$id"
echo "cli-errors: ok"
