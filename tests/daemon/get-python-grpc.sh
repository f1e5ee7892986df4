#!/bin/sh
# Creates (once) a virtualenv with Python grpcio and grpcio-tools from PyPI,
# the real gRPC client the daemon tests drive bpfmand with. It lives outside
# the clone, keyed by the hash of requirements.txt, so CI reuses it; prints
# the venv's python on stdout.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${LIBBPFMAN_TOOLS_CACHE:-/var/cache/libbpfman-tools}
# The distribution's python, not one on root's PATH (pyenv under /root):
# the venv's interpreter is a link to it, and must resolve for the other
# users the authorization test runs as, and in the VM, whose /root is empty.
base=/usr/bin/python3
[ -x "$base" ] || { echo "get-python-grpc: $base is missing (apt-get install python3 python3-venv)" >&2; exit 1; }
hash=$( (cat "$here/requirements.txt"; "$base" --version) | sha256sum | cut -c1-16)
venv="$cache/venv-grpc-$hash"
py="$venv/bin/python3"

if [ -x "$py" ] && "$py" -c 'import grpc, grpc_tools.protoc' 2>/dev/null; then
	echo "$py"
	exit 0
fi
mkdir -p "$cache"
# Build beside the final path and rename, so a killed run never leaves a
# half-filled venv that the check above would take for complete.
tmp=$(mktemp -d "$cache/.venv-grpc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$base" -m venv "$tmp" >&2 || { echo "get-python-grpc: python3 -m venv failed (apt-get install python3-venv)" >&2; exit 1; }
chmod 755 "$tmp" # mktemp made it private; other users run it too
echo "get-python-grpc: installing $(tr '\n' ' ' < "$here/requirements.txt")into $venv (first run only)" >&2
"$tmp/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" >&2
rm -rf "$venv"
mv "$tmp" "$venv"
trap - EXIT
# A venv's scripts hold its path; python3 itself runs from any path.
"$py" -c 'import grpc, grpc_tools.protoc' >&2
echo "$py"
