// SPDX-License-Identifier: Apache-2.0

package bpfman_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/cilium/ebpf"

	bpfman "github.com/libbpfman/libbpfman/bindings/go"
)

// The test BPF objects meson builds (tests/bpf); the suite script sets
// BPF_OBJ_DIR, a plain `go test` in this directory finds ../../build.
func bpfObj(t testing.TB, name string) string {
	dir := os.Getenv("BPF_OBJ_DIR")
	if dir == "" {
		dir = "../../build/tests/bpf"
	}
	p, err := filepath.Abs(filepath.Join(dir, name+".bpf.o"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("test BPF object missing (build with ninja -C build first): %v", err)
	}
	return p
}

var sandboxes atomic.Int32

// sandbox is an isolated state dir and bpffs root, removed at the end of
// the test, which fails if any pin is left.
type sandbox struct {
	stateDir, bpffsRoot string
}

func newSandbox(t testing.TB) sandbox {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("the Go binding tests load real programs and need root")
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs("/sys/fs/bpf", &st); err != nil || st.Type != 0xcafe4a11 {
		t.Fatal("/sys/fs/bpf is not a bpf file system; mount one with 'mount -t bpf bpf /sys/fs/bpf'")
	}
	s := sandbox{
		stateDir:  t.TempDir(),
		bpffsRoot: fmt.Sprintf("/sys/fs/bpf/bpfman-test-go-%d-%d", os.Getpid(), sandboxes.Add(1)),
	}
	t.Cleanup(func() {
		var pins []string
		filepath.Walk(s.bpffsRoot, func(p string, info os.FileInfo, err error) error {
			// owner is the root's claim by the state directory, not a
			// pin (doc/safety.md).
			if err == nil && !info.IsDir() && p != filepath.Join(s.bpffsRoot, "owner") {
				pins = append(pins, p)
			}
			return nil
		})
		os.RemoveAll(s.bpffsRoot)
		if len(pins) > 0 {
			t.Errorf("pins left behind: %v", pins)
		}
	})
	return s
}

func (s sandbox) options() *bpfman.Options {
	return &bpfman.Options{StateDir: s.stateDir, BpffsRoot: s.bpffsRoot, RuntimeDir: s.stateDir}
}

// open opens a context on the sandbox, closed at the end of the test.
func (s sandbox) open(t testing.TB) *bpfman.Context {
	t.Helper()
	ctx, err := bpfman.New(s.options())
	if err != nil {
		t.Fatalf("bpfman.New: %v", err)
	}
	t.Cleanup(func() { ctx.Close() })
	return ctx
}

// counter reads slot 0 of a program's pinned one-slot `counter` array
// (tests/bpf/counter.h) through the kernel, not through the binding.
func counter(t testing.TB, p *bpfman.Program) uint64 {
	t.Helper()
	m, err := ebpf.LoadPinnedMap(filepath.Join(p.MapPinDir, "counter"), nil)
	if err != nil {
		t.Fatalf("open pinned counter map of program %d: %v", p.ID, err)
	}
	defer m.Close()
	var v uint64
	if err := m.Lookup(uint32(0), &v); err != nil {
		t.Fatalf("lookup counter: %v", err)
	}
	return v
}

// requireAll: in the VM (BPFMAN_TEST_REQUIRE_ALL) a missing kernel feature
// is a failure; on the host the scenario is skipped loudly (it runs in the
// VM batch).
func skipOrFail(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("BPFMAN_TEST_REQUIRE_ALL") != "" {
		t.Fatalf("%s (BPFMAN_TEST_REQUIRE_ALL is set: every scenario must run here)", why)
	}
	t.Skipf("*** SKIP: %s. This scenario runs in the VM tier instead. ***", why)
}

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// netenv is a private network namespace with a veth pair: hostIf in ours
// (10.232.N.1), peerIf in the namespace (10.232.N.2).
type netenv struct {
	ns, nsPath, hostIf, peerIf, peerIP string
}

func newNetenv(t testing.TB) netenv {
	t.Helper()
	n := os.Getpid()%200 + 20
	e := netenv{
		ns:     fmt.Sprintf("bpfgo%d", os.Getpid()),
		hostIf: fmt.Sprintf("bgoh%d", os.Getpid()),
		peerIf: fmt.Sprintf("bgop%d", os.Getpid()),
		peerIP: fmt.Sprintf("10.232.%d.2", n),
	}
	e.nsPath = "/var/run/netns/" + e.ns
	t.Cleanup(func() {
		exec.Command("ip", "link", "del", e.hostIf).Run()
		exec.Command("ip", "netns", "del", e.ns).Run()
	})
	run(t, "ip", "netns", "add", e.ns)
	run(t, "ip", "link", "add", "name", e.hostIf, "type", "veth", "peer", "name", e.peerIf, "netns", e.ns)
	run(t, "ip", "addr", "add", fmt.Sprintf("10.232.%d.1/24", n), "dev", e.hostIf)
	run(t, "ip", "link", "set", "dev", e.hostIf, "up")
	run(t, "ip", "-n", e.ns, "addr", "add", e.peerIP+"/24", "dev", e.peerIf)
	run(t, "ip", "-n", e.ns, "link", "set", "dev", e.peerIf, "up")
	run(t, "ip", "-n", e.ns, "link", "set", "dev", "lo", "up")
	return e
}

// ping sends n pings to the peer and returns how many were answered.
func (e netenv) ping(n int) int {
	out, _ := exec.Command("ping", "-q", "-c", fmt.Sprint(n), "-i", "0.01", "-W", "1", e.peerIP).CombinedOutput()
	var sent, recv int
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "packets transmitted") {
			fmt.Sscanf(line, "%d packets transmitted, %d received", &sent, &recv)
		}
	}
	return recv
}

// envInt reads a positive count from the environment (a stress knob), or
// returns def when the variable is unset.
func envInt(t testing.TB, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive whole number", name, v)
	}
	return n
}
