#!/bin/sh
# grpcurl (built from the Go module proxy) against bpfmand with no proto
# file: services and descriptors through reflection, health, and calls of
# both services. usage: test-grpcurl.sh BPFMAND BPFMANCTL BPF_OBJ_DIR
set -eu
[ -z "${GRPCURL_DEBUG:-}" ] || set -x
here=$(cd "$(dirname "$0")" && pwd)
bpfmand=$1 bpfmanctl=$2 obj=$(cd "$3" && pwd)
[ "$(id -u)" = 0 ] || { echo "*** SKIP: needs root (loads BPF programs) ***"; exit 77; }
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
grpcurl=$("$here/get-grpcurl.sh")
tmp=$(mktemp -d /tmp/bpfmand-grpcurl-XXXXXX)
export BPFMAN_STATE_DIR=$tmp/state BPFMAN_RUNTIME_DIR=$tmp/run BPFMAN_IMAGE_CACHE_DIR=$tmp/cache
export BPFMAN_BPFFS_ROOT=/sys/fs/bpf/bpfman-test-grpcurl-$$
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp" "$BPFMAN_BPFFS_ROOT"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$bpfmand" --listen "unix:$tmp/sock" --config "$tmp/none.yaml" 2>"$tmp/log" &
pid=$!
for _ in $(seq 100); do [ -S "unix://$tmp/sock" ] && break; sleep 0.1; done
# grpcurl 1.9.3's -unix flag does not reach its dialer (it dials tcp); the
# unix:// target form does.
g() { "$grpcurl" -plaintext "$@"; }

out=$(g "unix://$tmp/sock" list)
for s in bpfman.v1.Bpfman libbpfman.v1.Manager grpc.health.v1.Health; do
	echo "$out" | grep -qx "$s" || fail "grpcurl list lacks $s: $out"
done
g "unix://$tmp/sock" describe bpfman.v1.LoadRequest | grep -q 'repeated .bpfman.v1.LoadInfo info = 9;' ||
	fail "describe bpfman.v1.LoadRequest: $(g "unix://$tmp/sock" describe bpfman.v1.LoadRequest)"
g -d '{"service":"bpfman.v1.Bpfman"}' "unix://$tmp/sock" grpc.health.v1.Health/Check | grep -q SERVING ||
	fail "health check"
loaded=$(g -d "{\"bytecode\":{\"file\":\"$obj/tracepoint_counter.bpf.o\"},\"info\":[{\"name\":\"count_getpid\",\"program_type\":\"TRACEPOINT\"}]}" \
	"unix://$tmp/sock" bpfman.v1.Bpfman/Load)
id=$(echo "$loaded" | python3 -c 'import json,sys; print(json.load(sys.stdin)["programs"][0]["kernelInfo"]["id"])')
g -d "{\"id\":$id,\"attach\":{\"tracepointAttachInfo\":{\"tracepoint\":\"syscalls/sys_enter_getpid\"}}}" \
	"unix://$tmp/sock" bpfman.v1.Bpfman/Attach | grep -q linkId || fail "Attach"
g -d "{\"programId\":$id}" "unix://$tmp/sock" libbpfman.v1.Manager/ListLinks | grep -q 'sys_enter_getpid' ||
	fail "Manager/ListLinks"
err=$(g -d '{"id":2147483000}' "unix://$tmp/sock" bpfman.v1.Bpfman/Get 2>&1) && fail "Get of a missing program succeeded"
echo "$err" | grep -q 'NotFound' || fail "Get of a missing program: $err"
g -d "{\"id\":$id}" "unix://$tmp/sock" bpfman.v1.Bpfman/Unload >/dev/null || fail "Unload"
echo "ok: grpcurl with reflection: list, describe, health, Load, Attach, ListLinks, NotFound, Unload"
