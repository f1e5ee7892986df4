// SPDX-License-Identifier: Apache-2.0

package bpfman

/*
#include <bpfman/bpfman.h>
*/
import "C"

import (
	"os"
	"time"
)

// EventKind is enum bpfman_event_kind: what a change-feed event says
// happened.
type EventKind int

const (
	EventLoaded   EventKind = C.BPFMAN_EVENT_LOADED
	EventAttached EventKind = C.BPFMAN_EVENT_ATTACHED
	EventDetached EventKind = C.BPFMAN_EVENT_DETACHED
	EventUnloaded EventKind = C.BPFMAN_EVENT_UNLOADED
	EventRepaired EventKind = C.BPFMAN_EVENT_REPAIRED // reconcile removed the link (LinkID set) or program
	EventRestored EventKind = C.BPFMAN_EVENT_RESTORED // restore re-created it; OldProgramID is the ID before the reboot
	EventUpdated  EventKind = C.BPFMAN_EVENT_UPDATED
)

// Event is one change to the recorded state, from the change feed
// (bpfman/event.h), whoever made it.
type Event struct {
	Seq          uint64
	Kind         EventKind
	Time         time.Time
	ProgramID    uint32
	LinkID       uint64
	OldProgramID uint32
	Message      string
	// Owner is the program's owner when the change was recorded (what
	// Program.Owner said); "" when it had none.
	Owner string
}

// Events is what ReadEvents returned. Gap: events after the cursor were
// pruned (or the cursor is ahead of the feed), so re-read the state rather
// than trust a copy. LastSeq: the newest seq recorded when read.
type Events struct {
	Events  []Event
	Gap     bool
	LastSeq uint64
}

// ReadEvents is bpfman_events__read: the events after the cursor afterSeq,
// oldest first, at most max of them (0: at most 1000).
func (ctx *Context) ReadEvents(afterSeq uint64, max int) (*Events, error) {
	var h *C.struct_bpfman_events
	if max < 0 {
		max = 0
	}
	err := ctx.do("bpfman_events__read", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_events__read(&h, c, C.uint64_t(afterSeq), C.size_t(max))
	})
	if err != nil {
		return nil, err
	}
	defer C.bpfman_events__free(h)
	out := &Events{Events: []Event{}, Gap: bool(C.bpfman_events__gap(h)),
		LastSeq: uint64(C.bpfman_events__last_seq(h))}
	for i := C.size_t(0); i < C.bpfman_events__cnt(h); i++ {
		ns := int64(C.bpfman_events__time_ns(h, i))
		out.Events = append(out.Events, Event{
			Seq:          uint64(C.bpfman_events__seq(h, i)),
			Kind:         EventKind(C.bpfman_events__kind(h, i)),
			Time:         time.Unix(0, ns),
			ProgramID:    uint32(C.bpfman_events__program_id(h, i)),
			LinkID:       uint64(C.bpfman_events__link_id(h, i)),
			OldProgramID: uint32(C.bpfman_events__old_program_id(h, i)),
			Message:      C.GoString(C.bpfman_events__message(h, i)),
			Owner:        optString(C.bpfman_events__owner(h, i)),
		})
	}
	return out, nil
}

// LastEventSeq is bpfman_events_last_seq: the newest seq recorded (0: none);
// a cursor that sees only what happens from now on.
func (ctx *Context) LastEventSeq() (uint64, error) {
	var seq C.uint64_t
	err := ctx.do("bpfman_events_last_seq", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_events_last_seq(&seq, c)
	})
	return uint64(seq), err
}

// EventsFile is bpfman_events_fd as an *os.File (non-blocking, so Go's
// poller waits on it): a Read returns once the feed may have grown. Read
// and discard what it gives, then ReadEvents from the cursor. Close it
// when done.
func (ctx *Context) EventsFile() (*os.File, error) {
	fd := C.int(-1)
	err := ctx.do("bpfman_events_fd", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_events_fd(&fd, c)
	})
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), "bpfman-events"), nil
}

// WaitEvents is bpfman_events_wait: blocks until events after afterSeq
// exist (or a gap), at most timeout (negative: no limit); false when the
// time ran out. The context is held for the whole wait; a goroutine that
// must keep using it meanwhile waits on EventsFile instead.
func (ctx *Context) WaitEvents(afterSeq uint64, timeout time.Duration) (bool, error) {
	ms := C.int(-1)
	if timeout >= 0 {
		ms = C.int(timeout / time.Millisecond)
	}
	var rc C.int
	err := ctx.do("bpfman_events_wait", func(c *C.struct_bpfman_ctx) C.int {
		rc = C.bpfman_events_wait(c, C.uint64_t(afterSeq), ms)
		return rc
	})
	return rc == 1, err
}
