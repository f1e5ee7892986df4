// SPDX-License-Identifier: Apache-2.0

// bench/daemon.sh's driver of a bpfman.v1 server (bpfmand, or bpfman's own
// bpfman-rpc) through bpfman's published Go client
// (github.com/bpfman/bpfman/clients/gobpfman/v1 at v0.6.0, as the daemon
// tests use it), on one kept unix-socket connection.
//
//	goload load-attach SOCKET TRACEPOINT_OBJECT ITERATIONS
//	    prints "load-attach ITERATIONS MEDIAN_MICROSECONDS": each iteration
//	    loads a tracepoint program and attaches it (timed), then detaches
//	    and unloads it (not timed: the kernel's link teardown would drown
//	    the comparison). A sentinel program of the same object stays
//	    loaded meanwhile, as in bench/lifecycle_inproc, so no iteration
//	    re-copies and fsyncs the bytecode. One untimed warm-up iteration
//	    comes first.
//	goload load-many SOCKET TRACEPOINT_OBJECT COUNT
//	    loads COUNT programs and prints their IDs, one a line.
//	goload unload-all SOCKET
//	    unloads every program the server manages.
//	goload count SOCKET
//	    prints how many programs the server manages (List).
//	goload list SOCKET COUNT ITERATIONS
//	    prints "list ITERATIONS P50_MICROSECONDS P99_MICROSECONDS" of List
//	    (bpfman_programs_only), each reply checked to hold COUNT programs;
//	    decoding into gobpfman's generated types is inside the time.
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

type client struct {
	c   gobpfman.BpfmanClient
	ctx context.Context
	obj string
}

func (cl *client) load() uint32 {
	lr, err := cl.c.Load(cl.ctx, &gobpfman.LoadRequest{
		Bytecode: &gobpfman.BytecodeLocation{Location: &gobpfman.BytecodeLocation_File{File: cl.obj}},
		Info:     []*gobpfman.LoadInfo{{Name: "count_getpid", ProgramType: gobpfman.BpfmanProgramType_TRACEPOINT}},
	})
	if err != nil {
		fail("Load: %v", err)
	}
	return lr.Programs[0].KernelInfo.Id
}

func (cl *client) unload(id uint32) {
	if _, err := cl.c.Unload(cl.ctx, &gobpfman.UnloadRequest{Id: id}); err != nil {
		fail("Unload %d: %v", id, err)
	}
}

func (cl *client) managed() []uint32 {
	only := true
	r, err := cl.c.List(cl.ctx, &gobpfman.ListRequest{BpfmanProgramsOnly: &only})
	if err != nil {
		fail("List: %v", err)
	}
	ids := []uint32{}
	for _, p := range r.Results {
		ids = append(ids, p.KernelInfo.Id)
	}
	return ids
}

func (cl *client) loadAttach(n int) {
	cl.managed() // opens the connection, untimed
	sentinel := cl.load()
	times := make([]float64, 0, n)
	// Iteration -1 is a warm-up, not timed, as in bench/lifecycle_inproc.
	for i := -1; i < n; i++ {
		t0 := time.Now()
		id := cl.load()
		ar, err := cl.c.Attach(cl.ctx, &gobpfman.AttachRequest{Id: id, Attach: &gobpfman.AttachInfo{
			Info: &gobpfman.AttachInfo_TracepointAttachInfo{
				TracepointAttachInfo: &gobpfman.TracepointAttachInfo{Tracepoint: "syscalls/sys_enter_getpid"}}}})
		if err != nil {
			fail("Attach: %v", err)
		}
		if i >= 0 {
			times = append(times, float64(time.Since(t0).Microseconds()))
		}
		if _, err := cl.c.Detach(cl.ctx, &gobpfman.DetachRequest{LinkId: ar.LinkId}); err != nil {
			fail("Detach: %v", err)
		}
		cl.unload(id)
	}
	cl.unload(sentinel)
	sort.Float64s(times)
	fmt.Printf("load-attach %d %.1f\n", n, times[n/2])
}

func main() {
	if len(os.Args) < 3 {
		fail("usage: goload load-attach|load-many SOCKET OBJECT N, or goload unload-all|count SOCKET")
	}
	conn, err := grpc.NewClient("unix://"+os.Args[2],
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fail("dial: %v", err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 1800*time.Second)
	defer cancel()
	cl := &client{c: gobpfman.NewBpfmanClient(conn), ctx: ctx}
	switch os.Args[1] {
	case "unload-all":
		for _, id := range cl.managed() {
			cl.unload(id)
		}
		return
	case "count":
		fmt.Println(len(cl.managed()))
		return
	case "list":
		if len(os.Args) != 5 {
			fail("usage: goload list SOCKET COUNT ITERATIONS")
		}
		want, err1 := strconv.Atoi(os.Args[3])
		n, err2 := strconv.Atoi(os.Args[4])
		if err1 != nil || err2 != nil || n < 1 {
			fail("COUNT and ITERATIONS must be numbers")
		}
		cl.managed() // opens the connection, untimed
		times := make([]float64, 0, n)
		for i := 0; i < n; i++ {
			t0 := time.Now()
			got := len(cl.managed())
			if i >= 0 {
			times = append(times, float64(time.Since(t0).Microseconds()))
		}
			if got != want {
				fail("List returned %d programs, expected %d", got, want)
			}
		}
		sort.Float64s(times)
		fmt.Printf("list %d %.1f %.1f\n", n, times[n/2], times[(n*99)/100])
		return
	}
	if len(os.Args) != 5 {
		fail("usage: goload %s SOCKET OBJECT N", os.Args[1])
	}
	cl.obj = os.Args[3]
	n, err := strconv.Atoi(os.Args[4])
	if err != nil || n < 1 {
		fail("N must be a positive number, not %q", os.Args[4])
	}
	switch os.Args[1] {
	case "load-attach":
		cl.loadAttach(n)
	case "load-many":
		for i := 0; i < n; i++ {
			fmt.Println(cl.load())
		}
	default:
		fail("unknown mode %q: load-attach, load-many or unload-all", os.Args[1])
	}
}
