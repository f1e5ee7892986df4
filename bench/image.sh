#!/usr/bin/env bash
# Bytecode images (issue 5), same run, same image, real docker-registry on
# 127.0.0.1:
# - cold pull: `bpfmanctl image pull` into an empty cache vs
#   `skopeo copy docker://... oci:...` into an empty layout (goal: faster
#   than skopeo);
# - `load image` with a warm cache (IfNotPresent) vs `load file` of the same
#   object (goal: under 1.1x).
. "$(dirname "$0")/lib.sh"
bench_setup
export REGISTRY_TEST_PORTS=${REGISTRY_TEST_PORTS:-5100-5199}
reg=$top/tests/registry
work=$(mktemp -d /tmp/bpfman-bench-image-XXXXXX)
trap '"$reg/registry-stop" "$work/reg"; rm -rf "$work"; bench_cleanup' EXIT

"$reg/registry-start" plain "$work/reg" >/dev/null
. "$work/reg/env"
printf 'registries:\n  - location: "%s"\n    insecure: true\n' "$REG_HOST" > "$work/bpfman.yaml"
python3 "$top/tests/image/mkimage.py" "$work/layout" --elf "$obj" >/dev/null
skopeo copy --quiet --dest-tls-verify=false "oci:$work/layout:latest" \
  "docker://$REG_HOST/bench/counter:v1"
ref=$REG_HOST/bench/counter:v1

# Cold pulls: each run starts from an empty cache / layout.
json=$work/pull.json
hyperfine -N -w 2 -r "${REPS:-15}" --export-json "$json" \
  -p "rm -rf $work/cache $work/skopeo" \
  "$ctl --config $work/bpfman.yaml --image-cache-dir $work/cache image pull $ref -p Always" \
  "skopeo copy --quiet --src-tls-verify=false docker://$ref oci:$work/skopeo:latest" >/dev/null
read -r ours peer < <(python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))["results"]
print(int(r[0]["median"] * 1e6), int(r[1]["median"] * 1e6))' "$json")
ratio "cold image pull vs skopeo copy to an OCI layout" "$ours" "$peer" "skopeo" "< 1.0x"

# Warm load image vs load file; each load is unloaded outside the timing.
"$ctl" --config "$work/bpfman.yaml" --image-cache-dir "$work/cache" image pull "$ref" >/dev/null
time_loads() {  # command... -> median microseconds of load (unload untimed)
  local reps=${REPS:-15} t0 t1 id times=()
  for ((i = 0; i < reps + 2; i++)); do
    t0=$(now_ns)
    "$@" >/dev/null
    t1=$(now_ns)
    id=$(first_prog_id)
    "$ctl" unload "$id"
    ((i < 2)) || times+=($(((t1 - t0) / 1000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
img_us=$(time_loads "$ctl" --config "$work/bpfman.yaml" --image-cache-dir "$work/cache" \
  load image -i "$ref" -p IfNotPresent)
file_us=$(time_loads "$ctl" load file -p "$obj" --programs tracepoint:count_getpid)
ratio "load image (warm cache, IfNotPresent) vs load file" "$img_us" "$file_us" "load file" "< 1.1x"
