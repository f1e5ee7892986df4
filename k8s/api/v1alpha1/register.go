// SPDX-License-Identifier: Apache-2.0

package v1alpha1

import (
	"encoding/json"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

// GroupVersion is bpfman.io/v1alpha1.
var GroupVersion = schema.GroupVersion{Group: "bpfman.io", Version: "v1alpha1"}

// SchemeBuilder registers every kind of the group.
var SchemeBuilder = &scheme.Builder{GroupVersion: GroupVersion}

// AddToScheme adds the group's kinds to a scheme.
var AddToScheme = SchemeBuilder.AddToScheme

// deepCopy copies through JSON: these types are plain JSON data, and this
// keeps the package free of generated code (no controller-gen here).
func deepCopy[T any](in *T) *T {
	if in == nil {
		return nil
	}
	b, err := json.Marshal(in)
	if err != nil {
		panic(err)
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		panic(err)
	}
	return out
}

func init() {
	SchemeBuilder.Register(
		&XdpProgram{}, &XdpProgramList{},
		&TcProgram{}, &TcProgramList{},
		&TcxProgram{}, &TcxProgramList{},
		&TracepointProgram{}, &TracepointProgramList{},
		&KprobeProgram{}, &KprobeProgramList{},
		&UprobeProgram{}, &UprobeProgramList{},
		&FentryProgram{}, &FentryProgramList{},
		&FexitProgram{}, &FexitProgramList{},
		&BpfProgram{}, &BpfProgramList{},
		&BpfNodeInventory{}, &BpfNodeInventoryList{},
	)
}

func (in *XdpProgram) DeepCopy() *XdpProgram          { return deepCopy(in) }
func (in *XdpProgram) DeepCopyObject() runtime.Object { return deepCopy(in) }

func (in *XdpProgramList) DeepCopy() *XdpProgramList      { return deepCopy(in) }
func (in *XdpProgramList) DeepCopyObject() runtime.Object { return deepCopy(in) }

func (in *TcProgram) DeepCopy() *TcProgram           { return deepCopy(in) }
func (in *TcProgram) DeepCopyObject() runtime.Object { return deepCopy(in) }

func (in *TcProgramList) DeepCopy() *TcProgramList       { return deepCopy(in) }
func (in *TcProgramList) DeepCopyObject() runtime.Object { return deepCopy(in) }

func (in *TcxProgram) DeepCopy() *TcxProgram          { return deepCopy(in) }
func (in *TcxProgram) DeepCopyObject() runtime.Object { return deepCopy(in) }

func (in *TcxProgramList) DeepCopy() *TcxProgramList      { return deepCopy(in) }
func (in *TcxProgramList) DeepCopyObject() runtime.Object { return deepCopy(in) }

func (in *TracepointProgram) DeepCopy() *TracepointProgram   { return deepCopy(in) }
func (in *TracepointProgram) DeepCopyObject() runtime.Object { return deepCopy(in) }

func (in *TracepointProgramList) DeepCopy() *TracepointProgramList { return deepCopy(in) }
func (in *TracepointProgramList) DeepCopyObject() runtime.Object   { return deepCopy(in) }

func (in *KprobeProgram) DeepCopy() *KprobeProgram       { return deepCopy(in) }
func (in *KprobeProgram) DeepCopyObject() runtime.Object { return deepCopy(in) }

func (in *KprobeProgramList) DeepCopy() *KprobeProgramList   { return deepCopy(in) }
func (in *KprobeProgramList) DeepCopyObject() runtime.Object { return deepCopy(in) }

func (in *UprobeProgram) DeepCopy() *UprobeProgram       { return deepCopy(in) }
func (in *UprobeProgram) DeepCopyObject() runtime.Object { return deepCopy(in) }

func (in *UprobeProgramList) DeepCopy() *UprobeProgramList   { return deepCopy(in) }
func (in *UprobeProgramList) DeepCopyObject() runtime.Object { return deepCopy(in) }

func (in *FentryProgram) DeepCopy() *FentryProgram       { return deepCopy(in) }
func (in *FentryProgram) DeepCopyObject() runtime.Object { return deepCopy(in) }

func (in *FentryProgramList) DeepCopy() *FentryProgramList   { return deepCopy(in) }
func (in *FentryProgramList) DeepCopyObject() runtime.Object { return deepCopy(in) }

func (in *FexitProgram) DeepCopy() *FexitProgram        { return deepCopy(in) }
func (in *FexitProgram) DeepCopyObject() runtime.Object { return deepCopy(in) }

func (in *FexitProgramList) DeepCopy() *FexitProgramList    { return deepCopy(in) }
func (in *FexitProgramList) DeepCopyObject() runtime.Object { return deepCopy(in) }

func (in *BpfProgram) DeepCopy() *BpfProgram          { return deepCopy(in) }
func (in *BpfProgram) DeepCopyObject() runtime.Object { return deepCopy(in) }

func (in *BpfProgramList) DeepCopy() *BpfProgramList      { return deepCopy(in) }
func (in *BpfProgramList) DeepCopyObject() runtime.Object { return deepCopy(in) }

func (in *BpfNodeInventory) DeepCopy() *BpfNodeInventory         { return deepCopy(in) }
func (in *BpfNodeInventory) DeepCopyObject() runtime.Object      { return deepCopy(in) }
func (in *BpfNodeInventoryList) DeepCopy() *BpfNodeInventoryList { return deepCopy(in) }
func (in *BpfNodeInventoryList) DeepCopyObject() runtime.Object  { return deepCopy(in) }
