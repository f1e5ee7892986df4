// SPDX-License-Identifier: Apache-2.0

package bpfman

/*
#include <bpfman/bpfman.h>
*/
import "C"

import "syscall"

// ReportItem is one repaired or restored item.
type ReportItem struct {
	Kind    ReportKind
	Errno   syscall.Errno // 0 when the item was repaired/restored
	OldID   uint64
	NewID   uint64
	Message string
}

// Report is what Reconcile or Restore did (struct bpfman_report).
type Report struct {
	Items    []ReportItem
	Failures int
}

func (ctx *Context) report(op string, call func(**C.struct_bpfman_report, *C.struct_bpfman_ctx) C.int) (*Report, error) {
	var r *C.struct_bpfman_report
	err := ctx.do(op, func(c *C.struct_bpfman_ctx) C.int { return call(&r, c) })
	if err != nil {
		return nil, err
	}
	defer C.bpfman_report__free(r)
	out := &Report{Items: []ReportItem{}, Failures: int(C.bpfman_report__failures(r))}
	for i := C.size_t(0); i < C.bpfman_report__cnt(r); i++ {
		e := int(C.bpfman_report__error(r, i))
		if e < 0 {
			e = -e
		}
		out.Items = append(out.Items, ReportItem{
			Kind:    ReportKind(C.bpfman_report__kind(r, i)),
			Errno:   syscall.Errno(e),
			OldID:   uint64(C.bpfman_report__old_id(r, i)),
			NewID:   uint64(C.bpfman_report__new_id(r, i)),
			Message: C.GoString(C.bpfman_report__message(r, i)),
		})
	}
	return out, nil
}

// Reconcile repairs what a crash left half done (bpfman_reconcile).
func (ctx *Context) Reconcile() (*Report, error) {
	return ctx.report("bpfman_reconcile", func(r **C.struct_bpfman_report, c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_reconcile(r, c)
	})
}

// Restore reloads and re-attaches everything recorded after a reboot
// (bpfman_restore); Report.Failures counts the items that failed.
func (ctx *Context) Restore() (*Report, error) {
	return ctx.report("bpfman_restore", func(r **C.struct_bpfman_report, c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_restore(r, c)
	})
}
