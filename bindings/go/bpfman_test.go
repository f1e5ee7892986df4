// SPDX-License-Identifier: Apache-2.0

package bpfman_test

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cilium/ebpf"

	bpfman "github.com/libbpfman/libbpfman/bindings/go"
)

const getpidTP = "syscalls/sys_enter_getpid"

func triggerGetpid(n int) {
	for i := 0; i < n; i++ {
		syscall.Getpid() // a real syscall each time: Go does not cache it
	}
}

// kernelProgGone waits for the kernel to free a program (RCU).
func kernelProgGone(ctx *bpfman.Context, id uint32) bool {
	for i := 0; i < 60; i++ {
		if _, err := ctx.Program(id); errors.Is(err, bpfman.ErrNotFound) {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

func TestVersionAndConstants(t *testing.T) {
	if bpfman.VersionNumber() != bpfman.HeaderVersionNumber {
		t.Errorf("library %s (%#x) is not the headers' version %#x", bpfman.Version(),
			bpfman.VersionNumber(), bpfman.HeaderVersionNumber)
	}
	if !strings.HasPrefix(bpfman.Version(), "0.") {
		t.Errorf("version string %q", bpfman.Version())
	}
	for _, c := range []struct {
		t    bpfman.ProgramType
		name string
	}{{bpfman.ProgramTypeXDP, "xdp"}, {bpfman.ProgramTypeTC, "tc"}, {bpfman.ProgramTypeTracepoint, "tracepoint"},
		{bpfman.ProgramTypeKprobe, "kprobe"}, {bpfman.ProgramTypeUprobe, "uprobe"},
		{bpfman.ProgramTypeFentry, "fentry"}, {bpfman.ProgramTypeFexit, "fexit"}, {bpfman.ProgramTypeTCX, "tcx"}} {
		if c.t.String() != c.name {
			t.Errorf("%d.String() = %q, want %q", c.t, c.t.String(), c.name)
		}
		if got, err := bpfman.ParseProgramType(c.name); err != nil || got != c.t {
			t.Errorf("ParseProgramType(%q) = %v, %v", c.name, got, err)
		}
	}
	if _, err := bpfman.ParseProgramType("nonsense"); !errors.Is(err, bpfman.ErrInvalid) {
		t.Errorf("ParseProgramType(nonsense): %v", err)
	}
	// The header's bits and the library's name table agree.
	if bpfman.ProceedOnBit(bpfman.ProgramTypeXDP, "drop") != bpfman.XDPProceedOnDrop ||
		bpfman.ProceedOnBit(bpfman.ProgramTypeTC, "shot") != bpfman.TCProceedOnShot ||
		bpfman.ProceedOnBit(bpfman.ProgramTypeXDP, "dispatcher_return") != bpfman.ProceedOnDispatcherReturn {
		t.Error("proceed-on bits differ between the header and bpfman_proceed_on_bit")
	}
	if bpfman.ProceedOnName(bpfman.ProgramTypeXDP, 1) != "drop" || bpfman.ProceedOnName(bpfman.ProgramTypeXDP, 20) != "" {
		t.Error("bpfman_proceed_on_name")
	}
	if bpfman.ProceedOnDefault(bpfman.ProgramTypeXDP) != bpfman.XDPProceedOnDefault ||
		bpfman.ProceedOnDefault(bpfman.ProgramTypeTC) != bpfman.TCProceedOnDefault {
		t.Error("proceed-on defaults differ")
	}
	if v := bpfman.ProceedOnValid(bpfman.ProgramTypeXDP); v&bpfman.XDPProceedOnRedirect == 0 || v&(1<<20) != 0 {
		t.Errorf("valid XDP mask %#x", v)
	}
	m, err := bpfman.ProceedOnMask(bpfman.ProgramTypeXDP, "pass", "dispatcher_return")
	if err != nil || m != bpfman.XDPProceedOnDefault {
		t.Errorf("ProceedOnMask: %#x %v", m, err)
	}
	if got := strings.Join(m.Names(bpfman.ProgramTypeXDP), ","); got != "pass,dispatcher_return" {
		t.Errorf("Names: %s", got)
	}
	if _, err := bpfman.ProceedOnMask(bpfman.ProgramTypeXDP, "shot"); err == nil || !strings.Contains(err.Error(), "shot") {
		t.Errorf("ProceedOnMask(xdp, shot): %v", err)
	}
	if p, err := bpfman.ParsePullPolicy("ifnotpresent"); err != nil || p != bpfman.PullIfNotPresent || p.String() != "IfNotPresent" {
		t.Errorf("ParsePullPolicy: %v %v", p, err)
	}
	if _, err := bpfman.ParsePullPolicy("sometimes"); !errors.Is(err, bpfman.ErrInvalid) {
		t.Errorf("ParsePullPolicy(sometimes): %v", err)
	}
}

func TestNewErrors(t *testing.T) {
	_, err := bpfman.New(&bpfman.Options{StateDir: "relative/dir"})
	if !errors.Is(err, bpfman.ErrInvalid) || !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("relative state dir: %v", err)
	}
	if !strings.Contains(err.Error(), "state_dir 'relative/dir' is not an absolute path") {
		t.Errorf("sentence: %q", err.Error())
	}
	var e *bpfman.Error
	if !errors.As(err, &e) || e.Op != "bpfman_ctx_new" || e.Errno != syscall.EINVAL || e.Kind != bpfman.ErrKindInvalid {
		t.Errorf("error value: %#v", err)
	}
	// The sentence belongs to the call, whatever thread the goroutine ran
	// on: many goroutines fail at once, each with its own path.
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			dir := fmt.Sprintf("rel-%d", i)
			for j := 0; j < 20; j++ {
				_, err := bpfman.New(&bpfman.Options{StateDir: dir})
				if err == nil || !strings.Contains(err.Error(), "'"+dir+"'") {
					t.Errorf("goroutine %d got %v", i, err)
					return
				}
			}
		}(i)
	}
	wg.Wait()
}

func TestTracepointLifecycle(t *testing.T) {
	s := newSandbox(t)
	ctx := s.open(t)
	if ctx.StateDir() != s.stateDir || ctx.BpffsRoot() != s.bpffsRoot || ctx.RuntimeDir() != s.stateDir {
		t.Errorf("paths: %s %s %s", ctx.StateDir(), ctx.BpffsRoot(), ctx.RuntimeDir())
	}
	if ctx.ImageCacheDir() == "" || ctx.ConfigPath() == "" {
		t.Error("default paths are empty")
	}

	progs, err := ctx.LoadFile(bpfObj(t, "tracepoint_counter"), bpfman.LoadOptions{
		Programs:    []string{"tracepoint:count_getpid"},
		Metadata:    map[string]string{"owner": "go-test", "purpose": "lifecycle"},
		Application: "go-test",
	})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if len(progs) != 1 {
		t.Fatalf("load returned %d programs", len(progs))
	}
	p := progs[0]
	if p.Name != "count_getpid" || p.Type != bpfman.ProgramTypeTracepoint || !p.Managed || !p.KernelLoaded ||
		p.Application != "go-test" || p.Metadata["purpose"] != "lifecycle" || p.KernelTypeName != "tracepoint" ||
		len(p.Tag) != 16 || p.BytesXlated == 0 || len(p.MapIDs) == 0 || p.LoadedAt.Before(time.Now().Add(-time.Hour)) ||
		!strings.HasPrefix(p.PinPath, s.bpffsRoot) || p.Image != "" {
		t.Errorf("loaded program: %+v", p)
	}
	got, err := ctx.Program(p.ID)
	if err != nil || got.ID != p.ID || got.Name != p.Name || got.MapPinDir != p.MapPinDir {
		t.Fatalf("get: %+v %v", got, err)
	}

	list, err := ctx.Programs(&bpfman.ListOptions{Application: "go-test", Type: bpfman.ProgramTypeTracepoint,
		MatchMetadata: map[string]string{"owner": "go-test"}})
	if err != nil || len(list) != 1 || list[0].ID != p.ID {
		t.Fatalf("list: %v %v", list, err)
	}
	if list, err := ctx.Programs(&bpfman.ListOptions{Application: "someone-else"}); err != nil || len(list) != 0 {
		t.Fatalf("list of another application: %v %v", list, err)
	}
	if all, err := ctx.Programs(&bpfman.ListOptions{All: true}); err != nil || len(all) < 1 {
		t.Fatalf("list all: %d %v", len(all), err)
	}

	before := counter(t, &p)
	triggerGetpid(5)
	if c := counter(t, &p); c != before {
		t.Fatalf("counter moved before attach: %d -> %d", before, c)
	}
	link, err := ctx.Attach(p.ID, bpfman.AttachOptions{Tracepoint: getpidTP, Metadata: map[string]string{"k": "v"}})
	if err != nil {
		t.Fatalf("attach: %v", err)
	}
	l, err := ctx.Link(link)
	if err != nil || l.Tracepoint != getpidTP || l.ProgramID != p.ID || l.KernelLinkID == 0 ||
		l.Type != bpfman.ProgramTypeTracepoint || l.Metadata["k"] != "v" || l.Position != -1 {
		t.Fatalf("link: %+v %v", l, err)
	}
	links, err := ctx.Links(&bpfman.ListOptions{ProgramID: p.ID})
	if err != nil || len(links) != 1 || links[0].ID != link {
		t.Fatalf("links: %v %v", links, err)
	}
	if got, _ := ctx.Program(p.ID); len(got.LinkIDs) != 1 || got.LinkIDs[0] != link {
		t.Errorf("program's links: %v", got.LinkIDs)
	}
	triggerGetpid(10)
	during := counter(t, &p)
	if during < before+10 {
		t.Fatalf("counter %d -> %d after 10 getpid calls", before, during)
	}

	if err := ctx.Detach(link); err != nil {
		t.Fatalf("detach: %v", err)
	}
	during = counter(t, &p)
	triggerGetpid(10)
	if c := counter(t, &p); c != during {
		t.Fatalf("counter moved after detach: %d -> %d", during, c)
	}
	if _, err := ctx.Link(link); !errors.Is(err, bpfman.ErrNotFound) {
		t.Fatalf("link after detach: %v", err)
	}

	if err := ctx.Unload(p.ID, nil); err != nil {
		t.Fatalf("unload: %v", err)
	}
	if !kernelProgGone(ctx, p.ID) {
		t.Fatalf("program %d still in the kernel after unload", p.ID)
	}
	_, err = ctx.Program(p.ID)
	if !errors.Is(err, bpfman.ErrNotFound) || !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("get after unload: %v", err)
	}
}

func TestGlobalsAndMapSharing(t *testing.T) {
	s := newSandbox(t)
	ctx := s.open(t)
	owner, err := ctx.LoadFile(bpfObj(t, "tracepoint_counter"), bpfman.LoadOptions{
		Programs: []string{"tracepoint:count_getpid"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Unload(owner[0].ID, &bpfman.UnloadOptions{Force: true})
	user, err := ctx.LoadFile(bpfObj(t, "tracepoint_counter"), bpfman.LoadOptions{
		Programs:   []string{"tracepoint:count_getpid"},
		MapOwnerID: owner[0].ID,
	})
	if err != nil {
		t.Fatal(err)
	}
	if user[0].MapOwnerID != owner[0].ID || user[0].MapPinDir != owner[0].MapPinDir {
		t.Errorf("map sharing: owner %d dir %s, user owner %d dir %s", owner[0].ID, owner[0].MapPinDir,
			user[0].MapOwnerID, user[0].MapPinDir)
	}
	if err := ctx.Unload(user[0].ID, nil); err != nil {
		t.Fatal(err)
	}

	// Globals reach the program: it copies them into its `seen` map.
	g, err := ctx.LoadFile(bpfObj(t, "globals"), bpfman.LoadOptions{
		Programs: []string{"tracepoint:report_globals"},
		Globals:  map[string][]byte{"GLOBAL_u8": {0x2a}, "GLOBAL_u32": {0x78, 0x56, 0x34, 0x12}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Unload(g[0].ID, nil)
	if v := g[0].Globals["GLOBAL_u32"]; len(g[0].Globals) != 2 || len(v) != 4 || v[0] != 0x78 {
		t.Errorf("globals recorded: %v", g[0].Globals)
	}
	if _, err := ctx.Attach(g[0].ID, bpfman.AttachOptions{Tracepoint: getpidTP}); err != nil {
		t.Fatal(err)
	}
	triggerGetpid(1)
	m, err := ebpf.LoadPinnedMap(filepath.Join(g[0].MapPinDir, "seen"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var u8, u32 uint64
	if err := m.Lookup(uint32(0), &u8); err != nil {
		t.Fatal(err)
	}
	if err := m.Lookup(uint32(1), &u32); err != nil {
		t.Fatal(err)
	}
	if u8 != 0x2a || u32 != 0x12345678 {
		t.Errorf("the program saw GLOBAL_u8=%#x GLOBAL_u32=%#x", u8, u32)
	}
}

func TestErrorsCarryErrnoAndSentence(t *testing.T) {
	s := newSandbox(t)
	ctx := s.open(t)

	_, err := ctx.Program(4000000000)
	var e *bpfman.Error
	if !errors.As(err, &e) || e.Errno != syscall.ENOENT || e.Kind != bpfman.ErrKindNotFound || e.Op != "bpfman_program__get" || e.Message == "" {
		t.Errorf("get of an unknown program: %#v", err)
	}

	// A verifier rejection: *VerifierError with the verifier's own words,
	// and nothing left loaded.
	_, err = ctx.LoadFile(bpfObj(t, "bad_verifier"), bpfman.LoadOptions{Programs: []string{"tracepoint:unchecked_lookup"}})
	var verr *bpfman.VerifierError
	if !errors.As(err, &verr) {
		t.Fatalf("bad program: want a *VerifierError, got %#v", err)
	}
	if !strings.Contains(verr.Log, "map_value_or_null") || !strings.Contains(err.Error(), "the verifier rejected") {
		t.Errorf("verifier log: %q", verr.Log)
	}
	// The library's kind, not the errno, makes it a verifier error: the
	// kernel answers EACCES for a missing capability too.
	if !errors.Is(err, bpfman.ErrVerifier) || verr.Err.Kind != bpfman.ErrKindVerifier ||
		errors.Is(err, bpfman.ErrPermission) || !errors.Is(err, verr.Err.Errno) {
		t.Errorf("verifier error kind: kind %v errno %v", verr.Err.Kind, verr.Err.Errno)
	}
	if list, _ := ctx.Programs(nil); len(list) != 0 {
		t.Errorf("a refused load left %d programs", len(list))
	}

	// Bad input: a clear sentence naming the problem.
	progs, err := ctx.LoadFile(bpfObj(t, "tracepoint_counter"), bpfman.LoadOptions{Programs: []string{"tracepoint:count_getpid"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Unload(progs[0].ID, nil)
	_, err = ctx.Attach(progs[0].ID, bpfman.AttachOptions{Tracepoint: "no_such_group/no_such_event"})
	if err == nil || !strings.Contains(err.Error(), "no_such_group/no_such_event") {
		t.Errorf("attach to a missing tracepoint: %v", err)
	}
	if _, err := ctx.Programs(&bpfman.ListOptions{KernelType: "not-a-type"}); !errors.Is(err, bpfman.ErrInvalid) {
		t.Errorf("list with an unknown kernel type: %v", err)
	}
	if _, err := ctx.LoadFile("/nonexistent/x.bpf.o", bpfman.LoadOptions{Programs: []string{"tracepoint:x"}}); err == nil ||
		!strings.Contains(err.Error(), "/nonexistent/x.bpf.o") {
		t.Errorf("load of a missing file: %v", err)
	}

	// A closed context says so instead of crashing.
	ctx2 := s.open(t)
	ctx2.Close()
	if _, err := ctx2.Programs(nil); !errors.Is(err, bpfman.ErrClosed) {
		t.Errorf("closed context: %v", err)
	}
	if ctx2.Close() != nil || ctx2.StateDir() != "" {
		t.Error("second Close or accessor after Close")
	}
}

// One Context shared by goroutines (the binding serialises), and several
// Contexts on one state directory at once (the library's contract); run
// under -race.
func TestGoroutines(t *testing.T) {
	s := newSandbox(t)
	shared := s.open(t)
	obj := bpfObj(t, "tracepoint_counter")
	cycle := func(ctx *bpfman.Context, app string) error {
		progs, err := ctx.LoadFile(obj, bpfman.LoadOptions{Programs: []string{"tracepoint:count_getpid"}, Application: app})
		if err != nil {
			return err
		}
		id := progs[0].ID
		link, err := ctx.Attach(id, bpfman.AttachOptions{Tracepoint: getpidTP})
		if err != nil {
			return err
		}
		mine, err := ctx.Programs(&bpfman.ListOptions{Application: app})
		if err != nil {
			return err
		}
		if len(mine) != 1 || mine[0].ID != id {
			return fmt.Errorf("%s: list shows %d programs", app, len(mine))
		}
		if _, err := ctx.Link(link); err != nil {
			return err
		}
		if err := ctx.Detach(link); err != nil {
			return err
		}
		return ctx.Unload(id, nil)
	}
	// More of both for a stress run (tests/vm/repeat-go.sh).
	workers, rounds := envInt(t, "BPFMAN_TEST_GOROUTINES", 8), envInt(t, "BPFMAN_TEST_GOROUTINE_ROUNDS", 3)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ctx := shared
			if i%2 == 1 { // half the goroutines bring their own context
				c, err := bpfman.New(s.options())
				if err != nil {
					errs <- err
					return
				}
				defer c.Close()
				ctx = c
			}
			for c := 0; c < rounds; c++ {
				if err := cycle(ctx, fmt.Sprintf("goroutine-%d", i)); err != nil {
					errs <- fmt.Errorf("goroutine %d: %w", i, err)
					return
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if list, err := shared.Programs(nil); err != nil || len(list) != 0 {
		t.Errorf("left loaded: %d %v", len(list), err)
	}
}

func TestLogCallback(t *testing.T) {
	s := newSandbox(t)
	ctx := s.open(t)
	var mu sync.Mutex
	var msgs []string
	ctx.SetLog(func(level bpfman.LogLevel, msg string) {
		mu.Lock()
		msgs = append(msgs, msg)
		mu.Unlock()
	}, bpfman.LogDebug)
	progs, err := ctx.LoadFile(bpfObj(t, "tracepoint_counter"), bpfman.LoadOptions{Programs: []string{"tracepoint:count_getpid"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx.SetLog(nil, bpfman.LogError)
	mu.Lock()
	n := len(msgs)
	mu.Unlock()
	if n == 0 {
		t.Error("no debug message reached the Go log function during a load")
	}
	if err := ctx.Unload(progs[0].ID, nil); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(msgs) != n {
		t.Errorf("messages arrived after the log function was removed")
	}
}

func TestReconcileRestore(t *testing.T) {
	s := newSandbox(t)
	ctx := s.open(t)
	progs, err := ctx.LoadFile(bpfObj(t, "tracepoint_counter"), bpfman.LoadOptions{Programs: []string{"tracepoint:count_getpid"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Unload(progs[0].ID, nil)
	// What bpfman_ctx_new reconciled is consistent: nothing to repair.
	rep, err := ctx.Reconcile()
	if err != nil || rep.Failures != 0 || len(rep.Items) != 0 {
		t.Fatalf("reconcile: %+v %v", rep, err)
	}
	rep, err = ctx.Restore()
	if err != nil || rep.Failures != 0 {
		t.Fatalf("restore with everything in the kernel: %+v %v", rep, err)
	}
	for _, it := range rep.Items {
		if it.Errno != 0 {
			t.Errorf("restore item failed: %+v", it)
		}
	}
	if p, err := ctx.Program(progs[0].ID); err != nil || !p.KernelLoaded {
		t.Errorf("program after reconcile/restore: %v", err)
	}
}
