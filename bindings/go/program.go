// SPDX-License-Identifier: Apache-2.0

package bpfman

/*
#include <stdlib.h>
#include <bpfman/bpfman.h>
*/
import "C"

import (
	"runtime/cgo"
	"sort"
	"time"
	"unsafe"
)

// LoadOptions are struct bpfman_load_opts.
type LoadOptions struct {
	// What to load, in bpfman's grammar "TYPE:FUNC[:ATTACH_FUNC]", e.g.
	// "tracepoint:count_getpid". For images it may be empty: then every
	// program the image's labels name is loaded.
	Programs []string
	// Global variables (.rodata/.data/.bss) by name, as raw bytes.
	Globals     map[string][]byte
	Metadata    map[string]string
	Application string
	// Reuse the maps of this loaded program; 0 for none.
	MapOwnerID uint32
	// Recorded as Program.Owner: an IdentityName, as bpfmand records its
	// callers (operate callers act only on programs they own); "" for none.
	Owner string
}

func (o *LoadOptions) fill(m *cmem, c *C.struct_bpfman_load_opts) {
	C.bpfman_load_opts_init(c, C.sizeof_struct_bpfman_load_opts)
	c.programs = m.strs(o.Programs)
	c.programs_cnt = C.size_t(len(o.Programs))
	if len(o.Globals) > 0 {
		names := make([]string, 0, len(o.Globals))
		for k := range o.Globals {
			names = append(names, k)
		}
		sort.Strings(names)
		arr := unsafe.Slice((*C.struct_bpfman_global_data)(m.alloc(len(names)*C.sizeof_struct_bpfman_global_data)), len(names))
		for i, n := range names {
			v := o.Globals[n]
			buf := m.alloc(len(v))
			copy(unsafe.Slice((*byte)(buf), len(v)), v)
			arr[i].name = m.str(n)
			arr[i].value = buf
			arr[i].size = C.size_t(len(v))
		}
		c.globals = &arr[0]
		c.globals_cnt = C.size_t(len(names))
	}
	c.metadata, c.metadata_cnt = m.kvs(o.Metadata)
	c.application = m.str(o.Application)
	c.owner = m.str(o.Owner)
	c.map_owner_id = C.uint32_t(o.MapOwnerID)
}

// Program is a snapshot of a program (struct bpfman_program): our record
// plus the kernel's view at the time of the call.
type Program struct {
	ID          uint32
	Managed     bool
	Type        ProgramType
	Retprobe    bool
	Name        string // the function name given at load
	AttachFunc  string
	Path        string
	Application string
	PinPath     string
	MapPinDir   string // the program's maps are pinned here, by map name
	MapOwnerID  uint32
	Metadata    map[string]string
	Globals     map[string][]byte
	LinkIDs     []uint64
	Image       string // reference it was loaded from; "" for files
	ImageDigest string
	// The identity that loaded it through bpfmand ("uid:1000"); "" for none.
	Owner string
	// Whether the record is in the kernel, as found by the get or list
	// call (bpfman_program__status).
	Status Status

	// The kernel's view (zero when not loaded).
	KernelLoaded   bool
	KernelName     string
	KernelType     uint32 // enum bpf_prog_type
	KernelTypeName string
	Tag            string
	LoadedAt       time.Time
	GPLCompatible  bool
	MapIDs         []uint32
	BTFID          uint32
	BytesXlated    uint32
	BytesJited     uint32
	Jited          bool
	BytesMemlock   uint32
	VerifiedInsns  uint32
}

func goProgram(p *C.struct_bpfman_program) Program {
	out := Program{
		ID:          uint32(C.bpfman_program__id(p)),
		Managed:     bool(C.bpfman_program__managed(p)),
		Type:        ProgramType(C.bpfman_program__type(p)),
		Retprobe:    bool(C.bpfman_program__retprobe(p)),
		Name:        C.GoString(C.bpfman_program__name(p)),
		AttachFunc:  C.GoString(C.bpfman_program__attach_func(p)),
		Path:        C.GoString(C.bpfman_program__path(p)),
		Application: C.GoString(C.bpfman_program__application(p)),
		PinPath:     C.GoString(C.bpfman_program__pin_path(p)),
		MapPinDir:   C.GoString(C.bpfman_program__map_pin_dir(p)),
		MapOwnerID:  uint32(C.bpfman_program__map_owner_id(p)),
		Metadata: goMap(C.bpfman_program__metadata_cnt(p),
			func(i C.size_t) *C.char { return C.bpfman_program__metadata_key(p, i) },
			func(i C.size_t) *C.char { return C.bpfman_program__metadata_value(p, i) }),
		Image:          optString(C.bpfman_program__image(p)),
		ImageDigest:    optString(C.bpfman_program__image_digest(p)),
		Owner:          optString(C.bpfman_program__owner(p)),
		Status:         Status(C.bpfman_program__status(p)),
		KernelLoaded:   bool(C.bpfman_program__kernel_loaded(p)),
		KernelName:     C.GoString(C.bpfman_program__kernel_name(p)),
		KernelType:     uint32(C.bpfman_program__kernel_type(p)),
		KernelTypeName: C.GoString(C.bpfman_program__kernel_type_name(p)),
		Tag:            C.GoString(C.bpfman_program__tag(p)),
		GPLCompatible:  bool(C.bpfman_program__gpl_compatible(p)),
		BTFID:          uint32(C.bpfman_program__btf_id(p)),
		BytesXlated:    uint32(C.bpfman_program__bytes_xlated(p)),
		BytesJited:     uint32(C.bpfman_program__bytes_jited(p)),
		Jited:          bool(C.bpfman_program__jited(p)),
		BytesMemlock:   uint32(C.bpfman_program__bytes_memlock(p)),
		VerifiedInsns:  uint32(C.bpfman_program__verified_insns(p)),
	}
	if t := uint64(C.bpfman_program__loaded_at(p)); t != 0 {
		out.LoadedAt = time.Unix(int64(t), 0)
	}
	out.Globals = map[string][]byte{}
	for i := C.size_t(0); i < C.bpfman_program__global_cnt(p); i++ {
		var n C.size_t
		v := C.bpfman_program__global_value(p, i, &n)
		out.Globals[C.GoString(C.bpfman_program__global_name(p, i))] = C.GoBytes(v, C.int(n))
	}
	for i := C.size_t(0); i < C.bpfman_program__link_cnt(p); i++ {
		out.LinkIDs = append(out.LinkIDs, uint64(C.bpfman_program__link_id(p, i)))
	}
	for i := C.size_t(0); i < C.bpfman_program__map_id_cnt(p); i++ {
		out.MapIDs = append(out.MapIDs, uint32(C.bpfman_program__map_id(p, i)))
	}
	return out
}

// goPrograms copies and frees a program list.
func goPrograms(list **C.struct_bpfman_program, n C.size_t) []Program {
	defer C.bpfman_program_list__free(list, n)
	if n == 0 {
		return []Program{}
	}
	items := unsafe.Slice(list, int(n))
	out := make([]Program, 0, len(items))
	for _, p := range items {
		out = append(out, goProgram(p))
	}
	return out
}

// LoadFile loads programs of one ELF object (bpfman_program__load_file),
// all or nothing; the result is in request order.
func (ctx *Context) LoadFile(path string, opts LoadOptions) ([]Program, error) {
	var m cmem
	defer m.free()
	var o C.struct_bpfman_load_opts
	opts.fill(&m, &o)
	cpath := m.str(path)
	var list **C.struct_bpfman_program
	var n C.size_t
	err := ctx.do("bpfman_program__load_file", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_program__load_file(&list, &n, c, cpath, &o)
	})
	if err != nil {
		return nil, err
	}
	return goPrograms(list, n), nil
}

// LoadImage pulls an image (under pull, nil for defaults) and loads from
// it (bpfman_program__load_image).
func (ctx *Context) LoadImage(reference string, opts LoadOptions, pull *PullOptions) ([]Program, error) {
	var m cmem
	defer m.free()
	var handles []cgo.Handle
	defer func() { deleteHandles(handles) }()
	var o C.struct_bpfman_load_opts
	opts.fill(&m, &o)
	po := pull.c(&m, &handles)
	cref := m.str(reference)
	var list **C.struct_bpfman_program
	var n C.size_t
	err := ctx.do("bpfman_program__load_image", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_program__load_image(&list, &n, c, cref, &o, po)
	})
	if err != nil {
		return nil, err
	}
	return goPrograms(list, n), nil
}

// UnloadOptions are struct bpfman_unload_opts.
type UnloadOptions struct {
	// Unload a map owner even while other programs use its maps.
	Force bool
}

// Unload detaches every link of the program and unloads it
// (bpfman_program__unload). opts may be nil.
func (ctx *Context) Unload(id uint32, opts *UnloadOptions) error {
	var o C.struct_bpfman_unload_opts
	C.bpfman_unload_opts_init(&o, C.sizeof_struct_bpfman_unload_opts)
	if opts != nil {
		o.force = C.bool(opts.Force)
	}
	return ctx.do("bpfman_program__unload", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_program__unload(c, C.uint32_t(id), &o)
	})
}

// Program gets one program (bpfman_program__get): a managed one, or any
// program in the kernel.
func (ctx *Context) Program(id uint32) (*Program, error) {
	var p *C.struct_bpfman_program
	err := ctx.do("bpfman_program__get", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_program__get(&p, c, C.uint32_t(id))
	})
	if err != nil {
		return nil, err
	}
	defer C.bpfman_program__free(p)
	out := goProgram(p)
	return &out, nil
}

// ListOptions are struct bpfman_list_opts (programs and links).
type ListOptions struct {
	All           bool        // programs: also those bpfman does not manage
	Type          ProgramType // ProgramTypeUnspec for any
	MatchMetadata map[string]string
	Application   string
	ProgramID     uint32 // links only: only this program's
	KernelType    string // libbpf's name ("sched_cls", "kprobe", ...)
	// Owner selects the programs (links: of the programs) whose
	// Program.Owner is exactly *Owner, in the library's query; a pointer
	// to "" selects those without an owner, nil any.
	Owner *string
}

func (o *ListOptions) c(m *cmem, c *C.struct_bpfman_list_opts) {
	C.bpfman_list_opts_init(c, C.sizeof_struct_bpfman_list_opts)
	if o == nil {
		return
	}
	c.all = C.bool(o.All)
	c._type = C.enum_bpfman_program_type(o.Type)
	c.match_metadata, c.match_metadata_cnt = m.kvs(o.MatchMetadata)
	c.application = m.str(o.Application)
	c.program_id = C.uint32_t(o.ProgramID)
	c.kernel_type = m.str(o.KernelType)
	if o.Owner != nil {
		// Not m.str: "" must reach the library as "" (the unowned), not NULL.
		p := C.CString(*o.Owner)
		m.ptrs = append(m.ptrs, unsafe.Pointer(p))
		c.owner = p
	}
}

// Programs lists programs sorted by ID (bpfman_program__list); opts may be
// nil.
func (ctx *Context) Programs(opts *ListOptions) ([]Program, error) {
	var m cmem
	defer m.free()
	var o C.struct_bpfman_list_opts
	opts.c(&m, &o)
	var list **C.struct_bpfman_program
	var n C.size_t
	err := ctx.do("bpfman_program__list", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_program__list(&list, &n, c, &o)
	})
	if err != nil {
		return nil, err
	}
	return goPrograms(list, n), nil
}

// MapUsedBy lists the managed programs using the maps of program id
// (bpfman_program__map_used_by): itself and the programs loaded with it as
// map owner, or sharing its owner, sorted. Empty when id is not managed.
func (ctx *Context) MapUsedBy(id uint32) ([]uint32, error) {
	var ids *C.uint32_t
	var n C.size_t
	err := ctx.do("bpfman_program__map_used_by", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_program__map_used_by(&ids, &n, c, C.uint32_t(id))
	})
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(ids))
	out := make([]uint32, 0, int(n))
	for _, v := range unsafe.Slice(ids, int(n)) {
		out = append(out, uint32(v))
	}
	return out, nil
}
