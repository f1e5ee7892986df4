// SPDX-License-Identifier: Apache-2.0

package bpfman

/*
#include <stdlib.h>
#include <bpfman/bpfman.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Role is enum bpfman_role; each role includes the ones below it.
type Role int

const (
	RoleNone    Role = C.BPFMAN_ROLE_NONE
	RoleRead    Role = C.BPFMAN_ROLE_READ    // list, get, health
	RoleOperate Role = C.BPFMAN_ROLE_OPERATE // load, attach, detach, unload, pull
	RoleAdmin   Role = C.BPFMAN_ROLE_ADMIN   // everything; limits do not apply
)

// String is bpfman_role_name ("none", "read", "operate", "admin").
func (r Role) String() string {
	if s := optString(C.bpfman_role_name(C.enum_bpfman_role(r))); s != "" {
		return s
	}
	return fmt.Sprintf("Role(%d)", int(r))
}

// Identity is struct bpfman_identity: who is calling. Set UnixCred for a
// unix socket peer (UID, GID, Groups), CertSubject and CertSANs for a TLS
// peer.
type Identity struct {
	UnixCred bool
	UID, GID uint32
	Groups   []uint32
	// OpenSSL's one-line subject ("/CN=app/O=example") and the
	// subjectAltNames as "DNS:name", "URI:spiffe://...", "IP:1.2.3.4".
	CertSubject string
	CertSANs    []string
}

// AuthzRequest is struct bpfman_authz_request: what the caller wants to do.
type AuthzRequest struct {
	Operation string // named in refusals, e.g. "Load"
	Role      Role   // the role the operation needs
	// Limits a rule may set; zero when the operation has none.
	Type  ProgramType
	Iface string
	Image string // image reference
	// The recorded program or link an operate operation acts on (0: none):
	// its owner must be the identity, and the limits apply to it too.
	ProgramID uint32
	LinkID    uint64
}

// IdentityName is bpfman_identity_name: the identity as bpfmand records it
// as a program's owner, "uid:1000" for a unix peer, else
// "cert:/CN=app/O=example" for a certificate subject. An error when the
// identity has neither.
func IdentityName(id Identity) (string, error) {
	var m cmem
	defer m.free()
	var ci C.struct_bpfman_identity
	C.bpfman_identity_init(&ci, C.sizeof_struct_bpfman_identity)
	ci.has_unix_cred = C.bool(id.UnixCred)
	ci.uid = C.uint32_t(id.UID)
	ci.cert_subject = m.str(id.CertSubject)
	buf := (*C.char)(m.alloc(1100))
	if n := C.bpfman_identity_name(buf, 1100, &ci); n < 0 {
		return "", fmt.Errorf("bpfman_identity_name: the identity has neither unix credentials nor a certificate subject (%d)", int(n))
	}
	return C.GoString(buf), nil
}

// Authorize asks whether id may perform req under the rules of the
// context's config file, `authorization` section (bpfman_authorize;
// doc/api.md, "Authorization"). It returns the role granted, or an error:
// ErrPermission with a sentence naming the identity, the operation and the
// rule (or default) that refused it, ErrInvalid for a mistake in the
// config section.
func (ctx *Context) Authorize(id Identity, req AuthzRequest) (Role, error) {
	var m cmem
	defer m.free()
	var ci C.struct_bpfman_identity
	C.bpfman_identity_init(&ci, C.sizeof_struct_bpfman_identity)
	ci.has_unix_cred = C.bool(id.UnixCred)
	ci.uid = C.uint32_t(id.UID)
	ci.gid = C.uint32_t(id.GID)
	if len(id.Groups) > 0 {
		g := unsafe.Slice((*C.uint32_t)(m.alloc(len(id.Groups)*C.sizeof_uint32_t)), len(id.Groups))
		for i, v := range id.Groups {
			g[i] = C.uint32_t(v)
		}
		ci.groups = &g[0]
		ci.groups_cnt = C.size_t(len(id.Groups))
	}
	ci.cert_subject = m.str(id.CertSubject)
	if len(id.CertSANs) > 0 {
		ci.cert_sans = m.strs(id.CertSANs)
		ci.cert_sans_cnt = C.size_t(len(id.CertSANs))
	}
	var cr C.struct_bpfman_authz_request
	C.bpfman_authz_request_init(&cr, C.sizeof_struct_bpfman_authz_request)
	cr.operation = m.str(req.Operation)
	cr.role = C.enum_bpfman_role(req.Role)
	cr._type = C.enum_bpfman_program_type(req.Type)
	cr.iface = m.str(req.Iface)
	cr.image = m.str(req.Image)
	cr.program_id = C.uint32_t(req.ProgramID)
	cr.link_id = C.uint64_t(req.LinkID)
	var granted C.enum_bpfman_role
	err := ctx.do("bpfman_authorize", func(c *C.struct_bpfman_ctx) C.int {
		return C.bpfman_authorize(&granted, c, &ci, &cr)
	})
	if err != nil {
		return RoleNone, err
	}
	return Role(granted), nil
}
