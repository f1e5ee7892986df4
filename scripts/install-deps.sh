#!/usr/bin/env bash
# Installs every system package libbpfman needs to build and test, on Debian.
# Idempotent: exits quietly when everything is already present.
set -euo pipefail

packages=(
  # build
  build-essential meson ninja-build pkg-config clang llvm
  # libraries (DESIGN.md)
  libbpf-dev libxdp-dev libelf-dev zlib1g-dev libsqlite3-dev libjansson-dev libyaml-dev
  libcurl4-openssl-dev libgpgme-dev libssl-dev libarchive-dev libnghttp2-dev
  libprotobuf-c-dev protobuf-c-compiler check
  # sanitizer runtime for clang builds
  libclang-rt-14-dev
  # kernel-facing tools used by tests and benchmarks
  bpftool xdp-tools iproute2 iputils-ping kmod
  # registry test servers (tests/registry): docker-registry, htpasswd -B for
  # its bcrypt users, openssl for the test CA, python3-cryptography for the
  # token service's ES256 JWTs, skopeo to push images we did not write and
  # to check the layouts we write
  apache2-utils docker-registry openssl python3 python3-cryptography skopeo
  # signature tests (tests/sign): gpg for GPG simple signing (gpgme runs it),
  # curl to fetch the Go toolchain that builds cosign, and to tamper with
  # signatures in the test registry
  curl gnupg
  # bpfmand: socket activation and readiness (libsystemd, opened only when
  # systemd asks), its event loop (libev); the Python grpcio client of its
  # tests lives in a venv (tests/daemon)
  libsystemd-dev libev-dev python3-venv
  # protoc: the descriptors bpfmand serves by gRPC reflection
  protobuf-compiler
  # VM test tier
  qemu-system-x86 busybox-static cpio xz-utils zstd util-linux
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
