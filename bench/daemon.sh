#!/usr/bin/env bash
# bpfmand against issue 11's goals and, in the same run, against bpfman's
# own daemon bpfman-rpc 0.6.0 (Rust) where bench/get-bpfman-rpc.sh has
# built it. Clients we did not write: ghz (github.com/bojand/ghz, a gRPC
# load tool) for Get, bpfman's published Go client (gobpfman v0.6.0, driven
# by bench/goload) for List, Load+Attach and loading the programs.
#
#   idle RSS (VmRSS once start-up has finished, no call yet); RSS with
#     COUNT programs listed
#   List of COUNT programs, one client on one kept connection (gobpfman,
#     p50, decoding into its generated types included; ghz decodes through
#     dynamic messages, 20-40 ms of client time for 1,000 programs, which
#     would measure ghz rather than the server)
#   Get with 16 concurrent clients, each on its own connection (ghz, p99
#     at saturation), with the server's and ghz's CPU per call; for
#     bpfmand also the same clients at a fixed offered rate, and
#     Health/Check (no work behind the call) as the floor ghz and the
#     machine set, and the round trip of one client; and again with h2load
#     (nghttp2's load tool, C, from Debian's nghttp2-client), whose own CPU
#     per call is a tenth of ghz's, so that on 2 cores the p99 is the
#     server's and not the load tool's
#   Load+Attach through the daemon vs the same calls in-process, all warm,
#     each timed Load+Attach after a Detach and Unload, through two
#     clients: gobpfman, in rounds against bench/lifecycle_inproc
#     load-attach (the order alternating; the median of the rounds'
#     ratios), and bench/grpc_load_attach (C: nghttp2 and protobuf-c, no
#     Go runtime between the calls), which pairs each call through the
#     daemon with the same calls in its own process (the median of the
#     pairs' ratios); and under both, bench/ipc_floor: the same calls in
#     a forked process over a socketpair, paired the same way, the floor
#     any out-of-process daemon stands on, with its wake-up latencies
#
# Environment: COUNT (1000), REPS (Load+Attach iterations per round, 15),
# ROUNDS (9), PAIRS (the C client's pairs, 200), GETS (requests per Get
# client, 200), GET_RATE (the fixed offered rate of the second Get
# measurement, 1000 calls/s), PEER (1;
# PEER=0 measures bpfmand alone, ~1 minute instead of 4-12, for
# iterating: no ratios to bpfman-rpc then).
. "$(dirname "$0")/lib.sh"
bench_setup
count=${COUNT:-1000} reps=${REPS:-15} rounds=${ROUNDS:-9} gets=${GETS:-200}
pairs=${PAIRS:-200}
get_rate=${GET_RATE:-1000}
proto=$top/tools/bpfmand/proto
goload=$("$top/bench/get-goload.sh")
if ! ghz=$("$top/bench/get-ghz.sh"); then
  echo "*** ghz could not be built (bench/get-ghz.sh above says why): List and Get are NOT measured ***"
  ghz=
fi
command -v h2load >/dev/null || apt-get install -y -qq nghttp2-client >/dev/null || true
h2load=$(command -v h2load || true)
[ -n "$h2load" ] || echo "*** h2load (Debian's nghttp2-client) is absent: Get is measured with ghz only ***"
peer_bin=${BPFMAN_RPC:-${LIBBPFMAN_TOOLS_CACHE:-/var/cache/libbpfman-tools}/bpfman-0.6.0/bin/bpfman-rpc}
if [ "${PEER:-1}" = 0 ]; then
  echo "*** PEER=0: bpfman-rpc is NOT run; bpfmand's numbers only, no peer ratios ***"
  peer_bin=
elif [ ! -x "$peer_bin" ]; then
  echo "*** bpfman-rpc 0.6.0 is ABSENT ($peer_bin): no peer in this run; build it once with"
  echo "*** bench/get-bpfman-rpc.sh (cargo, ~25 min on 2 cores). Peer numbers below are missing. ***"
  peer_bin=
fi
work=$BPFMAN_STATE_DIR/daemon-bench
mkdir -p "$work"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (numbers below move with it)"

rss_mb() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
# Idle RSS is read the same way for both daemons once start-up has
# finished: after the socket exists (and, for bpfmand, its READY=1:
# bpfman-rpc sends no readiness), when VmRSS has stayed the same for a
# second (10 s at most).
settle() {  # PID
  local prev= cur
  for _ in $(seq 10); do
    cur=$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status")
    [ "$cur" = "$prev" ] && return 0
    prev=$cur
    sleep 1
  done
}
# notify_listen PATH: a datagram socket at PATH (NOTIFY_SOCKET's protocol);
# PATH.ready appears when READY=1 arrives.
notify_listen() {
  rm -f "$1" "$1.ready" "$1.bound"
  python3 - "$1" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[1] + ".bound", "w").close()
s.settimeout(120)
while b"READY=1" not in s.recv(4096):
    pass
open(sys.argv[1] + ".ready", "w").close()
PY
  for _ in $(seq 100); do [ -e "$1.bound" ] && return 0; sleep 0.05; done
  echo "the notify socket $1 was not bound" >&2
  return 1
}
wait_ready() {  # NOTIFY_PATH PID
  for _ in $(seq 300); do [ -e "$1.ready" ] && return 0; kill -0 "$2" 2>/dev/null || break; sleep 0.1; done
  echo "bpfmand did not send READY=1 to $1" >&2
  return 1
}
# CPU time a process (all its threads) has used, in clock ticks: the
# server's own cost per call, which the machine's load does not inflate
# the way it inflates latency.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
per_call_us() {  # TICKS_BEFORE TICKS_AFTER CALLS
  python3 -c 'import os,sys; a,b,n=map(int,sys.argv[1:]); print("%.0f" % ((b-a)*1e6/os.sysconf("SC_CLK_TCK")/n))' "$@"
}

wait_sock() {  # SOCKET PID
  for _ in $(seq 300); do [ -S "$1" ] && return 0; kill -0 "$2" 2>/dev/null || break; sleep 0.1; done
  echo "daemon did not start listening on $1" >&2
  return 1
}

# ghz JSON report -> "p50_ms p99_ms errors"
ghz_stats() {
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
pct = {int(p["percentage"]): p["latency"] / 1e6 for p in r.get("latencyDistribution") or []}
errs = sum(r.get("errorDistribution", {}).values()) if r.get("errorDistribution") else 0
print("%.2f %.2f %d" % (pct.get(50, float("nan")), pct.get(99, float("nan")), errs))
PY
}

ghz_run() {  # SOCKET METHOD OUT ghz-args...
  local sock=$1 method=$2 out=$3
  shift 3
  "$ghz" --insecure --import-paths "$proto" --proto "$proto/bpfman.proto" \
    --call "bpfman.v1.Bpfman/$method" --format json --output "$out" "$@" "unix://$sock" >/dev/null
}

# h2load (nghttp2's HTTP/2 load tool, written in C): the same 16 clients,
# each on its own connection with one call in flight, all sending one Get
# (the first program's ID) as a prebuilt gRPC message.  It spends ~15 us of
# CPU per call where ghz spends ~150, so on 2 cores its latencies are the
# server's rather than the load tool's.  h2load cannot read gRPC trailers,
# so success is checked another way: a failed call is a trailers-only reply
# with no DATA, and every reply must carry the same non-empty message.
# Prints "p50_ms p99_ms client_us_per_call".
h2load_get() {  # SOCKET ID OUT-PREFIX
  local sock=$1 id=$2 out=$3 n=$((16 * gets * 5))
  python3 - "$id" >"$out.body" <<'PY'
import sys
i, v = int(sys.argv[1]), b""
while True:  # GetRequest{id = 1: varint}
    b, i = i & 0x7F, i >> 7
    v += bytes([b | 0x80 if i else b])
    if not i:
        break
m = b"\x08" + v
sys.stdout.buffer.write(b"\x00" + len(m).to_bytes(4, "big") + m)
PY
  /usr/bin/time -f "%U %S" -o "$out.cpu" h2load -n "$n" -c 16 -m 1 -B "unix:$sock" \
    -d "$out.body" -H 'content-type: application/grpc' -H 'te: trailers' \
    --log-file "$out.log" http://localhost/bpfman.v1.Bpfman/Get >"$out.txt"
  python3 - "$out.txt" "$out.log" "$out.cpu" "$n" <<'PY'
import re, sys
txt, log, cpu, n = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3], int(sys.argv[4])
ok = re.search(r"requests: .* (\d+) succeeded, (\d+) failed, (\d+) errored", txt)
data = re.search(r"traffic: .*, [\d.]+\w*B \((\d+)\) data", txt)
if not ok or int(ok.group(1)) != n or not data:
    sys.exit("h2load: not every Get completed:\n" + txt)
d = int(data.group(1))
if d == 0 or d % n:
    sys.exit(f"h2load: {d} bytes of replies for {n} Gets: some calls failed (no message)")
lat = sorted(int(l.split("\t")[2]) for l in open(log))
u, s = map(float, open(cpu).read().split())
print("%.2f %.2f %.0f" % (lat[len(lat) // 2] / 1e3, lat[int(len(lat) * 0.99)] / 1e3, (u + s) * 1e6 / n))
PY
}

# h2load_rt SOCKET OUT-PREFIX: one client, one Health/Check at a time;
# prints "p50_us mean_us" of 3,000 calls.
h2load_rt() {
  printf '\0\0\0\0\0' >"$2.body" # an empty HealthCheckRequest, framed
  h2load -n 3000 -c 1 -m 1 -B "unix:$1" -d "$2.body" -H 'content-type: application/grpc' \
    -H 'te: trailers' --log-file "$2.log" http://localhost/grpc.health.v1.Health/Check >"$2.txt"
  grep -q ' 3000 succeeded, 0 failed' "$2.txt" || { cat "$2.txt" >&2; return 1; }
  python3 - "$2.log" <<'PY'
import sys
lat = sorted(int(l.split("\t")[2]) for l in open(sys.argv[1]))
print("%.0f %.0f" % (lat[len(lat) // 2], sum(lat) / len(lat)))
PY
}

# measure NAME SOCKET PID: fills the globals
# <NAME>_{rss,list,listcpu,get50,get99,getcpu}
measure() {
  local name=$1 sock=$2 pid=$3 n t0
  "$goload" load-many "$sock" "$obj" "$count" >"$work/$name.ids"
  n=$("$goload" count "$sock")
  [ "$n" = "$count" ] || { echo "$name manages $n programs, expected $count" >&2; return 1; }
  t0=$(cpu_ticks "$pid")
  read -r _ _ p50 p99 < <("$goload" list "$sock" "$count" 30)
  printf -v "${name}_listcpu" '%s' "$(per_call_us "$t0" "$(cpu_ticks "$pid")" 31)"
  printf -v "${name}_list" '%s' "$(python3 -c "print('%.2f' % ($p50 / 1000))")"
  if [ -n "$ghz" ]; then
    python3 -c 'import json,sys; print(json.dumps([{"id": int(l)} for l in open(sys.argv[1])]))' \
      "$work/$name.ids" >"$work/$name-get.json"
    t0=$(cpu_ticks "$pid")
    # ghz's own CPU too: on 2 cores the client's share bounds the rate.
    /usr/bin/time -f "%U %S" -o "$work/$name-ghz.cpu" \
      "$ghz" --insecure --import-paths "$proto" --proto "$proto/bpfman.proto" \
      --call bpfman.v1.Bpfman/Get --format json --output "$work/$name-get.json.out" \
      -c 16 --connections 16 -n $((16 * gets)) -D "$work/$name-get.json" "unix://$sock" >/dev/null
    printf -v "${name}_getcpu" '%s' "$(per_call_us "$t0" "$(cpu_ticks "$pid")" $((16 * gets)))"
    printf -v "${name}_ghzcpu" '%s' "$(awk -v n=$((16 * gets)) '{printf "%.0f", ($1 + $2) * 1e6 / n}' "$work/$name-ghz.cpu")"
    read -r p50 p99 errs < <(ghz_stats "$work/$name-get.json.out")
    [ "$errs" = 0 ] || { echo "$name: $errs Get calls failed" >&2; return 1; }
    printf -v "${name}_get50" '%s' "$p50"
    printf -v "${name}_get99" '%s' "$p99"
  fi
  printf -v "${name}_rss" '%s' "$(rss_mb "$pid")"
  # After the RSS: these add calls and connections the RSS above has not.
  if [ -n "$h2load" ]; then
    read -r p50 p99 cpu < <(h2load_get "$sock" "$(head -n1 "$work/$name.ids")" "$work/$name-h2load") ||
      return 1
    printf -v "${name}_h2get50" '%s' "$p50"
    printf -v "${name}_h2get99" '%s' "$p99"
    printf -v "${name}_h2cpu" '%s' "$cpu"
    if [ "$name" = bpfmand ]; then
      # One h2load client, one Health/Check at a time: the round trip
      # through bpfmand and the kernel with a client that costs ~15 us,
      # against ghz's one-client line (a Go client, as gobpfman is).
      h2load_rt "$sock" "$work/$name-h2rt" >"$work/$name-h2rt.out" || return 1
      read -r bpfmand_h2rt50 bpfmand_h2rtmean <"$work/$name-h2rt.out"
    fi
  fi
  if [ -n "$ghz" ] && [ "$name" = bpfmand ]; then
    # The same 16 clients at a fixed offered rate (Get's latency when
    # the machine is not saturated by the load tool itself), and
    # grpc.health.v1.Health/Check at saturation: a call with no work
    # behind it, the floor that ghz and this machine set.
    ghz_run "$sock" Get "$work/$name-get-rate.json.out" -c 16 --connections 16 \
      --rps "$get_rate" -n $((3 * get_rate)) -D "$work/$name-get.json"
    read -r p50 p99 errs < <(ghz_stats "$work/$name-get-rate.json.out")
    [ "$errs" = 0 ] || { echo "$name: $errs Get calls failed" >&2; return 1; }
    printf -v "${name}_rate99" '%s' "$p99"
    "$ghz" --insecure --import-paths "$proto" --proto "$proto/health.proto" \
      --call grpc.health.v1.Health/Check --format json --output "$work/health.out" \
      -c 16 --connections 16 -n $((16 * gets)) -d '{}' "unix://$sock" >/dev/null
    read -r p50 p99 errs < <(ghz_stats "$work/health.out")
    printf -v "${name}_health99" '%s' "$p99"
    # One client, one call at a time: the round trip a Load+Attach
    # through the daemon pays twice on top of the library's work.
    "$ghz" --insecure --import-paths "$proto" --proto "$proto/health.proto" \
      --call grpc.health.v1.Health/Check --format json --output "$work/health1.out" \
      -c 1 -n 2000 -d '{}' "unix://$sock" >/dev/null
    read -r p50 p99 errs < <(ghz_stats "$work/health1.out")
    printf -v "${name}_rt50" '%s' "$p50"
    printf -v "${name}_rtmean" '%s' "$(python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["average"] / 1e6))' "$work/health1.out")"
  fi
  "$goload" unload-all "$sock"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# ---- bpfmand
sock=$work/bpfmand.sock
# With NOTIFY_SOCKET, as systemd starts it (Type=notify): bpfmand opens
# libsystemd for READY=1 and closes it again, and that is what is measured.
notify_listen "$work/notify.sock"
NOTIFY_SOCKET=$work/notify.sock "$build/tools/bpfmand/bpfmand" --listen "unix:$sock" \
  --config "$work/none.yaml" 2>"$work/bpfmand.log" &
dpid=$!
peer_pid=
stop_daemons() {
  [ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
  [ -n "$peer_pid" ] && kill "$peer_pid" 2>/dev/null && wait "$peer_pid" 2>/dev/null
  bench_cleanup
}
trap stop_daemons EXIT
wait_sock "$sock" "$dpid"
wait_ready "$work/notify.sock" "$dpid" && settle "$dpid"
bpfmand_idle=$(rss_mb "$dpid") # started, no call yet
# Load+Attach, both sides warm (each times its iterations after an untimed
# one, on a context that has served calls before), through two clients of
# the daemon. bpfman's Go client (goload), in rounds against
# lifecycle_inproc, the two back to back in each round, taking turns going
# first; the ratio is the median of the rounds' own ratios, so a burst of
# the machine's load hits one round, not one side. And a C client
# (bench/grpc_load_attach: nghttp2 + protobuf-c, one write per call), whose
# own per-call work is a small part of a round trip, run "paired": each of
# its iterations times a Load+Attach through the daemon and the same calls
# in its own process through libbpfman, tens of milliseconds apart, the
# order alternating, so a drift in the machine's load hits both sides of a
# pair; its goal line is the median of the pairs' ratios.
ours=() inproc=() la_ratios=()
c_client=$build/bench/grpc_load_attach
[ -x "$c_client" ] || { echo "*** $c_client is missing (bpfmand not built?) ***" >&2; exit 1; }
for ((r = 0; r < rounds; r++)); do
  if ((r % 2)); then
    read -r _ _ td < <("$goload" load-attach "$sock" "$obj" "$reps")
    read -r _ _ ti < <("$build/bench/lifecycle_inproc" load-attach "$obj" "$reps")
  else
    read -r _ _ ti < <("$build/bench/lifecycle_inproc" load-attach "$obj" "$reps")
    read -r _ _ td < <("$goload" load-attach "$sock" "$obj" "$reps")
  fi
  inproc+=("$ti") ours+=("$td")
  la_ratios+=("$(python3 -c 'import sys; print("%.3f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$td" "$ti")")
done
la_in=$(printf '%s\n' "${inproc[@]}" | median)
la_d=$(printf '%s\n' "${ours[@]}" | median)
la_ratio=$(printf '%s\n' "${la_ratios[@]}" | median)
read -r _ pairs la_c la_c_in la_ratio_c < <("$c_client" "$sock" "$obj" "$pairs" paired)
# The floor under both: the same calls in a forked process over a
# socketpair (bench/ipc_floor), paired the same way: what any daemon pays
# here for living in another process, before HTTP/2 and protobuf.
{ read -r _ _ floor_ipc floor_in floor_ratio; read -r _ floor_wakes; } < <("$build/bench/ipc_floor" "$obj" "$pairs")
sleep 1.5 # the heap is trimmed a second after calls stop
measure bpfmand "$sock" "$dpid"

# ---- bpfman-rpc, in a private mount namespace: its state lives in /run/bpfman
# and its config in /etc/bpfman, paths it does not let us choose; there a
# tmpfs /run and an overlay on /etc hold them, so the host is not touched.
if [ -n "$peer_bin" ]; then
  psock=$work/bpfman-rpc.sock
  shim=
  if ! prlimit --pid $$ --memlock=unlimited 2>/dev/null; then
    shim=$build/bench/memlock_shim.so
    echo "note: no CAP_SYS_RESOURCE here: bpfman-rpc runs with $shim (its RLIMIT_MEMLOCK raise becomes a no-op; BPF memory is charged to the memory cgroup on Linux >= 5.11)"
  fi
  mkdir -p "$work/peer"
  unshare -m --propagation private bash -c '
    set -e
    mount -t tmpfs tmpfs "$1"
    mkdir "$1/up" "$1/work"
    mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/up,workdir=$1/work" /etc
    mkdir -p /etc/bpfman
    # Offline: no sigstore TUF root to fetch (only images are verified).
    printf "[signing]\nallow_unsigned = true\nverify_enabled = false\n" >/etc/bpfman/bpfman.toml
    mount -t tmpfs tmpfs /run
    # Without CAP_SYS_RESOURCE bpfman cannot raise RLIMIT_MEMLOCK and
    # refuses to start; the shim makes that call a no-op (memlock_shim.c).
    [ -n "$4" ] && export LD_PRELOAD=$4
    exec "$2" --timeout 0 --socket-path "$3"' _ "$work/peer" "$peer_bin" "$psock" "$shim" \
    2>"$work/bpfman-rpc.log" &
  peer_pid=$!
  if wait_sock "$psock" "$peer_pid"; then
    settle "$peer_pid"
    peer_idle=$(rss_mb "$peer_pid")
    peer_la=()
    for ((r = 0; r < rounds; r++)); do
      read -r _ _ t < <("$goload" load-attach "$psock" "$obj" "$reps")
      peer_la+=("$t")
    done
    la_p=$(printf '%s\n' "${peer_la[@]}" | median)
    sleep 1.5
    measure peer "$psock" "$peer_pid"
  else
    echo "*** bpfman-rpc did not start: $(tail -3 "$work/bpfman-rpc.log") ***"
    peer_bin=
  fi
fi

# ---- report
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
cmp() {  # WHAT OURS PEER UNIT GOAL
  if [ -n "$peer_bin" ] && [ -n "$3" ]; then
    python3 -c 'import sys; w,o,p,u,g=sys.argv[1:]; print(f"{w}: bpfmand {o} {u} vs bpfman-rpc 0.6.0 {p} {u} -> ratio {float(o)/float(p):.2f}x (goal {g})")' "$@"
  else
    echo "$1: bpfmand $2 $4 (goal $5; no bpfman-rpc in this run)"
  fi
}
cmp "idle RSS" "$bpfmand_idle" "${peer_idle:-}" MB "< 4 MB"
cmp "RSS with $count programs listed" "$bpfmand_rss" "${peer_rss:-}" MB "< 10 MB"
cmp "List of $count, kept connection, p50 (gobpfman)" "$bpfmand_list" "${peer_list:-}" ms "< 15 ms"
cmp "List of $count, server CPU per call" "$bpfmand_listcpu" "${peer_listcpu:-}" us "informational"
if [ -n "$ghz" ]; then
  cmp "Get, 16 concurrent clients, p99 (ghz)" "$bpfmand_get99" "${peer_get99:-}" ms "< 2 ms"
  cmp "Get, 16 concurrent clients, p50 (ghz)" "$bpfmand_get50" "${peer_get50:-}" ms "informational"
  cmp "Get, server CPU per call" "$bpfmand_getcpu" "${peer_getcpu:-}" us "informational: bpfmand serves one call at a time, so 16 queued calls wait up to 16x this"
  echo "Get, 16 concurrent clients at a fixed $get_rate calls/s (not saturation), p99 (ghz): bpfmand $bpfmand_rate99 ms (informational)"
  echo "Health/Check, 16 concurrent clients, p99 (ghz): bpfmand $bpfmand_health99 ms (informational: no work behind the call, the floor ghz and this machine set for the Get line)"
  echo "ghz's own CPU per Get call: $bpfmand_ghzcpu us (informational: the load tool's share of the 2 cores, beside the server's above)"
  echo "Health/Check, one client, one call at a time (ghz): p50 $bpfmand_rt50 ms, mean $bpfmand_rtmean ms (informational: the gRPC round trip, paid twice by Load+Attach through the daemon)"
fi
if [ -n "$h2load" ]; then
  cmp "Get, 16 concurrent clients, p99 (h2load)" "$bpfmand_h2get99" "${peer_h2get99:-}" ms "< 2 ms"
  cmp "Get, 16 concurrent clients, p50 (h2load)" "$bpfmand_h2get50" "${peer_h2get50:-}" ms "informational"
  echo "h2load's own CPU per Get call: $bpfmand_h2cpu us (informational: the load tool's share, beside ghz's above)"
  echo "Health/Check, one client, one call at a time (h2load): p50 $bpfmand_h2rt50 us, mean $bpfmand_h2rtmean us (informational: the round trip without a Go client's own cost)"
fi
ratio "Load+Attach through bpfmand (gobpfman) vs in-process (libbpfman), medians of $rounds rounds x $reps" \
  "$la_d" "$la_in" "in-process" "informational; the goal is on the next line"
echo "Load+Attach through bpfmand (gobpfman) vs in-process, median of the $rounds rounds' ratios: ${la_ratio}x (goal <= 1.1x; rounds: ${la_ratios[*]})"
ratio "Load+Attach through bpfmand (C client: nghttp2 + protobuf-c) vs in-process (libbpfman) in the same process, medians of $pairs pairs" \
  "$la_c" "$la_c_in" "in-process" "informational; the goal is on the next line"
echo "Load+Attach through bpfmand (C client) vs in-process, median of the $pairs pairs' ratios: ${la_ratio_c}x (goal <= 1.1x)"
ratio "Load+Attach in a forked process over a socketpair, no HTTP/2 or protobuf (bench/ipc_floor), vs in-process, medians of $pairs pairs" \
  "$floor_ipc" "$floor_in" "in-process" "informational: the floor any out-of-process daemon stands on here"
echo "Load+Attach, floor (ipc_floor) vs in-process, median of the $pairs pairs' ratios: ${floor_ratio}x; its wakes, median us (load: server, client; attach: server, client): $floor_wakes (informational: what the C-client ratio above has on top of this is the gRPC path, client and daemon)"
[ -n "$peer_bin" ] && ratio "Load+Attach through bpfmand vs through bpfman-rpc 0.6.0" "$la_d" "$la_p" \
  "bpfman-rpc" "informational"
exit 0
