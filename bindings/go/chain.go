// SPDX-License-Identifier: Apache-2.0

package bpfman

/*
#include <bpfman/bpfman.h>
*/
import "C"

// ChainOptions are struct bpfman_chain_opts: which hook.
type ChainOptions struct {
	Type      ProgramType // XDP, TC or TCX
	Iface     string
	Direction Direction // TC, TCX
	Netns     string    // "" for ours
}

// ChainEntry is one program at a hook, in running order.
type ChainEntry struct {
	ProgramID   uint32
	ProgramName string
	Priority    int32 // -1 where the hook has no priorities
	ProceedOn   ProceedOn
	LinkID      uint64 // 0 when not ours
}

// Chain is the programs that run at one network hook (struct bpfman_chain).
type Chain struct {
	DispatcherID uint32 // 0 when there is no dispatcher
	XDPMode      string // "native", "skb", "hw"; "" for other hooks
	Entries      []ChainEntry
}

// Chain reads a hook's chain (bpfman_chain__get).
func (ctx *Context) Chain(opts ChainOptions) (*Chain, error) {
	var m cmem
	defer m.free()
	var o C.struct_bpfman_chain_opts
	C.bpfman_chain_opts_init(&o, C.sizeof_struct_bpfman_chain_opts)
	o._type = C.enum_bpfman_program_type(opts.Type)
	o.iface = m.str(opts.Iface)
	o.direction = C.enum_bpfman_direction(opts.Direction)
	o.netns = m.str(opts.Netns)
	var ch *C.struct_bpfman_chain
	err := ctx.do("bpfman_chain__get", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_chain__get(&ch, c, &o)
	})
	if err != nil {
		return nil, err
	}
	defer C.bpfman_chain__free(ch)
	out := &Chain{
		DispatcherID: uint32(C.bpfman_chain__dispatcher_id(ch)),
		XDPMode:      C.GoString(C.bpfman_chain__xdp_mode(ch)),
		Entries:      []ChainEntry{},
	}
	for i := C.size_t(0); i < C.bpfman_chain__cnt(ch); i++ {
		out.Entries = append(out.Entries, ChainEntry{
			ProgramID:   uint32(C.bpfman_chain__prog_id(ch, i)),
			ProgramName: C.GoString(C.bpfman_chain__prog_name(ch, i)),
			Priority:    int32(C.bpfman_chain__priority(ch, i)),
			ProceedOn:   ProceedOn(C.bpfman_chain__proceed_on(ch, i)),
			LinkID:      uint64(C.bpfman_chain__link_id(ch, i)),
		})
	}
	return out, nil
}
