#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bpfmanctl's image commands as a user meets them: output formats, exit
# codes, the progress line only on a terminal, an empty or missing cache,
# load image output like load file. (Behaviour end to end: tests/image.)
. "$(dirname "$0")/../image/lib.sh"
image_setup

obj=$BPF_OBJ_DIR/tracepoint_counter.bpf.o
start_registry P plain
write_config "$P_HOST=insecure"
ref=$P_HOST/cli/counter:v1
bm image build -f "$obj" -t "$ref" >/dev/null

# A missing cache lists as empty and is not created by list or prune.
expect_eq "$(bm image list -o json)" "[]" "list of a missing cache"
bm image list | grep -q "^ Image" || fail "list table has no header"
expect_eq "$(bm image prune)" "Deleted 0 blobs, 0 bytes." "prune of a missing cache"
[ -e "$BPFMAN_IMAGE_CACHE_DIR" ] && fail "list/prune created the cache"

# Not a terminal: no progress line (only the log: the default signature
# policy warns that the image was not verified). A terminal: a progress line.
bm image pull "$ref" -o json >"$work/pull.json" 2>"$work/pull.err"
grep -qE 'bytes|%|'$'\r' "$work/pull.err" && fail "pull drew progress on a non-terminal stderr: $(cat -v "$work/pull.err")"
grep -q "is not verified: no signing rule covers" "$work/pull.err" ||
  fail "pull under the default policy did not warn that nothing was verified: $(cat "$work/pull.err")"
expect_eq "$(json_get reference <"$work/pull.json")" "$ref" "pull json"
script -qec "$BPFMANCTL --config $work/bpfman.yaml --image-cache-dir $work/tty-cache image pull $ref" /dev/null \
  >"$work/tty.out"
grep -q "bytes (100%)" "$work/tty.out" || fail "no progress on a terminal: $(cat -v "$work/tty.out")"

# Formats agree.
bm image inspect "$ref" | grep -q "Manifest Digest:" || fail "inspect table"
bm image inspect "$ref" | grep -q "tracepoint  *count_getpid" || fail "inspect table programs"
bm image inspect "$ref" -o yaml | grep -q "^reference: " || fail "inspect yaml"
digest=$(bm image inspect "$ref" -o json | json_get digest)
bm image list | grep -q "${digest:0:19}" || fail "list table digest"
expect_eq "$(bm image list -o json | json_get 0.digest)" "$digest" "list json"
bm image list -o yaml | grep -q -- "- reference: " || fail "list yaml"
bm --output json image build -f "$obj" -o "$work/layout" | json_get digest >/dev/null ||
  fail "build --output json"

# load image prints like load file; get program names the image.
out=$(bm load image -i "$ref" -o json)
id=$(json_get 0.id <<<"$out")
expect_eq "$(json_get 0.image <<<"$out")" "$ref" "load image json image"
bm get program "$id" -o yaml | grep -q "^image_digest: \"\?$digest" || fail "get program yaml digest"
bm unload "$id"
id=$(bm load file -p "$obj" --programs tracepoint:count_getpid -o json | json_get 0.id)
expect_eq "$(bm get program "$id" -o json | json_get image)" None "file load has no image"
bm unload "$id"

# An image label carrying terminal escapes (ESC ] 0 ; ... BEL retitles a
# terminal; ESC [ 2 J clears it; C1 CSI too) is shown escaped in the table and in
# messages, and as JSON escapes in json: never raw.
evil=$'\e]0;pwned\a\e[2J\xc2\x9b31m'
bm image build -f "$obj" -l "note=$evil" -t "$P_HOST/cli/evil:v1" >/dev/null
bm image pull "$P_HOST/cli/evil:v1" >"$work/evil.out" 2>&1
bm image inspect "$P_HOST/cli/evil:v1" >>"$work/evil.out" 2>&1
grep -q 'note.*\\x1b\]0;pwned\\x07\\x1b\[2J\\u009b31m' "$work/evil.out" ||
  fail "label not shown escaped: $(cat -v "$work/evil.out")"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]\|\xc2[\x80-\x9f]' "$work/evil.out"; then
  fail "raw control characters reached the output: $(cat -v "$work/evil.out")"
fi
bm image inspect "$P_HOST/cli/evil:v1" -o json | grep -qi '\\u001b\]0;pwned\\u0007' ||
  fail "json does not escape the label: $(bm image inspect "$P_HOST/cli/evil:v1" -o json | grep -a note | cat -v)"
bm image rm "$P_HOST/cli/evil:v1" >/dev/null

# Exit codes.
expect_exit 3 bm image inspect "$P_HOST/cli/none:v1" >/dev/null
expect_exit 3 bm image rm "$P_HOST/cli/none:v1" >/dev/null
expect_exit 3 bm image pull "$P_HOST/cli/none:v1" -p Never >/dev/null
expect_exit 3 bm load image -i "$P_HOST/cli/none:v1" >/dev/null
expect_exit 2 bm image pull "$ref" -p sometimes >/dev/null
expect_exit 2 bm load image -i "$ref" -r '%%%' >/dev/null
expect_exit 1 bm load image -i "$ref" --programs xdp:count_getpid >/dev/null
expect_exit 0 bm image rm "$ref" >/dev/null
expect_eq "$(programs_loaded)" "" "programs after the refusals"
echo "PASS"
