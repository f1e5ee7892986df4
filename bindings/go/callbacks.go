// SPDX-License-Identifier: Apache-2.0

package bpfman

/*
#include <stdint.h>
#include <bpfman/bpfman.h>
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// The library calls these from inside a call the caller made on the
// context (so on that goroutine's thread, with the Context locked): a log
// or progress function must not call back into the same Context.

//export bpfmanGoLog
func bpfmanGoLog(level C.int, msg *C.char, userData unsafe.Pointer) {
	fn, ok := cgo.Handle(uintptr(userData)).Value().(LogFunc)
	if ok && fn != nil {
		callSafely(func() { fn(LogLevel(level), C.GoString(msg)) })
	}
}

//export bpfmanGoProgress
func bpfmanGoProgress(what *C.char, done, total C.uint64_t, userData unsafe.Pointer) {
	fn, ok := cgo.Handle(uintptr(userData)).Value().(ProgressFunc)
	if ok && fn != nil {
		callSafely(func() { fn(C.GoString(what), uint64(done), uint64(total)) })
	}
}

// callSafely keeps a panicking callback from unwinding through C frames,
// which would crash the process; the panic is dropped.
func callSafely(f func()) {
	defer func() { _ = recover() }()
	f()
}
