# Shared by the signature tests: a private docker-registry on 127.0.0.1,
# cosign (built once by get-cosign.sh), gpg homes in the test directory,
# images pushed with skopeo, and assertions that print what differed.
set -euo pipefail

BPFMANCTL=${BPFMANCTL:?set BPFMANCTL to the bpfmanctl under test}
SIGN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The signing helper owns TCP ports 5200-5299: registries on 5210-5219,
# web servers on 5250-5259 (SIGN_PORT + 40).
SIGN_PORT=${SIGN_PORT:-5210}

skip() {
	echo "*** SKIP: $*. ***" >&2
	exit 77
}
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok - $*"; }

need() {
	command -v "$1" >/dev/null 2>&1 ||
		fail "$1 is not installed; run scripts/install-deps.sh"
}

. "$(dirname "${BASH_SOURCE[0]}")/../sanitizer-watch.sh"

sign_setup() {
	need docker-registry
	need skopeo
	need gpg
	need openssl
	need curl
	T=$(mktemp -d /tmp/bpfman-sign-XXXXXX)
	sanitizer_watch_start
	export HOME=$T/home GNUPGHOME=$T/gnupg COSIGN_PASSWORD=test-password
	mkdir -p "$HOME" && mkdir -m 700 "$GNUPGHOME"
	trap sign_cleanup EXIT
	REG=127.0.0.1:$SIGN_PORT
	cat > "$T/registry.yml" <<-EOY
	version: 0.1
	log:
	  level: error
	storage:
	  filesystem:
	    rootdirectory: $T/registry
	  delete:
	    enabled: true
	http:
	  addr: $REG
	EOY
	docker-registry serve "$T/registry.yml" > "$T/registry.log" 2>&1 &
	REG_PID=$!
	for _ in $(seq 1 100); do
		curl -sf "http://$REG/v2/" >/dev/null 2>&1 && break
		kill -0 "$REG_PID" 2>/dev/null ||
			fail "docker-registry did not start on $REG: $(cat "$T/registry.log")"
		sleep 0.1
	done
	curl -sf "http://$REG/v2/" >/dev/null || fail "registry on $REG does not answer"
	export BPFMAN_STATE_DIR=$T/state BPFMAN_RUNTIME_DIR=$T/run
	export BPFMAN_IMAGE_CACHE_DIR=$T/cache BPFMAN_BPFFS_ROOT=/sys/fs/bpf/bpfman-sign-$$
	mkdir -p "$BPFMAN_STATE_DIR" "$BPFMAN_RUNTIME_DIR"
}

sign_cleanup() {
	local rc=$?
	set +e
	if [ -n "${REG_PID:-}" ]; then
		kill "$REG_PID" 2>/dev/null
		wait "$REG_PID" 2>/dev/null
	fi
	gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1 || true
	if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
		echo "test directory kept for inspection: $T" >&2
	else
		rm -rf "$T"
	fi
	rm -rf "$BPFMAN_BPFFS_ROOT" 2>/dev/null
	sanitizer_watch_check || { [ "$rc" = 0 ] && rc=1; }
	exit "$rc"
}

get_cosign() {
	COSIGN=$("$SIGN_DIR/get-cosign.sh") ||
		skip "cosign v3.1.3 could not be built from the Go module proxy (no Go, or no network the first time); the cosign interoperability checks need it"
}

# push NAME:TAG [FILE [PROGRAMS]]: a fresh one-layer image; prints its digest.
push_image() {
	local lay=$T/layout-${1//[\/:]/_}
	rm -rf "$lay"
	local d
	d=$("$SIGN_DIR/make-image.sh" "$lay" img "${2:-}" "${3:-}")
	skopeo copy -q --dest-tls-verify=false "oci:$lay:img" "docker://$REG/$1" >/dev/null ||
		fail "skopeo could not push $REG/$1"
	echo "$d"
}

cosign_sign() { # cosign_sign KEY REF@DIGEST [extra cosign flags]: offline, bundle format
	local key=$1 ref=$2
	shift 2
	"$COSIGN" sign --key "$key" --tlog-upload=false --use-signing-config=false \
		--allow-http-registry -y "$@" "$ref" > "$T/cosign.log" 2>&1 ||
		fail "cosign sign $ref: $(cat "$T/cosign.log")"
}

ctl() { "$BPFMANCTL" --config "$T/config.yaml" "$@"; }

# expect RC OUT_REGEX CMD...: runs CMD, checks its exit code and that its
# stdout+stderr match the extended regex.
expect() {
	local want=$1 re=$2 out rc=0
	shift 2
	out=$("$@" 2>&1) || rc=$?
	[ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want; output:
$out"
	# Matched on one line: table output puts each finding's detail on the next.
	printf '%s' "$out" | tr '\n' ' ' | grep -Eq -- "$re" || fail "'$*' output does not match /$re/:
$out"
	LAST_OUT=$(printf "%s" "$out" | tr "\n" " ")
}

manifest_get() { # REPO REF: the manifest body
	curl -sf -H "Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json" \
		"http://$REG/v2/$1/manifests/$2"
}
manifest_put() { # REPO REF FILE [MEDIATYPE]
	curl -sf -X PUT -H "Content-Type: ${4:-application/vnd.oci.image.manifest.v1+json}" \
		--data-binary "@$3" "http://$REG/v2/$1/manifests/$2" >/dev/null ||
		fail "PUT manifest $1:$2 refused"
}
blob_get() { curl -sf "http://$REG/v2/$1/blobs/$2"; }
blob_put() { # REPO FILE: uploads a blob (monolithic), prints its digest
	local d loc
	d=sha256:$(sha256sum "$2" | cut -d' ' -f1)
	loc=$(curl -sf -X POST -D - -o /dev/null "http://$REG/v2/$1/blobs/uploads/" |
		tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
	case $loc in http*) ;; *) loc=http://$REG$loc ;; esac
	case $loc in *\?*) loc="$loc&digest=$d" ;; *) loc="$loc?digest=$d" ;; esac
	curl -sf -X PUT -H "Content-Type: application/octet-stream" --data-binary "@$2" "$loc" >/dev/null ||
		fail "blob upload to $1 refused"
	echo "$d"
}
sig_tag() { echo "sha256-${1#sha256:}.sig"; }
