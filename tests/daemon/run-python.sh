#!/bin/sh
# Runs one Python daemon test with grpcio from the cached virtualenv
# (get-python-grpc.sh). usage: run-python.sh TEST.py ARGS...
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "*** SKIP: needs root (loads BPF programs) ***"; exit 77; }
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
py=$("$here/get-python-grpc.sh")
test=$1
shift
PYTHONPATH="$here" exec "$py" "$here/$test" "$@"
