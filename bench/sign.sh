#!/usr/bin/env bash
# Signatures (issue 6), same run, same image, real docker-registry on
# 127.0.0.1, each command a whole process:
# - `bpfmanctl image verify` vs `cosign verify --key --insecure-ignore-tlog`
#   on a cosign 3 bundle signature and on a legacy .sig signature
#   (goal: faster than cosign);
# - the gate on a warm pull (`image pull -p Always`, verification cached)
#   vs the same pull with signing.verify_enabled: false (goal: < 1.1x), and
#   with the verification cache emptied before each pull (the cold check).
#   These two mean something once the pull calls signature_enforce.
. "$(dirname "$0")/lib.sh"
bench_setup
sign=$top/tests/sign
port=${SIGN_BENCH_PORT:-5220}
reg=127.0.0.1:$port
work=$(mktemp -d /tmp/bpfman-bench-sign-XXXXXX)
cosign=$("$sign/get-cosign.sh") || { echo "bench/sign.sh: cosign could not be built; skipped" >&2; exit 0; }
cat > "$work/registry.yml" <<EOY
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: $reg}
EOY
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
reg_pid=$!
trap 'kill $reg_pid 2>/dev/null; wait $reg_pid 2>/dev/null || true; rm -rf "$work"; bench_cleanup' EXIT
for _ in $(seq 1 100); do curl -sf "http://$reg/v2/" >/dev/null && break; sleep 0.1; done

export HOME=$work COSIGN_PASSWORD=bench
(cd "$work" && "$cosign" generate-key-pair --output-key-prefix ck >/dev/null 2>&1)
push() {
  "$sign/make-image.sh" "$work/lay-$1" img "$obj" '{"count_getpid":"tracepoint"}' > "$work/digest-$1"
  skopeo copy -q --dest-tls-verify=false "oci:$work/lay-$1:img" "docker://$reg/bench/$1:v1" >/dev/null
}
push bundle
push legacy
csign() {
  "$cosign" sign --key "$work/ck.key" --tlog-upload=false --use-signing-config=false \
    --allow-http-registry -y "$@" >/dev/null 2>&1
}
csign "$reg/bench/bundle@$(cat "$work/digest-bundle")"
csign --new-bundle-format=false "$reg/bench/legacy@$(cat "$work/digest-legacy")"

policy() { # VERIFY_ENABLED -> config file
  cat > "$work/cfg-$1.yaml" <<EOY
registries:
  - location: "$reg"
    insecure: true
signing:
  verify_enabled: $1
  allow_unsigned: false
  rules:
    - scope: $reg/bench
      cosign: {keys: [$work/ck.pub]}
EOY
}
policy true
policy false
ours="$ctl --config $work/cfg-true.yaml --image-cache-dir $work/cache"

for kind in bundle legacy; do
  flag=""
  [ $kind = legacy ] && flag="--new-bundle-format=false"
  json=$work/$kind.json
  hyperfine -N -w 2 -r "${REPS:-15}" --export-json "$json" \
    "$ours image verify $reg/bench/$kind:v1" \
    "$cosign verify --key $work/ck.pub --insecure-ignore-tlog --allow-http-registry $flag $reg/bench/$kind:v1" \
    >/dev/null 2>&1
  read -r a b < <(python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))["results"]
print(int(r[0]["median"] * 1e6), int(r[1]["median"] * 1e6))' "$json")
  ratio "verify one image ($kind signature) vs cosign verify --key" "$a" "$b" "cosign" "< 1.0x"
done

# The gate on pulls: warm (verified before, cached), off, and cold.
$ours image pull -p Always "$reg/bench/bundle:v1" >/dev/null
json=$work/pull.json
hyperfine -N -w 2 -r "${REPS:-15}" --export-json "$json" \
  "$ours image pull -p Always $reg/bench/bundle:v1" \
  "$ctl --config $work/cfg-false.yaml --image-cache-dir $work/cache image pull -p Always $reg/bench/bundle:v1" \
  >/dev/null 2>&1
read -r warm off < <(python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))["results"]
print(int(r[0]["median"] * 1e6), int(r[1]["median"] * 1e6))' "$json")
ratio "warm pull, verification cached vs verification off" "$warm" "$off" "no verification" "< 1.1x"
json=$work/cold.json
hyperfine -N -w 2 -r "${REPS:-15}" --export-json "$json" -p "rm -rf $work/cache/verified" \
  "$ours image pull -p Always $reg/bench/bundle:v1" >/dev/null 2>&1
cold=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["results"][0]["median"] * 1e6))' "$json")
ratio "pull re-verifying (cache emptied) vs verification off" "$cold" "$off" "no verification" "(cost of one check)"
