#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every bad input of the images issue that is end to end, against real
# registries: each is a clear error with nothing loaded and no reference
# cached (refused() in lib.sh checks all three).
. "$(dirname "$0")/lib.sh"
image_setup

obj=$BPF_OBJ_DIR/tracepoint_counter.bpf.o
start_registry P plain
start_registry T tls
start_registry W tls "DNS:wrong.example"
# A port of our range that nothing listens on.
dead=$(python3 -c 'import socket
for p in range(5199, 5100, -1):
    s = socket.socket()
    try: s.bind(("127.0.0.1", p))
    except OSError: continue
    s.close(); print("127.0.0.1:%d" % p); break')
write_config "$P_HOST=insecure" "$T_HOST=$T_CA" "$W_HOST=$W_CA" "$dead=insecure"
auth=$(printf '%s:%s' "$T_USER" "$T_PASS" | base64 -w0)
bad_auth=$(printf '%s:%s' "$T_USER" "wrong-$T_PASS" | base64 -w0)

mkimage "$work/good" --elf "$obj" >/dev/null
push_layout "$work/good" "$P_HOST/good:v1"
mkdir -p "$work/certs"
cp "$T_CA" "$work/certs/ca.crt"
push_layout "$work/good" "$T_HOST/good:v1" --dest-cert-dir "$work/certs" \
  --dest-creds "$T_USER:$T_PASS"

# The TLS + htpasswd registry works with the right credentials, given the
# ways that keep them off the command line: a file, or stdin with -r - ...
printf '%s:%s\n' "$T_USER" "$T_PASS" >"$work/creds"
chmod 600 "$work/creds"
out=$(bm load image -i "$T_HOST/good:v1" --registry-auth-file "$work/creds" -o json 2>"$work/err")
! grep -qi "credentials" "$work/err" || fail "--registry-auth-file: unexpected warning: $(cat "$work/err")"
bm unload "$(json_get 0.id <<<"$out")"
bm image rm "$T_HOST/good:v1"
id=$(printf '%s:%s\n' "$T_USER" "$T_PASS" |
     bm load image -i "$T_HOST/good:v1" -r - -o json | json_get 0.id)
bm unload "$id"
bm image rm "$T_HOST/good:v1"
# ... and bpfman's -r BASE64 still works, with a warning that it is public.
id=$(bm load image -i "$T_HOST/good:v1" -r "$auth" -o json 2>"$work/err" | json_get 0.id)
grep -q "warning: -r/--registry-auth puts credentials on the command line" "$work/err" ||
  fail "-r BASE64 without a warning: $(cat "$work/err")"
bm unload "$id"
# Pulled with credentials: the cache (created by that pull) keeps the
# image from other users; an unprivileged user cannot read it.
chmod 755 "$work"  # mktemp's 0700 would hide the cache by itself
[ "$(stat -c %a "$BPFMAN_IMAGE_CACHE_DIR")" = 700 ] ||
  fail "cache directory is mode $(stat -c %a "$BPFMAN_IMAGE_CACHE_DIR"), not 700"
if setpriv --reuid=65534 --regid=65534 --clear-groups \
     cat "$BPFMAN_IMAGE_CACHE_DIR/index.json" >/dev/null 2>&1; then
  fail "user nobody can read the image cache's index.json"
fi
# A cache someone opened to others is used, with a warning that says so.
chmod 755 "$BPFMAN_IMAGE_CACHE_DIR"
bm image pull "$T_HOST/good:v1" -p Always --registry-auth-file "$work/creds" >/dev/null 2>"$work/err"
grep -q "image cache $BPFMAN_IMAGE_CACHE_DIR is open to other users" "$work/err" ||
  fail "no warning for a cache open to others: $(cat "$work/err")"
chmod 700 "$BPFMAN_IMAGE_CACHE_DIR"
chmod 700 "$work"
bm image rm "$T_HOST/good:v1"
echo "ok: TLS registry with basic auth (file, stdin, -r with a warning); cache not world-readable"
chmod 644 "$work/creds"
bm image pull "$T_HOST/good:v1" --registry-auth-file "$work/creds" >/dev/null 2>"$work/err"
grep -q "other users may read it" "$work/err" || fail "no warning for a world-readable credentials file"
bm image rm "$T_HOST/good:v1"

# ... and refuses wrong ones: status 8, not 4 ("permission denied").
printf '%s:wrong-%s\n' "$T_USER" "$T_PASS" >"$work/bad-creds"
refused "wrong credentials (401)" "401|unauthori|credential" \
  bm load image -i "$T_HOST/good:v1" --registry-auth-file "$work/bad-creds" -p Always
expect_eq "$refused_rc" 8 "exit status for refused credentials"
refused "wrong credentials (401), -r" "401|unauthori|credential" \
  bm load image -i "$T_HOST/good:v1" -r "$bad_auth" -p Always
refused "no credentials" "401|unauthori|credential" \
  bm load image -i "$T_HOST/good:v1" -p Always
expect_eq "$refused_rc" 8 "exit status for missing credentials"
refused "TLS name mismatch" "certificate|TLS|SSL|name" \
  bm load image -i "$W_HOST/good:v1" -r "$auth"
refused "unreachable registry" "connect|reach|refused" \
  bm load image -i "$dead/good:v1"
refused "unknown image" "not found|unknown|no such|does not exist" \
  bm load image -i "$P_HOST/nosuchimage:v1"
refused "unknown tag" "not found|unknown|no such|does not exist" \
  bm load image -i "$P_HOST/good:nosuchtag"
refused "Never without a cached copy" "Never" \
  bm load image -i "$P_HOST/good:v1" -p Never
refused "image pull, Never without a cached copy" "Never" \
  bm image pull "$P_HOST/good:v1" -p Never

# A tampered blob: the registry serves other bytes under the layer digest.
# (A layer of its own: the cache already holds good:v1's and would not
# fetch it again.)
mkimage "$work/tamper" --entry-name tamper.bpf.o --elf "$obj" >/dev/null
push_layout "$work/tamper" "$P_HOST/tamper:v1"
ldigest=$(skopeo inspect --tls-verify=false "docker://$P_HOST/tamper:v1" |
          python3 -c 'import json,sys; print(json.load(sys.stdin)["Layers"][0])')
data="$P_STORAGE/docker/registry/v2/blobs/sha256/${ldigest:7:2}/${ldigest:7}/data"
[ -f "$data" ] || fail "registry storage layout changed: no $data"
python3 - "$data" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0xff
open(p, "wb").write(b)
EOF
refused "tampered blob" "digest" bm load image -i "$P_HOST/tamper:v1"
expect_eq "$refused_rc" 7 "exit status for a tampered blob (image refused)"

# A manifest lying about the layer's size (pushed by hand: skopeo checks).
mkimage "$work/liar" --lie-size 100 --elf "$BPF_OBJ_DIR/uprobe_counter.bpf.o" \
  --push "$P_HOST/liar" >/dev/null
refused "manifest lying about sizes" "size|bytes|digest" bm load image -i "$P_HOST/liar:latest"

# A layer entry escaping the root.
mkimage "$work/traversal" --entry-name ../../evil.o --elf "$obj" >/dev/null
push_layout "$work/traversal" "$P_HOST/traversal:v1"
refused "path traversal in the layer" '\.\.|traversal|path' \
  bm load image -i "$P_HOST/traversal:v1"
# The library refused the layer with EPERM; that is not a privilege problem.
expect_eq "$refused_rc" 7 "exit status for a hostile layer (image refused)"
[ -e "$BPFMAN_IMAGE_CACHE_DIR/../evil.o" ] && fail "traversal wrote outside the cache"

# A payload that is not an ELF.
echo "this is not bytecode" > "$work/notelf.o"
mkimage "$work/notelf" --elf "$work/notelf.o" >/dev/null
push_layout "$work/notelf" "$P_HOST/notelf:v1"
refused "non-ELF payload" "ELF" bm load image -i "$P_HOST/notelf:v1"

# A config without bpfman's labels.
mkimage "$work/nolabels" --no-labels --elf "$obj" >/dev/null
push_layout "$work/nolabels" "$P_HOST/nolabels:v1"
refused "missing labels" "label" bm load image -i "$P_HOST/nolabels:v1"
expect_eq "$refused_rc" 7 "exit status for an image without labels"

# A reference that does not parse never reaches the network.
refused "malformed reference" "reference|repository|tag|invalid" \
  bm load image -i "$P_HOST/UPPER:v1"
echo "PASS"
