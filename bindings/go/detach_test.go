// SPDX-License-Identifier: Apache-2.0

package bpfman_test

import (
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cilium/ebpf/link"

	bpfman "github.com/libbpfman/libbpfman/bindings/go"
)

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func getpids(n int) {
	for i := 0; i < n; i++ {
		syscall.Getpid()
	}
}

// kernelLinkExists asks the kernel, not the library, whether a link ID is
// still there.
func kernelLinkExists(id uint32) bool {
	l, err := link.NewFromID(link.ID(id))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// attachCounting loads and attaches the getpid counter and checks it counts.
func attachCounting(t *testing.T, ctx *bpfman.Context) (bpfman.Program, bpfman.Link) {
	t.Helper()
	progs, err := ctx.LoadFile(bpfObj(t, "tracepoint_counter"), bpfman.LoadOptions{Programs: []string{"tracepoint:count_getpid"}})
	if err != nil {
		t.Fatal(err)
	}
	p := progs[0]
	t.Cleanup(func() { ctx.Unload(p.ID, nil) })
	id, err := ctx.Attach(p.ID, bpfman.AttachOptions{Tracepoint: "syscalls/sys_enter_getpid"})
	if err != nil {
		t.Fatal(err)
	}
	l, err := ctx.Link(id)
	if err != nil || l.KernelLinkID == 0 || l.PinPath == "" {
		t.Fatalf("link: %+v, %v", l, err)
	}
	before := counter(t, &p)
	getpids(5)
	if c := counter(t, &p); c < before+5 {
		t.Fatalf("counter %d -> %d after 5 getpid calls", before, c)
	}
	return p, *l
}

// assertFrozen: the program no longer runs for getpid.
func assertFrozen(t *testing.T, p *bpfman.Program, what string) {
	t.Helper()
	c := counter(t, p)
	getpids(10)
	if after := counter(t, p); after != c {
		t.Errorf("%s: counter moved %d -> %d", what, c, after)
	}
}

// The default detach returns once the kernel has released the link: the
// program is unhooked at the return.
func TestDetachWaits(t *testing.T) {
	ctx := newSandbox(t).open(t)
	p, l := attachCounting(t, ctx)
	if err := ctx.DetachWith(l.ID, nil); err != nil {
		t.Fatal(err)
	}
	if kernelLinkExists(l.KernelLinkID) {
		t.Errorf("kernel link %d still listed after a waiting detach", l.KernelLinkID)
	}
	assertFrozen(t, &p, "waiting detach")
}

// NoWait: the record and pin are gone at the return; the kernel releases
// the tracepoint link shortly after, from its deferred context.
func TestDetachNoWait(t *testing.T) {
	ctx := newSandbox(t).open(t)
	p, l := attachCounting(t, ctx)
	start := time.Now()
	if err := ctx.DetachWith(l.ID, &bpfman.DetachOptions{NoWait: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := ctx.Link(l.ID); !errors.Is(err, bpfman.ErrNotFound) {
		t.Errorf("link record after a no_wait detach: %v", err)
	}
	if _, err := os.Stat(l.PinPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("link pin %s after a no_wait detach: %v", l.PinPath, err)
	}
	for kernelLinkExists(l.KernelLinkID) {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("kernel link %d not released 5 s after a no_wait detach", l.KernelLinkID)
		}
		time.Sleep(time.Millisecond)
	}
	t.Logf("kernel link %d unlisted %v after the no_wait detach was called", l.KernelLinkID, time.Since(start))
	// The kernel frees the ID before it unhooks the program: wait until
	// getpid no longer counts, within the same 5 s.
	for {
		c := counter(t, &p)
		getpids(10)
		if counter(t, &p) == c {
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("the program still runs 5 s after a no_wait detach")
		}
		time.Sleep(time.Millisecond)
	}
	t.Logf("program stopped %v after the no_wait detach was called", time.Since(start))
	assertFrozen(t, &p, "no_wait detach, once the kernel released the link")
	if err := ctx.DetachWith(l.ID, &bpfman.DetachOptions{NoWait: true}); !errors.Is(err, bpfman.ErrNotFound) {
		t.Errorf("second detach: %v", err)
	}
}

// LSM: the hook from the section, or named at load. The host kernel
// refuses LSM programs as it refuses fentry; the VM runs this.
func TestLSM(t *testing.T) {
	if bpfman.ProgramTypeLSM.String() != "lsm" {
		t.Errorf("ProgramTypeLSM.String() = %q", bpfman.ProgramTypeLSM.String())
	}
	if pt, err := bpfman.ParseProgramType("lsm"); err != nil || pt != bpfman.ProgramTypeLSM {
		t.Errorf("ParseProgramType(lsm) = %v, %v", pt, err)
	}
	ctx := newSandbox(t).open(t)
	probe, err := ctx.LoadFile(bpfObj(t, "lsm_counter"), bpfman.LoadOptions{Programs: []string{"lsm:lsm_count"}})
	if err != nil {
		if errors.Is(err, bpfman.ErrPermission) || errors.Is(err, bpfman.ErrNotSupported) {
			skipOrFail(t, "this kernel refuses BPF LSM programs ("+firstLine(err.Error())+")")
			return
		}
		t.Fatalf("load lsm:lsm_count: %v", err)
	}
	if probe[0].Type != bpfman.ProgramTypeLSM || probe[0].AttachFunc != "file_open" {
		t.Errorf("lsm program: type %v attach func %q", probe[0].Type, probe[0].AttachFunc)
	}
	// The kernel may load LSM programs yet not run them (bpf not in lsm=).
	_, aerr := ctx.Attach(probe[0].ID, bpfman.AttachOptions{})
	if err := ctx.Unload(probe[0].ID, nil); err != nil {
		t.Fatal(err)
	}
	if aerr != nil {
		if errors.Is(aerr, bpfman.ErrPermission) || errors.Is(aerr, bpfman.ErrNotSupported) {
			skipOrFail(t, "this kernel loads BPF LSM programs but refuses to attach them ("+firstLine(aerr.Error())+")")
			return
		}
		t.Fatalf("attach lsm:lsm_count: %v", aerr)
	}
	openFile := func(n int) {
		for i := 0; i < n; i++ {
			if f, err := os.Open("/proc/self/stat"); err == nil {
				f.Close()
			}
		}
	}
	lifecycle(t, ctx, "lsm_counter", "lsm:lsm_count", bpfman.AttachOptions{}, openFile)
	lifecycle(t, ctx, "lsm_counter", "lsm:lsm_count_named:file_open", bpfman.AttachOptions{}, openFile)
	_, err = ctx.LoadFile(bpfObj(t, "lsm_counter"), bpfman.LoadOptions{Programs: []string{"lsm:lsm_count_named:no_such_hook"}})
	// The library answers ESRCH (kind other, for now): the sentence names
	// the hook, and nothing stays loaded.
	if err == nil || !strings.Contains(err.Error(), "'no_such_hook'") {
		t.Errorf("an unknown LSM hook: %v", err)
	}
	if list, err := ctx.Programs(nil); err != nil || len(list) != 0 {
		t.Errorf("a refused LSM load left programs: %+v, %v", list, err)
	}
}
