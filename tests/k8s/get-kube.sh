#!/bin/sh
# Builds the Kubernetes control plane the operator tests run against (etcd,
# kube-apiserver, kube-controller-manager, kubectl) from the Go module proxy
# into a cache outside the repository, once; later runs reuse it. Debian has
# none new enough (etcd-server 3.4, kubernetes-client 1.20) and nothing may
# be downloaded as a binary. Prints the cache directory holding the four
# binaries on stdout.
#
# Cost measured here, cold, on 2 cores: ~11 minutes, 2.9 GB peak RSS,
# ~1 GB of modules and ~4 GB of build cache (both under $cache, shared with
# the other Go builds). Warm: a version check of each binary, < 1 s.
set -eu

kube_version=${KUBE_VERSION:-v1.37.2}
etcd_version=${ETCD_VERSION:-v3.7.4}
who=get-kube lib=$(cd "$(dirname "$0")/../lib" && pwd)
. "$lib/go-tool.sh"
dir="$cache/kube-$kube_version-etcd-$etcd_version"

have_all() {
	for b in etcd kube-apiserver kube-controller-manager kubectl; do
		[ -x "$dir/$b" ] || return 1
	done
	"$dir/kube-apiserver" --version 2>/dev/null | grep -q "Kubernetes $kube_version\$" &&
		"$dir/etcd" --version >/dev/null 2>&1
}
if have_all; then
	echo "$dir"
	exit 0
fi

go_tool_begin "$dir" "Kubernetes $kube_version and etcd $etcd_version" "~11 min"
# Several go commands below, not one go_tool_go: the same environment.
export GOMODCACHE="${GOMODCACHE:-$cache/go-mod}" GOCACHE="${GOCACHE:-$cache/go-build}"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0

# k8s.io/kubernetes names its staging modules with "=> ./staging/..."
# replaces, which do not apply to a module that requires it: pin each to
# its published v0.X.Y instead. The proxy serves every one of them except
# the two sample modules, which nothing we build imports.
staging_version=v0.${kube_version#v1.}
kube_mod=$("$GO" mod download -json "k8s.io/kubernetes@$kube_version" |
	sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
[ -r "$kube_mod" ] || { echo "get-kube: cannot read the go.mod of k8s.io/kubernetes $kube_version" >&2; exit 1; }

mkdir -p "$tmp/kube" "$tmp/etcd"
{
	echo "module libbpfman.test/kube"
	echo
	echo "go 1.26"
	echo
	echo "require k8s.io/kubernetes $kube_version"
	echo
	sed -n 's|^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*|\1|p' "$kube_mod" |
		grep -v -x -e k8s.io/sample-cli-plugin -e k8s.io/sample-controller |
		while read -r m; do echo "replace $m => $m $staging_version"; done
} >"$tmp/kube/go.mod"
cat >"$tmp/kube/tools.go" <<'EOF'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
EOF
(
	cd "$tmp/kube"
	"$GO" mod tidy -e >&2 2>/dev/null || true
	# The version stamps Kubernetes' own build sets (hack/lib/version.sh),
	# so the binaries and kubectl report v1.37.2, not v0.0.0-master.
	minor=${kube_version#v1.}
	minor=${minor%%.*}
	ldflags=""
	for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
		ldflags="$ldflags -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
	done
	"$GO" build -trimpath -ldflags "$ldflags" -o "$tmp/" k8s.io/kubernetes/cmd/kube-apiserver \
		k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kubectl >&2
)

# etcd's server module has no main package of its own to install with a
# version: a three-line main calling etcdmain.Main is the etcd binary.
cat >"$tmp/etcd/go.mod" <<EOF
module libbpfman.test/etcd

go 1.26

require go.etcd.io/etcd/server/v3 $etcd_version
EOF
cat >"$tmp/etcd/main.go" <<'EOF'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
(
	cd "$tmp/etcd"
	"$GO" mod tidy >&2
	"$GO" build -trimpath -o "$tmp/etcd-bin" . >&2
)
mv "$tmp/etcd-bin" "$dir/etcd"
for b in kube-apiserver kube-controller-manager kubectl; do
	mv "$tmp/$b" "$dir/$b"
done
have_all || { echo "get-kube: the built binaries do not run" >&2; exit 1; }
go_tool_end
echo "$dir"
