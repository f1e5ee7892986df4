#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Bytecode images end to end against a real docker-registry: images laid out
# as bpfman's Containerfile.bytecode builds them and pushed by skopeo are
# pulled, inspected and loaded, and the program runs; Docker schema2 and
# legacy labels; a multi-arch index picks this host's platform; image
# list/rm/prune.
. "$(dirname "$0")/lib.sh"
image_setup

obj=$BPF_OBJ_DIR/tracepoint_counter.bpf.o
start_registry P plain
write_config "$P_HOST=insecure"
arch=$(python3 -c 'import platform; m=platform.machine(); print({"x86_64":"amd64","aarch64":"arm64"}.get(m,m))')

digest=$(mkimage "$work/counter" --elf "$obj")
push_layout "$work/counter" "$P_HOST/counter:v1"

# Pull shows what the labels say.
out=$(bm image pull "$P_HOST/counter:v1" -o json)
expect_eq "$(json_get reference <<<"$out")" "$P_HOST/counter:v1" "pull reference"
expect_eq "$(json_get digest <<<"$out")" "$digest" "pull digest"
expect_eq "$(json_get platform <<<"$out")" "linux/$arch" "pull platform"
expect_eq "$(json_get programs.0.name <<<"$out")" count_getpid "label program"
expect_eq "$(json_get programs.0.type <<<"$out")" tracepoint "label type"
expect_eq "$(json_get maps.0.name <<<"$out")" counter "label map"
expect_eq "$(cached_refs)" "$P_HOST/counter:v1" "cache index.json"
out=$(bm image inspect "$P_HOST/counter:v1" -o yaml)
grep -q "io.ebpf.programs" <<<"$out" || fail "inspect yaml has no labels: $out"
bm image inspect "$P_HOST/counter:v1" | grep -q count_getpid || fail "inspect table"

# Load without --programs: the labels name the program and its type.
out=$(bm load image -i "$P_HOST/counter:v1" -a imgapp -m from=image -o json)
id=$(json_get 0.id <<<"$out")
out=$(bm get program "$id" -o json)
expect_eq "$(json_get image <<<"$out")" "$P_HOST/counter:v1" "get program image"
expect_eq "$(json_get image_digest <<<"$out")" "$digest" "get program image digest"
expect_eq "$(json_get application <<<"$out")" imgapp "application"
bm get program "$id" | grep -q "Image URL:.*$P_HOST/counter:v1" || fail "get program table shows no image"
bm attach "$id" tracepoint -t syscalls/sys_enter_getpid >/dev/null
before=$(counter_of "$id")
trigger_getpid 25
after=$(counter_of "$id")
[ "$after" -ge $((before + 25)) ] || fail "counter of the image's program $before -> $after"
bm unload "$id"

# Explicit --programs and globals, from the warm cache.
out=$(bm load image -i "$P_HOST/counter:v1" --programs tracepoint:count_getpid \
      -g target_pid=01000000 -o json)
id=$(json_get 0.id <<<"$out")
bm unload "$id"
echo "ok: pull, inspect, load (labels and --programs), program runs"

# Docker schema2 media types, and the legacy single-program labels.
# (skopeo converts the layout to Docker schema2 on the way.)
mkimage "$work/docker" --elf "$obj" >/dev/null
push_layout "$work/docker" "$P_HOST/docker:v1" --format v2s2
skopeo inspect --raw --tls-verify=false "docker://$P_HOST/docker:v1" |
  grep -q 'vnd.docker.distribution.manifest.v2+json' || fail "registry holds no schema2 manifest"
id=$(bm load image -i "$P_HOST/docker:v1" -o json | json_get 0.id)
bm unload "$id"
mkimage "$work/legacy" --legacy count_getpid:tracepoint --elf "$obj" >/dev/null
push_layout "$work/legacy" "$P_HOST/legacy:v1"
out=$(bm image pull "$P_HOST/legacy:v1" -o json)
expect_eq "$(json_get programs.0.name <<<"$out")" count_getpid "legacy label program"
id=$(bm load image -i "$P_HOST/legacy:v1" -o json | json_get 0.id)
bm unload "$id"
echo "ok: docker schema2 and legacy labels"

# A zstd layer, as `skopeo copy --dest-compress-format zstd` (and podman push
# --compression-format zstd) writes it.
mkimage "$work/gz" --elf "$obj" >/dev/null
skopeo copy --quiet --dest-compress --dest-compress-format zstd "oci:$work/gz:latest" \
  "oci:$work/zstd:latest" >/dev/null
push_layout "$work/zstd" "$P_HOST/zstd:v1"
skopeo inspect --raw --tls-verify=false "docker://$P_HOST/zstd:v1" |
  grep -q 'layer.v1.tar+zstd' || fail "registry holds no zstd layer"
id=$(bm load image -i "$P_HOST/zstd:v1" -o json | json_get 0.id)
bm unload "$id"
echo "ok: zstd layer"

# Multi-arch: this host's entry is chosen (the other holds another program).
other=arm64
[ "$arch" = arm64 ] && other=amd64
mdigest=$(mkimage "$work/multi" --elf "linux/$other=$BPF_OBJ_DIR/xdp_counter.bpf.o" \
          --programs '{"xdp_count":"xdp"}' --elf "linux/$arch=$obj" \
          --programs '{"count_getpid":"tracepoint"}')
push_layout "$work/multi" "$P_HOST/multi:v1"
out=$(bm image pull "$P_HOST/multi:v1" -o json)
expect_eq "$(json_get platform <<<"$out")" "linux/$arch" "index platform"
expect_eq "$(json_get index_digest <<<"$out")" "$mdigest" "index digest"
id=$(bm load image -i "$P_HOST/multi:v1" -o json | json_get 0.id)
expect_eq "$(bm get program "$id" -o json | json_get name)" count_getpid "program from host entry"
bm unload "$id"
out=$(bm image pull "$P_HOST/multi:v1" -p Always --platform "linux/$other" -o json)
expect_eq "$(json_get platform <<<"$out")" "linux/$other" "--platform picks the other entry"
refused "index without this platform" "platform" \
  bm image pull "$P_HOST/multi:v1" -p Always --platform linux/s390x
# One manifest (no index) whose config says linux/amd64 does not serve a
# request for linux/s390x, from the registry or from the cache; asking
# for what it is (or nothing) works. A malformed --platform is refused
# before any network.
mkimage "$work/single" --elf "linux/amd64=$obj" >/dev/null
push_layout "$work/single" "$P_HOST/single:v1"
refused "single manifest for another platform" "is for platform linux/amd64 .*not linux/s390x" \
  bm image pull "$P_HOST/single:v1" -p Always --platform linux/s390x
expect_eq "$refused_rc" 3 "exit status for a platform the image is not for"
out=$(bm image pull "$P_HOST/single:v1" --platform linux/amd64 -o json)
expect_eq "$(json_get platform <<<"$out")" "linux/amd64" "single manifest platform"
refused "cached single manifest for another platform" "not linux/s390x" \
  bm image pull "$P_HOST/single:v1" -p IfNotPresent --platform linux/s390x
for bad in linux linux/ /amd64 Linux/amd64 "linux/amd64/v8/x" "linux/am d64"; do
  refused "malformed platform '$bad'" "is not os/arch\[/variant\]" \
    bm image pull "$P_HOST/single:v1" -p Always --platform "$bad"
done
bm image rm "$P_HOST/single:v1"
echo "ok: --platform validated and honoured for a single manifest"

# list, rm, prune.
n=$(bm image list -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
expect_eq "$n" 5 "image list count"
bm image list | grep -q "$P_HOST/multi:v1" || fail "image list table"
blobs() { find "$BPFMAN_IMAGE_CACHE_DIR/blobs" -type f | wc -l; }
b0=$(blobs)
bm image rm "$P_HOST/docker:v1"
bm image list -o json | grep -q "docker:v1" && fail "rm left the reference"
expect_eq "$(blobs)" "$b0" "rm keeps blobs"
out=$(bm image prune)
grep -qE "Deleted [1-9][0-9]* blobs" <<<"$out" || fail "prune: $out"
[ "$(blobs)" -lt "$b0" ] || fail "prune deleted nothing"
expect_exit 3 bm image rm "$P_HOST/docker:v1" >/dev/null
expect_exit 3 bm image inspect "$P_HOST/docker:v1" >/dev/null
# What is still tagged still loads without the network.
stop_registry P
id=$(bm load image -i "$P_HOST/counter:v1" -p Never -o json | json_get 0.id)
bm unload "$id"
echo "ok: image list, rm, prune"

# A schema v2 database (before programs.image) gains the columns on open.
# (python3's sqlite3: the sqlite3 shell is not among the dependencies.)
sql() {  # DB SQL...: runs the statements, prints the rows of the last one
  python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1])
*head, last = [q for q in sys.argv[2].split(";") if q.strip()]
for q in head:
    c.execute(q)
for r in c.execute(last):
    print("|".join(str(x) for x in r))
c.commit()' "$@"
}
old=$work/v2state
mkdir -p "$old"
# A state directory of its own claims a bpffs root of its own (doc/safety.md).
old_root=$BPFMAN_BPFFS_ROOT-v2
trap 'rm -rf "$old_root"; image_cleanup' EXIT
BPFMAN_STATE_DIR=$old BPFMAN_BPFFS_ROOT=$old_root "$BPFMANCTL" list programs >/dev/null
sql "$old/state.db" "ALTER TABLE programs DROP COLUMN image;
  ALTER TABLE programs DROP COLUMN image_digest;
  UPDATE meta SET value = '2' WHERE key = 'schema_version';"
BPFMAN_STATE_DIR=$old BPFMAN_BPFFS_ROOT=$old_root "$BPFMANCTL" list programs >/dev/null
# (v3 or later: later steps such as v4's programs.owner run in the same open)
v=$(sql "$old/state.db" "SELECT value FROM meta WHERE key = 'schema_version'")
[ "$v" -ge 3 ] 2>/dev/null || fail "schema version after migration is '$v', expected 3 or later"
sql "$old/state.db" "SELECT image, image_digest FROM programs" >/dev/null ||
  fail "migration did not add the image columns"
echo "ok: schema v2 -> v3 migration"
echo "PASS"
