// SPDX-License-Identifier: Apache-2.0

package bpfman

/*
#include <stdlib.h>
#include <bpfman/bpfman.h>
*/
import "C"

import (
	"fmt"
	"syscall"
	"unsafe"
)

// ProgramType is enum bpfman_program_type.
type ProgramType uint32

// Program types; the values are the C header's.
const (
	ProgramTypeUnspec     ProgramType = C.BPFMAN_PROG_TYPE_UNSPEC
	ProgramTypeXDP        ProgramType = C.BPFMAN_PROG_TYPE_XDP
	ProgramTypeTC         ProgramType = C.BPFMAN_PROG_TYPE_TC
	ProgramTypeTracepoint ProgramType = C.BPFMAN_PROG_TYPE_TRACEPOINT
	ProgramTypeKprobe     ProgramType = C.BPFMAN_PROG_TYPE_KPROBE
	ProgramTypeUprobe     ProgramType = C.BPFMAN_PROG_TYPE_UPROBE
	ProgramTypeFentry     ProgramType = C.BPFMAN_PROG_TYPE_FENTRY
	ProgramTypeFexit      ProgramType = C.BPFMAN_PROG_TYPE_FEXIT
	ProgramTypeTCX        ProgramType = C.BPFMAN_PROG_TYPE_TCX
)

// String is bpfman_program_type_name ("xdp", "tc", ...).
func (t ProgramType) String() string {
	p := C.bpfman_program_type_name(C.enum_bpfman_program_type(t))
	if p == nil {
		return fmt.Sprintf("ProgramType(%d)", uint32(t))
	}
	return C.GoString(p)
}

// ParseProgramType is bpfman_program_type_from_name; it also accepts
// "kretprobe" and "uretprobe".
func ParseProgramType(name string) (ProgramType, error) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	t := ProgramType(C.bpfman_program_type_from_name(cs))
	if t == ProgramTypeUnspec {
		return t, &Error{Op: "bpfman_program_type_from_name", Errno: syscall.EINVAL,
			Message: fmt.Sprintf("unknown program type %q", name)}
	}
	return t, nil
}

// Direction is enum bpfman_direction (TC, TCX).
type Direction uint32

const (
	DirectionUnspec  Direction = C.BPFMAN_DIRECTION_UNSPEC
	DirectionIngress Direction = C.BPFMAN_DIRECTION_INGRESS
	DirectionEgress  Direction = C.BPFMAN_DIRECTION_EGRESS
)

func (d Direction) String() string {
	switch d {
	case DirectionIngress:
		return "ingress"
	case DirectionEgress:
		return "egress"
	}
	return "unspec"
}

// ProceedOn is a proceed-on mask of an XDP or TC chain link
// (include/bpfman/proceed_on.h).
type ProceedOn uint32

// Proceed-on action bits, from the C header.
const (
	ProceedOnDispatcherReturn ProceedOn = C.BPFMAN_PROCEED_ON_DISPATCHER_RETURN

	XDPProceedOnAborted  ProceedOn = C.BPFMAN_XDP_PROCEED_ON_ABORTED
	XDPProceedOnDrop     ProceedOn = C.BPFMAN_XDP_PROCEED_ON_DROP
	XDPProceedOnPass     ProceedOn = C.BPFMAN_XDP_PROCEED_ON_PASS
	XDPProceedOnTX       ProceedOn = C.BPFMAN_XDP_PROCEED_ON_TX
	XDPProceedOnRedirect ProceedOn = C.BPFMAN_XDP_PROCEED_ON_REDIRECT
	XDPProceedOnDefault  ProceedOn = C.BPFMAN_XDP_PROCEED_ON_DEFAULT

	TCProceedOnUnspec     ProceedOn = C.BPFMAN_TC_PROCEED_ON_UNSPEC
	TCProceedOnOK         ProceedOn = C.BPFMAN_TC_PROCEED_ON_OK
	TCProceedOnReclassify ProceedOn = C.BPFMAN_TC_PROCEED_ON_RECLASSIFY
	TCProceedOnShot       ProceedOn = C.BPFMAN_TC_PROCEED_ON_SHOT
	TCProceedOnPipe       ProceedOn = C.BPFMAN_TC_PROCEED_ON_PIPE
	TCProceedOnStolen     ProceedOn = C.BPFMAN_TC_PROCEED_ON_STOLEN
	TCProceedOnQueued     ProceedOn = C.BPFMAN_TC_PROCEED_ON_QUEUED
	TCProceedOnRepeat     ProceedOn = C.BPFMAN_TC_PROCEED_ON_REPEAT
	TCProceedOnRedirect   ProceedOn = C.BPFMAN_TC_PROCEED_ON_REDIRECT
	TCProceedOnTrap       ProceedOn = C.BPFMAN_TC_PROCEED_ON_TRAP
	TCProceedOnDefault    ProceedOn = C.BPFMAN_TC_PROCEED_ON_DEFAULT
)

// ProceedOnBit is bpfman_proceed_on_bit: the bit of an action named as
// bpfman names it ("drop", "pass", "dispatcher_return", "shot", ...), or 0.
func ProceedOnBit(t ProgramType, name string) ProceedOn {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	return ProceedOn(C.bpfman_proceed_on_bit(C.enum_bpfman_program_type(t), cs))
}

// ProceedOnName is bpfman_proceed_on_name: the action of bit (0..31) for
// type t, or "" when the bit names none.
func ProceedOnName(t ProgramType, bit uint) string {
	return optString(C.bpfman_proceed_on_name(C.enum_bpfman_program_type(t), C.uint(bit)))
}

// ProceedOnValid is bpfman_proceed_on_valid: every bit that names an
// action of t.
func ProceedOnValid(t ProgramType) ProceedOn {
	return ProceedOn(C.bpfman_proceed_on_valid(C.enum_bpfman_program_type(t)))
}

// ProceedOnDefault is bpfman_proceed_on_default: the mask a link gets
// when it gives none.
func ProceedOnDefault(t ProgramType) ProceedOn {
	return ProceedOn(C.bpfman_proceed_on_default(C.enum_bpfman_program_type(t)))
}

// ProceedOnMask builds a mask from action names; an unknown name is an
// ErrInvalid error naming it.
func ProceedOnMask(t ProgramType, names ...string) (ProceedOn, error) {
	var m ProceedOn
	for _, n := range names {
		b := ProceedOnBit(t, n)
		if b == 0 {
			return 0, &Error{Op: "bpfman_proceed_on_bit", Errno: syscall.EINVAL,
				Message: fmt.Sprintf("%q is not a proceed-on action of %s programs", n, t)}
		}
		m |= b
	}
	return m, nil
}

// Names lists the actions of the mask for type t.
func (p ProceedOn) Names(t ProgramType) []string {
	var out []string
	for bit := uint(0); bit < 32; bit++ {
		if p&(1<<bit) != 0 {
			if n := ProceedOnName(t, bit); n != "" {
				out = append(out, n)
			}
		}
	}
	return out
}

// LogLevel is enum bpfman_log_level.
type LogLevel int

const (
	LogError LogLevel = C.BPFMAN_LOG_ERROR
	LogWarn  LogLevel = C.BPFMAN_LOG_WARN
	LogInfo  LogLevel = C.BPFMAN_LOG_INFO
	LogDebug LogLevel = C.BPFMAN_LOG_DEBUG
)

// PullPolicy is enum bpfman_pull_policy.
type PullPolicy int

const (
	PullAlways       PullPolicy = C.BPFMAN_PULL_ALWAYS
	PullIfNotPresent PullPolicy = C.BPFMAN_PULL_IF_NOT_PRESENT
	PullNever        PullPolicy = C.BPFMAN_PULL_NEVER
)

// String is bpfman_pull_policy_name ("Always", "IfNotPresent", "Never").
func (p PullPolicy) String() string {
	if s := optString(C.bpfman_pull_policy_name(C.enum_bpfman_pull_policy(p))); s != "" {
		return s
	}
	return fmt.Sprintf("PullPolicy(%d)", int(p))
}

// ParsePullPolicy is bpfman_pull_policy_from_name (case-insensitive).
func ParsePullPolicy(name string) (PullPolicy, error) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	v := int(C.bpfman_pull_policy_from_name(cs))
	if v < 0 {
		return 0, &Error{Op: "bpfman_pull_policy_from_name", Errno: syscall.EINVAL,
			Message: fmt.Sprintf("unknown pull policy %q; use Always, IfNotPresent or Never", name)}
	}
	return PullPolicy(v), nil
}

// SignFormat is enum bpfman_sign_format.
type SignFormat int

const (
	SignBoth   SignFormat = C.BPFMAN_SIGN_BOTH
	SignLegacy SignFormat = C.BPFMAN_SIGN_LEGACY
	SignBundle SignFormat = C.BPFMAN_SIGN_BUNDLE
)

// ReportKind is enum bpfman_report_kind.
type ReportKind int

const (
	ReportProgram ReportKind = C.BPFMAN_REPORT_PROGRAM
	ReportLink    ReportKind = C.BPFMAN_REPORT_LINK
	ReportMap     ReportKind = C.BPFMAN_REPORT_MAP
	ReportPin     ReportKind = C.BPFMAN_REPORT_PIN
)

// HeaderVersionNumber is BPFMAN_VERSION_NUMBER of the headers this package
// was compiled against.
const HeaderVersionNumber = uint32(C.BPFMAN_VERSION_NUMBER)

// Version is bpfman_version_string: the loaded library's version.
func Version() string { return C.GoString(C.bpfman_version_string()) }

// VersionNumber is bpfman_version_number ((major<<16)|(minor<<8)|patch).
func VersionNumber() uint32 { return uint32(C.bpfman_version_number()) }
