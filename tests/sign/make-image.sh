#!/bin/sh
# make-image.sh LAYOUT_DIR NAME [FILE [PROGRAMS]]: writes a one-layer OCI
# image layout (tar+gzip layer holding FILE, default some unique bytes)
# whose index names it NAME, so `skopeo copy oci:LAYOUT_DIR:NAME docker://...`
# can push it. PROGRAMS is the io.ebpf.programs label, e.g.
# '{"count_getpid":"tracepoint"}'.
# Only the shell, tar, gzip and sha256sum: the signature tests must not
# depend on the code they check.
set -eu
dir=$1 name=$2 file=${3:-} programs=${4:-}
mkdir -p "$dir/blobs/sha256"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$file" ]; then
	file=$work/prog.o
	printf 'image %s %s\n' "$name" "$(date +%s%N)" > "$file"
fi
[ "$file" = "$work/prog.o" ] || cp "$file" "$work/prog.o"
tar -C "$work" --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$work/layer.tar" prog.o
gzip -n -c "$work/layer.tar" > "$work/layer.tgz"
put() { # put FILE -> prints "sha256:<hex> <size>"
	h=$(sha256sum "$1" | cut -d' ' -f1)
	cp "$1" "$dir/blobs/sha256/$h"
	echo "sha256:$h $(stat -c %s "$1")"
}
set -- $(put "$work/layer.tgz"); layer=$1 layer_size=$2
diff_id=sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
labels='"io.ebpf.filename":"prog.o"'
if [ -n "$programs" ]; then
	labels="$labels,\"io.ebpf.programs\":\"$(printf '%s' "$programs" | sed 's/"/\\"/g')\""
fi
printf '{"architecture":"amd64","os":"linux","config":{"Labels":{%s}},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
	"$labels" "$diff_id" > "$work/config.json"
set -- $(put "$work/config.json"); config=$1 config_size=$2
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
	"$config" "$config_size" "$layer" "$layer_size" > "$work/manifest.json"
set -- $(put "$work/manifest.json"); manifest=$1 manifest_size=$2
printf '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
	"$manifest" "$manifest_size" "$name" > "$dir/index.json"
echo "$manifest"
