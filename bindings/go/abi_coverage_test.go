// SPDX-License-Identifier: Apache-2.0

package bpfman_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// leftOut names the exported functions this binding deliberately does not
// call, each with the reason. Everything else in libbpfman.map must be
// called somewhere in the package as C.<name>(.
var leftOut = map[string]string{
	"bpfman_ctx_new": "its failure sentence lives in a per-thread slot, which a goroutine cannot rely on; New uses bpfman_ctx_new_err",
}

// mapSymbols reads the global symbols of every node of libbpfman.map.
func mapSymbols(t *testing.T) []string {
	path := os.Getenv("LIBBPFMAN_MAP")
	if path == "" {
		path = "../../libbpfman/libbpfman.map"
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read the symbol map: %v", err)
	}
	var syms []string
	global := false
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "global:":
			global = true
		case line == "local:" || strings.HasPrefix(line, "}"):
			global = false
		case global && strings.HasSuffix(line, ";"):
			syms = append(syms, strings.TrimSuffix(line, ";"))
		}
	}
	if len(syms) < 100 {
		t.Fatalf("only %d symbols read from %s: the parser is out of date", len(syms), path)
	}
	return syms
}

func TestEveryExportedFunctionIsBound(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	called := map[string]bool{}
	re := regexp.MustCompile(`\bC\.(bpfman_[A-Za-z0-9_]+)\(`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			called[m[1]] = true
		}
	}
	exported := map[string]bool{}
	var missing []string
	for _, s := range mapSymbols(t) {
		exported[s] = true
		_, skipped := leftOut[s]
		switch {
		case called[s] && skipped:
			t.Errorf("%s is called but also listed in leftOut; drop it from leftOut", s)
		case !called[s] && !skipped:
			missing = append(missing, s)
		}
	}
	sort.Strings(missing)
	for _, s := range missing {
		t.Errorf("%s is exported by libbpfman.map but has no Go binding (call C.%s( in the package, or add it to leftOut with a reason)", s, s)
	}
	for s := range leftOut {
		if !exported[s] {
			t.Errorf("leftOut names %s, which libbpfman.map does not export", s)
		}
	}
}
