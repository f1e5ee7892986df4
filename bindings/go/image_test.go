// SPDX-License-Identifier: Apache-2.0

package bpfman_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	bpfman "github.com/libbpfman/libbpfman/bindings/go"
)

// registry starts a real docker-registry on 127.0.0.1 with the project's
// scripts (tests/registry) and returns its host:port; stopped at the end.
func registry(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"docker-registry", "skopeo", "openssl", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing (scripts/install-deps.sh installs it)", tool)
		}
	}
	scripts, _ := filepath.Abs("../../tests/registry")
	dir := t.TempDir()
	cmd := exec.Command(scripts+"/registry-start", "plain", dir)
	// This suite's ports (other suites use theirs side by side).
	cmd.Env = append(os.Environ(), "REGISTRY_TEST_PORTS=5300-5349")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("registry-start: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command(scripts+"/registry-stop", dir).Run() })
	env, err := os.ReadFile(dir + "/env")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(env), "\n") {
		if v, ok := strings.CutPrefix(line, "REG_HOST="); ok {
			return strings.Trim(v, `"'`)
		}
	}
	t.Fatalf("no REG_HOST in %s/env", dir)
	return ""
}

// Images end to end against a real registry: one pushed by skopeo (a client
// we did not write) is pulled, inspected, listed and loaded, and the program
// runs; one built and pushed by the binding is pulled back, signed and
// verified; the cache forgets and prunes.
func TestImages(t *testing.T) {
	host := registry(t)
	work := t.TempDir()
	obj := bpfObj(t, "tracepoint_counter")

	out := run(t, "python3", "../../tests/image/mkimage.py", filepath.Join(work, "layout"), "--elf", obj)
	digest := strings.TrimSpace(out)
	ref := host + "/go-counter:v1"
	run(t, "skopeo", "copy", "--quiet", "--dest-tls-verify=false", "oci:"+filepath.Join(work, "layout")+":latest", "docker://"+ref)

	config := filepath.Join(work, "bpfman.yaml")
	if err := os.WriteFile(config, []byte("registries:\n  - location: \""+host+"\"\n    insecure: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := newSandbox(t)
	opts := s.options()
	opts.ConfigPath = config
	opts.ImageCacheDir = filepath.Join(work, "cache")
	ctx, err := bpfman.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Close()

	var progress atomic.Int32
	im, err := ctx.PullImage(ref, &bpfman.PullOptions{Registry: &bpfman.RegistryOptions{
		Progress: func(what string, done, total uint64) { progress.Add(1) },
	}})
	if err != nil {
		t.Fatalf("pull: %v", err)
	}
	if im.Reference != ref || im.Digest != digest || !strings.HasPrefix(im.Platform, "linux/") || im.Size == 0 ||
		len(im.Programs) != 1 || im.Programs[0].Name != "count_getpid" || im.Programs[0].Type != bpfman.ProgramTypeTracepoint ||
		len(im.Maps) != 1 || im.Maps[0].Name != "counter" || im.Labels["io.ebpf.programs"] == "" {
		t.Errorf("pulled image: %+v (pushed digest %s)", im, digest)
	}
	if progress.Load() == 0 {
		t.Error("the progress function was never called during a pull")
	}
	if got, err := ctx.Image(ref); err != nil || got.Digest != digest {
		t.Errorf("cached image: %+v %v", got, err)
	}
	if list, err := ctx.Images(); err != nil || len(list) != 1 || list[0].Reference != ref {
		t.Errorf("image list: %+v %v", list, err)
	}

	// Load with no programs named: the labels say what and which type.
	progs, err := ctx.LoadImage(ref, bpfman.LoadOptions{Application: "go-image"}, &bpfman.PullOptions{Policy: bpfman.PullNever})
	if err != nil {
		t.Fatalf("load image: %v", err)
	}
	p := progs[0]
	if p.Image != ref || p.ImageDigest != digest || p.Name != "count_getpid" || p.Application != "go-image" {
		t.Errorf("program from image: %+v", p)
	}
	link, err := ctx.Attach(p.ID, bpfman.AttachOptions{Tracepoint: getpidTP})
	if err != nil {
		t.Fatal(err)
	}
	before := counter(t, &p)
	triggerGetpid(10)
	if c := counter(t, &p); c < before+10 {
		t.Errorf("program from the image did not count: %d -> %d", before, c)
	}
	if err := ctx.Detach(link); err != nil {
		t.Fatal(err)
	}
	if err := ctx.Unload(p.ID, nil); err != nil {
		t.Fatal(err)
	}

	// Built and pushed by the binding, then signed and verified.
	built := host + "/go-built:v1"
	bdigest, err := ctx.BuildImage(bpfman.BuildOptions{Objects: []string{obj}, PushReference: built,
		Labels: map[string]string{"org.example.by": "go-test"}})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	bim, err := ctx.PullImage(built, nil)
	if err != nil || bim.Digest != bdigest || bim.Labels["org.example.by"] != "go-test" {
		t.Fatalf("pull of the built image: %+v %v (built %s)", bim, err, bdigest)
	}
	key, pub := filepath.Join(work, "key.pem"), filepath.Join(work, "pub.pem")
	run(t, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key)
	run(t, "openssl", "ec", "-in", key, "-pubout", "-out", pub)
	res, err := ctx.VerifyImage(built, &bpfman.VerifyOptions{Keys: []string{pub}})
	if err != nil || res.Verified || len(res.Signatures) != 0 {
		t.Fatalf("verify of an unsigned image: %+v %v", res, err)
	}
	sdigest, err := ctx.SignImage(built, bpfman.SignOptions{KeyFile: key, Format: bpfman.SignLegacy})
	if err != nil || sdigest != bdigest {
		t.Fatalf("sign: %s %v", sdigest, err)
	}
	res, err = ctx.VerifyImage(built, &bpfman.VerifyOptions{Keys: []string{pub}})
	if err != nil || !res.Verified || len(res.Signatures) == 0 || !res.Signatures[0].OK || res.Digest != bdigest {
		t.Fatalf("verify of the signed image: %+v %v", res, err)
	}

	// Forget and prune.
	if err := ctx.RemoveImage(ref); err != nil {
		t.Fatal(err)
	}
	if _, err := ctx.Image(ref); !errors.Is(err, bpfman.ErrNotFound) {
		t.Errorf("image after remove: %v", err)
	}
	if blobs, bytes, err := ctx.PruneImages(); err != nil || blobs == 0 || bytes == 0 {
		t.Errorf("prune: %d blobs %d bytes %v", blobs, bytes, err)
	}
	if _, err := ctx.PullImage(host+"/no-such-image:v1", nil); !errors.Is(err, bpfman.ErrNotFound) {
		t.Errorf("pull of a missing image: %v", err)
	}
}
