// SPDX-License-Identifier: Apache-2.0

package bpfman_test

import (
	"slices"
	"testing"

	bpfman "github.com/libbpfman/libbpfman/bindings/go"
)

func TestMapUsedBy(t *testing.T) {
	s := newSandbox(t)
	ctx := s.open(t)
	obj := bpfObj(t, "tracepoint_counter")
	sel := []string{"tracepoint:count_getpid"}
	owner, err := ctx.LoadFile(obj, bpfman.LoadOptions{Programs: sel})
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Unload(owner[0].ID, &bpfman.UnloadOptions{Force: true})
	user, err := ctx.LoadFile(obj, bpfman.LoadOptions{Programs: sel, MapOwnerID: owner[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Unload(user[0].ID, nil)
	alone, err := ctx.LoadFile(obj, bpfman.LoadOptions{Programs: sel})
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Unload(alone[0].ID, nil)

	want := []uint32{owner[0].ID, user[0].ID}
	slices.Sort(want)
	for _, id := range want {
		got, err := ctx.MapUsedBy(id)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("MapUsedBy(%d) = %v, %v; want %v", id, got, err, want)
		}
	}
	if got, err := ctx.MapUsedBy(alone[0].ID); err != nil || !slices.Equal(got, []uint32{alone[0].ID}) {
		t.Errorf("MapUsedBy of a program with its own maps = %v, %v", got, err)
	}
	if got, err := ctx.MapUsedBy(4000000000); err != nil || len(got) != 0 {
		t.Errorf("MapUsedBy of an unmanaged id = %v, %v; want empty", got, err)
	}

	// Once the user is gone the owner's maps are its own again.
	if err := ctx.Unload(user[0].ID, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := ctx.MapUsedBy(owner[0].ID); err != nil || !slices.Equal(got, []uint32{owner[0].ID}) {
		t.Errorf("MapUsedBy after the user's unload = %v, %v", got, err)
	}
}
