// SPDX-License-Identifier: Apache-2.0

package bpfman_test

import (
	"slices"
	"testing"

	bpfman "github.com/libbpfman/libbpfman/bindings/go"
)

// ListOptions.Owner (bpfman_list_opts.owner): exact match, a pointer to ""
// the programs without an owner, nil any; links by their program's owner.
func TestListByOwner(t *testing.T) {
	s := newSandbox(t)
	ctx := s.open(t)
	obj := bpfObj(t, "tracepoint_counter")
	load := func(owner string) uint32 {
		t.Helper()
		p, err := ctx.LoadFile(obj, bpfman.LoadOptions{Programs: []string{"tracepoint:count_getpid"}, Owner: owner})
		if err != nil {
			t.Fatal(err)
		}
		id := p[0].ID
		t.Cleanup(func() { ctx.Unload(id, nil) })
		return id
	}
	a1, app, a2, none := load("uid:4242"), load("cert:/CN=app"), load("uid:4242"), load("")
	links := map[uint32]uint64{}
	for _, id := range []uint32{a1, app, a2, none} {
		l, err := ctx.Attach(id, bpfman.AttachOptions{Tracepoint: getpidTP})
		if err != nil {
			t.Fatal(err)
		}
		links[id] = l
	}
	str := func(s string) *string { return &s }
	progIDs := func(o *bpfman.ListOptions) []uint32 {
		t.Helper()
		ps, err := ctx.Programs(o)
		if err != nil {
			t.Fatal(err)
		}
		ids := []uint32{}
		for _, p := range ps {
			ids = append(ids, p.ID)
		}
		return ids
	}
	linkIDs := func(o *bpfman.ListOptions) []uint64 {
		t.Helper()
		ls, err := ctx.Links(o)
		if err != nil {
			t.Fatal(err)
		}
		ids := []uint64{}
		for _, l := range ls {
			ids = append(ids, l.ID)
		}
		slices.Sort(ids)
		return ids
	}
	sorted := func(v ...uint32) []uint32 { slices.Sort(v); return v }
	for _, c := range []struct {
		owner *string
		all   bool
		want  []uint32
	}{
		{str("uid:4242"), false, sorted(a1, a2)},
		{str("cert:/CN=app"), false, []uint32{app}},
		{str(""), false, []uint32{none}},
		{str(""), true, []uint32{none}},
		{str("uid:424"), false, []uint32{}},
		{str("UID:4242"), false, []uint32{}},
		{nil, false, sorted(a1, app, a2, none)},
	} {
		if got := progIDs(&bpfman.ListOptions{Owner: c.owner, All: c.all}); !slices.Equal(got, c.want) {
			name := "nil"
			if c.owner != nil {
				name = "\"" + *c.owner + "\""
			}
			t.Errorf("Programs(Owner %s, All %v) = %v; want %v", name, c.all, got, c.want)
		}
	}
	wantA := []uint64{links[a1], links[a2]}
	slices.Sort(wantA)
	if got := linkIDs(&bpfman.ListOptions{Owner: str("uid:4242")}); !slices.Equal(got, wantA) {
		t.Errorf("Links(Owner uid:4242) = %v; want %v", got, wantA)
	}
	if got := linkIDs(&bpfman.ListOptions{Owner: str("")}); !slices.Equal(got, []uint64{links[none]}) {
		t.Errorf("Links(Owner \"\") = %v; want %v", got, []uint64{links[none]})
	}
	if got := linkIDs(&bpfman.ListOptions{Owner: str("uid:1")}); len(got) != 0 {
		t.Errorf("Links(Owner uid:1) = %v; want none", got)
	}
}
