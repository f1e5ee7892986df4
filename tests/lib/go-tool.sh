# Sourced by the get-*.sh scripts that build a Go program once into the
# tools cache and print its path (bench/get-ghz.sh, bench/get-goload.sh,
# tests/sign/get-cosign.sh, tests/daemon/get-go-client.sh,
# tests/daemon/get-grpcurl.sh, tests/k8s/get-kube.sh). What they share:
# the cache, the key of a program built from the tree, the check that a
# build is there, and the build itself — into a temporary directory beside
# the result and moved into place at the end, so a build killed half way
# leaves nothing that looks built. Needs $lib (this directory) and $who (a
# log prefix). The cache's paths and keys are what CI's warm cache is found
# by: a script that changes one rebuilds its tool everywhere.
cache=${LIBBPFMAN_TOOLS_CACHE:-/var/cache/libbpfman-tools}

# go_tool_ready BIN [ARGS...]: when BIN is there (and, with ARGS, runs
# with them), prints its path and ends the script.
go_tool_ready() {
	go_tool_bin=$1
	shift
	[ -x "$go_tool_bin" ] || return 0
	[ $# -eq 0 ] || "$go_tool_bin" "$@" >/dev/null 2>&1 || return 0
	echo "$go_tool_bin"
	exit 0
}

# go_tool_src_key DIR: the cache key of a Go program in the tree, from its
# go.mod, go.sum and main.go (16 hex digits of their SHA-256, in that order).
go_tool_src_key() {
	cat "$1/go.mod" "$1/go.sum" "$1/main.go" | sha256sum | cut -c1-16
}

# go_tool_begin DIR WHAT [NOTE]: finds Go >= 1.25 ($GO; go-toolchain.sh
# fetches a pinned one when the machine has none), makes DIR and a
# temporary build directory in it ($tmp, removed when the script exits),
# and says what is built.
go_tool_begin() {
	. "$lib/go-toolchain.sh"
	mkdir -p "$1"
	tmp=$(mktemp -d "$1/.build.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	go_tool_start=$(date +%s)
	echo "$who: building $2 into $1 (first run only${3:+; $3})" >&2
}

go_tool_end() {
	echo "$who: built in $(( $(date +%s) - go_tool_start ))s" >&2
}

# Every build: module and build caches in the tools cache, the toolchain
# found (never one Go downloads by itself), static binaries.
go_tool_go() {
	GOMODCACHE="$cache/go-mod" GOCACHE="$cache/go-build" GOTOOLCHAIN=local CGO_ENABLED=0 \
		"$GO" "$@" >&2
}

# go_tool_install BIN MODULE/PATH/CMD@VERSION [NOTE]: `go install` of a
# published command (through the module proxy) as BIN.
go_tool_install() {
	go_tool_begin "$(dirname "$1")" "${2%@*} ${2##*@}" "${3:-}"
	GOBIN="$tmp" GOFLAGS=-mod=mod go_tool_go install "$2"
	mv "$tmp/$(basename "${2%@*}")" "$1"
	go_tool_end
}

# go_tool_build BIN SRCDIR: `go build` of a Go program in the tree (its
# go.sum pins every module: -mod=readonly) as BIN.
go_tool_build() {
	go_tool_begin "$(dirname "$1")" "$2"
	(cd "$2" && GOFLAGS=-mod=readonly go_tool_go build -o "$tmp/out" .)
	mv "$tmp/out" "$1"
	go_tool_end
}
