// SPDX-License-Identifier: Apache-2.0

package bpfman_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	bpfman "github.com/libbpfman/libbpfman/bindings/go"
)

// withConfig opens a context on the sandbox whose config file holds yaml.
func (s sandbox) withConfig(t *testing.T, yaml string) *bpfman.Context {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "bpfman.yaml")
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	o := s.options()
	o.ConfigPath = cfg
	ctx, err := bpfman.New(o)
	if err != nil {
		t.Fatalf("bpfman.New with %s: %v", cfg, err)
	}
	t.Cleanup(func() { ctx.Close() })
	return ctx
}

func TestAuthorize(t *testing.T) {
	s := newSandbox(t)
	ctx := s.withConfig(t, `authorization:
  rules:
    - name: readers
      uid: 65534
      role: read
    - name: xdp-app
      cert_san: "URI:spiffe://example/xdp-app"
      role: operate
      program_types: [xdp]
      interfaces: [eth0]
      images: ["quay.io/example/"]
    - gid: 4242
      role: operate
`)
	nobody := bpfman.Identity{UnixCred: true, UID: 65534, GID: 65534}
	role, err := ctx.Authorize(nobody, bpfman.AuthzRequest{Operation: "List", Role: bpfman.RoleRead})
	if err != nil || role != bpfman.RoleRead {
		t.Errorf("readers may List: role %v, %v", role, err)
	}
	_, err = ctx.Authorize(nobody, bpfman.AuthzRequest{Operation: "Load", Role: bpfman.RoleOperate, Type: bpfman.ProgramTypeXDP})
	var e *bpfman.Error
	if !errors.Is(err, bpfman.ErrPermission) || !errors.Is(err, syscall.EACCES) || !errors.As(err, &e) ||
		e.Kind != bpfman.ErrKindPermission || e.Op != "bpfman_authorize" {
		t.Fatalf("readers may not Load: %#v", err)
	}
	for _, want := range []string{"uid 65534", "Load", "'readers'", "role read"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not name %q", err.Error(), want)
		}
	}

	// A certificate's SAN picks its rule; the limits hold for operate.
	app := bpfman.Identity{CertSubject: "/CN=xdp-app/O=example", CertSANs: []string{"DNS:app.example", "URI:spiffe://example/xdp-app"}}
	role, err = ctx.Authorize(app, bpfman.AuthzRequest{Operation: "Attach", Role: bpfman.RoleOperate, Type: bpfman.ProgramTypeXDP, Iface: "eth0"})
	if err != nil || role != bpfman.RoleOperate {
		t.Errorf("xdp-app may attach xdp on eth0: role %v, %v", role, err)
	}
	for _, req := range []bpfman.AuthzRequest{
		{Operation: "Attach", Role: bpfman.RoleOperate, Type: bpfman.ProgramTypeXDP, Iface: "eth1"},
		{Operation: "Load", Role: bpfman.RoleOperate, Type: bpfman.ProgramTypeTracepoint},
		{Operation: "PullBytecode", Role: bpfman.RoleOperate, Image: "quay.io/other/prog:v1"},
		{Operation: "Reconcile", Role: bpfman.RoleAdmin},
	} {
		if _, err := ctx.Authorize(app, req); !errors.Is(err, bpfman.ErrPermission) || !strings.Contains(err.Error(), req.Operation) {
			t.Errorf("xdp-app %+v: want a refusal naming the operation, got %v", req, err)
		}
	}

	// A supplementary group matches a gid rule; without a rule root is
	// admin and a stranger is refused.
	member := bpfman.Identity{UnixCred: true, UID: 5000, GID: 5000, Groups: []uint32{100, 4242}}
	if role, err := ctx.Authorize(member, bpfman.AuthzRequest{Operation: "Unload", Role: bpfman.RoleOperate}); err != nil || role != bpfman.RoleOperate {
		t.Errorf("group 4242 may Unload: role %v, %v", role, err)
	}
	root := bpfman.Identity{UnixCred: true}
	if role, err := ctx.Authorize(root, bpfman.AuthzRequest{Operation: "Load", Role: bpfman.RoleOperate}); err != nil || role != bpfman.RoleAdmin {
		t.Errorf("root is admin by default: role %v, %v", role, err)
	}
	stranger := bpfman.Identity{UnixCred: true, UID: 5001, GID: 5001}
	if _, err := ctx.Authorize(stranger, bpfman.AuthzRequest{Operation: "List", Role: bpfman.RoleRead}); !errors.Is(err, bpfman.ErrPermission) {
		t.Errorf("a stranger is refused: %v", err)
	}

	if bpfman.RoleOperate.String() != "operate" || bpfman.RoleNone.String() != "none" || bpfman.Role(99).String() != "Role(99)" {
		t.Errorf("role names: %v %v %v", bpfman.RoleOperate, bpfman.RoleNone, bpfman.Role(99))
	}
}

func TestAuthorizeConfigMistake(t *testing.T) {
	s := newSandbox(t)
	ctx := s.withConfig(t, "authorization:\n  rules:\n    - uid: 1001\n      role: superuser\n")
	_, err := ctx.Authorize(bpfman.Identity{UnixCred: true, UID: 1001}, bpfman.AuthzRequest{Operation: "List", Role: bpfman.RoleRead})
	var e *bpfman.Error
	if !errors.Is(err, bpfman.ErrInvalid) || !errors.As(err, &e) || e.Kind != bpfman.ErrKindInvalid {
		t.Fatalf("a bad role in the config: want ErrInvalid, got %#v", err)
	}
	if !strings.Contains(err.Error(), "authorization.rules[0].role") {
		t.Errorf("the sentence should name the key path: %q", err.Error())
	}
}

// A program records who loaded it; an operate identity acts only on its own.
func TestOwnerRule(t *testing.T) {
	s := newSandbox(t)
	ctx := s.withConfig(t, `authorization:
  rules:
    - {name: alice, uid: 4242, role: operate}
    - {name: bob, uid: 4343, role: operate}
`)
	alice := bpfman.Identity{UnixCred: true, UID: 4242, GID: 4242}
	bob := bpfman.Identity{UnixCred: true, UID: 4343, GID: 4343}
	name, err := bpfman.IdentityName(alice)
	if err != nil || name != "uid:4242" {
		t.Fatalf("IdentityName(alice) = %q, %v", name, err)
	}
	if n, err := bpfman.IdentityName(bpfman.Identity{CertSubject: "/CN=app"}); err != nil || n != "cert:/CN=app" {
		t.Errorf("IdentityName(cert) = %q, %v", n, err)
	}
	if _, err := bpfman.IdentityName(bpfman.Identity{}); err == nil {
		t.Error("IdentityName of no identity succeeded")
	}
	progs, err := ctx.LoadFile(bpfObj(t, "tracepoint_counter"), bpfman.LoadOptions{
		Programs: []string{"tracepoint:count_getpid"}, Owner: name})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	id := progs[0].ID
	defer ctx.Unload(id, nil)
	if progs[0].Owner != name {
		t.Errorf("Owner = %q, want %q", progs[0].Owner, name)
	}
	req := bpfman.AuthzRequest{Operation: "Unload", Role: bpfman.RoleOperate, ProgramID: id}
	if role, err := ctx.Authorize(alice, req); err != nil || role != bpfman.RoleOperate {
		t.Errorf("alice may unload her program: %v %v", role, err)
	}
	_, err = ctx.Authorize(bob, req)
	if !errors.Is(err, bpfman.ErrPermission) || !strings.Contains(err.Error(), "owner is uid:4242") {
		t.Errorf("bob may not unload alice's program: %v", err)
	}
	if _, err := ctx.Authorize(alice, bpfman.AuthzRequest{Operation: "Detach", Role: bpfman.RoleOperate, LinkID: 987654}); !errors.Is(err, bpfman.ErrNotFound) {
		t.Errorf("an unrecorded link: want not found, got %v", err)
	}
	// The change feed names the owner (bpfman_events__owner), the
	// unload's event too, after the row is gone.
	if err := ctx.Unload(id, nil); err != nil {
		t.Fatal(err)
	}
	ev, err := ctx.ReadEvents(0, 0)
	if err != nil || len(ev.Events) != 2 {
		t.Fatalf("events: %+v %v", ev, err)
	}
	for _, e := range ev.Events {
		if e.ProgramID != id || e.Owner != name {
			t.Errorf("event %+v: want program %d owner %q", e, id, name)
		}
	}
}
