// SPDX-License-Identifier: Apache-2.0

// Package bpfman is the Go binding of libbpfman, the C library that loads,
// attaches, lists and unloads eBPF programs the way bpfman does.
//
// It is a thin layer over libbpfman.so.0 (found with pkg-config at build
// time): every method is one call into the C ABI, and no logic lives here.
//
// Quick start:
//
//	ctx, err := bpfman.New(nil) // default state in /var/lib/bpfman
//	if err != nil { log.Fatal(err) }
//	defer ctx.Close()
//	progs, err := ctx.LoadFile("counter.bpf.o", bpfman.LoadOptions{Programs: []string{"tracepoint:count_getpid"}})
//	link, err := ctx.Attach(progs[0].ID, bpfman.AttachOptions{Tracepoint: "syscalls/sys_enter_getpid"})
//	// ... read progs[0].MapPinDir + "/counter" ...
//	ctx.Detach(link); ctx.Unload(progs[0].ID, nil)
//
// # Threads and goroutines
//
// A Context may be used from any number of goroutines: its methods
// serialise on a mutex, as the C library's threading contract asks (one
// thread at a time per context; doc/abi.md). Errors never depend on which
// OS thread a goroutine runs on: the failure sentence of a call is read
// inside the same locked section, from the context, and context creation
// uses bpfman_ctx_new_err, which returns its sentence instead of leaving it
// in a per-thread slot. For parallel work open several Contexts (even on the
// same state directory): they are independent.
//
// # Values and handles
//
// Programs, links, chains, images, reports and signature results come back
// as plain Go values: the C handle is copied and freed before the method
// returns, so nothing needs closing and no finalizer is involved. The only
// handle is the Context, released by Close.
//
// # Errors
//
// Every failure is an *Error holding the operation, the errno and the
// library's whole sentence. errors.Is matches the kind sentinels
// (ErrNotFound, ErrInvalid, ErrExists, ErrBusy, ErrPermission,
// ErrNotSupported, ErrNoSpace, ErrUnavailable) and the syscall.Errno itself
// (and so fs.ErrNotExist, fs.ErrPermission, ...). A load the kernel's
// verifier rejected is also a *VerifierError (errors.As) carrying the log.
// Kinds are derived from the errno (see errnoKinds) until the library grows
// an error-classification API.
package bpfman
