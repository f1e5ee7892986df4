// SPDX-License-Identifier: Apache-2.0

package bpfman

/*
#include <stdlib.h>
#include <bpfman/bpfman.h>
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// VerifyOptions are struct bpfman_verify_opts: any trust given here
// replaces the config file's signing policy for the call.
type VerifyOptions struct {
	Registry     *RegistryOptions
	Keys         []string // PEM public key files
	Roots        []string // CA root certificate files ...
	Identity     string   // ... with the signer's SAN (exact)
	Issuer       string   // ... and OIDC issuer
	GPGKeyring   string
	GPGLookaside string // file:///dir or https://host/path
}

// Signature is one signature found on an image.
type Signature struct {
	OK     bool
	Format string // "cosign signature (tag ...)", "sigstore bundle (...)", "gpg (...)"
	Signer string // "" unless OK
	Status string // "valid signature", "bad signature", "untrusted key", ...
	Detail string
}

// SignatureResult is what VerifyImage found (struct
// bpfman_signature_result).
type SignatureResult struct {
	Reference  string
	Digest     string
	Verified   bool   // at least one valid, trusted signature
	Rule       string // the policy rule that applied; "" with explicit keys
	Signatures []Signature
}

// VerifyImage checks every signature of the digest a reference names
// (bpfman_image__verify). An unsigned or badly signed image is not an
// error: read Verified. opts may be nil (the config file's policy).
func (ctx *Context) VerifyImage(reference string, opts *VerifyOptions) (*SignatureResult, error) {
	var m cmem
	defer m.free()
	var handles []cgo.Handle
	defer func() { deleteHandles(handles) }()
	var o C.struct_bpfman_verify_opts
	C.bpfman_verify_opts_init(&o, C.sizeof_struct_bpfman_verify_opts)
	if opts != nil {
		o.registry = registryOpts(&m, opts.Registry, &handles)
		o.keys = m.strs(opts.Keys)
		o.keys_cnt = C.size_t(len(opts.Keys))
		o.roots = m.strs(opts.Roots)
		o.roots_cnt = C.size_t(len(opts.Roots))
		o.identity = m.str(opts.Identity)
		o.issuer = m.str(opts.Issuer)
		o.gpg_keyring = m.str(opts.GPGKeyring)
		o.gpg_lookaside = m.str(opts.GPGLookaside)
	}
	cref := m.str(reference)
	var r *C.struct_bpfman_signature_result
	err := ctx.do("bpfman_image__verify", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_image__verify(&r, c, cref, &o)
	})
	if err != nil {
		return nil, err
	}
	defer C.bpfman_signature_result__free(r)
	out := &SignatureResult{
		Reference:  C.GoString(C.bpfman_signature_result__reference(r)),
		Digest:     C.GoString(C.bpfman_signature_result__digest(r)),
		Verified:   bool(C.bpfman_signature_result__verified(r)),
		Rule:       C.GoString(C.bpfman_signature_result__rule(r)),
		Signatures: []Signature{},
	}
	for i := C.size_t(0); i < C.bpfman_signature_result__cnt(r); i++ {
		out.Signatures = append(out.Signatures, Signature{
			OK:     bool(C.bpfman_signature_result__ok(r, i)),
			Format: C.GoString(C.bpfman_signature_result__format(r, i)),
			Signer: C.GoString(C.bpfman_signature_result__signer(r, i)),
			Status: C.GoString(C.bpfman_signature_result__status(r, i)),
			Detail: C.GoString(C.bpfman_signature_result__detail(r, i)),
		})
	}
	return out, nil
}

// SignOptions are struct bpfman_sign_opts.
type SignOptions struct {
	Registry    *RegistryOptions
	KeyFile     string // PEM private key
	KeyPassword string
	Format      SignFormat
}

// SignImage signs the digest a reference resolves to and pushes the
// signature(s) (bpfman_image__sign); it returns the signed digest.
func (ctx *Context) SignImage(reference string, opts SignOptions) (string, error) {
	var m cmem
	defer m.free()
	var handles []cgo.Handle
	defer func() { deleteHandles(handles) }()
	var o C.struct_bpfman_sign_opts
	C.bpfman_sign_opts_init(&o, C.sizeof_struct_bpfman_sign_opts)
	o.registry = registryOpts(&m, opts.Registry, &handles)
	o.key_file = m.str(opts.KeyFile)
	o.key_password = m.str(opts.KeyPassword)
	o.format = C.enum_bpfman_sign_format(opts.Format)
	cref := m.str(reference)
	var digest *C.char
	err := ctx.do("bpfman_image__sign", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_image__sign(&digest, c, cref, &o)
	})
	if err != nil {
		return "", err
	}
	defer C.free(unsafe.Pointer(digest))
	return C.GoString(digest), nil
}
