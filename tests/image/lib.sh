# SPDX-License-Identifier: Apache-2.0
# Helpers for image tests: real registries on 127.0.0.1 (started by the
# registry scripts in tests/registry), images built by hand as bpfman's
# Containerfile.bytecode builds them (mkimage.py) and pushed with skopeo,
# an isolated image cache, and assertions that a refusal left nothing.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../cli/lib.sh
. "$here/../cli/lib.sh"
REGISTRY_SCRIPTS=${REGISTRY_SCRIPTS:-$here/../registry}
MKIMAGE="$here/mkimage.py"
# Our port range (other suites use theirs side by side).
export REGISTRY_TEST_PORTS=${REGISTRY_TEST_PORTS:-5100-5199}

skip() {
  echo "SKIP: $*" >&2
  [ -n "${BPFMAN_TEST_REQUIRE_ALL:-}" ] && exit 1
  exit 77
}

image_setup() {
  for tool in docker-registry skopeo openssl htpasswd python3; do
    command -v "$tool" >/dev/null || skip "$tool is missing (scripts/install-deps.sh installs it)"
  done
  [ -x "$REGISTRY_SCRIPTS/registry-start" ] ||
    skip "registry scripts not found in $REGISTRY_SCRIPTS"
  cli_setup
  work=$(mktemp -d /tmp/bpfman-image-XXXXXX)
  export BPFMAN_IMAGE_CACHE_DIR=$work/cache
  trap image_cleanup EXIT
}

image_cleanup() {
  local d
  for d in "$work"/reg-*; do
    [ -d "$d" ] && "$REGISTRY_SCRIPTS/registry-stop" "$d"
  done
  rm -rf "$work"
  cli_cleanup
}

# start_registry NAME MODE [CERT_NAMES]: sets NAME_HOST, NAME_CA, NAME_USER,
# NAME_PASS, NAME_STORAGE.
start_registry() {
  local name=$1 mode=$2 names=${3:-} d="$work/reg-$1"
  REGISTRY_TEST_CERT_NAMES=${names:-IP:127.0.0.1,DNS:localhost} \
    "$REGISTRY_SCRIPTS/registry-start" "$mode" "$d" >/dev/null
  # shellcheck disable=SC1091
  . "$d/env"
  printf -v "${name}_HOST" %s "$REG_HOST"
  printf -v "${name}_CA" %s "$REG_CA"
  printf -v "${name}_USER" %s "$REG_USER"
  printf -v "${name}_PASS" %s "$REG_PASS"
  printf -v "${name}_STORAGE" %s "$REG_STORAGE"
}

stop_registry() { "$REGISTRY_SCRIPTS/registry-stop" "$work/reg-$1"; }

# write_config: registries named insecure (plain HTTP) or with a CA file.
# Each argument is HOST=insecure or HOST=CAFILE.
write_config() {
  local arg
  {
    echo "registries:"
    for arg in "$@"; do
      echo "  - location: \"${arg%%=*}\""
      if [ "${arg#*=}" = insecure ]; then
        echo "    insecure: true"
      else
        echo "    ca_file: \"${arg#*=}\""
      fi
    done
  } > "$work/bpfman.yaml"
}

bm() { "$BPFMANCTL" --config "$work/bpfman.yaml" "$@"; }

# mkimage DIR ARGS...: an OCI layout; prints the top digest.
mkimage() { python3 "$MKIMAGE" "$@"; }

# push_layout DIR REF [skopeo flags]: skopeo copy into a registry.
push_layout() {
  local dir=$1 ref=$2
  shift 2
  skopeo copy --quiet --all --dest-tls-verify=false "$@" "oci:$dir:latest" "docker://$ref" >/dev/null
}

# Names tagged in the cache's index.json, one a line.
cached_refs() {
  [ -f "$BPFMAN_IMAGE_CACHE_DIR/index.json" ] || return 0
  python3 -c 'import json,sys
for m in json.load(open(sys.argv[1])).get("manifests", []):
    n = m.get("annotations", {}).get("org.opencontainers.image.ref.name")
    if n: print(n)' "$BPFMAN_IMAGE_CACHE_DIR/index.json"
}

programs_loaded() { "$BPFMANCTL" list programs -o json | json_ids; }

# refused WHAT GREP CMD...: the command fails with a message matching GREP
# (extended regex, case-insensitive), no program is loaded and the cache
# gained no reference.
refused() {
  local what=$1 pattern=$2 out rc=0 before
  shift 2
  before=$(cached_refs)
  out=$("$@" 2>&1) || rc=$?
  refused_rc=$rc  # for callers that check the exit status too
  [ "$rc" != 0 ] || fail "$what: succeeded; output: $out"
  grep -qiE -- "$pattern" <<<"$out" || fail "$what: message does not match '$pattern': $out"
  expect_eq "$(programs_loaded)" "" "$what: programs loaded"
  expect_eq "$(cached_refs)" "$before" "$what: cached references"
  echo "ok: $what refused: $(tail -n 1 <<<"$out")"
}
