#!/usr/bin/env bash
# Runs the Python binding's tests against BUILDDIR's libbpfman:
#   bindings/python/tests/run.sh BUILDDIR [pytest args...]
# 1. the tools venv (pytest, mypy, setuptools; cached, tests/venv.sh);
# 2. the package's wheel built from a copy of the source (the clone stays clean);
# 3. a fresh `python3 -m venv` where the wheel is pip installed, offline:
#    what a user's `pip install bindings/python` does;
# 4. pytest and mypy --strict run by that environment's python, importing
#    the installed package (not the source tree).
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1  # the clone stays clean
build=$(cd "${1:?usage: run.sh BUILDDIR [pytest args]}" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
pkg=$(dirname "$here")
top=$(cd "$pkg/../.." && pwd)
python=${PYTHON:-/usr/bin/python3}
[ -x "$python" ] || python=python3

tools=$("$here/venv.sh")
export LIBBPFMAN_PATH=$build/libbpfman/libbpfman.so.0
export BPFMAN_BUILD=$build BPFMAN_SOURCE=$top
export BPFMANCTL=${BPFMANCTL:-$build/tools/bpfmanctl/bpfmanctl}

if [ -n "${BPFMAN_IN_VM:-}" ]; then
	# In the VM tier (tests/vm/batch.sh): only what the host cannot run, with
	# the tools venv the host made (the host's root is visible read-only) and
	# the package from the source tree: the host run tested the install, and
	# building wheels and venvs under emulation would take minutes.
	cd /tmp
	PYTHONPATH=$pkg exec "$tools/bin/python" -m pytest -p no:cacheprovider -v -rs -m vm "$here" "$@"
fi

tmp=$(mktemp -d /tmp/bpfman-py-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

cp -r "$pkg" "$tmp/src"
rm -rf "$tmp/src/tests" "$tmp/src/build" "$tmp/src"/*.egg-info
"$tools/bin/python" -m pip wheel --quiet --no-deps --no-build-isolation -w "$tmp/dist" "$tmp/src" >/dev/null
"$python" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --no-index "$tmp/dist"/bpfman-*.whl
# pytest and mypy come from the tools venv, next to the installed package.
site=$("$tmp/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
"$tools/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))' > "$site/zz-bpfman-test-tools.pth"

export BPFMAN_PY_VENV=$tmp/venv
cd "$tmp"  # so that nothing imports bpfman from the source tree
echo "*** tests marked vm (kprobe, fentry, the XDP and TC dispatchers) need what this kernel lacks: tests/vm/batch.sh runs them in the VM tier ***"
"$tmp/venv/bin/python" -m pytest -p no:cacheprovider -v -rs -m "not vm" "$here" "$@"
