// SPDX-License-Identifier: Apache-2.0

package bpfman_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	bpfman "github.com/libbpfman/libbpfman/bindings/go"
)

// The change feed: each change an event, in order; a refused call records
// nothing; another context's change wakes WaitEvents and EventsFile;
// pruning (events.keep) is a gap.
func TestEvents(t *testing.T) {
	s := newSandbox(t)
	ctx := s.open(t)
	load := func(c *bpfman.Context) uint32 {
		progs, err := c.LoadFile(bpfObj(t, "tracepoint_counter"), bpfman.LoadOptions{Programs: []string{"tracepoint:count_getpid"}})
		if err != nil {
			t.Fatal(err)
		}
		return progs[0].ID
	}
	id := load(ctx)
	link, err := ctx.Attach(id, bpfman.AttachOptions{Tracepoint: "syscalls/sys_enter_getpid"})
	if err != nil {
		t.Fatal(err)
	}
	if err := ctx.Detach(link); err != nil {
		t.Fatal(err)
	}
	if err := ctx.Unload(id, nil); err != nil {
		t.Fatal(err)
	}
	if err := ctx.Unload(987654, nil); err == nil {
		t.Fatal("unload of a missing program succeeded")
	}
	ev, err := ctx.ReadEvents(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []bpfman.Event{{Seq: 1, Kind: bpfman.EventLoaded, ProgramID: id},
		{Seq: 2, Kind: bpfman.EventAttached, ProgramID: id, LinkID: link},
		{Seq: 3, Kind: bpfman.EventDetached, ProgramID: id, LinkID: link},
		{Seq: 4, Kind: bpfman.EventUnloaded, ProgramID: id}}
	if ev.Gap || ev.LastSeq != 4 || len(ev.Events) != len(want) {
		t.Fatalf("events: %+v", ev)
	}
	for i, w := range want {
		g := ev.Events[i]
		if g.Seq != w.Seq || g.Kind != w.Kind || g.ProgramID != w.ProgramID || g.LinkID != w.LinkID ||
			g.Message == "" || g.Owner != "" || time.Since(g.Time) > time.Hour {
			t.Errorf("event %d: %+v, want %+v", i, g, w)
		}
	}
	if seq, err := ctx.LastEventSeq(); err != nil || seq != 4 {
		t.Fatalf("LastEventSeq: %d %v", seq, err)
	}

	// Another context (as another process would) wakes the waiters.
	f, err := ctx.EventsFile()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if ok, err := ctx.WaitEvents(4, 100*time.Millisecond); ok || err != nil {
		t.Fatalf("WaitEvents with nothing new: %v %v", ok, err)
	}
	other := s.open(t)
	type loaded struct {
		progs []bpfman.Program
		err   error
	}
	done := make(chan loaded, 1)
	obj := bpfObj(t, "tracepoint_counter")
	go func() {
		progs, err := other.LoadFile(obj, bpfman.LoadOptions{Programs: []string{"tracepoint:count_getpid"}})
		done <- loaded{progs, err}
	}()
	if ok, err := ctx.WaitEvents(4, 20*time.Second); !ok || err != nil {
		t.Fatalf("WaitEvents after another context loaded: %v %v", ok, err)
	}
	f.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := f.Read(make([]byte, 4096)); err != nil {
		t.Fatalf("EventsFile not readable after a change: %v", err)
	}
	res := <-done
	if res.err != nil {
		t.Fatal(res.err)
	}
	pid := res.progs[0].ID
	ev, err = ctx.ReadEvents(4, 0)
	if err != nil || len(ev.Events) != 1 || ev.Events[0].Kind != bpfman.EventLoaded || ev.Events[0].ProgramID != pid {
		t.Fatalf("after another context's load: %+v %v", ev, err)
	}
	if err := other.Unload(pid, nil); err != nil {
		t.Fatal(err)
	}

	// events.keep 2: a cursor behind what is kept is a gap.
	cfg := filepath.Join(t.TempDir(), "bpfman.yaml")
	if err := os.WriteFile(cfg, []byte("events:\n  keep: 2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := s.options()
	opts.ConfigPath = cfg
	small, err := bpfman.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	if err := small.Unload(load(small), nil); err != nil {
		t.Fatal(err)
	}
	ev, err = small.ReadEvents(1, 0)
	if err != nil || !ev.Gap || ev.LastSeq != 8 || len(ev.Events) != 2 || ev.Events[0].Seq != 7 {
		t.Fatalf("behind the pruned range: %+v %v", ev, err)
	}
	if ev, err = small.ReadEvents(100, 0); err != nil || !ev.Gap {
		t.Fatalf("a cursor ahead of the feed: %+v %v", ev, err)
	}
}
