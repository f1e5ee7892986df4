# Sourced by go-tool.sh (go_tool_begin), which the scripts that build tools
# from the Go module proxy use (tests/sign/get-cosign.sh, ...): sets GO to a Go
# toolchain >= 1.25, or fetches one from the module proxy into $cache
# (it is the module golang.org/toolchain), pinned by SHA-256. Needs $cache
# and a log prefix in $who.
go_version=1.26.8
go_zip_sha256=30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7
go_new_enough() {
	v=$("$1" env GOVERSION 2>/dev/null) || return 1
	v=${v#go}
	major=${v%%.*} rest=${v#*.}
	minor=${rest%%.*}
	[ "$major" -gt 1 ] || { [ "$major" -eq 1 ] && [ "${minor%%[!0-9]*}" -ge 25 ]; }
}
GO=
for g in "$(command -v go 2>/dev/null || true)" /usr/local/go/bin/go "$cache/go-$go_version/bin/go"; do
	if [ -n "$g" ] && [ -x "$g" ] && go_new_enough "$g"; then
		GO=$g
		break
	fi
done
if [ -z "$GO" ]; then
	[ "$(uname -m)" = x86_64 ] || {
		echo "$who: no Go >= 1.25 found; install one (only the amd64 toolchain is pinned here)" >&2
		exit 1
	}
	proxy=${GOPROXY:-https://proxy.golang.org}
	proxy=${proxy%%,*}
	zip="$cache/go-$go_version.zip"
	mkdir -p "$cache"
	echo "$who: fetching the Go $go_version toolchain from $proxy" >&2
	curl -sfL -o "$zip.part" "$proxy/golang.org/toolchain/@v/v0.0.1-go$go_version.linux-amd64.zip" || {
		echo "$who: cannot fetch the Go toolchain from $proxy" >&2
		exit 1
	}
	echo "$go_zip_sha256  $zip.part" | sha256sum -c --quiet - >&2 || {
		echo "$who: the Go toolchain from $proxy does not have the pinned SHA-256" >&2
		rm -f "$zip.part"
		exit 1
	}
	python3 - "$zip.part" "$cache/go-$go_version" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
prefix = "golang.org/toolchain@v0.0.1-go"
with zipfile.ZipFile(src) as z:
    for zi in z.infolist():
        name = zi.filename.split("/", 2)[-1] if zi.filename.startswith(prefix) else None
        if not name or name.startswith("/") or ".." in name.split("/"):
            continue
        out = os.path.join(dst, name)
        if zi.is_dir():
            os.makedirs(out, exist_ok=True)
            continue
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with z.open(zi) as f, open(out, "wb") as o:
            o.write(f.read())
        os.chmod(out, (zi.external_attr >> 16) & 0o755 or 0o644)
PY
	rm -f "$zip.part"
	GO="$cache/go-$go_version/bin/go"
	go_new_enough "$GO" || { echo "$who: the fetched Go toolchain does not run" >&2; exit 1; }
fi

