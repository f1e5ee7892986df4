#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Pull policies against a real registry, and concurrent pulls:
# - IfNotPresent and Never use the cache without the network (the registry
#   is stopped), Always asks the registry;
# - Always with an unchanged digest fetches only the manifest (the layer
#   blob is deleted from the registry and the pull still succeeds), and
#   with a moved tag fetches the new image;
# - N processes pulling the same image into one empty cache all succeed
#   and leave one reference, one extracted ELF and no temporary files.
. "$(dirname "$0")/lib.sh"
image_setup

obj=$BPF_OBJ_DIR/tracepoint_counter.bpf.o
start_registry P plain
write_config "$P_HOST=insecure"
ref=$P_HOST/policy:v1

d1=$(mkimage "$work/v1" --elf "$obj")
push_layout "$work/v1" "$ref"
expect_eq "$(bm image pull "$ref" -p Always -o json | json_get digest)" "$d1" "first pull"

# Always with the digest unchanged: only the manifest is fetched. Remove
# the layer blob from the registry's storage to prove it.
ldigest=$(bm image inspect "$ref" -o json | python3 -c 'import json,sys
print(json.load(sys.stdin)["digest"])')
layer=$(skopeo inspect --tls-verify=false "docker://$ref" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["Layers"][0])')
rm -rf "$P_STORAGE/docker/registry/v2/blobs/sha256/${layer:7:2}/${layer:7}"
expect_eq "$(bm image pull "$ref" -p Always -o json | json_get digest)" "$ldigest" "Always, unchanged"
id=$(bm load image -i "$ref" -p Always -o json | json_get 0.id)
bm unload "$id"
echo "ok: Always with an unchanged digest reuses the cached blobs"

# The tag moves to a new image: Always follows it, IfNotPresent keeps ours.
d2=$(mkimage "$work/v2" --elf "$obj" --maps '{"counter":"array","v2":"hash"}')
push_layout "$work/v2" "$ref"
[ "$d1" != "$d2" ] || fail "test images should differ"
expect_eq "$(bm image pull "$ref" -p IfNotPresent -o json | json_get digest)" "$d1" "IfNotPresent keeps the cached digest"
id=$(bm load image -i "$ref" -p Always -o json | json_get 0.id)
expect_eq "$(bm get program "$id" -o json | json_get image_digest)" "$d2" "Always loads the moved tag"
bm unload "$id"
echo "ok: Always follows a moved tag, IfNotPresent does not"

# No network for IfNotPresent and Never when cached.
stop_registry P
id=$(bm load image -i "$ref" -o json | json_get 0.id)   # default IfNotPresent
bm unload "$id"
id=$(bm load image -i "$ref" -p Never -o json | json_get 0.id)
bm unload "$id"
refused "Always with the registry down" "connect|reach|refused" \
  bm load image -i "$ref" -p Always
# ... and the cached image is still there afterwards.
expect_eq "$(cached_refs)" "$ref" "cache after a failed Always"
echo "ok: IfNotPresent and Never work offline; Always needs the registry"

# Concurrent pulls of one image into an empty cache.
start_registry Q plain
write_config "$Q_HOST=insecure"
push_layout "$work/v2" "$Q_HOST/race:v1"
export BPFMAN_IMAGE_CACHE_DIR=$work/race-cache
n=8
pids=()
for i in $(seq 1 $n); do
  bm image pull "$Q_HOST/race:v1" -p Always -o json >"$work/race.$i" 2>"$work/race.$i.err" &
  pids+=($!)
done
for i in $(seq 1 $n); do
  wait "${pids[$((i - 1))]}" || fail "concurrent pull $i: $(cat "$work/race.$i" "$work/race.$i.err")"
  expect_eq "$(json_get digest <"$work/race.$i")" "$d2" "concurrent pull $i digest"
done
expect_eq "$(cached_refs)" "$Q_HOST/race:v1" "one reference after concurrent pulls"
elfs=$(find "$BPFMAN_IMAGE_CACHE_DIR/bytecode" -type f)
expect_eq "$(wc -l <<<"$elfs")" 1 "one extracted ELF"
cmp -s "$elfs" "$obj" || fail "extracted ELF differs from the object"
left=$(find "$BPFMAN_IMAGE_CACHE_DIR" -type f \( -path "$BPFMAN_IMAGE_CACHE_DIR/tmp/*" -o -name '*.tmp.*' \))
[ -z "$left" ] || fail "temporary files left: $left"
id=$(bm load image -i "$Q_HOST/race:v1" -p Never -o json | json_get 0.id)
bm unload "$id"
echo "ok: $n concurrent pulls"
echo "PASS"
