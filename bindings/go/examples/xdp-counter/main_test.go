// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer collects the example's log lines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var packetsRe = regexp.MustCompile(`(\d+) packets received`)

// lastPackets is the last "N packets received" the example logged, or -1.
func lastPackets(s string) int {
	m := packetsRe.FindAllStringSubmatch(s, -1)
	if len(m) == 0 {
		return -1
	}
	n, _ := strconv.Atoi(m[len(m)-1][1])
	return n
}

func sh(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
}

// The example alone on a veth (this host attaches one XDP program per
// interface): it counts the pings that reach it, and on SIGINT unloads and
// leaves nothing pinned.
func TestCountsPingsAndUnloads(t *testing.T) {
	obj := os.Getenv("GO_XDP_COUNTER_OBJ")
	if obj == "" {
		obj = "../../../../build/bindings/go/xdp_counter.bpf.o"
	}
	if _, err := os.Stat(obj); err != nil {
		t.Fatalf("the example's BPF object is missing (ninja -C build builds it): %v", err)
	}
	pid := os.Getpid()
	ns, hostIf, peerIf := fmt.Sprintf("gxc%d", pid), fmt.Sprintf("gxch%d", pid), fmt.Sprintf("gxcp%d", pid)
	subnet := fmt.Sprintf("10.233.%d", pid%200+20)
	t.Cleanup(func() {
		exec.Command("ip", "link", "del", hostIf).Run()
		exec.Command("ip", "netns", "del", ns).Run()
	})
	sh(t, "ip", "netns", "add", ns)
	sh(t, "ip", "link", "add", "name", hostIf, "type", "veth", "peer", "name", peerIf, "netns", ns)
	sh(t, "ip", "addr", "add", subnet+".1/24", "dev", hostIf)
	sh(t, "ip", "link", "set", "dev", hostIf, "up")
	sh(t, "ip", "-n", ns, "addr", "add", subnet+".2/24", "dev", peerIf)
	sh(t, "ip", "-n", ns, "link", "set", "dev", peerIf, "up")

	stateDir := t.TempDir()
	bpffsRoot := fmt.Sprintf("/sys/fs/bpf/bpfman-test-goexample-%d", pid)
	defer os.RemoveAll(bpffsRoot)

	var out syncBuffer
	log.SetOutput(&out)
	defer log.SetOutput(os.Stderr)
	done := make(chan error, 1)
	go func() {
		done <- run(peerIf, "/var/run/netns/"+ns, 55, obj, 200*time.Millisecond, stateDir, bpffsRoot)
	}()

	deadline := time.Now().Add(20 * time.Second)
	for lastPackets(out.String()) < 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no count logged in 20 s:\n%s", out.String())
		}
		select {
		case err := <-done:
			t.Fatalf("the example ended early: %v\n%s", err, out.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	start := lastPackets(out.String())
	sh(t, "ping", "-q", "-c", "20", "-i", "0.01", "-W", "1", subnet+".2")
	for lastPackets(out.String()) < start+20 {
		if time.Now().After(deadline) {
			t.Fatalf("the count did not grow by the 20 pings (from %d):\n%s", start, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !regexp.MustCompile(`[1-9]\d* bytes received`).MatchString(out.String()) {
		t.Errorf("no byte count logged:\n%s", out.String())
	}

	syscall.Kill(os.Getpid(), syscall.SIGINT)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the example failed: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the example did not stop on SIGINT")
	}
	if !regexp.MustCompile(`unloaded program \d+`).MatchString(out.String()) {
		t.Errorf("no unload logged:\n%s", out.String())
	}
	var pins []string
	filepath.Walk(bpffsRoot, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			pins = append(pins, p)
		}
		return nil
	})
	if len(pins) > 0 {
		t.Errorf("pins left after SIGINT: %v", pins)
	}
	if out, _ := exec.Command("ip", "-n", ns, "link", "show", "dev", peerIf).CombinedOutput(); bytes.Contains(out, []byte("xdp")) {
		t.Errorf("an XDP program is still on %s:\n%s", peerIf, out)
	}
}
