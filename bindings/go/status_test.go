// SPDX-License-Identifier: Apache-2.0

package bpfman_test

import (
	"os"
	"strings"
	"testing"
	"time"

	bpfman "github.com/libbpfman/libbpfman/bindings/go"
)

// A program and link removed behind the library's back (their pins
// deleted, so the kernel frees them) show as gone until Reconcile.
func TestStatusGone(t *testing.T) {
	s := newSandbox(t)
	ctx := s.open(t)
	progs, err := ctx.LoadFile(bpfObj(t, "tracepoint_counter"), bpfman.LoadOptions{Programs: []string{"tracepoint:count_getpid"}})
	if err != nil {
		t.Fatal(err)
	}
	id := progs[0].ID
	linkID, err := ctx.Attach(id, bpfman.AttachOptions{Tracepoint: "syscalls/sys_enter_getpid"})
	if err != nil {
		ctx.Unload(id, nil)
		t.Fatal(err)
	}
	p, err := ctx.Program(id)
	if err != nil || p.Status != bpfman.StatusInKernel {
		t.Fatalf("a loaded program: %+v, %v", p, err)
	}
	l, err := ctx.Link(linkID)
	if err != nil || l.Status != bpfman.StatusInKernel || l.PinPath == "" || p.PinPath == "" {
		t.Fatalf("an attached link: %+v, %v", l, err)
	}

	for _, pin := range []string{l.PinPath, p.PinPath} {
		if err := os.Remove(pin); err != nil {
			t.Fatal(err)
		}
	}
	// The kernel frees them once no pin or fd holds them (a perf-event
	// link after an RCU grace period).
	deadline := time.Now().Add(5 * time.Second)
	for {
		p, err = ctx.Program(id)
		if err != nil {
			t.Fatalf("get of a program gone from the kernel: %v", err)
		}
		if p.Status != bpfman.StatusInKernel || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if p.Status != bpfman.StatusGone || p.Status.String() != "gone" {
		t.Errorf("program status after its pins were removed: %v", p.Status)
	}
	if l, err := ctx.Link(linkID); err != nil || l.Status != bpfman.StatusGone {
		t.Errorf("link status after its pin was removed: %+v, %v", l, err)
	}
	list, err := ctx.Programs(nil)
	if err != nil || len(list) != 1 || list[0].Status != bpfman.StatusGone {
		t.Errorf("list: %+v, %v", list, err)
	}
	if _, err := ctx.Reconcile(); err != nil {
		t.Fatal(err)
	}
	if list, err := ctx.Programs(nil); err != nil || len(list) != 0 {
		t.Errorf("reconcile should forget what is gone: %+v, %v", list, err)
	}

	names := map[bpfman.Status]string{bpfman.StatusUnknown: "unknown", bpfman.StatusInKernel: "in-kernel",
		bpfman.StatusGone: "gone", bpfman.StatusNeedsRestore: "needs-restore"}
	for st, want := range names {
		if st.String() != want {
			t.Errorf("Status(%d).String() = %q, want %q", int(st), st.String(), want)
		}
	}
}

// A state directory others may write to is refused unless AllowSharedDirs.
func TestAllowSharedDirs(t *testing.T) {
	s := newSandbox(t)
	if err := os.Chmod(s.stateDir, 0o777); err != nil {
		t.Fatal(err)
	}
	o := s.options()
	_, err := bpfman.New(o)
	if err == nil || !strings.Contains(err.Error(), s.stateDir) || !strings.Contains(err.Error(), "allow_shared_dirs") {
		t.Fatalf("a world-writable state dir: want a refusal naming it and the override, got %v", err)
	}
	if entries, _ := os.ReadDir(s.stateDir); len(entries) != 0 {
		t.Errorf("a refused open left %d entries in the state dir", len(entries))
	}
	o.AllowSharedDirs = true
	ctx, err := bpfman.New(o)
	if err != nil {
		t.Fatalf("AllowSharedDirs: %v", err)
	}
	ctx.Close()
}
