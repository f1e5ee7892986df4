#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# image build and push without a container engine: skopeo reads what we
# write (layouts and registries), labels derived from the ELF, builds are
# reproducible, a multi-arch index, pushes with credentials over TLS, and
# what we push loads and runs.
. "$(dirname "$0")/lib.sh"
image_setup

obj=$BPF_OBJ_DIR/tracepoint_counter.bpf.o
start_registry P plain
start_registry T tls
write_config "$P_HOST=insecure" "$T_HOST=$T_CA"
arch=$(python3 -c 'import platform; m=platform.machine(); print({"x86_64":"amd64","aarch64":"arm64"}.get(m,m))')

# One object -> a manifest in a layout and in a registry.
d=$(bm image build -f "$obj" -o "$work/layout" -t "$P_HOST/built:v1" -l org.example.team=ebpf)
out=$(skopeo inspect "oci:$work/layout:v1")
expect_eq "$(json_get Digest <<<"$out")" "$d" "skopeo inspect oci: digest"
python3 - "$out" <<'EOF' || fail "labels of the layout: $out"
import json, sys
i = json.loads(sys.argv[1])
assert json.loads(i["Labels"]["io.ebpf.programs"]) == {"count_getpid": "tracepoint"}, i
assert json.loads(i["Labels"]["io.ebpf.maps"]) == {"counter": "array"}, i
assert i["Labels"]["org.example.team"] == "ebpf", i
assert i["Os"] == "linux" and len(i["Layers"]) == 1, i
EOF
out=$(skopeo inspect --tls-verify=false "docker://$P_HOST/built:v1")
expect_eq "$(json_get Digest <<<"$out")" "$d" "skopeo inspect docker:// digest"
expect_eq "$(json_get Architecture <<<"$out")" "$arch" "architecture"
skopeo copy --quiet --src-tls-verify=false "docker://$P_HOST/built:v1" "oci:$work/copy:v1" ||
  fail "skopeo cannot copy what we pushed"
# Reproducible: the same object gives the same digest.
expect_eq "$(bm image build -f "$obj" -o "$work/layout2" -l org.example.team=ebpf)" "$d" "rebuilt digest"
echo "ok: build into a layout and a registry, read by skopeo, reproducible"

# What we pushed loads and runs.
id=$(bm load image -i "$P_HOST/built:v1" -o json | json_get 0.id)
bm attach "$id" tracepoint -t syscalls/sys_enter_getpid >/dev/null
before=$(counter_of "$id")
trigger_getpid 10
[ "$(counter_of "$id")" -ge $((before + 10)) ] || fail "built image's program does not count"
bm unload "$id"
echo "ok: a built image loads and runs"

# Several objects -> an index; the host's entry is picked on pull.
other=arm64
[ "$arch" = arm64 ] && other=amd64
d=$(bm image push -f "$BPF_OBJ_DIR/xdp_counter.bpf.o" --platform "linux/$other" \
      -f "$obj" --platform "linux/$arch" -t "$P_HOST/multi:v1")
raw=$(skopeo inspect --raw --tls-verify=false "docker://$P_HOST/multi:v1")
python3 - "$raw" "$arch" "$other" <<'EOF' || fail "index: $raw"
import json, sys
i = json.loads(sys.argv[1])
assert i["mediaType"] == "application/vnd.oci.image.index.v1+json", i
archs = sorted(m["platform"]["architecture"] for m in i["manifests"])
assert archs == sorted(sys.argv[2:]), archs
EOF
out=$(skopeo inspect --tls-verify=false --override-arch "$other" "docker://$P_HOST/multi:v1")
grep -q xdp_count <<<"$out" || fail "skopeo sees no xdp_count in the $other entry: $out"
out=$(bm image pull "$P_HOST/multi:v1" -o json)
expect_eq "$(json_get index_digest <<<"$out")" "$d" "pushed index digest"
expect_eq "$(json_get programs.0.name <<<"$out")" count_getpid "host entry of the pushed index"
echo "ok: multi-arch index pushed and read back"

# Pushing over TLS with credentials; wrong ones are refused.
auth=$(printf '%s:%s' "$T_USER" "$T_PASS" | base64 -w0)
bad=$(printf '%s:%s' "$T_USER" "nope" | base64 -w0)
bm image push -f "$obj" -t "$T_HOST/built:v1" -r "$auth" >/dev/null
mkdir -p "$work/certs"
cp "$T_CA" "$work/certs/ca.crt"
skopeo inspect --cert-dir "$work/certs" --creds "$T_USER:$T_PASS" "docker://$T_HOST/built:v1" \
  >/dev/null || fail "skopeo cannot read our TLS push"
rc=0
out=$(bm image push -f "$obj" -t "$T_HOST/other:v1" -r "$bad" 2>&1) || rc=$?
[ "$rc" != 0 ] || fail "a push with wrong credentials succeeded"
grep -qiE "401|credential|unauthori" <<<"$out" || fail "wrong push credentials message: $out"
echo "ok: push with credentials over TLS"
echo "PASS"
