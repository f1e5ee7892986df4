// SPDX-License-Identifier: Apache-2.0

package bpfman

// #include <bpfman/bpfman.h>
import "C"

import (
	"errors"
	"strings"
	"syscall"
)

// Kinds of failure, for errors.Is. An *Error matches the sentinel of the
// library's own kind (ErrKind, bpfman_errkind), and the syscall.Errno.
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
	ErrVerifier     = errors.New("bpfman: rejected by the verifier")
	ErrImageRefused = errors.New("bpfman: image refused")
	ErrBadObject    = errors.New("bpfman: not a valid BPF object")
	ErrAuth         = errors.New("bpfman: registry credentials refused")
)

// ErrKind is enum bpfman_errkind: what kind of failure the library says a
// call had (doc/abi.md, "Error kinds"). New kinds may be added; treat an
// unknown value as ErrKindOther.
type ErrKind int

const (
	ErrKindNone         ErrKind = C.BPFMAN_ERRKIND_NONE
	ErrKindOther        ErrKind = C.BPFMAN_ERRKIND_OTHER
	ErrKindInvalid      ErrKind = C.BPFMAN_ERRKIND_INVALID
	ErrKindNotFound     ErrKind = C.BPFMAN_ERRKIND_NOT_FOUND
	ErrKindPermission   ErrKind = C.BPFMAN_ERRKIND_PERMISSION
	ErrKindBusy         ErrKind = C.BPFMAN_ERRKIND_BUSY
	ErrKindVerifier     ErrKind = C.BPFMAN_ERRKIND_VERIFIER
	ErrKindImageRefused ErrKind = C.BPFMAN_ERRKIND_IMAGE_REFUSED
	ErrKindBadObject    ErrKind = C.BPFMAN_ERRKIND_BAD_OBJECT
	ErrKindUnsupported  ErrKind = C.BPFMAN_ERRKIND_UNSUPPORTED
	ErrKindAuth         ErrKind = C.BPFMAN_ERRKIND_AUTH
	ErrKindRegistry     ErrKind = C.BPFMAN_ERRKIND_REGISTRY
)

// String is bpfman_errkind_name ("verifier", "image-refused", ...; "other"
// for a value the library does not know).
func (k ErrKind) String() string {
	return C.GoString(C.bpfman_errkind_name(C.enum_bpfman_errkind(k)))
}

// kindSentinels: the sentinel each library kind matches.
var kindSentinels = map[ErrKind]error{
	ErrKindInvalid:      ErrInvalid,
	ErrKindNotFound:     ErrNotFound,
	ErrKindPermission:   ErrPermission,
	ErrKindBusy:         ErrBusy,
	ErrKindVerifier:     ErrVerifier,
	ErrKindImageRefused: ErrImageRefused,
	ErrKindBadObject:    ErrBadObject,
	ErrKindUnsupported:  ErrNotSupported,
	ErrKindAuth:         ErrAuth,
	ErrKindRegistry:     ErrUnavailable,
}

// errnoRefinements: two sentinels older than the library's kinds that
// name an errno within a kind (a busy hook that is full, a name that
// exists), kept so errors.Is(err, ErrNoSpace) still works.
var errnoRefinements = map[error]syscall.Errno{
	ErrExists:  syscall.EEXIST,
	ErrNoSpace: syscall.ENOSPC,
}

// Error is a failed libbpfman call.
type Error struct {
	Op      string        // the C function, e.g. "bpfman_program__load_file"
	Errno   syscall.Errno // positive errno
	Kind    ErrKind       // the library's kind (bpfman_errkind)
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
	if errno, ok := errnoRefinements[target]; ok {
		return e.Errno == errno
	}
	kind, ok := kindSentinels[e.Kind]
	return ok && kind == target
}

// VerifierError is a load the verifier refused (kind ErrKindVerifier),
// with what it said. errors.As(err, &verr) finds it; errors.Is(err,
// ErrVerifier) holds, and errors.Is with its errno (usually EACCES).
type VerifierError struct {
	Err *Error
	Log string // the verifier's log, as the library captured it
}

func (v *VerifierError) Error() string { return v.Err.Error() }
func (v *VerifierError) Unwrap() error { return v.Err }

// newError builds the error of a failed call; rc is the negative errno the
// call returned, msg the sentence and kind the kind read right after it.
func newError(op string, rc int, kind ErrKind, msg string) error {
	if rc < 0 {
		rc = -rc
	}
	e := &Error{Op: op, Errno: syscall.Errno(rc), Kind: kind, Message: msg}
	// The library's sentence is one line ("the verifier rejected ...")
	// followed by the verifier's log.
	if kind == ErrKindVerifier {
		log := ""
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			log = msg[i+1:]
		}
		return &VerifierError{Err: e, Log: log}
	}
	return e
}

// invalidError is a mistake the binding catches before calling the library.
func invalidError(op, msg string) error {
	return &Error{Op: op, Errno: syscall.EINVAL, Kind: ErrKindInvalid, Message: msg}
}

func closedError(op string) error {
	return &Error{Op: op, Errno: syscall.EBADF, Kind: ErrKindOther, Message: ErrClosed.Error()}
}
