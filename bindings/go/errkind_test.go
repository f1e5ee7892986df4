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

func TestErrKindNames(t *testing.T) {
	for k, name := range map[bpfman.ErrKind]string{
		bpfman.ErrKindNone: "none", bpfman.ErrKindOther: "other", bpfman.ErrKindInvalid: "invalid",
		bpfman.ErrKindNotFound: "not-found", bpfman.ErrKindPermission: "permission", bpfman.ErrKindBusy: "busy",
		bpfman.ErrKindVerifier: "verifier", bpfman.ErrKindImageRefused: "image-refused",
		bpfman.ErrKindBadObject: "bad-object", bpfman.ErrKindUnsupported: "unsupported",
		bpfman.ErrKindAuth: "auth", bpfman.ErrKindRegistry: "registry",
		bpfman.ErrKind(1000): "other", // a kind newer than this binding
	} {
		if got := k.String(); got != name {
			t.Errorf("ErrKind(%d).String() = %q, want %q", int(k), got, name)
		}
	}
}

// Each failure carries the library's kind, and errors.Is follows it.
func TestErrorKinds(t *testing.T) {
	s := newSandbox(t)
	ctx := s.open(t)

	kindOf := func(err error) bpfman.ErrKind {
		var e *bpfman.Error
		if !errors.As(err, &e) {
			t.Fatalf("not a *bpfman.Error: %#v", err)
		}
		return e.Kind
	}

	// Not an ELF object: bad-object (EINVAL/ENOEXEC from libbpf), named as
	// such and not as a verifier rejection.
	junk := filepath.Join(t.TempDir(), "junk.bpf.o")
	if err := os.WriteFile(junk, []byte("this is not an ELF file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ctx.LoadFile(junk, bpfman.LoadOptions{Programs: []string{"tracepoint:x"}})
	var verr *bpfman.VerifierError
	if k := kindOf(err); k != bpfman.ErrKindBadObject || !errors.Is(err, bpfman.ErrBadObject) ||
		errors.Is(err, bpfman.ErrVerifier) || errors.As(err, &verr) || !strings.Contains(err.Error(), junk) {
		t.Errorf("a non-ELF file: kind %v, %v", k, err)
	}

	// A missing file, program, link: not-found.
	_, err = ctx.LoadFile("/nonexistent/x.bpf.o", bpfman.LoadOptions{Programs: []string{"tracepoint:x"}})
	if k := kindOf(err); k != bpfman.ErrKindNotFound || !errors.Is(err, bpfman.ErrNotFound) {
		t.Errorf("a missing file: kind %v, %v", k, err)
	}
	err = ctx.Detach(1 << 40)
	if k := kindOf(err); k != bpfman.ErrKindNotFound || !errors.Is(err, bpfman.ErrNotFound) {
		t.Errorf("detach of an unknown link: kind %v, %v", k, err)
	}

	// A selector for a function the object lacks: invalid or not-found,
	// never "other".
	_, err = ctx.LoadFile(bpfObj(t, "tracepoint_counter"), bpfman.LoadOptions{Programs: []string{"nosuchtype:count_getpid"}})
	if k := kindOf(err); k != bpfman.ErrKindInvalid || !errors.Is(err, bpfman.ErrInvalid) || !errors.Is(err, syscall.EINVAL) {
		t.Errorf("an unknown program type: kind %v, %v", k, err)
	}

	// Unloading a map owner still in use: busy.
	obj := bpfObj(t, "tracepoint_counter")
	sel := []string{"tracepoint:count_getpid"}
	owner, err := ctx.LoadFile(obj, bpfman.LoadOptions{Programs: sel})
	if err != nil {
		t.Fatal(err)
	}
	user, err := ctx.LoadFile(obj, bpfman.LoadOptions{Programs: sel, MapOwnerID: owner[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	err = ctx.Unload(owner[0].ID, nil)
	if k := kindOf(err); k != bpfman.ErrKindBusy || !errors.Is(err, bpfman.ErrBusy) {
		t.Errorf("unload of a map owner in use: kind %v, %v", k, err)
	}
	if err := ctx.Unload(user[0].ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := ctx.Unload(owner[0].ID, nil); err != nil {
		t.Fatal(err)
	}
}
