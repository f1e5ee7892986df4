// SPDX-License-Identifier: Apache-2.0

// A client written against bpfman's own published Go client
// (github.com/bpfman/bpfman/clients/gobpfman/v1 at v0.6.0), unchanged,
// driving bpfmand over its unix socket: load, attach, list, get, detach,
// unload of a tracepoint program. Exits 1 with a sentence on any mismatch.
//
// usage: goclient SOCKET TRACEPOINT_OBJECT
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	gobpfman "github.com/bpfman/bpfman/clients/gobpfman/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "FAIL: "+format+"\n", a...)
	os.Exit(1)
}

func listed(c gobpfman.BpfmanClient, ctx context.Context, id uint32, req *gobpfman.ListRequest) bool {
	r, err := c.List(ctx, req)
	if err != nil {
		fail("List: %v", err)
	}
	for _, p := range r.Results {
		if p.KernelInfo.Id == id {
			return true
		}
	}
	return false
}

func main() {
	if len(os.Args) != 3 {
		fail("usage: goclient SOCKET TRACEPOINT_OBJECT")
	}
	conn, err := grpc.NewClient("unix://"+os.Args[1],
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fail("dial: %v", err)
	}
	defer conn.Close()
	c := gobpfman.NewBpfmanClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	lr, err := c.Load(ctx, &gobpfman.LoadRequest{
		Bytecode: &gobpfman.BytecodeLocation{Location: &gobpfman.BytecodeLocation_File{File: os.Args[2]}},
		Info:     []*gobpfman.LoadInfo{{Name: "count_getpid", ProgramType: gobpfman.BpfmanProgramType_TRACEPOINT}},
		Metadata: map[string]string{"client": "gobpfman"},
	})
	if err != nil {
		fail("Load: %v", err)
	}
	if len(lr.Programs) != 1 || lr.Programs[0].Info.Name != "count_getpid" {
		fail("Load returned %v", lr.Programs)
	}
	id := lr.Programs[0].KernelInfo.Id

	ar, err := c.Attach(ctx, &gobpfman.AttachRequest{Id: id, Attach: &gobpfman.AttachInfo{
		Info: &gobpfman.AttachInfo_TracepointAttachInfo{
			TracepointAttachInfo: &gobpfman.TracepointAttachInfo{Tracepoint: "syscalls/sys_enter_getpid"}}}})
	if err != nil {
		fail("Attach: %v", err)
	}

	only := true
	if !listed(c, ctx, id, &gobpfman.ListRequest{BpfmanProgramsOnly: &only,
		MatchMetadata: map[string]string{"client": "gobpfman"}}) {
		fail("List does not show program %d", id)
	}
	gr, err := c.Get(ctx, &gobpfman.GetRequest{Id: id})
	if err != nil {
		fail("Get: %v", err)
	}
	if gr.Info == nil || len(gr.Info.Links) != 1 || gr.Info.Links[0] != ar.LinkId {
		fail("Get: links %v, expected [%d]", gr.GetInfo().GetLinks(), ar.LinkId)
	}
	if gr.Info.Metadata["client"] != "gobpfman" {
		fail("Get: metadata %v", gr.Info.Metadata)
	}

	if _, err := c.Detach(ctx, &gobpfman.DetachRequest{LinkId: ar.LinkId}); err != nil {
		fail("Detach: %v", err)
	}
	if _, err := c.Unload(ctx, &gobpfman.UnloadRequest{Id: id}); err != nil {
		fail("Unload: %v", err)
	}
	_, err = c.Get(ctx, &gobpfman.GetRequest{Id: id})
	if status.Code(err) != codes.NotFound {
		fail("Get after Unload: expected NotFound, got %v", err)
	}
	fmt.Printf("ok: gobpfman v0.6.0 loaded, attached, listed, got, detached and unloaded program %d (link %d)\n", id, ar.LinkId)
}
