#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bpfman's bytecode conventions through images (doc/compat.md): our own
# test programs with bpfman's traits (static entry functions, aya-style
# sections, pin-by-name maps, globals) packed as bytecode images, pushed to
# a real docker-registry and loaded with 'load image' (the labels give the
# type), and the seed's one-line command, load-from-image ... xdp -i IFACE
# -p 100, alone on the host and in a dispatcher chain in the VM.
. "$(dirname "$0")/lib.sh"
image_setup
start_registry P plain
write_config "$P_HOST=insecure"

ns=bpfman-cimg-$$ hif=cih$$ pif=cip$$ pinger=
trap 'kill $pinger 2>/dev/null; ip link del "$hif" 2>/dev/null; ip netns del "$ns" 2>/dev/null; image_cleanup' EXIT
ip netns add "$ns"
ip link add name "$hif" type veth peer name "$pif" netns "$ns"
ip addr add 10.79.0.1/24 dev "$hif" && ip link set dev "$hif" up
ip -n "$ns" addr add 10.79.0.2/24 dev "$pif" && ip -n "$ns" link set dev "$pif" up
ping -q -i 0.05 10.79.0.2 >/dev/null 2>&1 &
pinger=$!

obj() { echo "$BPF_OBJ_DIR/compat_$1.bpf.o"; }
image() {  # NAME OBJ LABEL: builds and pushes $P_HOST/compat-NAME:v1
  mkimage "$work/$1" --elf "$(obj "$2")" --programs "$3" >/dev/null
  push_layout "$work/$1" "$P_HOST/compat-$1:v1"
}
rising() {
  local a b
  a=$(counter_of "$1"); sleep 0.6; b=$(counter_of "$1")
  [ "$b" -gt "$a" ] || fail "$2: counter not rising ($a -> $b)"
}

# The shape of bpfman's go-tracepoint-counter (the README's example): a
# static entry in "tracepoint/NAME", loaded from its image's labels.
image tracepoint tracepoint '{"compat_tp":"tracepoint"}'
id=$(bm load image -i "$P_HOST/compat-tracepoint:v1" -g GLOBAL_u8=02 -o json | json_get 0.id)
bm attach "$id" tracepoint -t syscalls/sys_enter_getpid >/dev/null
trigger_getpid 20
v=$(counter_of "$id")
[ "$v" -ge 40 ] && [ $((v % 2)) -eq 0 ] || fail "static tracepoint from an image: counter $v"
bm unload "$id"
echo "ok: static tracepoint entry from an image ($v)"

# Static uprobe and a classifier/NAME tc program, typed by the labels.
image uprobe uprobe '{"compat_uprobe":"uprobe"}'
id=$(bm load image -i "$P_HOST/compat-uprobe:v1" -o json | json_get 0.id)
bm attach "$id" uprobe -t libc -f getpid >/dev/null
trigger_getpid 20
[ "$(counter_of "$id")" -ge 20 ] || fail "static uprobe from an image"
bm unload "$id"
image classifier classifier '{"stats":"tc","tcx_stats":"tcx"}'
out=$(bm load image -i "$P_HOST/compat-classifier:v1" -o json)
stats=$(json_get 0.id <<<"$out") tcx=$(json_get 1.id <<<"$out")
expect_eq "$(json_get 1.type <<<"$out")" tcx "label type of tcx_stats"
bm attach "$stats" tc -d ingress -i "$hif" -p 50 >/dev/null
rising "$stats" "classifier/stats from an image"
bm unload "$stats" && bm unload "$tcx"
echo "ok: static uprobe and classifier/NAME programs from images"

# The seed's one-line command, unchanged.
image xdp xdp '{"compat_xdp":"xdp"}'
chain=
if [ -n "${BPFMAN_IN_VM:-}" ]; then
  # In the VM the XDP dispatcher runs: put another program first, so the
  # seed's command joins a chain.
  first=$(bm load file -p "$BPF_OBJ_DIR/xdp_counter.bpf.o" --programs xdp:xdp_count -o json | json_get 0.id)
  bm attach "$first" xdp -i "$hif" -p 50 >/dev/null
  chain=1
fi
out=$(bm load-from-image -g GLOBAL_u8=01 -i "$P_HOST/compat-xdp:v1" xdp -i "$hif" -p 100 -o json)
id=$(json_get id <<<"$out")
expect_eq "$(json_get image <<<"$out")" "$P_HOST/compat-xdp:v1" "load-from-image image"
expect_eq "$(json_get globals.GLOBAL_u8 <<<"$out")" 01 "load-from-image global"
rising "$id" "the seed's load-from-image command"
if [ -n "$chain" ]; then
  expect_eq "$(bm chain xdp -i "$hif" -o json | python3 -c 'import json,sys
print(" ".join(str(l["program_id"]) for l in json.load(sys.stdin)["programs"]))')" "$first $id" "xdp chain order"
  rising "$first" "the program before it in the chain"
  bm unload "$first"
  echo "ok: the seed's command joins a dispatcher chain"
fi
bm unload "$id"
# A type that is not the image's is refused, and nothing stays loaded.
refused "load-from-image with the wrong TYPE" "holds xdp program 'compat_xdp', not a tc program" \
  bm load-from-image -i "$P_HOST/compat-xdp:v1" tc -d ingress -i "$hif" -p 10
# image build reads the labels of an object with a static entry function.
bm image build -f "$(obj tc)" -o "$work/built" >/dev/null
bm image build -f "$(obj tc)" -t "$P_HOST/compat-built:v1" >/dev/null
out=$(bm image pull "$P_HOST/compat-built:v1" -o json)
expect_eq "$(json_get programs.0.name <<<"$out")" compat_tc "built label program"
expect_eq "$(json_get programs.0.type <<<"$out")" tc "built label type"
echo "ok: image build labels a static entry function"
echo "image-compat: ok"
