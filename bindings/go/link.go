// SPDX-License-Identifier: Apache-2.0

package bpfman

/*
#include <bpfman/bpfman.h>
*/
import "C"

import "unsafe"

// AttachOptions are struct bpfman_attach_opts; which fields matter follows
// from the program's type.
type AttachOptions struct {
	Tracepoint string // tracepoint: "group/name"
	FnName     string // kprobe, uprobe: function
	Offset     uint64 // kprobe, uprobe: offset from FnName (or the file)
	Target     string // uprobe: path or library name ("libc")
	PID        int32  // uprobe: only this process; 0 for all
	Iface      string // xdp, tc, tcx
	Priority   int32  // xdp, tc, tcx (0..1000)
	ProceedOn  ProceedOn
	Direction  Direction // tc, tcx
	Netns      string    // e.g. /var/run/netns/NAME; "" for ours
	Metadata   map[string]string
}

// Attach attaches a loaded program (bpfman_program__attach) and returns
// the new link's ID.
func (ctx *Context) Attach(progID uint32, opts AttachOptions) (uint64, error) {
	var m cmem
	defer m.free()
	var o C.struct_bpfman_attach_opts
	C.bpfman_attach_opts_init(&o, C.sizeof_struct_bpfman_attach_opts)
	o.tracepoint = m.str(opts.Tracepoint)
	o.fn_name = m.str(opts.FnName)
	o.offset = C.uint64_t(opts.Offset)
	o.target = m.str(opts.Target)
	o.pid = C.int32_t(opts.PID)
	o.iface = m.str(opts.Iface)
	o.priority = C.int32_t(opts.Priority)
	o.proceed_on = C.uint32_t(opts.ProceedOn)
	o.direction = C.enum_bpfman_direction(opts.Direction)
	o.netns = m.str(opts.Netns)
	o.metadata, o.metadata_cnt = m.kvs(opts.Metadata)
	var id C.uint64_t
	err := ctx.do("bpfman_program__attach", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_program__attach(&id, c, C.uint32_t(progID), &o)
	})
	return uint64(id), err
}

// Detach removes a link (bpfman_link__detach). It returns once the kernel
// has released the link: the program is unhooked.
func (ctx *Context) Detach(linkID uint64) error {
	return ctx.do("bpfman_link__detach", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_link__detach(c, C.uint64_t(linkID))
	})
}

// DetachOptions are struct bpfman_detach_opts.
type DetachOptions struct {
	// Return without waiting for the kernel to release the link: its pin
	// and record are gone at the return, but a tracepoint, kprobe, uprobe,
	// fentry, fexit or lsm link keeps running the program until the kernel
	// releases it from its deferred context (milliseconds), as bpfman
	// does. XDP, TCX, TC and dispatcher links are detached before the
	// return either way.
	NoWait bool
}

// DetachWith removes a link with options (bpfman_link__detach_opts); nil
// opts is Detach: it returns once the kernel has released the link and, for
// perf-event links, no run is in flight.
func (ctx *Context) DetachWith(linkID uint64, opts *DetachOptions) error {
	var o C.struct_bpfman_detach_opts
	C.bpfman_detach_opts_init(&o, C.sizeof_struct_bpfman_detach_opts)
	if opts != nil {
		o.no_wait = C.bool(opts.NoWait)
	}
	return ctx.do("bpfman_link__detach_opts", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_link__detach_opts(c, C.uint64_t(linkID), &o)
	})
}

// LinkUpdate is struct bpfman_link_update_opts: nil fields stay unchanged.
type LinkUpdate struct {
	Priority  *int32
	ProceedOn ProceedOn // 0 leaves it unchanged
}

// UpdateLink changes an XDP or TC link's priority or proceed-on in place
// (bpfman_link__update); the chain is swapped atomically for traffic.
func (ctx *Context) UpdateLink(linkID uint64, upd LinkUpdate) error {
	var o C.struct_bpfman_link_update_opts
	C.bpfman_link_update_opts_init(&o, C.sizeof_struct_bpfman_link_update_opts)
	if upd.Priority != nil {
		o.set_priority = true
		o.priority = C.int32_t(*upd.Priority)
	}
	o.proceed_on = C.uint32_t(upd.ProceedOn)
	return ctx.do("bpfman_link__update", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_link__update(c, C.uint64_t(linkID), &o)
	})
}

// Link is a snapshot of a link (struct bpfman_link).
type Link struct {
	ID           uint64 // libbpfman's, stable across rebuilds and restores
	ProgramID    uint32
	Type         ProgramType
	Retprobe     bool
	Tracepoint   string
	FnName       string
	Offset       uint64
	Target       string
	PID          int32
	Iface        string
	Priority     int32
	ProceedOn    ProceedOn
	Direction    Direction
	Netns        string
	Position     int32 // in the interface's chain; -1 when not chained
	PinPath      string
	KernelLinkID uint32 // 0 when the kernel has none
	Metadata     map[string]string
	Status       Status // whether it is in the kernel (bpfman_link__status)
}

func goLink(l *C.struct_bpfman_link) Link {
	return Link{
		ID:           uint64(C.bpfman_link__id(l)),
		ProgramID:    uint32(C.bpfman_link__program_id(l)),
		Type:         ProgramType(C.bpfman_link__type(l)),
		Retprobe:     bool(C.bpfman_link__retprobe(l)),
		Tracepoint:   C.GoString(C.bpfman_link__tracepoint(l)),
		FnName:       C.GoString(C.bpfman_link__fn_name(l)),
		Offset:       uint64(C.bpfman_link__offset(l)),
		Target:       C.GoString(C.bpfman_link__target(l)),
		PID:          int32(C.bpfman_link__pid(l)),
		Iface:        C.GoString(C.bpfman_link__iface(l)),
		Priority:     int32(C.bpfman_link__priority(l)),
		ProceedOn:    ProceedOn(C.bpfman_link__proceed_on(l)),
		Direction:    Direction(C.bpfman_link__direction(l)),
		Netns:        C.GoString(C.bpfman_link__netns(l)),
		Position:     int32(C.bpfman_link__position(l)),
		PinPath:      C.GoString(C.bpfman_link__pin_path(l)),
		KernelLinkID: uint32(C.bpfman_link__kernel_link_id(l)),
		Status:       Status(C.bpfman_link__status(l)),
		Metadata: goMap(C.bpfman_link__metadata_cnt(l),
			func(i C.size_t) *C.char { return C.bpfman_link__metadata_key(l, i) },
			func(i C.size_t) *C.char { return C.bpfman_link__metadata_value(l, i) }),
	}
}

// Link gets one link (bpfman_link__get).
func (ctx *Context) Link(id uint64) (*Link, error) {
	var l *C.struct_bpfman_link
	err := ctx.do("bpfman_link__get", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_link__get(&l, c, C.uint64_t(id))
	})
	if err != nil {
		return nil, err
	}
	defer C.bpfman_link__free(l)
	out := goLink(l)
	return &out, nil
}

// Links lists links sorted by ID (bpfman_link__list); opts (Type,
// ProgramID, MatchMetadata, Application, KernelType, Owner) may be nil.
func (ctx *Context) Links(opts *ListOptions) ([]Link, error) {
	var m cmem
	defer m.free()
	var o C.struct_bpfman_list_opts
	opts.c(&m, &o)
	var list **C.struct_bpfman_link
	var n C.size_t
	err := ctx.do("bpfman_link__list", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_link__list(&list, &n, c, &o)
	})
	if err != nil {
		return nil, err
	}
	defer C.bpfman_link_list__free(list, n)
	out := make([]Link, 0, int(n))
	if n > 0 {
		for _, l := range unsafe.Slice(list, int(n)) {
			out = append(out, goLink(l))
		}
	}
	return out, nil
}
