// SPDX-License-Identifier: Apache-2.0

package bpfman

/*
#include <stdint.h>
#include <stdlib.h>
#include <bpfman/bpfman.h>

extern void bpfmanGoLog(int level, char *msg, void *user_data);
extern void bpfmanGoProgress(char *what, uint64_t done, uint64_t total, void *user_data);

// C-typed trampolines into the exported Go functions above.
static void bpfman_go_log(enum bpfman_log_level level, const char *msg, void *ud)
{
	bpfmanGoLog((int)level, (char *)msg, ud);
}

static void bpfman_go_progress(const char *what, uint64_t done, uint64_t total, void *ud)
{
	bpfmanGoProgress((char *)what, done, total, ud);
}

static bpfman_log_fn bpfman_go_log_fn(void) { return bpfman_go_log; }
static bpfman_progress_fn bpfman_go_progress_fn(void) { return bpfman_go_progress; }
*/
import "C"

import (
	"runtime/cgo"
	"sync"
	"unsafe"
)

// LogFunc receives the library's log messages (no trailing newline).
type LogFunc func(level LogLevel, msg string)

// ProgressFunc receives pull/push progress: what names the blob; total is
// 0 when unknown.
type ProgressFunc func(what string, done, total uint64)

// Options are struct bpfman_ctx_opts; empty fields take the library's
// defaults (/var/lib/bpfman, /sys/fs/bpf/bpfman, /run/bpfman,
// /var/cache/bpfman, /etc/bpfman/bpfman.yaml).
type Options struct {
	StateDir      string
	BpffsRoot     string
	RuntimeDir    string
	ImageCacheDir string
	ConfigPath    string
	// Log receives messages up to LogLevel; nil for none.
	Log      LogFunc
	LogLevel LogLevel
}

// Context is an open libbpfman context (struct bpfman_ctx). Its methods may
// be called from several goroutines; they serialise on the context.
type Context struct {
	mu  sync.Mutex
	c   *C.struct_bpfman_ctx
	log cgo.Handle // 0 when no log function is set
}

// New opens a context (bpfman_ctx_new_err): creates missing directories,
// opens the state database and reconciles it with the kernel. opts may be
// nil for all defaults.
func New(opts *Options) (*Context, error) {
	var m cmem
	defer m.free()
	var o C.struct_bpfman_ctx_opts
	C.bpfman_ctx_opts_init(&o, C.sizeof_struct_bpfman_ctx_opts)
	ctx := &Context{}
	if opts != nil {
		o.state_dir = m.str(opts.StateDir)
		o.bpffs_root = m.str(opts.BpffsRoot)
		o.runtime_dir = m.str(opts.RuntimeDir)
		o.image_cache_dir = m.str(opts.ImageCacheDir)
		o.config_path = m.str(opts.ConfigPath)
		o.log_level = C.enum_bpfman_log_level(opts.LogLevel)
		if opts.Log != nil {
			ctx.log = cgo.NewHandle(opts.Log)
			o.log_fn = C.bpfman_go_log_fn()
			o.log_user_data = handleVoid(uintptr(ctx.log))
		}
	}
	var msg *C.char
	rc := C.bpfman_ctx_new_err(&ctx.c, &msg, &o)
	if rc < 0 {
		text := optString(msg)
		C.free(unsafe.Pointer(msg))
		if ctx.log != 0 {
			ctx.log.Delete()
		}
		return nil, newError("bpfman_ctx_new_err", int(rc), text)
	}
	return ctx, nil
}

// Close frees the context (bpfman_ctx_free). Programs and links stay in
// the kernel. Calling Close again does nothing.
func (ctx *Context) Close() error {
	ctx.mu.Lock()
	defer ctx.mu.Unlock()
	if ctx.c != nil {
		C.bpfman_ctx_free(ctx.c)
		ctx.c = nil
	}
	if ctx.log != 0 {
		ctx.log.Delete()
		ctx.log = 0
	}
	return nil
}

// do runs one library call with the context locked and turns a negative
// return into an *Error carrying the sentence read right after the call.
func (ctx *Context) do(op string, call func(c *C.struct_bpfman_ctx) C.int) error {
	ctx.mu.Lock()
	defer ctx.mu.Unlock()
	if ctx.c == nil {
		return closedError(op)
	}
	if rc := call(ctx.c); rc < 0 {
		return newError(op, int(rc), C.GoString(C.bpfman_errmsg(ctx.c)))
	}
	return nil
}

// path reads one of the context's path accessors.
func (ctx *Context) path(get func(c *C.struct_bpfman_ctx) *C.char) string {
	ctx.mu.Lock()
	defer ctx.mu.Unlock()
	if ctx.c == nil {
		return ""
	}
	return C.GoString(get(ctx.c))
}

// StateDir is bpfman_ctx_state_dir ("" after Close).
func (ctx *Context) StateDir() string {
	return ctx.path(func(c *C.struct_bpfman_ctx) *C.char { return C.bpfman_ctx_state_dir(c) })
}

// BpffsRoot is bpfman_ctx_bpffs_root.
func (ctx *Context) BpffsRoot() string {
	return ctx.path(func(c *C.struct_bpfman_ctx) *C.char { return C.bpfman_ctx_bpffs_root(c) })
}

// RuntimeDir is bpfman_ctx_runtime_dir.
func (ctx *Context) RuntimeDir() string {
	return ctx.path(func(c *C.struct_bpfman_ctx) *C.char { return C.bpfman_ctx_runtime_dir(c) })
}

// ImageCacheDir is bpfman_ctx_image_cache_dir.
func (ctx *Context) ImageCacheDir() string {
	return ctx.path(func(c *C.struct_bpfman_ctx) *C.char { return C.bpfman_ctx_image_cache_dir(c) })
}

// ConfigPath is bpfman_ctx_config_path.
func (ctx *Context) ConfigPath() string {
	return ctx.path(func(c *C.struct_bpfman_ctx) *C.char { return C.bpfman_ctx_config_path(c) })
}

// SetLog changes the log function and level (bpfman_ctx_set_log); nil
// stops logging.
func (ctx *Context) SetLog(fn LogFunc, level LogLevel) {
	ctx.mu.Lock()
	defer ctx.mu.Unlock()
	if ctx.c == nil {
		return
	}
	old := ctx.log
	ctx.log = 0
	if fn == nil {
		C.bpfman_ctx_set_log(ctx.c, nil, nil, C.enum_bpfman_log_level(level))
	} else {
		ctx.log = cgo.NewHandle(fn)
		C.bpfman_ctx_set_log(ctx.c, C.bpfman_go_log_fn(), handleVoid(uintptr(ctx.log)),
			C.enum_bpfman_log_level(level))
	}
	if old != 0 {
		old.Delete()
	}
}

// registryOpts fills a struct bpfman_registry_opts; the progress handle, if
// any, is appended to handles for the caller to delete after the call.
func registryOpts(m *cmem, r *RegistryOptions, handles *[]cgo.Handle) *C.struct_bpfman_registry_opts {
	if r == nil {
		return nil
	}
	o := (*C.struct_bpfman_registry_opts)(m.alloc(C.sizeof_struct_bpfman_registry_opts))
	C.bpfman_registry_opts_init(o, C.sizeof_struct_bpfman_registry_opts)
	o.username = m.str(r.Username)
	o.password = m.str(r.Password)
	o.auth_file = m.str(r.AuthFile)
	if r.Progress != nil {
		h := cgo.NewHandle(r.Progress)
		*handles = append(*handles, h)
		o.progress = C.bpfman_go_progress_fn()
		o.progress_user_data = handleVoid(uintptr(h))
	}
	return o
}

func deleteHandles(hs []cgo.Handle) {
	for _, h := range hs {
		h.Delete()
	}
}
