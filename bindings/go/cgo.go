// SPDX-License-Identifier: Apache-2.0

package bpfman

/*
#cgo pkg-config: libbpfman
#include <stdint.h>
#include <stdlib.h>
#include <bpfman/bpfman.h>

// A cgo.Handle travels through the library's void *user_data; the
// conversion happens here so Go code never turns an integer into a pointer.
static void *bpfman_go_handle(uintptr_t h) { return (void *)h; }
*/
import "C"

import (
	"sort"
	"unsafe"
)

// cmem collects the C allocations an options struct points into; free
// releases them once the call has returned. Go memory is never handed to C
// inside a struct (cgo's pointer rules), only C copies.
type cmem struct {
	ptrs []unsafe.Pointer
}

func (m *cmem) alloc(n int) unsafe.Pointer {
	if n == 0 {
		n = 1
	}
	p := C.calloc(C.size_t(n), 1)
	if p == nil {
		panic("bpfman: out of memory")
	}
	m.ptrs = append(m.ptrs, p)
	return p
}

func (m *cmem) free() {
	for _, p := range m.ptrs {
		C.free(p)
	}
	m.ptrs = nil
}

// str returns a C copy of s, or NULL for "" (the library's "not set").
func (m *cmem) str(s string) *C.char {
	if s == "" {
		return nil
	}
	p := C.CString(s)
	m.ptrs = append(m.ptrs, unsafe.Pointer(p))
	return p
}

// strs returns a C array of C strings (NULL for an empty list).
func (m *cmem) strs(list []string) **C.char {
	if len(list) == 0 {
		return nil
	}
	arr := unsafe.Slice((**C.char)(m.alloc(len(list)*int(unsafe.Sizeof((*C.char)(nil))))), len(list))
	for i, s := range list {
		p := C.CString(s)
		m.ptrs = append(m.ptrs, unsafe.Pointer(p))
		arr[i] = p
	}
	return &arr[0]
}

// kvs returns a C array of struct bpfman_kv sorted by key (maps have no
// order; the library's results should not depend on Go's randomisation).
func (m *cmem) kvs(kv map[string]string) (*C.struct_bpfman_kv, C.size_t) {
	if len(kv) == 0 {
		return nil, 0
	}
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	arr := unsafe.Slice((*C.struct_bpfman_kv)(m.alloc(len(keys)*C.sizeof_struct_bpfman_kv)), len(keys))
	for i, k := range keys {
		arr[i].key = m.str(k)
		arr[i].value = m.str(kv[k])
	}
	return &arr[0], C.size_t(len(keys))
}

// handleVoid is the void * form of a cgo.Handle value.
func handleVoid(h uintptr) unsafe.Pointer {
	return C.bpfman_go_handle(C.uintptr_t(h))
}

// goMap reads n key/value pairs through indexed accessors.
func goMap(n C.size_t, key, value func(C.size_t) *C.char) map[string]string {
	out := make(map[string]string, int(n))
	for i := C.size_t(0); i < n; i++ {
		out[C.GoString(key(i))] = C.GoString(value(i))
	}
	return out
}

// optString reads an accessor documented as possibly NULL.
func optString(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}
