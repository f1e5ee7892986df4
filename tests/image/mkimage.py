#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Builds a bytecode image into an OCI image layout by hand, the way bpfman's
Containerfile.bytecode does with a container engine:

    FROM scratch
    ARG BYTECODE_FILE / PROGRAMS / MAPS
    LABEL "io.ebpf.programs"=$PROGRAMS
    LABEL "io.ebpf.maps"=$MAPS
    COPY  $BYTECODE_FILE /

i.e. one tar+gzip layer holding the ELF at the root, and a config whose
Labels carry the JSON of programs and maps. Several --elf give a multi-arch
index. Flags to make bad images for the error tests (--entry-name with
"../", a non-ELF --elf, --no-labels, --lie-size) and a tiny registry push
(--push) for what skopeo refuses to send (a manifest lying about sizes).

  mkimage.py OUT --elf [OS/ARCH[/VARIANT]=]FILE... [--programs JSON]
             [--maps JSON] [--tag TAG] [--docker] [--legacy NAME:TYPE]
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import platform as host
import sys
import tarfile
import urllib.request

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"

HOST_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}.get(host.machine(), host.machine())


class Layout:
    def __init__(self, root):
        self.root = root
        self.blobs = {}
        os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)

    def put(self, data):
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(self.root, "blobs", "sha256", digest), "wb") as f:
            f.write(data)
        self.blobs["sha256:" + digest] = data
        return {"digest": "sha256:" + digest, "size": len(data)}


def layer_tar(payload, name):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(name)
        info.size = len(payload)
        info.mode = 0o644
        info.mtime = 0
        tar.addfile(info, io.BytesIO(payload))
    return buf.getvalue()


def image_manifest(lay, args, plat, elf_path, programs):
    os_, arch, *variant = plat.split("/")
    with open(elf_path, "rb") as f:
        payload = f.read()
    tar = layer_tar(payload, args.entry_name or os.path.basename(elf_path))
    layer = gzip.compress(tar, mtime=0)
    labels = {}
    if not args.no_labels:
        if args.legacy:
            fn, ptype = args.legacy.split(":")
            labels = {"io.ebpf.program_type": ptype,
                      "io.ebpf.filename": os.path.basename(elf_path),
                      "io.ebpf.bpf_function_name": fn}
        else:
            labels = {"io.ebpf.programs": programs, "io.ebpf.maps": args.maps}
    config = {
        "architecture": arch,
        "os": os_,
        "config": {"Labels": labels},
        "rootfs": {"type": "layers",
                   "diff_ids": ["sha256:" + hashlib.sha256(tar).hexdigest()]},
        "history": [{"created_by": "COPY %s / # buildkit" % os.path.basename(elf_path)}],
    }
    if variant:
        config["variant"] = variant[0]
    cdesc = lay.put(json.dumps(config, separators=(",", ":")).encode())
    ldesc = lay.put(layer)
    if args.lie_size:
        ldesc["size"] += args.lie_size
    manifest = {
        "schemaVersion": 2,
        "mediaType": DOCKER_MANIFEST if args.docker else OCI_MANIFEST,
        "config": dict(mediaType=DOCKER_CONFIG if args.docker else OCI_CONFIG, **cdesc),
        "layers": [dict(mediaType=DOCKER_LAYER if args.docker else OCI_LAYER, **ldesc)],
    }
    mdesc = lay.put(json.dumps(manifest, separators=(",", ":")).encode())
    mdesc["mediaType"] = manifest["mediaType"]
    platform = {"os": os_, "architecture": arch}
    if variant:
        platform["variant"] = variant[0]
    mdesc["platform"] = platform
    return mdesc


def push(lay, top, registry, repo, tag):
    """Monolithic uploads and a manifest PUT: the distribution API by hand."""
    for digest, data in lay.blobs.items():
        if digest == top["digest"]:
            continue
        req = urllib.request.Request("http://%s/v2/%s/blobs/uploads/" % (registry, repo),
                                     method="POST", data=b"")
        loc = urllib.request.urlopen(req).headers["Location"]
        if loc.startswith("/"):
            loc = "http://%s%s" % (registry, loc)
        sep = "&" if "?" in loc else "?"
        req = urllib.request.Request(loc + sep + "digest=" + digest, method="PUT", data=data,
                                     headers={"Content-Type": "application/octet-stream"})
        urllib.request.urlopen(req).read()
    req = urllib.request.Request("http://%s/v2/%s/manifests/%s" % (registry, repo, tag),
                                 method="PUT", data=lay.blobs[top["digest"]],
                                 headers={"Content-Type": top["mediaType"]})
    urllib.request.urlopen(req).read()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--elf", action="append", required=True)
    p.add_argument("--programs", action="append",
                   help="io.ebpf.programs; once for all --elf, or once per --elf in order")
    p.add_argument("--maps", default='{"counter":"array"}')
    p.add_argument("--tag", default="latest")
    p.add_argument("--docker", action="store_true")
    p.add_argument("--legacy")
    p.add_argument("--no-labels", action="store_true")
    p.add_argument("--entry-name")
    p.add_argument("--lie-size", type=int, default=0)
    p.add_argument("--push", help="REGISTRY/REPO over plain HTTP, instead of a layout")
    args = p.parse_args()

    lay = Layout(args.out)
    programs = args.programs or ['{"count_getpid":"tracepoint"}']
    descs = []
    for i, spec in enumerate(args.elf):
        plat, _, path = spec.rpartition("=")
        descs.append(image_manifest(lay, args, plat or "linux/" + HOST_ARCH, path,
                                    programs[i] if len(programs) > 1 else programs[0]))
    if len(descs) == 1:
        top = descs[0]
        del top["platform"]
    else:
        index = {"schemaVersion": 2,
                 "mediaType": DOCKER_LIST if args.docker else OCI_INDEX,
                 "manifests": descs}
        top = lay.put(json.dumps(index, separators=(",", ":")).encode())
        top["mediaType"] = index["mediaType"]
    if args.push:
        registry, _, repo = args.push.partition("/")
        push(lay, top, registry, repo, args.tag)
    top["annotations"] = {"org.opencontainers.image.ref.name": args.tag}
    with open(os.path.join(args.out, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [top]}, f)
    with open(os.path.join(args.out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    print(top["digest"])


if __name__ == "__main__":
    sys.exit(main())
