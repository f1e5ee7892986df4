#!/usr/bin/env bash
# Deleting only what libbpfman owns (doc/safety.md), as a user meets it:
# database rows edited to name victim files, directories and symbolic
# links; two state directories on one bpffs root; a newer schema; shared
# and foreign-owned directories (a temporary user); programs and links
# removed behind libbpfman's back. Every refusal is checked to change
# nothing: kernel programs, pins, the database and a sandbox of victims
# are compared before and after.
. "$(dirname "$0")/lib.sh"
cli_setup
sandbox=$(mktemp -d /tmp/bpfman-victims-XXXXXX)
user=""
others=()
cleanup() {
  [ -n "$user" ] && userdel "$user" 2>/dev/null
  for m in "$BPFMAN_STATE_DIR/bytecode" "$BPFMAN_BPFFS_ROOT/maps/997" "${others[0]:-/nonexistent}"; do
    mountpoint -q "$m" 2>/dev/null && umount "$m"
  done
  for d in "${others[@]}"; do rm -rf "$d"; done
  rm -rf "$sandbox"
  cli_cleanup
}
trap cleanup EXIT

ctl() { "$BPFMANCTL" "$@"; }
db() { sqlite3 "$BPFMAN_STATE_DIR/state.db" "$@"; }
obj=$BPF_OBJ_DIR/tracepoint_counter.bpf.o

# The victims: files, a tree, all outside every root of ours.
mkdir -p "$sandbox/tree/sub" "$sandbox/dir"
echo precious >"$sandbox/file"
echo precious >"$sandbox/tree/sub/deep"
echo precious >"$sandbox/dir/x"
cp "$obj" "$sandbox/prog.o"

world() {  # everything a refusal must leave as it was
  local i  # our programs in the kernel (other tests may run beside us)
  for i in $(db "SELECT id FROM programs"); do
    echo "kernel $i: $(bpftool prog show id "$i" >/dev/null 2>&1 && echo loaded || echo gone)"
  done
  echo "pins:"; find "$BPFMAN_BPFFS_ROOT" -mindepth 1 | sort
  echo "db:"; db .dump
  echo "victims:"; (cd "$sandbox" && find . -printf '%p %y %s\n' | sort && cat file tree/sub/deep dir/x)
}
same_world() {  # $1: the state before; $2: what was done
  local now; now=$(world)
  [ "$now" = "$1" ] || fail "$2 changed something: $(diff <(echo "$1") <(echo "$now") | head -20)"
}
refused() {  # refused CASE WANT_TEXT CMD...: fails, says WANT_TEXT, changes nothing
  local what=$1 want=$2; shift 2
  local before out rc=0
  before=$(world)
  out=$("$@" 2>&1) || rc=$?
  [ "$rc" != 0 ] || fail "$what: '$*' succeeded; output: $out"
  grep -qF -- "$want" <<<"$out" || fail "$what: message lacks '$want': $out"
  same_world "$before" "$what"
  echo "ok: $what refused: ${out:0:200}"
}

id=$(ctl load file -p "$obj" --programs tracepoint:count_getpid -o json | json_get 0.id)
link=$(ctl attach "$id" tracepoint -t syscalls/sys_enter_getpid -o json | json_get id)
pin=$(db "SELECT pin_path FROM programs WHERE id = $id")
maps=$(db "SELECT map_pin_dir FROM programs WHERE id = $id")
code=$(db "SELECT bytecode FROM programs WHERE id = $id")
lpin=$(db "SELECT pin_path FROM links WHERE id = $link")

# ---- 1. rows naming what is not ours --------------------------------------
db "UPDATE programs SET map_pin_dir = '$sandbox/tree' WHERE id = $id"
refused "map_pin_dir outside the bpffs root" "programs row $id, map_pin_dir" ctl unload "$id"
refused "the same, forced" "$sandbox/tree" ctl unload "$id" --force

db "UPDATE programs SET map_pin_dir = '$BPFMAN_BPFFS_ROOT/maps/../../../..$sandbox/tree' WHERE id = $id"
refused "map_pin_dir climbing out with .." "programs row $id, map_pin_dir" ctl unload "$id"

db "UPDATE programs SET map_pin_dir = '$BPFMAN_BPFFS_ROOT/links' WHERE id = $id"
refused "map_pin_dir naming our links directory" "never keeps anything of that kind there" ctl unload "$id"

ln -s "$sandbox/tree" "$BPFMAN_BPFFS_ROOT/maps/evil"
db "UPDATE programs SET map_pin_dir = '$BPFMAN_BPFFS_ROOT/maps/evil' WHERE id = $id"
refused "map_pin_dir through a planted symlink" "symbolic link" ctl unload "$id"
rm "$BPFMAN_BPFFS_ROOT/maps/evil"
db "UPDATE programs SET map_pin_dir = '$maps' WHERE id = $id"

db "UPDATE programs SET pin_path = '$sandbox/file' WHERE id = $id"
refused "pin_path outside the bpffs root" "programs row $id, pin_path" ctl unload "$id"
db "UPDATE programs SET pin_path = '$pin' WHERE id = $id"

db "UPDATE programs SET bytecode = '$sandbox/prog.o' WHERE id = $id"
refused "kept bytecode outside the state directory" "programs row $id, bytecode" ctl unload "$id"
db "UPDATE programs SET bytecode = '$BPFMAN_STATE_DIR/state.db' WHERE id = $id"
refused "kept bytecode naming the database" "programs row $id, bytecode" ctl unload "$id"
db "UPDATE programs SET bytecode = '$code' WHERE id = $id"

db "UPDATE links SET pin_path = '$sandbox/file' WHERE id = $link"
refused "link pin_path outside the bpffs root" "links row $link, pin_path" ctl detach "$link"
refused "unload with that link" "links row $link, pin_path" ctl unload "$id"
db "UPDATE links SET pin_path = '$lpin' WHERE id = $link"

# A mount inside our directories is never crossed: a tmpfs over the kept
# bytecode directory, and one where the maps directory should be.
mnt_victims=$(mktemp -d /tmp/bpfman-mnt-XXXXXX); others+=("$mnt_victims")
mount -t tmpfs tmpfs "$mnt_victims"
echo precious >"$mnt_victims/$(basename "$code")"
mkdir "$mnt_victims/sub"; echo precious >"$mnt_victims/sub/deep"
mount --bind "$mnt_victims" "$BPFMAN_STATE_DIR/bytecode"
db "UPDATE programs SET bytecode = '$BPFMAN_STATE_DIR/bytecode/$(basename "$code")' WHERE id = $id"
refused "kept bytecode on another file system" "another file system" ctl unload "$id"
umount "$BPFMAN_STATE_DIR/bytecode"
db "UPDATE programs SET bytecode = '$code' WHERE id = $id"
mkdir "$BPFMAN_BPFFS_ROOT/maps/997"
mount --bind "$mnt_victims" "$BPFMAN_BPFFS_ROOT/maps/997"
db "UPDATE programs SET map_pin_dir = '$BPFMAN_BPFFS_ROOT/maps/997' WHERE id = $id"
refused "a map directory that is a mount point" "another file system" ctl unload "$id"
umount "$BPFMAN_BPFFS_ROOT/maps/997"
rmdir "$BPFMAN_BPFFS_ROOT/maps/997"
db "UPDATE programs SET map_pin_dir = '$maps' WHERE id = $id"
[ -f "$mnt_victims/sub/deep" ] || fail "a file behind a mount point was removed"
umount "$mnt_victims"

# The repair that runs when state is opened: a pending row and a row left
# mid-unload that name victims. `list` opens state: it must list, warn
# naming the rows, and delete nothing of the sandbox.
db "INSERT INTO pending(token, dir) VALUES ('0123456789abcdef0123456789abcdef', '$sandbox/dir')"
db "UPDATE programs SET state = 'unloading', map_pin_dir = '$sandbox/tree' WHERE id = $id"
out=$(ctl list programs 2>&1) || fail "list with tampered rows failed: $out"
grep -qF "pending row 0123456789abcdef0123456789abcdef, dir" <<<"$out" || fail "no warning naming the pending row: $out"
grep -qF "programs row $id, map_pin_dir" <<<"$out" || fail "no warning naming the program row: $out"
[ -f "$sandbox/dir/x" ] && [ -f "$sandbox/tree/sub/deep" ] || fail "the repair on open deleted a victim"
bpftool prog show id "$id" >/dev/null || fail "program $id left the kernel"
expect_eq "$(db "SELECT COUNT(*) FROM pending")" 0 "the pending row naming a victim is dropped"
db "UPDATE programs SET state = 'loaded', map_pin_dir = '$maps' WHERE id = $id"
echo "ok: the repair on open left the victims alone and named the rows"

# A symlink planted among our pins is never followed by reconcile's sweep.
ln -s "$sandbox/file" "$BPFMAN_BPFFS_ROOT/links/999"
ln -s "$sandbox/tree" "$BPFMAN_BPFFS_ROOT/maps/998"
# (reconcile reports what it left as failed items: exit status 1)
out=$(ctl reconcile 2>&1) && fail "reconcile did not report the planted links: $out"
[ -f "$sandbox/file" ] && [ -f "$sandbox/tree/sub/deep" ] || fail "reconcile followed a planted link"
grep -q "symbolic link" <<<"$out" || fail "reconcile did not say it left the links alone: $out"
rm "$BPFMAN_BPFFS_ROOT/links/999" "$BPFMAN_BPFFS_ROOT/maps/998"
echo "ok: reconcile left planted symlinks and their targets alone"

# ---- 2. one bpffs root, one state directory ---------------------------------
second=$(mktemp -d /tmp/bpfman-second-XXXXXX); others+=("$second")
refused "a second state directory on the same bpffs root" "belongs to state directory $BPFMAN_STATE_DIR" \
  env BPFMAN_STATE_DIR="$second" "$BPFMANCTL" reconcile
out=$(BPFMAN_STATE_DIR=$second "$BPFMANCTL" list programs 2>&1) && fail "second state dir listed"
grep -qF "state directory $second" <<<"$out" || fail "the refusal does not name the second state dir: $out"
bpftool prog show id "$id" >/dev/null || fail "program $id left the kernel"
[ -L "$BPFMAN_BPFFS_ROOT/owner" ] || fail "no claim in the bpffs root"
echo "ok: a second state directory cannot use the claimed root"

# ---- 3. a newer schema -----------------------------------------------------
newer=$(mktemp -d /tmp/bpfman-newer-XXXXXX); others+=("$newer" "$BPFMAN_BPFFS_ROOT-newer")
cp "$BPFMAN_STATE_DIR/state.db" "$newer/"
sqlite3 "$newer/state.db" "UPDATE meta SET value = '99' WHERE key = 'schema_version'; DELETE FROM meta WHERE key = 'identity'"
sum=$(sha256sum "$newer/state.db")
out=$(BPFMAN_STATE_DIR=$newer BPFMAN_BPFFS_ROOT=$BPFMAN_BPFFS_ROOT-newer "$BPFMANCTL" list programs 2>&1) &&
  fail "a database of schema 99 was used: $out"
grep -q "schema version 99" <<<"$out" || fail "newer schema message: $out"
expect_eq "$(sha256sum "$newer/state.db")" "$sum" "the newer database is untouched"
echo "ok: newer schema refused: $out"

# ---- 4. directories others can write or own --------------------------------
chmod 0770 "$BPFMAN_STATE_DIR"
refused "a group-writable state directory" "writable by its group" ctl list programs
ctl --allow-shared-dirs list programs >/dev/null || fail "--allow-shared-dirs not honoured"
BPFMAN_ALLOW_SHARED_DIRS=1 ctl list programs >/dev/null || fail "BPFMAN_ALLOW_SHARED_DIRS not honoured"
chmod 0700 "$BPFMAN_STATE_DIR"
chmod 1777 "$BPFMAN_BPFFS_ROOT"
refused "a world-writable bpffs root" "writable by others" ctl list programs
chmod 0700 "$BPFMAN_BPFFS_ROOT"

user=bpfmantest$$
useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
chown "$user" "$BPFMAN_STATE_DIR"
refused "a state directory owned by another user" "belongs to $user" ctl list programs
ctl --allow-shared-dirs list programs >/dev/null || fail "--allow-shared-dirs with a foreign owner"
chown root "$BPFMAN_STATE_DIR"
userroot=/sys/fs/bpf/bpfman-user-$$; others+=("$userroot")
mkdir -m 0700 "$userroot"; chown "$user" "$userroot"
ustate=$(mktemp -d /tmp/bpfman-ustate-XXXXXX); others+=("$ustate")
out=$(BPFMAN_STATE_DIR=$ustate BPFMAN_BPFFS_ROOT=$userroot "$BPFMANCTL" list programs 2>&1) &&
  fail "a bpffs root owned by $user was used"
grep -qF "bpffs_root $userroot belongs to $user" <<<"$out" || fail "foreign bpffs root message: $out"
[ ! -e "$userroot/owner" ] || fail "a refused root was claimed"
userdel "$user"; user=""
echo "ok: foreign-owned and shared directories refused unless allowed"

# ---- 5. removed behind libbpfman's back ------------------------------------
expect_eq "$(ctl get program "$id" -o json | json_get status)" in-kernel "status before"
expect_eq "$(ctl get link "$link" -o json | json_get status)" in-kernel "link status before"
rm "$lpin" "$pin"   # the kernel drops both: no pin, no fd holds them
for _ in $(seq 30); do bpftool prog show id "$id" >/dev/null 2>&1 || break; sleep 0.1; done
out=$(ctl list programs 2>&1 >/dev/null)
grep -q "no longer in the kernel" <<<"$out" || fail "list did not warn: $out"
[ "$(grep -c "no longer in the kernel" <<<"$out")" = 1 ] || fail "warned more than once: $out"
expect_eq "$(ctl list programs -o json 2>/dev/null | json_get 0.status)" gone "program status"
expect_eq "$(ctl get link "$link" -o json 2>/dev/null | json_get status)" gone "link status"
ctl list links 2>/dev/null | grep -q "gone" || fail "list links table lacks the status"
ctl get program "$id" 2>/dev/null | grep -q "Status: *gone" || fail "get program table lacks the status"
ctl reconcile >/dev/null 2>&1
expect_eq "$(ctl list programs -o json | json_ids)" "" "reconcile forgets what is gone"
[ -f "$sandbox/file" ] && [ -f "$sandbox/tree/sub/deep" ] && [ -f "$sandbox/dir/x" ] || fail "a victim is gone"
echo "ok: programs and links gone from the kernel show as gone"
