#!/bin/bash
# smoke.sh: check that a VM started by vm-run can do what the host kernel
# refuses (BPF_PROG_TYPE_EXT and fentry):
#   1. two XDP programs attached to one veth through libxdp's dispatcher
#      (multi-prog works only when freplace works);
#   2. an fentry program loads and pins.
# Run it inside the guest:  tests/vm/vm-run --kernel 6.12 -- tests/vm/smoke.sh
# Everything it creates is named bpfmt<pid>... and removed on exit.
set -euo pipefail

if [[ -z ${BPFMAN_IN_VM:-} ]]; then
	echo "smoke.sh: BPFMAN_IN_VM is unset: this runs inside the VM only;" \
		"use tests/vm/vm-run -- tests/vm/smoke.sh" >&2
	exit 2
fi
if [[ $# -ne 0 ]]; then
	echo "usage: smoke.sh (no arguments)" >&2
	exit 2
fi

id=bpfmt$$
ns=${id}ns
dev=${id}a
peer=${id}b
pin=/sys/fs/bpf/${id}_fentry
tmp=$(mktemp -d)
# libxdp makes /sys/fs/bpf/xdp for its lock and dispatcher pins; remove it
# afterwards if it did not exist before (and is empty again).
had_xdp_dir=0
[[ ! -d /sys/fs/bpf/xdp ]] || had_xdp_dir=1

say() { echo "smoke: $*"; }
fail() {
	echo "smoke: FAIL: $*" >&2
	exit 1
}
cleanup() {
	xdp-loader unload --all "$dev" >/dev/null 2>&1 || true
	ip link del dev "$dev" 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
	rm -f "$pin"
	[[ $had_xdp_dir -eq 1 ]] || rmdir /sys/fs/bpf/xdp 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

say "kernel $(uname -r) (BPFMAN_VM_KERNEL=${BPFMAN_VM_KERNEL:-?})"
cflags=(-target bpf -O2 -g -I/usr/include/x86_64-linux-gnu)

# Two XDP programs with distinct names and priorities.  The run config lets
# libxdp chain them: each passes the packet on.
for p in 1 2; do
	cat >"$tmp/xdp$p.c" <<EOF
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdp/xdp_helpers.h>

struct {
	__uint(priority, ${p}0);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(bpfmt_xdp$p);

SEC("xdp")
int bpfmt_xdp$p(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
EOF
	clang "${cflags[@]}" -c "$tmp/xdp$p.c" -o "$tmp/xdp$p.o" ||
		fail "cannot compile XDP program $p"
done

ip netns add "$ns"
ip link add name "$dev" type veth peer name "$peer" netns "$ns"
ip link set dev "$dev" up
ip -n "$ns" link set dev "$peer" up
say "created netns $ns and veth $dev <-> $ns/$peer"

# Two separate loads: the second has to join the dispatcher the first made.
xdp-loader load "$dev" "$tmp/xdp1.o" || fail "xdp-loader load of the first program"
xdp-loader load "$dev" "$tmp/xdp2.o" || fail "xdp-loader load of the second program"
status=$(xdp-loader status "$dev") || fail "xdp-loader status"
echo "$status"
# Under the interface's line (the dispatcher) each program is a "=>" line.
dispatcher=$(awk -v d="$dev" '$1 == d { print $2 }' <<<"$status")
progs=$(awk '$1 == "=>" { print $3 }' <<<"$status" | sort | tr '\n' ' ')
[[ $dispatcher == xdp_dispatcher ]] ||
	fail "$dev runs '${dispatcher:-nothing}', not libxdp's xdp_dispatcher"
[[ $progs == "bpfmt_xdp1 bpfmt_xdp2 " ]] ||
	fail "dispatcher on $dev runs '$progs', want bpfmt_xdp1 and bpfmt_xdp2"
say "ok: bpfmt_xdp1 and bpfmt_xdp2 run under one xdp_dispatcher on $dev (libxdp multi-prog)"

cat >"$tmp/fentry.c" <<'EOF'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("fentry/do_nanosleep")
int bpfmt_fentry(void *ctx)
{
	return 0;
}

char _license[] SEC("license") = "GPL";
EOF
clang "${cflags[@]}" -c "$tmp/fentry.c" -o "$tmp/fentry.o" || fail "cannot compile the fentry program"
bpftool prog load "$tmp/fentry.o" "$pin" || fail "bpftool prog load of fentry/do_nanosleep"
bpftool prog show pinned "$pin" || fail "bpftool prog show pinned $pin"
# Capture first: `grep -q` exiting early would SIGPIPE bpftool under pipefail.
shown=$(bpftool prog show pinned "$pin")
grep -q 'tracing.*name bpfmt_fentry' <<<"$shown" ||
	fail "the pinned program is not the fentry (tracing) program"
say "ok: fentry/do_nanosleep loaded and pinned at $pin"
say "PASS"
