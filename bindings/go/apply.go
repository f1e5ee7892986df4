// SPDX-License-Identifier: Apache-2.0

package bpfman

/*
#include <stdlib.h>
#include <bpfman/bpfman.h>
*/
import "C"

import (
	"syscall"
	"unsafe"
)

// ApplyOptions are struct bpfman_apply_opts (doc/apply.md): this node's
// name and labels for nodeselector, and credentials for pull secrets.
type ApplyOptions struct {
	NodeName string
	// NodeLabels replace node.labels of the config file when
	// NodeLabelsSet (an empty map then means "no labels").
	NodeLabels    map[string]string
	NodeLabelsSet bool
	Secrets       []ApplySecret
	// PullSecrets are struct bpfman_apply_pull_secret: pull secrets as
	// auth-file text; the engine picks the image registry's credentials.
	PullSecrets []ApplyPullSecret
	// Netns is the network namespace (a path) where interfaces are
	// resolved and network programs attached; "" for the caller's.
	Netns string
}

// ApplyPullSecret is struct bpfman_apply_pull_secret: a Kubernetes pull
// Secret's .dockerconfigjson (or, Legacy, .dockercfg) text for documents
// whose imagepullsecret names Name (and Namespace, "" for any); Problem
// instead says why the secret could not be read.
type ApplyPullSecret struct {
	Name, Namespace string
	Auths           string
	Legacy          bool
	Problem         string
}

// ApplySecret is struct bpfman_apply_secret: credentials for the documents
// whose bytecode.image.imagepullsecret names Name (and Namespace, "" for
// any).
type ApplySecret struct {
	Name, Namespace, Username, Password string
}

// ApplyObject is one object's outcome.
type ApplyObject struct {
	Kind, Name string
	// Outcome is bpfman_apply_outcome_name(): "created", "configured",
	// "unchanged", "deleted", "failed", "not selected", "not found".
	Outcome string
	Errno   syscall.Errno
	Message string
}

// ApplyAction is one action taken (or planned).
type ApplyAction struct {
	Object      int
	Verb        string // "load", "attach", "update", "detach", "unload", "keep"
	AttachPoint string
	Detail      string
}

// ApplyEntry is one (object, attach point) status entry in the shape of
// the seed's BpfProgram.
type ApplyEntry struct {
	Object                     int
	Node, AttachPoint          string
	Condition, Reason, Message string
	ProgramID                  uint32
	LinkID                     uint64
	Maps                       map[string]string // map name -> pin path
}

// ApplyResult is struct bpfman_apply_result copied into Go values.
type ApplyResult struct {
	Objects  []ApplyObject
	Actions  []ApplyAction
	Entries  []ApplyEntry
	Failures int
	// BpfPrograms is bpfman_apply_result__render() as JSON: an array of
	// the seed's BpfProgram objects, one per entry.
	BpfPrograms string
}

// Manifest is parsed documents (struct bpfman_manifest).
type Manifest struct {
	m *C.struct_bpfman_manifest
}

// ParseManifest parses YAML or JSON documents (bpfman_manifest__add_buffer;
// origin names the text in error sentences). Free releases it.
func (ctx *Context) ParseManifest(origin string, text []byte) (*Manifest, error) {
	return ctx.manifest("bpfman_manifest__add_buffer", func(m *C.struct_bpfman_manifest, c *C.struct_bpfman_ctx, cm *cmem) C.int {
		buf := cm.alloc(len(text))
		copy(unsafe.Slice((*byte)(buf), len(text)), text)
		return C.bpfman_manifest__add_buffer(m, c, cm.str(origin), buf, C.size_t(len(text)))
	})
}

// AddToManifest parses more documents into m
// (bpfman_manifest__add_buffer): each text keeps its own origin in error
// and status sentences ("XdpProgram/x: document 1: ...").
func (ctx *Context) AddToManifest(m *Manifest, origin string, text []byte) error {
	var cm cmem
	defer cm.free()
	return ctx.do("bpfman_manifest__add_buffer", func(c *C.struct_bpfman_ctx) C.int {
		buf := cm.alloc(len(text))
		copy(unsafe.Slice((*byte)(buf), len(text)), text)
		return C.bpfman_manifest__add_buffer(m.m, c, cm.str(origin), buf, C.size_t(len(text)))
	})
}

// ParseManifestFile reads a file or a directory's *.yaml, *.yml and *.json
// files (bpfman_manifest__add_file).
func (ctx *Context) ParseManifestFile(path string) (*Manifest, error) {
	return ctx.manifest("bpfman_manifest__add_file", func(m *C.struct_bpfman_manifest, c *C.struct_bpfman_ctx, cm *cmem) C.int {
		return C.bpfman_manifest__add_file(m, c, cm.str(path))
	})
}

func (ctx *Context) manifest(op string, add func(*C.struct_bpfman_manifest, *C.struct_bpfman_ctx, *cmem) C.int) (*Manifest, error) {
	var m *C.struct_bpfman_manifest
	if rc := C.bpfman_manifest__new(&m); rc < 0 {
		return nil, newError("bpfman_manifest__new", int(rc), ErrKindOther, "out of memory")
	}
	var cm cmem
	defer cm.free()
	if err := ctx.do(op, func(c *C.struct_bpfman_ctx) C.int { return add(m, c, &cm) }); err != nil {
		C.bpfman_manifest__free(m)
		return nil, err
	}
	return &Manifest{m: m}, nil
}

// Free releases the manifest (bpfman_manifest__free); safe to call twice.
func (m *Manifest) Free() {
	if m.m != nil {
		C.bpfman_manifest__free(m.m)
		m.m = nil
	}
}

// Documents lists kind and metadata.name of each document.
func (m *Manifest) Documents() [][2]string {
	var out [][2]string
	for i := C.size_t(0); i < C.bpfman_manifest__cnt(m.m); i++ {
		out = append(out, [2]string{C.GoString(C.bpfman_manifest__kind(m.m, i)), C.GoString(C.bpfman_manifest__name(m.m, i))})
	}
	return out
}

func applyOpts(o *ApplyOptions, cm *cmem) *C.struct_bpfman_apply_opts {
	opts := (*C.struct_bpfman_apply_opts)(cm.alloc(C.sizeof_struct_bpfman_apply_opts))
	C.bpfman_apply_opts_init(opts, C.sizeof_struct_bpfman_apply_opts)
	if o == nil {
		return opts
	}
	opts.node_name = cm.str(o.NodeName)
	if o.NodeLabelsSet {
		opts.node_labels, opts.node_labels_cnt = cm.kvs(o.NodeLabels)
		opts.node_labels_set = true
	}
	if len(o.Secrets) > 0 {
		arr := unsafe.Slice((*C.struct_bpfman_apply_secret)(cm.alloc(len(o.Secrets)*C.sizeof_struct_bpfman_apply_secret)), len(o.Secrets))
		for i, s := range o.Secrets {
			arr[i].name = cm.str(s.Name)
			arr[i].ns = cm.str(s.Namespace)
			arr[i].username = cm.str(s.Username)
			arr[i].password = cm.str(s.Password)
		}
		opts.secrets, opts.secrets_cnt = &arr[0], C.size_t(len(o.Secrets))
	}
	if len(o.PullSecrets) > 0 {
		arr := unsafe.Slice((*C.struct_bpfman_apply_pull_secret)(cm.alloc(len(o.PullSecrets)*C.sizeof_struct_bpfman_apply_pull_secret)), len(o.PullSecrets))
		for i, s := range o.PullSecrets {
			arr[i].name = cm.str(s.Name)
			if s.Namespace != "" {
				arr[i].ns = cm.str(s.Namespace)
			}
			if s.Problem != "" {
				arr[i].problem = cm.str(s.Problem)
			} else {
				arr[i].auths = cm.str(s.Auths)
			}
			arr[i].legacy = C.bool(s.Legacy)
		}
		opts.pull_secrets, opts.pull_secrets_cnt = &arr[0], C.size_t(len(o.PullSecrets))
	}
	if o.Netns != "" {
		opts.netns = cm.str(o.Netns)
	}
	return opts
}

type applyCall func(**C.struct_bpfman_apply_result, *C.struct_bpfman_ctx, *C.struct_bpfman_apply_opts) C.int

func (ctx *Context) applyResult(op string, o *ApplyOptions, call applyCall) (*ApplyResult, error) {
	var cm cmem
	defer cm.free()
	opts := applyOpts(o, &cm)
	var r *C.struct_bpfman_apply_result
	if err := ctx.do(op, func(c *C.struct_bpfman_ctx) C.int { return call(&r, c, opts) }); err != nil {
		return nil, err
	}
	defer C.bpfman_apply_result__free(r)
	return copyApplyResult(r)
}

func copyApplyResult(r *C.struct_bpfman_apply_result) (*ApplyResult, error) {
	out := &ApplyResult{Failures: int(C.bpfman_apply_result__failures(r))}
	for i := C.size_t(0); i < C.bpfman_apply_result__object_cnt(r); i++ {
		e := int(C.bpfman_apply_result__object_error(r, i))
		if e < 0 {
			e = -e
		}
		out.Objects = append(out.Objects, ApplyObject{
			Kind:    C.GoString(C.bpfman_apply_result__object_kind(r, i)),
			Name:    C.GoString(C.bpfman_apply_result__object_name(r, i)),
			Outcome: C.GoString(C.bpfman_apply_outcome_name(C.bpfman_apply_result__object_outcome(r, i))),
			Errno:   syscall.Errno(e),
			Message: C.GoString(C.bpfman_apply_result__object_message(r, i)),
		})
	}
	for i := C.size_t(0); i < C.bpfman_apply_result__action_cnt(r); i++ {
		out.Actions = append(out.Actions, ApplyAction{
			Object:      int(C.bpfman_apply_result__action_object(r, i)),
			Verb:        C.GoString(C.bpfman_apply_verb_name(C.bpfman_apply_result__action_verb(r, i))),
			AttachPoint: C.GoString(C.bpfman_apply_result__action_attach_point(r, i)),
			Detail:      C.GoString(C.bpfman_apply_result__action_detail(r, i)),
		})
	}
	for i := C.size_t(0); i < C.bpfman_apply_result__entry_cnt(r); i++ {
		e := ApplyEntry{
			Object:      int(C.bpfman_apply_result__entry_object(r, i)),
			Node:        C.GoString(C.bpfman_apply_result__entry_node(r, i)),
			AttachPoint: C.GoString(C.bpfman_apply_result__entry_attach_point(r, i)),
			Condition:   C.GoString(C.bpfman_apply_result__entry_condition(r, i)),
			Reason:      C.GoString(C.bpfman_apply_result__entry_reason(r, i)),
			Message:     C.GoString(C.bpfman_apply_result__entry_message(r, i)),
			ProgramID:   uint32(C.bpfman_apply_result__entry_program_id(r, i)),
			LinkID:      uint64(C.bpfman_apply_result__entry_link_id(r, i)),
			Maps:        map[string]string{},
		}
		for j := C.size_t(0); j < C.bpfman_apply_result__entry_map_cnt(r, i); j++ {
			e.Maps[C.GoString(C.bpfman_apply_result__entry_map_name(r, i, j))] = C.GoString(C.bpfman_apply_result__entry_map_path(r, i, j))
		}
		out.Entries = append(out.Entries, e)
	}
	var text *C.char
	if rc := C.bpfman_apply_result__render(&text, r, C.BPFMAN_RENDER_JSON); rc < 0 {
		return nil, newError("bpfman_apply_result__render", int(rc), ErrKindOther, "could not render the status")
	}
	out.BpfPrograms = C.GoString(text)
	C.free(unsafe.Pointer(text))
	return out, nil
}

// ApplyPlan is bpfman_apply__plan: what Apply would do, changing nothing.
func (ctx *Context) ApplyPlan(m *Manifest, o *ApplyOptions) (*ApplyResult, error) {
	return ctx.applyResult("bpfman_apply__plan", o, func(r **C.struct_bpfman_apply_result, c *C.struct_bpfman_ctx, opts *C.struct_bpfman_apply_opts) C.int {
		return C.bpfman_apply__plan(r, c, m.m, opts)
	})
}

// Apply is bpfman_apply__run: makes each object true on this node. A
// failed object is in the result (Failures, its Message), not an error.
func (ctx *Context) Apply(m *Manifest, o *ApplyOptions) (*ApplyResult, error) {
	return ctx.applyResult("bpfman_apply__run", o, func(r **C.struct_bpfman_apply_result, c *C.struct_bpfman_ctx, opts *C.struct_bpfman_apply_opts) C.int {
		return C.bpfman_apply__run(r, c, m.m, opts)
	})
}

// ApplyDelete is bpfman_apply__delete: removes everything the manifest's
// objects own.
func (ctx *Context) ApplyDelete(m *Manifest, o *ApplyOptions) (*ApplyResult, error) {
	return ctx.applyResult("bpfman_apply__delete", o, func(r **C.struct_bpfman_apply_result, c *C.struct_bpfman_ctx, opts *C.struct_bpfman_apply_opts) C.int {
		return C.bpfman_apply__delete(r, c, m.m, opts)
	})
}

// ApplyStatus is bpfman_apply__status: what is applied now, for kind and
// name ("" for any).
func (ctx *Context) ApplyStatus(kind, name string, o *ApplyOptions) (*ApplyResult, error) {
	var cm cmem
	defer cm.free()
	ck, cn := cm.str(kind), cm.str(name)
	return ctx.applyResult("bpfman_apply__status", o, func(r **C.struct_bpfman_apply_result, c *C.struct_bpfman_ctx, opts *C.struct_bpfman_apply_opts) C.int {
		return C.bpfman_apply__status(r, c, ck, cn, opts)
	})
}
