// SPDX-License-Identifier: Apache-2.0

package v1alpha1

import (
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// jsonFields lists the JSON names of a struct's fields (inline embeds
// flattened) with their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && strings.Contains(","+opts, ",inline") {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" || name == "-" {
			continue
		}
		out[name] = f.Type
	}
	return out
}

// leaf types are described by the CRD without a Go struct to compare with
// (label selectors follow metav1.LabelSelector; JSON is free-form).
var leaf = map[reflect.Type]bool{
	reflect.TypeOf(metav1.LabelSelector{}): true,
	reflect.TypeOf(apiextensionsv1.JSON{}): true,
	reflect.TypeOf(metav1.Condition{}):     true,
}

func compare(t *testing.T, path string, s apiextensionsv1.JSONSchemaProps, typ reflect.Type) {
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
		typ = typ.Elem()
		if s.Items != nil && s.Items.Schema != nil {
			s = *s.Items.Schema
		}
	}
	if typ.Kind() != reflect.Struct || leaf[typ] {
		return
	}
	fields := jsonFields(typ)
	var inGo, inCRD []string
	for k := range fields {
		inGo = append(inGo, k)
	}
	for k := range s.Properties {
		inCRD = append(inCRD, k)
	}
	sort.Strings(inGo)
	sort.Strings(inCRD)
	if !reflect.DeepEqual(inGo, inCRD) {
		t.Errorf("%s: Go fields %v, CRD properties %v", path, inGo, inCRD)
		return
	}
	for k, ft := range fields {
		compare(t, path+"."+k, s.Properties[k], ft)
	}
}

func TestCRDsMatchTypes(t *testing.T) {
	kinds := map[string]any{
		"XdpProgram": XdpProgram{}, "TcProgram": TcProgram{}, "TcxProgram": TcxProgram{},
		"TracepointProgram": TracepointProgram{}, "KprobeProgram": KprobeProgram{},
		"UprobeProgram": UprobeProgram{}, "FentryProgram": FentryProgram{},
		"FexitProgram": FexitProgram{}, "BpfProgram": BpfProgram{},
		"BpfNodeInventory": BpfNodeInventory{},
	}
	if len(ProgramKinds)+2 != len(kinds) {
		t.Fatalf("ProgramKinds %v and this test's kinds differ", ProgramKinds)
	}
	for kind, obj := range kinds {
		plural := strings.ToLower(kind) + "s"
		if strings.HasSuffix(kind, "y") {
			plural = strings.ToLower(kind[:len(kind)-1]) + "ies"
		}
		path := "../../config/crd/bpfman.io_" + plural + ".yaml"
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var crd apiextensionsv1.CustomResourceDefinition
		if err := yaml.Unmarshal(data, &crd); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if crd.Spec.Names.Kind != kind || crd.Spec.Scope != apiextensionsv1.ClusterScoped {
			t.Errorf("%s: kind %s scope %s", path, crd.Spec.Names.Kind, crd.Spec.Scope)
		}
		root := crd.Spec.Versions[0].Schema.OpenAPIV3Schema
		typ := reflect.TypeOf(obj)
		for _, part := range []string{"spec", "status"} {
			f, ok := typ.FieldByName(strings.ToUpper(part[:1]) + part[1:])
			if !ok {
				continue
			}
			compare(t, kind+"."+part, root.Properties[part], f.Type)
		}
	}
}
