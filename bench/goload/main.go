// SPDX-License-Identifier: Apache-2.0

// Load+Attach through bpfmand with bpfman's own published Go client
// (github.com/bpfman/bpfman/clients/gobpfman/v1 at v0.6.0, as the daemon
// tests use it) on one kept unix-socket connection: the daemon side of
// bench/daemon.sh's Load+Attach ratio. Each iteration loads a tracepoint
// program and attaches it (timed), then detaches and unloads it (not
// timed: the kernel's link teardown would drown the comparison).
//
// usage: goload SOCKET TRACEPOINT_OBJECT ITERATIONS
// prints: load-attach ITERATIONS MEDIAN_MICROSECONDS
package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"time"

	gobpfman "github.com/bpfman/bpfman/clients/gobpfman/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "goload: "+format+"\n", a...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 4 {
		fail("usage: goload SOCKET TRACEPOINT_OBJECT ITERATIONS")
	}
	n, err := strconv.Atoi(os.Args[3])
	if err != nil || n < 1 {
		fail("ITERATIONS must be a positive number, not %q", os.Args[3])
	}
	conn, err := grpc.NewClient("unix://"+os.Args[1],
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fail("dial: %v", err)
	}
	defer conn.Close()
	c := gobpfman.NewBpfmanClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Second)
	defer cancel()
	// One untimed call opens the connection.
	if _, err := c.List(ctx, &gobpfman.ListRequest{}); err != nil {
		fail("List: %v", err)
	}
	times := make([]float64, 0, n)
	for i := 0; i < n; i++ {
		t0 := time.Now()
		lr, err := c.Load(ctx, &gobpfman.LoadRequest{
			Bytecode: &gobpfman.BytecodeLocation{Location: &gobpfman.BytecodeLocation_File{File: os.Args[2]}},
			Info:     []*gobpfman.LoadInfo{{Name: "count_getpid", ProgramType: gobpfman.BpfmanProgramType_TRACEPOINT}},
		})
		if err != nil {
			fail("Load: %v", err)
		}
		id := lr.Programs[0].KernelInfo.Id
		ar, err := c.Attach(ctx, &gobpfman.AttachRequest{Id: id, Attach: &gobpfman.AttachInfo{
			Info: &gobpfman.AttachInfo_TracepointAttachInfo{
				TracepointAttachInfo: &gobpfman.TracepointAttachInfo{Tracepoint: "syscalls/sys_enter_getpid"}}}})
		if err != nil {
			fail("Attach: %v", err)
		}
		times = append(times, float64(time.Since(t0).Microseconds()))
		if _, err := c.Detach(ctx, &gobpfman.DetachRequest{LinkId: ar.LinkId}); err != nil {
			fail("Detach: %v", err)
		}
		if _, err := c.Unload(ctx, &gobpfman.UnloadRequest{Id: id}); err != nil {
			fail("Unload: %v", err)
		}
	}
	sort.Float64s(times)
	fmt.Printf("load-attach %d %.1f\n", n, times[n/2])
}
