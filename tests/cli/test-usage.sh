#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bpfmanctl checks that need no privileges (usage errors never reach the
# library): every command has --help with an example and lines of at most
# 80 columns, every option in --help is documented in doc/bpfmanctl.md
# (like curl's test1139), and malformed command lines exit 2.
# Usage: test-cli.sh BPFMANCTL DOC
set -u
bin=$1
doc=$2
fail=0
tmp=$(mktemp -d)
. "$(dirname "$0")/../sanitizer-watch.sh"
sanitizer_watch_start
trap 'rm -rf "$tmp"; sanitizer_watch_check || exit 1' EXIT
# Never touch real state, even if a case wrongly reached the library.
export BPFMAN_STATE_DIR="$tmp/state" BPFMAN_BPFFS_ROOT="$tmp/bpffs" \
	BPFMAN_RUNTIME_DIR="$tmp/run"

bad() {
	echo "FAIL: $*"
	fail=1
}

for cmd in "" "load" "load file" "attach" "attach 1 xdp" "attach 1 tc" \
	"attach 1 tcx" "attach 1 tracepoint" "attach 1 kprobe" \
	"attach 1 uprobe" "attach 1 fentry" "attach 1 fexit" "attach 1 lsm" "detach" \
	"unload" "list" "list programs" "list links" "get" "get program" \
	"get link" "restore" "reconcile" "load image" "image" "image pull" \
	"image inspect" "image list" "image rm" "image prune" "image build" \
	"image push" "image verify" "image sign" "load-from-file" \
	"load-from-image" "apply" "diff" "delete" "get applied" "events"; do
	# shellcheck disable=SC2086 # word splitting of $cmd is intended
	"$bin" $cmd --help >"$tmp/help" 2>&1 || bad "'$cmd --help' exit $?"
	grep -q '^Examples:' "$tmp/help" || bad "'$cmd --help' has no example"
	grep -q "^  bpfmanctl" "$tmp/help" || bad "'$cmd --help' has no example line"
	awk -v c="$cmd" 'length($0) > 80 { print "FAIL: '\''" c " --help'\'' line over 80: " $0; f = 1 }
		END { exit f }' "$tmp/help" || fail=1
	for opt in $(grep -oE -- '--[a-z][a-z-]+' "$tmp/help" | sort -u); do
		grep -qE -- "$opt([^a-z-]|\$)" "$doc" || bad "$opt (in '$cmd --help') is not in $doc"
	done
done

usage() {
	"$bin" "$@" >/dev/null 2>"$tmp/err"
	rc=$?
	[ "$rc" = 2 ] || bad "'$*' exit $rc, expected 2"
	[ -s "$tmp/err" ] || bad "'$*' printed no message"
}

usage
usage nosuchcommand
usage --nosuchoption list programs
usage -o xml list programs
usage list programs -o xml
usage load
usage apply
usage diff --node-label novalue -f x.yaml
usage get applied a b
usage load file --programs tracepoint:f
usage load file -p x
usage load file -p x --programs f
usage load file -p x --programs nosuchtype:f
usage load file -p x --programs tracepoint:
usage load file -p x --programs fentry:f
usage load file -p x --programs tracepoint:f:g
usage load-from-file -p x tracepoint -t a/b
usage load-from-file -p x -n f
usage load-from-file -p x -n f nosuchtype
usage load-from-file -p x -n f xdp -i eth0
usage load-from-image xdp -i eth0 -p 1
usage load-from-image -i img kprobe
usage load file -p x --programs tracepoint:f -g A=1
usage load file -p x --programs tracepoint:f -g A=0xzz
usage load file -p x --programs tracepoint:f -g =01
usage load file -p x --programs tracepoint:f -m novalue
usage load file -p x --programs tracepoint:f -m =v
usage load file -p x --programs tracepoint:f -m a=1,b
usage load file -p x --programs tracepoint:f --map-owner-id 12x
usage load file -p x --programs tracepoint:f --map-owner-id -1
usage load file -p x --programs tracepoint:f extra
usage load image
usage load image --programs tracepoint:f
usage load image -i quay.io/x --pull-policy Sometimes
usage load image -i quay.io/x -r 'not base64!'
usage load image -i quay.io/x -r "$(printf 'nocolon' | base64)"
usage load image -i quay.io/x --programs nosuchtype:f
usage load image -i quay.io/x extra
usage image
usage image frobnicate
usage image pull
usage image pull a b
usage image pull quay.io/x -p sometimes
usage image inspect
usage image rm
usage image prune extra
usage image list extra
usage image build
usage image build -f x.o
usage image build -f a.o -f b.o -o dir
usage image build --platform linux/amd64 -f a.o -o dir
usage image build -f a.o --platform amd64 -o dir
usage image push -f a.o
usage attach
usage attach 1
usage attach x tracepoint -t a/b
usage attach 0 tracepoint -t a/b
usage attach 1 nosuchtype
usage attach 1 tracepoint
usage attach 1 tracepoint -t nogroup
usage attach 1 tracepoint -t a/b/c
usage attach 1 kprobe
usage attach 1 kprobe -f f -o 12q
usage attach 1 kprobe -f f -c 5
usage attach 1 uprobe -f f
usage attach 1 uprobe -t libc -p 0
usage attach 1 uprobe -t libc --pid x
usage attach 1 xdp -i eth0
usage attach 1 xdp -p 1
usage attach 1 xdp -i eth0 -p 1001
usage attach 1 xdp -i eth0 -p 1 --proceed-on nosuchaction
usage attach 1 xdp -i eth0 -p 1 --proceed-on pass ok
usage attach 1 tc -i eth0 -p 1
usage attach 1 tc -d sideways -i eth0 -p 1
usage attach 1 tc -d ingress -i eth0 -p 1 --proceed-on aborted
usage attach 1 tcx -d egress -i eth0 -p 1 --proceed-on pass
usage attach 1 fentry extra
usage detach
usage detach x
usage detach 1 2
usage unload
usage unload 0
usage unload 4294967296
usage list
usage list nosuchthing
usage list programs -p nosuchtype
usage list programs -m novalue
usage list links --program-id x
usage list links --all
usage get
usage get program
usage get program x
usage get link 1 2
usage get nosuchthing 1
usage restore extra
usage reconcile --force
usage events extra
usage events --after x
usage events --after -1

"$bin" --version >/dev/null || bad "--version exit $?"
"$bin" help attach >/dev/null || bad "help attach exit $?"

[ "$fail" = 0 ] && echo "all bpfmanctl CLI checks passed"
exit "$fail"
