#!/usr/bin/env bash
# Detach latency of a tracepoint link, and when the program really stops
# (doc/architecture.md, "Detach and when a program stops"):
#  - in one process: libbpfman's default detach (returns once the kernel has
#    released the link) vs a raw close of the last link fd (the kernel's own
#    synchronous release: the floor); libbpfman's no_wait detach vs removing
#    the link's pin only, which is what bpfman's detach does to the kernel;
#  - one CLI call: bpfmanctl detach vs bpfmanctl detach --no-wait.
# "released" is how long until the kernel no longer lists the link.
. "$(dirname "$0")/lib.sh"
bench_setup
N=${N:-40}
lat=$build/bench/detach_latency

declare -A p50
for m in wait libbpf-close no-wait unpin; do
  line=$("$lat" "$m" "$obj" "$N")
  # mode rounds return p50 p90 max released p50 p90 max
  read -r _ _ _ r50 r90 rmax _ l50 l90 lmax <<<"$line"
  printf '%-13s return p50 %6.2f ms p90 %6.2f ms max %6.2f ms | released p50 %6.2f ms p90 %6.2f ms max %6.2f ms\n' \
    "$m" "$(bc -l <<<"$r50/1000")" "$(bc -l <<<"$r90/1000")" "$(bc -l <<<"$rmax/1000")" \
    "$(bc -l <<<"$l50/1000")" "$(bc -l <<<"$l90/1000")" "$(bc -l <<<"$lmax/1000")"
  p50[$m]=$r50
done
ratio "detach in-process, waiting for the release: libbpfman vs close of the last link fd (libbpf)" \
  "${p50[wait]}" "${p50[libbpf-close]}" "libbpf close" "informational (the kernel's wait dominates)"
ratio "detach in-process, no wait: libbpfman no_wait vs unpin only (bpfman's kernel work)" \
  "${p50[no-wait]}" "${p50[unpin]}" "unpin" "informational (ours adds the database row)"

# One CLI call each, attach outside the measurement.
"$ctl" load file -p "$obj" --programs tracepoint:count_getpid >/dev/null
id=$(first_prog_id)
cli_detach_us() {  # [--no-wait] -> median microseconds over $N
  local t0 t1 times=()
  for ((i = 0; i < N; i++)); do
    "$ctl" attach "$id" tracepoint -t syscalls/sys_enter_getpid >/dev/null
    local link
    link=$(first_link_id)
    t0=$(now_ns); "$ctl" detach "$link" "$@"; t1=$(now_ns)
    times+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
ratio "bpfmanctl detach (one call): --no-wait vs default" \
  "$(cli_detach_us --no-wait)" "$(cli_detach_us)" "default" "--no-wait well below default"
"$ctl" unload "$id"
