#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes a one-layer container image from scratch as an OCI image layout
(oci-layout, index.json, blobs/sha256/...), without docker, podman or a
base image. k8s/images/build.sh decides what goes in; this only packs it.

Reproducible: the same files give the same digests. Entries are sorted,
owned by 0:0 with no user/group names, dated SOURCE_DATE_EPOCH (default 0),
the tar is USTAR (no PAX headers carrying times or names), gzip carries
no name and mtime 0, and the JSON is written with sorted keys. The layer's
compressed bytes depend on this zlib's output (the same on one machine);
the config's diff_id (uncompressed tar) does not.

    oci-layout.py OUT --contents LIST --tag TAG --entrypoint JSON
                  [--user U] [--env K=V]... [--label K=V]... [--arch A]

LIST has one entry a line (fields separated by one space; DEST absolute):
    f DEST MODE SRC      a regular file with SRC's bytes (symlinks followed)
    d DEST MODE          a directory
    l DEST TARGET        a symbolic link
Parent directories not listed are added with mode 0755. OUT is replaced
whole (written beside it, then renamed), so no stale blob stays.
"""
import argparse
import datetime
import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


def die(msg):
    sys.exit("oci-layout.py: " + msg)


def parse_contents(path):
    """{dest: (kind, mode, src_or_target)} from LIST; refuses duplicates
    and relative or '..' paths, naming the line."""
    entries = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split(" ")
            kind = parts[0]
            if kind == "f" and len(parts) == 4:
                dest, mode, src = parts[1], int(parts[2], 8), parts[3]
            elif kind == "d" and len(parts) == 3:
                dest, mode, src = parts[1], int(parts[2], 8), None
            elif kind == "l" and len(parts) == 3:
                dest, mode, src = parts[1], 0o777, parts[2]
            else:
                die("%s:%d: expected 'f DEST MODE SRC', 'd DEST MODE' or 'l DEST TARGET': %r"
                    % (path, n, line))
            if not dest.startswith("/") or ".." in dest.split("/"):
                die("%s:%d: %s is not an absolute path without '..'" % (path, n, dest))
            dest = os.path.normpath(dest).lstrip("/")
            if dest in entries and entries[dest] != (kind, mode, src):
                die("%s:%d: /%s is listed twice, differently" % (path, n, dest))
            entries[dest] = (kind, mode, src)
    # Every parent is a directory in the tar (some runtimes need them).
    for dest in list(entries):
        parent = os.path.dirname(dest)
        while parent:
            if parent in entries and entries[parent][0] != "d":
                die("/%s is a parent of /%s but is not a directory" % (parent, dest))
            entries.setdefault(parent, ("d", 0o755, None))
            parent = os.path.dirname(parent)
    return entries


def layer_tar(entries, mtime):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for dest in sorted(entries):
            kind, mode, src = entries[dest]
            info = tarfile.TarInfo(dest)
            info.mode, info.mtime = mode, mtime
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if kind == "d":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif kind == "l":
                info.type, info.linkname = tarfile.SYMTYPE, src
                tar.addfile(info)
            else:
                try:
                    with open(src, "rb") as f:
                        data = f.read()
                except OSError as e:
                    die("cannot read %s (for /%s): %s" % (src, dest, e.strerror))
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


class Blobs:
    def __init__(self, root):
        self.dir = os.path.join(root, "blobs", "sha256")
        os.makedirs(self.dir)

    def put(self, data, media_type):
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(self.dir, digest), "wb") as f:
            f.write(data)
        return {"mediaType": media_type, "digest": "sha256:" + digest, "size": len(data)}


def dumps(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def kv_list(items, what):
    out = {}
    for item in items or []:
        k, sep, v = item.partition("=")
        if not sep or not k:
            die("%s %r is not KEY=VALUE" % (what, item))
        out[k] = v
    return out


def main():
    ap = argparse.ArgumentParser(description="Write a from-scratch OCI image layout.")
    ap.add_argument("out")
    ap.add_argument("--contents", required=True)
    ap.add_argument("--tag", required=True, help="org.opencontainers.image.ref.name in index.json")
    ap.add_argument("--entrypoint", required=True, help="JSON list")
    ap.add_argument("--user", default="0:0")
    ap.add_argument("--env", action="append")
    ap.add_argument("--label", action="append")
    ap.add_argument("--arch", default="amd64", help="GOARCH name")
    args = ap.parse_args()

    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    entrypoint = json.loads(args.entrypoint)
    if not isinstance(entrypoint, list) or not all(isinstance(s, str) for s in entrypoint):
        die("--entrypoint must be a JSON list of strings")
    env = kv_list(args.env, "--env")
    labels = kv_list(args.label, "--label")

    tar = layer_tar(parse_contents(args.contents), epoch)
    out = os.path.abspath(args.out)
    tmp = out + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    blobs = Blobs(tmp)
    # gzip.compress: no file name in the header, mtime as given.
    layer = blobs.put(gzip.compress(tar, compresslevel=9, mtime=0), OCI_LAYER)
    created = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    config = {
        "architecture": args.arch,
        "os": "linux",
        "created": created,
        "config": {
            "Entrypoint": entrypoint,
            "Env": ["%s=%s" % kv for kv in sorted(env.items())],
            "User": args.user,
            "WorkingDir": "/",
            "Labels": labels,
        },
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(tar).hexdigest()]},
        "history": [{"created": created, "created_by": "k8s/images/build.sh (from scratch)"}],
    }
    cfg = blobs.put(dumps(config), OCI_CONFIG)
    manifest = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": cfg,
        "layers": [layer],
        "annotations": {k: v for k, v in labels.items() if k.startswith("org.opencontainers.image.")},
    }
    man = blobs.put(dumps(manifest), OCI_MANIFEST)
    man["annotations"] = {"org.opencontainers.image.ref.name": args.tag}
    man["platform"] = {"architecture": args.arch, "os": "linux"}
    index = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [man]}
    with open(os.path.join(tmp, "index.json"), "wb") as f:
        f.write(dumps(index))
    with open(os.path.join(tmp, "oci-layout"), "wb") as f:
        f.write(dumps({"imageLayoutVersion": "1.0.0"}))
    shutil.rmtree(out, ignore_errors=True)
    os.rename(tmp, out)
    print(man["digest"])


if __name__ == "__main__":
    main()
