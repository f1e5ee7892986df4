#!/usr/bin/env bash
# list and get with 1,000 managed programs loaded; goal (issue 3): list
# under 50 ms. Peer: bpftool prog list over the same kernel.
. "$(dirname "$0")/lib.sh"
bench_setup
COUNT=${COUNT:-1000}

"$build/bench/lifecycle_inproc" load-many "$obj" "$COUNT" >/dev/null
id=$(first_prog_id)
n=$("$ctl" list programs -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" -eq "$COUNT" ] || { echo "expected $COUNT programs, list shows $n"; exit 1; }

list_ms=$(hyper_us "$ctl" list programs)
get_ms=$(hyper_us "$ctl" get program "$id")
peer_ms=$(hyper_us bpftool prog list)
echo "list programs with $COUNT managed: median ${list_ms} us (goal < 50000 us)"
ratio "list programs ($COUNT managed) vs bpftool prog list" "$list_ms" "$peer_ms" "bpftool" "< 50 ms absolute"
ratio "get program (of $COUNT) vs bpftool prog list" "$get_ms" "$peer_ms" "bpftool" "informational"

# Unload them all (one CLI call per program would take a while; use force).
for p in $(prog_ids); do "$ctl" unload "$p" --force; done
