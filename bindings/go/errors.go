// SPDX-License-Identifier: Apache-2.0

package bpfman

import (
	"errors"
	"strings"
	"syscall"
)

// Kinds of failure, for errors.Is. An *Error matches the kind its errno
// belongs to (errnoKinds) and the syscall.Errno itself.
var (
	ErrNotFound     = errors.New("bpfman: not found")
	ErrInvalid      = errors.New("bpfman: invalid argument")
	ErrExists       = errors.New("bpfman: already exists")
	ErrBusy         = errors.New("bpfman: busy")
	ErrPermission   = errors.New("bpfman: permission denied")
	ErrNotSupported = errors.New("bpfman: not supported")
	ErrNoSpace      = errors.New("bpfman: no room left")
	ErrUnavailable  = errors.New("bpfman: unavailable")
	ErrClosed       = errors.New("bpfman: context is closed")
)

// errnoKinds classifies the library's errnos. The library has no error
// kinds of its own yet; these are the errnos its documentation and code
// use for each kind (e.g. ENOSPC for an 11th program on a hook, EHOSTUNREACH
// and ECONNREFUSED for an unreachable registry).
var errnoKinds = map[syscall.Errno]error{
	syscall.ENOENT:       ErrNotFound,
	syscall.ESRCH:        ErrNotFound,
	syscall.ENODEV:       ErrNotFound,
	syscall.EINVAL:       ErrInvalid,
	syscall.E2BIG:        ErrInvalid,
	syscall.EBADMSG:      ErrInvalid,
	syscall.ENOEXEC:      ErrInvalid,
	syscall.EEXIST:       ErrExists,
	syscall.EBUSY:        ErrBusy,
	syscall.EAGAIN:       ErrBusy,
	syscall.EPERM:        ErrPermission,
	syscall.EACCES:       ErrPermission,
	syscall.EOPNOTSUPP:   ErrNotSupported,
	syscall.ENOSPC:       ErrNoSpace,
	syscall.EHOSTUNREACH: ErrUnavailable,
	syscall.ECONNREFUSED: ErrUnavailable,
	syscall.ETIMEDOUT:    ErrUnavailable,
	syscall.ENETUNREACH:  ErrUnavailable,
}

// Error is a failed libbpfman call.
type Error struct {
	Op      string        // the C function, e.g. "bpfman_program__load_file"
	Errno   syscall.Errno // positive errno
	Message string        // the library's whole sentence (bpfman_errmsg)
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Op + ": " + e.Errno.Error()
	}
	return e.Message
}

// Unwrap gives the errno, so errors.Is(err, syscall.ENOENT) and
// errors.Is(err, fs.ErrNotExist) hold.
func (e *Error) Unwrap() error { return e.Errno }

// Is matches the kind sentinels.
func (e *Error) Is(target error) bool {
	if target == ErrClosed {
		return e.Errno == syscall.EBADF && e.Message == ErrClosed.Error()
	}
	kind, ok := errnoKinds[e.Errno]
	return ok && kind == target
}

// VerifierError is a load the kernel refused, with what the verifier (or
// libbpf) said. errors.As(err, &verr) finds it; it also matches the kind of
// its errno (usually ErrPermission) through errors.Is.
type VerifierError struct {
	Err *Error
	Log string // the verifier's log, as the library captured it
}

func (v *VerifierError) Error() string { return v.Err.Error() }
func (v *VerifierError) Unwrap() error { return v.Err }

// newError builds the error of a failed call; rc is the negative errno the
// call returned and msg the context's sentence read right after it.
func newError(op string, rc int, msg string) error {
	if rc < 0 {
		rc = -rc
	}
	e := &Error{Op: op, Errno: syscall.Errno(rc), Message: msg}
	// A refused load: the library's sentence is "the kernel refused ...",
	// its first line, followed by the verifier's log.
	if isLoad(op) && (e.Errno == syscall.EACCES || e.Errno == syscall.EINVAL || e.Errno == syscall.EPERM) &&
		strings.Contains(msg, "the kernel refused") {
		if i := strings.IndexByte(msg, '\n'); i >= 0 && strings.TrimSpace(msg[i+1:]) != "" {
			return &VerifierError{Err: e, Log: msg[i+1:]}
		}
	}
	return e
}

func isLoad(op string) bool {
	return op == "bpfman_program__load_file" || op == "bpfman_program__load_image"
}

func closedError(op string) error {
	return &Error{Op: op, Errno: syscall.EBADF, Message: ErrClosed.Error()}
}
