// SPDX-License-Identifier: Apache-2.0

package bpfman_test

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"

	bpfman "github.com/libbpfman/libbpfman/bindings/go"
)

func nap(n int) {
	ts := syscall.Timespec{Nsec: 1000}
	for i := 0; i < n; i++ {
		syscall.Nanosleep(&ts, nil) // a real nanosleep: Go's timers use futexes
	}
}

// lifecycle loads one program, attaches it, checks that trigger moves its
// counter, detaches, checks it stands still, and unloads.
func lifecycle(t *testing.T, ctx *bpfman.Context, obj, spec string, attach bpfman.AttachOptions, trigger func(int)) {
	t.Helper()
	progs, err := ctx.LoadFile(bpfObj(t, obj), bpfman.LoadOptions{Programs: []string{spec}})
	if err != nil {
		t.Fatalf("load %s: %v", spec, err)
	}
	p := progs[0]
	defer ctx.Unload(p.ID, nil)
	link, err := ctx.Attach(p.ID, attach)
	if err != nil {
		t.Fatalf("attach %s: %v", spec, err)
	}
	before := counter(t, &p)
	trigger(10)
	during := counter(t, &p)
	if during < before+10 {
		t.Fatalf("%s: counter %d -> %d after 10 triggers", spec, before, during)
	}
	if err := ctx.Detach(link); err != nil {
		t.Fatalf("detach: %v", err)
	}
	during = counter(t, &p)
	trigger(10)
	if c := counter(t, &p); c != during {
		t.Fatalf("%s: counter moved after detach %d -> %d", spec, during, c)
	}
	if err := ctx.Unload(p.ID, nil); err != nil {
		t.Fatalf("unload: %v", err)
	}
}

func TestKprobe(t *testing.T) {
	if _, err := os.Stat("/sys/bus/event_source/devices/kprobe/type"); err != nil {
		skipOrFail(t, "this kernel has no kprobe PMU (no kprobes)")
	}
	ctx := newSandbox(t).open(t)
	lifecycle(t, ctx, "kprobe_counter", "kprobe:kprobe_count", bpfman.AttachOptions{FnName: "do_nanosleep"}, nap)
	lifecycle(t, ctx, "kprobe_counter", "kretprobe:kretprobe_count", bpfman.AttachOptions{FnName: "do_nanosleep"}, nap)
}

// hasFreplace: the host kernel refuses tracing and extension programs
// (EPERM); then fentry and multi-program XDP/TC chains run in the VM.
func hasFreplace(t *testing.T, ctx *bpfman.Context) bool {
	progs, err := ctx.LoadFile(bpfObj(t, "fentry_counter"), bpfman.LoadOptions{Programs: []string{"fentry:fentry_count"}})
	if err != nil {
		if errors.Is(err, bpfman.ErrPermission) || errors.Is(err, bpfman.ErrNotSupported) {
			return false
		}
		t.Fatalf("probe load of fentry_count: %v", err)
	}
	if err := ctx.Unload(progs[0].ID, nil); err != nil {
		t.Fatal(err)
	}
	return true
}

func TestFentry(t *testing.T) {
	ctx := newSandbox(t).open(t)
	if !hasFreplace(t, ctx) {
		skipOrFail(t, "this kernel refuses fentry/fexit programs")
	}
	lifecycle(t, ctx, "fentry_counter", "fentry:fentry_count", bpfman.AttachOptions{}, nap)
	lifecycle(t, ctx, "fentry_counter", "fexit:fexit_count:do_nanosleep", bpfman.AttachOptions{}, nap)
}

// One XDP program on a veth inside a namespace: it counts pings.
func TestXDPOnVeth(t *testing.T) {
	s := newSandbox(t)
	ctx := s.open(t)
	env := newNetenv(t)
	progs, err := ctx.LoadFile(bpfObj(t, "xdp_counter"), bpfman.LoadOptions{Programs: []string{"xdp:xdp_count"}})
	if err != nil {
		t.Fatal(err)
	}
	p := progs[0]
	defer ctx.Unload(p.ID, nil)
	link, err := ctx.Attach(p.ID, bpfman.AttachOptions{Iface: env.peerIf, Netns: env.nsPath, Priority: 55})
	if err != nil {
		t.Fatalf("attach XDP: %v", err)
	}
	l, err := ctx.Link(link)
	if err != nil || l.Iface != env.peerIf || l.Netns != env.nsPath || l.Priority != 55 || l.Type != bpfman.ProgramTypeXDP {
		t.Fatalf("link: %+v %v", l, err)
	}
	ch, err := ctx.Chain(bpfman.ChainOptions{Type: bpfman.ProgramTypeXDP, Iface: env.peerIf, Netns: env.nsPath})
	if err != nil || len(ch.Entries) != 1 || ch.Entries[0].LinkID != link || ch.XDPMode == "" {
		t.Fatalf("chain: %+v %v", ch, err)
	}
	before := counter(t, &p)
	if got := env.ping(10); got != 10 {
		t.Fatalf("%d of 10 pings answered through xdp_count (it passes everything)", got)
	}
	if c := counter(t, &p); c < before+10 {
		t.Fatalf("XDP counter %d -> %d after 10 pings", before, c)
	}
	if err := ctx.Detach(link); err != nil {
		t.Fatal(err)
	}
	during := counter(t, &p)
	env.ping(5)
	if c := counter(t, &p); c != during {
		t.Fatalf("counter moved after detach: %d -> %d", during, c)
	}
	if err := ctx.Unload(p.ID, nil); err != nil {
		t.Fatal(err)
	}
}

// The seed's chain through the binding: a counter at 55, xdp_pass at 50
// with proceed-on drop ends the chain first (counting stops), then moved to
// 60 in place (counting resumes). Needs freplace: the VM.
func TestXDPChainUpdate(t *testing.T) {
	s := newSandbox(t)
	ctx := s.open(t)
	if !hasFreplace(t, ctx) {
		skipOrFail(t, "this kernel refuses freplace programs, which multi-program XDP needs")
	}
	env := newNetenv(t)
	obj := bpfObj(t, "xdp_counter")
	load := func(spec string) bpfman.Program {
		progs, err := ctx.LoadFile(obj, bpfman.LoadOptions{Programs: []string{spec}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ctx.Unload(progs[0].ID, nil) })
		return progs[0]
	}
	cnt, pass := load("xdp:xdp_count"), load("xdp:xdp_pass")
	if _, err := ctx.Attach(cnt.ID, bpfman.AttachOptions{Iface: env.peerIf, Netns: env.nsPath, Priority: 55}); err != nil {
		t.Fatal(err)
	}
	passLink, err := ctx.Attach(pass.ID, bpfman.AttachOptions{Iface: env.peerIf, Netns: env.nsPath, Priority: 50,
		ProceedOn: bpfman.XDPProceedOnDrop})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := ctx.Chain(bpfman.ChainOptions{Type: bpfman.ProgramTypeXDP, Iface: env.peerIf, Netns: env.nsPath})
	if err != nil || len(ch.Entries) != 2 || ch.Entries[0].ProgramID != pass.ID || ch.DispatcherID == 0 ||
		// libxdp adds dispatcher_return to every slot's actions; the
		// chain shows what the kernel runs.
		ch.Entries[0].ProceedOn&^bpfman.ProceedOnDispatcherReturn != bpfman.XDPProceedOnDrop {
		t.Fatalf("chain with xdp_pass at 50: %+v %v", ch, err)
	}
	before := counter(t, &cnt)
	env.ping(10)
	if c := counter(t, &cnt); c != before {
		t.Fatalf("counter behind a proceed-on-drop xdp_pass moved %d -> %d", before, c)
	}
	prio := int32(60)
	if err := ctx.UpdateLink(passLink, bpfman.LinkUpdate{Priority: &prio}); err != nil {
		t.Fatal(err)
	}
	if l, err := ctx.Link(passLink); err != nil || l.Priority != 60 || l.Position != 1 {
		t.Fatalf("updated link: %+v %v", l, err)
	}
	env.ping(10)
	if c := counter(t, &cnt); c < before+10 {
		t.Fatalf("counter first in the chain again: %d -> %d after 10 pings", before, c)
	}
}

func kernelAtLeast(major, minor int) bool {
	var u syscall.Utsname
	if syscall.Uname(&u) != nil {
		return false
	}
	var b []byte
	for _, c := range u.Release {
		if c == 0 {
			break
		}
		b = append(b, byte(c))
	}
	var ma, mi int
	fmt.Sscanf(string(b), "%d.%d", &ma, &mi)
	return ma > major || (ma == major && mi >= minor)
}

// TC (one program per hook where freplace is refused) and TCX on the
// ingress of a veth in a namespace: each counts pings; TCX before 6.6 is
// refused and leaves nothing.
func TestTCAndTCXOnVeth(t *testing.T) {
	s := newSandbox(t)
	ctx := s.open(t)
	env := newNetenv(t)
	obj := bpfObj(t, "tc_counter")
	for _, c := range []struct {
		spec string
		typ  bpfman.ProgramType
	}{{"tc:tc_count", bpfman.ProgramTypeTC}, {"tcx:tcx_next_count", bpfman.ProgramTypeTCX}} {
		progs, err := ctx.LoadFile(obj, bpfman.LoadOptions{Programs: []string{c.spec}})
		if err != nil {
			t.Fatalf("load %s: %v", c.spec, err)
		}
		p := progs[0]
		link, err := ctx.Attach(p.ID, bpfman.AttachOptions{Iface: env.peerIf, Netns: env.nsPath, Priority: 100,
			Direction: bpfman.DirectionIngress})
		if c.typ == bpfman.ProgramTypeTCX && !kernelAtLeast(6, 6) {
			if err == nil {
				t.Fatalf("TCX attach succeeded on a kernel before 6.6")
			}
			if l, _ := ctx.Links(nil); len(l) != 0 {
				t.Fatalf("a refused TCX attach left links: %+v", l)
			}
			ctx.Unload(p.ID, nil)
			continue
		}
		if err != nil {
			t.Fatalf("attach %s: %v", c.spec, err)
		}
		l, err := ctx.Link(link)
		if err != nil || l.Direction != bpfman.DirectionIngress || l.Type != c.typ || l.Iface != env.peerIf {
			t.Fatalf("%s link: %+v %v", c.spec, l, err)
		}
		before := counter(t, &p)
		if got := env.ping(10); got != 10 {
			t.Fatalf("%s: %d of 10 pings answered", c.spec, got)
		}
		if n := counter(t, &p); n < before+10 {
			t.Fatalf("%s: counter %d -> %d after 10 pings", c.spec, before, n)
		}
		if err := ctx.Unload(p.ID, nil); err != nil {
			t.Fatalf("unload %s: %v", c.spec, err)
		}
	}
}
