// SPDX-License-Identifier: Apache-2.0

// Package v1alpha1 holds the API types of bpfman.io/v1alpha1 with the
// field names of bpfman-operator's v1alpha1 (the seed's YAML), plus the
// seed's older spelling spec.name. The CRD manifests in config/crd are
// written by hand to match; crd_test.go compares their property names with
// these types' JSON names.
package v1alpha1

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ProgramKinds are the *Program kinds (all cluster-scoped).
var ProgramKinds = []string{"XdpProgram", "TcProgram", "TcxProgram", "TracepointProgram",
	"KprobeProgram", "UprobeProgram", "FentryProgram", "FexitProgram"}

// ImagePullSecret names a Secret holding registry credentials.
type ImagePullSecret struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
}

// BytecodeImage is an OCI bytecode image.
type BytecodeImage struct {
	URL             string           `json:"url"`
	ImagePullPolicy string           `json:"imagepullpolicy,omitempty"`
	ImagePullSecret *ImagePullSecret `json:"imagepullsecret,omitempty"`
}

// BytecodeSelector: exactly one of Image and Path.
type BytecodeSelector struct {
	Image *BytecodeImage `json:"image,omitempty"`
	Path  *string        `json:"path,omitempty"`
}

// BpfProgramCommon are the fields every *Program kind has.
type BpfProgramCommon struct {
	BpfFunctionName string `json:"bpffunctionname,omitempty"`
	// Name is the seed's older spelling of BpfFunctionName.
	Name string `json:"name,omitempty"`
	// NodeSelector selects the nodes; empty selects all.
	NodeSelector metav1.LabelSelector `json:"nodeselector"`
	// GlobalData: per global variable, its bytes as a list of byte
	// values, a scalar (0x01) or base64 text; the library parses them.
	GlobalData       map[string]apiextensionsv1.JSON `json:"globaldata,omitempty"`
	ByteCode         BytecodeSelector                `json:"bytecode"`
	MapOwnerSelector *metav1.LabelSelector           `json:"mapownerselector,omitempty"`
}

// FunctionName is bpffunctionname, or the older name.
func (c *BpfProgramCommon) FunctionName() string {
	if c.BpfFunctionName != "" {
		return c.BpfFunctionName
	}
	return c.Name
}

// InterfaceSelector: exactly one of Interfaces and PrimaryNodeInterface.
type InterfaceSelector struct {
	Interfaces           []string `json:"interfaces,omitempty"`
	PrimaryNodeInterface *bool    `json:"primarynodeinterface,omitempty"`
}

// ProgramStatus is the status of every *Program kind and of BpfProgram.
type ProgramStatus struct {
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

type XdpProgramSpec struct {
	BpfProgramCommon  `json:",inline"`
	InterfaceSelector InterfaceSelector `json:"interfaceselector"`
	Priority          int32             `json:"priority"`
	ProceedOn         []string          `json:"proceedon,omitempty"`
}

type TcProgramSpec struct {
	BpfProgramCommon  `json:",inline"`
	InterfaceSelector InterfaceSelector `json:"interfaceselector"`
	Priority          int32             `json:"priority"`
	Direction         string            `json:"direction"`
	ProceedOn         []string          `json:"proceedon,omitempty"`
}

type TcxProgramSpec struct {
	BpfProgramCommon  `json:",inline"`
	InterfaceSelector InterfaceSelector `json:"interfaceselector"`
	Priority          int32             `json:"priority"`
	Direction         string            `json:"direction"`
}

type TracepointProgramSpec struct {
	BpfProgramCommon `json:",inline"`
	Names            []string `json:"names"`
}

type KprobeProgramSpec struct {
	BpfProgramCommon `json:",inline"`
	FunctionName     string `json:"func_name"`
	Offset           uint64 `json:"offset,omitempty"`
	RetProbe         bool   `json:"retprobe,omitempty"`
}

type UprobeProgramSpec struct {
	BpfProgramCommon `json:",inline"`
	FunctionName     string                `json:"func_name,omitempty"`
	Offset           uint64                `json:"offset,omitempty"`
	Target           string                `json:"target"`
	RetProbe         bool                  `json:"retprobe,omitempty"`
	Pid              *int32                `json:"pid,omitempty"`
	Containers       *apiextensionsv1.JSON `json:"containers,omitempty"`
}

type FentryProgramSpec struct {
	BpfProgramCommon `json:",inline"`
	FunctionName     string `json:"func_name"`
}

type FexitProgramSpec struct {
	BpfProgramCommon `json:",inline"`
	FunctionName     string `json:"func_name"`
}

// BpfProgramSpec is the per-node object's spec: the program type and the
// map pin paths by map name.
type BpfProgramSpec struct {
	Type string            `json:"type,omitempty"`
	Maps map[string]string `json:"maps,omitempty"`
}

type XdpProgram struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              XdpProgramSpec `json:"spec"`
	Status            ProgramStatus  `json:"status,omitempty"`
}

type TcProgram struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              TcProgramSpec `json:"spec"`
	Status            ProgramStatus `json:"status,omitempty"`
}

type TcxProgram struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              TcxProgramSpec `json:"spec"`
	Status            ProgramStatus  `json:"status,omitempty"`
}

type TracepointProgram struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              TracepointProgramSpec `json:"spec"`
	Status            ProgramStatus         `json:"status,omitempty"`
}

type KprobeProgram struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              KprobeProgramSpec `json:"spec"`
	Status            ProgramStatus     `json:"status,omitempty"`
}

type UprobeProgram struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              UprobeProgramSpec `json:"spec"`
	Status            ProgramStatus     `json:"status,omitempty"`
}

type FentryProgram struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              FentryProgramSpec `json:"spec"`
	Status            ProgramStatus     `json:"status,omitempty"`
}

type FexitProgram struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              FexitProgramSpec `json:"spec"`
	Status            ProgramStatus    `json:"status,omitempty"`
}

type BpfProgram struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              BpfProgramSpec `json:"spec"`
	Status            ProgramStatus  `json:"status,omitempty"`
}

type XdpProgramList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []XdpProgram `json:"items"`
}

type TcProgramList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []TcProgram `json:"items"`
}

type TcxProgramList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []TcxProgram `json:"items"`
}

type TracepointProgramList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []TracepointProgram `json:"items"`
}

type KprobeProgramList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []KprobeProgram `json:"items"`
}

type UprobeProgramList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []UprobeProgram `json:"items"`
}

type FentryProgramList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []FentryProgram `json:"items"`
}

type FexitProgramList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []FexitProgram `json:"items"`
}

type BpfProgramList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []BpfProgram `json:"items"`
}

// InventoryProgram is one kernel program on a node, bpfman's or not.
type InventoryProgram struct {
	ID       int64   `json:"id"`
	Name     string  `json:"name,omitempty"`
	Type     string  `json:"type,omitempty"`
	Tag      string  `json:"tag,omitempty"`
	Managed  bool    `json:"managed,omitempty"`
	Owner    string  `json:"owner,omitempty"` // bpfman.io/owner: Kind/name
	LoadedAt string  `json:"loadedAt,omitempty"`
	MapIDs   []int64 `json:"mapIDs,omitempty"`
}

// BpfNodeInventoryStatus lists every kernel program of the node.
type BpfNodeInventoryStatus struct {
	Programs []InventoryProgram `json:"programs,omitempty"`
	Count    int                `json:"count"`
	Managed  int                `json:"managed"`
	Updated  *metav1.Time       `json:"updated,omitempty"`
}

// BpfNodeInventory (name = node name) is written by the node's agent: the
// seed's "reports all of the eBPF programs running on all of the nodes".
// It is this project's kind; bpfman-operator has none.
type BpfNodeInventory struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Status            BpfNodeInventoryStatus `json:"status,omitempty"`
}

type BpfNodeInventoryList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []BpfNodeInventory `json:"items"`
}
