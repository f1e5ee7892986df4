/* SPDX-License-Identifier: Apache-2.0 */
/* Building bytecode images into an OCI image layout, without docker or
 * podman (doc/images.md, "Building images"). bpfman_image__build (image
 * API) calls this, then tags and/or pushes what it returns. Owner: build.c. */
#ifndef BPFMAN_IMAGE_BUILD_H
#define BPFMAN_IMAGE_BUILD_H

#include <stddef.h>

#include <bpfman/program.h>
#include "manifest.h"

struct bpfman_ctx;

/* Writes, into the layout at root (created if missing), for each object i:
 * a layer holding objects[i] under its base name, a config with
 * platforms[i]'s os/architecture[/variant] and the labels io.ebpf.programs
 * and io.ebpf.maps derived from that object (plus `labels`, which must not
 * set io.ebpf.*), and an OCI manifest. With platforms NULL (then cnt must
 * be 1) the platform is this host's and *ret_top is that manifest;
 * otherwise an OCI index of the manifests is written too and *ret_top is
 * the index. Nothing is tagged: the caller names *ret_top with store_tag.
 * Blobs are written under store_hold. Same inputs, same digests. */
int image_build_into(struct bpfman_ctx *ctx, const char *root,
		     const char *const *objects, const char *const *platforms,
		     size_t cnt, const struct bpfman_kv *labels, size_t labels_cnt,
		     struct descriptor *ret_top);

/* The labels value image build derives for one object:
 * io.ebpf.programs and io.ebpf.maps as JSON text (malloc'ed). */
int image_build_labels(struct bpfman_ctx *ctx, const void *elf, size_t len,
		       char **ret_programs, char **ret_maps);

#endif
