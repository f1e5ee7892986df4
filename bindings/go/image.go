// SPDX-License-Identifier: Apache-2.0

package bpfman

/*
#include <stdlib.h>
#include <bpfman/bpfman.h>
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// RegistryOptions are struct bpfman_registry_opts.
type RegistryOptions struct {
	Username string // explicit credentials win over auth files
	Password string
	AuthFile string
	Progress ProgressFunc
}

// PullOptions are struct bpfman_pull_opts.
type PullOptions struct {
	Policy   PullPolicy // default PullAlways, as bpfman
	Registry *RegistryOptions
	Platform string // "os/arch[/variant]"; default this host's
}

// c returns a C copy of the options (NULL for nil).
func (p *PullOptions) c(m *cmem, handles *[]cgo.Handle) *C.struct_bpfman_pull_opts {
	if p == nil {
		return nil
	}
	o := (*C.struct_bpfman_pull_opts)(m.alloc(C.sizeof_struct_bpfman_pull_opts))
	C.bpfman_pull_opts_init(o, C.sizeof_struct_bpfman_pull_opts)
	o.policy = C.enum_bpfman_pull_policy(p.Policy)
	o.registry = registryOpts(m, p.Registry, handles)
	o.platform = m.str(p.Platform)
	return o
}

// ImageProgram and ImageMap are what an image's labels name.
type ImageProgram struct {
	Name string
	Type ProgramType
}

type ImageMap struct {
	Name string
	Type string
}

// Image is a cached bytecode image (struct bpfman_image).
type Image struct {
	Reference   string
	Digest      string // manifest chosen for this platform
	IndexDigest string // "" when the reference named a manifest
	Platform    string
	Size        uint64
	Labels      map[string]string
	Programs    []ImageProgram
	Maps        []ImageMap
}

func goImage(im *C.struct_bpfman_image) Image {
	out := Image{
		Reference:   C.GoString(C.bpfman_image__reference(im)),
		Digest:      C.GoString(C.bpfman_image__digest(im)),
		IndexDigest: optString(C.bpfman_image__index_digest(im)),
		Platform:    C.GoString(C.bpfman_image__platform(im)),
		Size:        uint64(C.bpfman_image__size(im)),
		Labels: goMap(C.bpfman_image__label_cnt(im),
			func(i C.size_t) *C.char { return C.bpfman_image__label_key(im, i) },
			func(i C.size_t) *C.char { return C.bpfman_image__label_value(im, i) }),
		Programs: []ImageProgram{},
		Maps:     []ImageMap{},
	}
	for i := C.size_t(0); i < C.bpfman_image__program_cnt(im); i++ {
		out.Programs = append(out.Programs, ImageProgram{
			Name: C.GoString(C.bpfman_image__program_name(im, i)),
			Type: ProgramType(C.bpfman_image__program_type(im, i)),
		})
	}
	for i := C.size_t(0); i < C.bpfman_image__map_cnt(im); i++ {
		out.Maps = append(out.Maps, ImageMap{
			Name: C.GoString(C.bpfman_image__map_name(im, i)),
			Type: C.GoString(C.bpfman_image__map_type(im, i)),
		})
	}
	return out
}

// PullImage pulls a reference into the cache (bpfman_image__pull); opts
// may be nil.
func (ctx *Context) PullImage(reference string, opts *PullOptions) (*Image, error) {
	var m cmem
	defer m.free()
	var handles []cgo.Handle
	defer func() { deleteHandles(handles) }()
	po := opts.c(&m, &handles)
	cref := m.str(reference)
	var im *C.struct_bpfman_image
	err := ctx.do("bpfman_image__pull", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_image__pull(&im, c, cref, po)
	})
	if err != nil {
		return nil, err
	}
	defer C.bpfman_image__free(im)
	out := goImage(im)
	return &out, nil
}

// Image reads a cached image without the network (bpfman_image__get).
func (ctx *Context) Image(reference string) (*Image, error) {
	var m cmem
	defer m.free()
	cref := m.str(reference)
	var im *C.struct_bpfman_image
	err := ctx.do("bpfman_image__get", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_image__get(&im, c, cref)
	})
	if err != nil {
		return nil, err
	}
	defer C.bpfman_image__free(im)
	out := goImage(im)
	return &out, nil
}

// Images lists the cache (bpfman_image__list).
func (ctx *Context) Images() ([]Image, error) {
	var list **C.struct_bpfman_image
	var n C.size_t
	err := ctx.do("bpfman_image__list", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_image__list(&list, &n, c)
	})
	if err != nil {
		return nil, err
	}
	defer C.bpfman_image_list__free(list, n)
	out := make([]Image, 0, int(n))
	if n > 0 {
		for _, im := range unsafe.Slice(list, int(n)) {
			out = append(out, goImage(im))
		}
	}
	return out, nil
}

// RemoveImage forgets a reference (bpfman_image__remove); its blobs stay
// until PruneImages.
func (ctx *Context) RemoveImage(reference string) error {
	var m cmem
	defer m.free()
	cref := m.str(reference)
	return ctx.do("bpfman_image__remove", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_image__remove(c, cref)
	})
}

// PruneImages deletes blobs no reference uses (bpfman_image__prune).
func (ctx *Context) PruneImages() (blobs int, bytes uint64, err error) {
	var nb C.size_t
	var nbytes C.uint64_t
	err = ctx.do("bpfman_image__prune", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_image__prune(c, &nb, &nbytes)
	})
	return int(nb), uint64(nbytes), err
}

// BuildOptions are struct bpfman_build_opts.
type BuildOptions struct {
	// One ELF object per platform; Platforms[i] ("os/arch[/variant]") is
	// for Objects[i]. One object and no Platforms: this host's platform,
	// a plain manifest.
	Objects       []string
	Platforms     []string
	LayoutDir     string // write an OCI layout here ...
	PushReference string // ... and/or push here
	Registry      *RegistryOptions
	Labels        map[string]string
}

// BuildImage builds a bytecode image (bpfman_image__build) and returns the
// digest of its top manifest or index.
func (ctx *Context) BuildImage(opts BuildOptions) (string, error) {
	var m cmem
	defer m.free()
	var handles []cgo.Handle
	defer func() { deleteHandles(handles) }()
	var o C.struct_bpfman_build_opts
	C.bpfman_build_opts_init(&o, C.sizeof_struct_bpfman_build_opts)
	o.objects = m.strs(opts.Objects)
	o.platforms = m.strs(opts.Platforms)
	o.objects_cnt = C.size_t(len(opts.Objects))
	o.layout_dir = m.str(opts.LayoutDir)
	o.push_reference = m.str(opts.PushReference)
	o.registry = registryOpts(&m, opts.Registry, &handles)
	o.labels, o.labels_cnt = m.kvs(opts.Labels)
	var digest *C.char
	err := ctx.do("bpfman_image__build", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_image__build(&digest, c, &o)
	})
	if err != nil {
		return "", err
	}
	defer C.free(unsafe.Pointer(digest))
	return C.GoString(digest), nil
}
