#!/bin/sh
# Prints the path of a virtual environment holding tests/requirements.txt,
# made once under the tools cache (keyed by the file's hash) and reused.
# A half-made environment is never used: it is built beside and renamed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
req="$here/requirements.txt"
python=${PYTHON:-/usr/bin/python3}
[ -x "$python" ] || python=python3
cache=${LIBBPFMAN_TOOLS_CACHE:-/var/cache/libbpfman-tools}
key=$( { "$python" -c 'import sys; print(sys.version)'; cat "$req"; } | sha256sum | cut -c1-16)
venv="$cache/py-venv-$key"
if [ -x "$venv/bin/pytest" ] && [ -x "$venv/bin/mypy" ]; then
	echo "$venv"
	exit 0
fi
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.py-venv-$key.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$python" -m venv "$tmp/venv" >&2
# The venv's scripts name their interpreter by absolute path: build it at
# its final path's twin, then move; pip's shebangs use the final path below.
"$tmp/venv/bin/python" -m pip install --quiet --no-warn-script-location -r "$req" >&2
rm -rf "$venv"
mv "$tmp/venv" "$venv"
# Script shebangs still name the temporary path; point them at the final one.
grep -rlI "$tmp/venv" "$venv/bin" | xargs -r sed -i "s|$tmp/venv|$venv|g"
echo "$venv"
