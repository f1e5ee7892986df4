#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes config/crd/*.yaml: the CRDs of bpfman.io/v1alpha1 with the field
names of bpfman-operator's v1alpha1 and the seed's spellings (spec.name,
globaldata as list or scalar). Run from k8s/: python3 hack/gen-crds.py.
The Go types in api/v1alpha1 must agree; api/v1alpha1/crd_test.go checks
that every property here is a JSON name there and the other way round."""
import os
import yaml

def obj(props, required=None, **kw):
    s = {"type": "object", "properties": props}
    if required:
        s["required"] = required
    s.update(kw)
    return s

STR = {"type": "string"}
label_selector = obj({
    "matchLabels": {"type": "object", "additionalProperties": STR},
    "matchExpressions": {"type": "array", "items": obj({
        "key": STR,
        "operator": {"type": "string", "enum": ["In", "NotIn", "Exists", "DoesNotExist"]},
        "values": {"type": "array", "items": STR},
    }, ["key", "operator"])},
}, **{"x-kubernetes-map-type": "atomic"})

bytecode = obj({
    "image": obj({
        "url": {"type": "string", "minLength": 1},
        "imagepullpolicy": {"type": "string", "enum": ["Always", "Never", "IfNotPresent"], "default": "IfNotPresent"},
        "imagepullsecret": obj({"name": STR, "namespace": STR}, ["name", "namespace"]),
    }, ["url"]),
    "path": {"type": "string", "minLength": 1},
}, **{"x-kubernetes-validations": [{
    "rule": "has(self.image) != has(self.path)",
    "message": "bytecode: exactly one of image and path must be set"}]})

common = {
    "bpffunctionname": {"type": "string", "minLength": 1},
    "name": {"type": "string", "minLength": 1, "description": "the seed's older spelling of bpffunctionname"},
    "nodeselector": label_selector,
    "globaldata": {"type": "object", "additionalProperties": {"x-kubernetes-preserve-unknown-fields": True},
                   "description": "bytes per global variable: a list of byte values, a scalar (0x01) or base64 text"},
    "bytecode": bytecode,
    "mapownerselector": label_selector,
}
common_rules = [
    {"rule": "has(self.bpffunctionname) || has(self.name)",
     "message": "spec.bpffunctionname must be set (or the older spec.name)"},
    {"rule": "!has(self.bpffunctionname) || !has(self.name) || self.bpffunctionname == self.name",
     "message": "spec.bpffunctionname and spec.name differ; set only bpffunctionname"},
]
iface = obj({
    "interfaces": {"type": "array", "items": STR, "minItems": 1},
    "primarynodeinterface": {"type": "boolean"},
}, **{"x-kubernetes-validations": [{
    "rule": "has(self.interfaces) != has(self.primarynodeinterface)",
    "message": "interfaceselector: exactly one of interfaces and primarynodeinterface must be set"}]})
priority = {"type": "integer", "format": "int32", "minimum": 0, "maximum": 1000}
direction = {"type": "string", "enum": ["ingress", "egress"]}
xdp_proceed = {"type": "array", "items": {"type": "string", "enum": [
    "aborted", "drop", "pass", "tx", "redirect", "dispatcher_return"]},
    "default": ["pass", "dispatcher_return"]}
tc_proceed = {"type": "array", "items": {"type": "string", "enum": [
    "unspec", "ok", "reclassify", "shot", "pipe", "stolen", "queued", "repeat",
    "redirect", "trap", "dispatcher_return"]}, "default": ["pipe", "dispatcher_return"]}

def col(name, path, typ="string"):
    return {"name": name, "type": typ, "jsonPath": path}

fn_col, ns_col = col("BpfFunctionName", ".spec.bpffunctionname"), col("NodeSelector", ".spec.nodeselector")
net_cols = [col("Priority", ".spec.priority"), col("InterfaceSelector", ".spec.interfaceselector")]
proceed_col = col("ProceedOn", ".spec.proceedon")

kinds = {
    "XdpProgram": ({"interfaceselector": iface, "priority": priority, "proceedon": xdp_proceed},
                   ["interfaceselector", "priority"], [fn_col, ns_col] + net_cols + [proceed_col]),
    "TcProgram": ({"interfaceselector": iface, "priority": priority, "direction": direction, "proceedon": tc_proceed},
                  ["interfaceselector", "priority", "direction"],
                  [fn_col, ns_col, net_cols[0], col("Direction", ".spec.direction"), net_cols[1], proceed_col]),
    "TcxProgram": ({"interfaceselector": iface, "priority": priority, "direction": direction},
                   ["interfaceselector", "priority", "direction"],
                   [fn_col, ns_col, net_cols[0], col("Direction", ".spec.direction"), net_cols[1]]),
    "TracepointProgram": ({"names": {"type": "array", "items": STR, "minItems": 1}}, ["names"],
                          [fn_col, ns_col, col("TracePoint", ".spec.names")]),
    "KprobeProgram": ({"func_name": {"type": "string", "minLength": 1},
                       "offset": {"type": "integer", "format": "int64", "minimum": 0},
                       "retprobe": {"type": "boolean"}}, ["func_name"],
                      [fn_col, ns_col, col("FunctionName", ".spec.func_name"), col("Offset", ".spec.offset", "integer"),
                       col("RetProbe", ".spec.retprobe", "boolean")]),
    "UprobeProgram": ({"func_name": STR, "offset": {"type": "integer", "format": "int64", "minimum": 0},
                       "target": {"type": "string", "minLength": 1}, "retprobe": {"type": "boolean"},
                       "pid": {"type": "integer", "format": "int32"},
                       "containers": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
                      ["target"],
                      [fn_col, ns_col, col("FunctionName", ".spec.func_name"), col("Offset", ".spec.offset", "integer"),
                       col("Target", ".spec.target"), col("RetProbe", ".spec.retprobe", "boolean")]),
    "FentryProgram": ({"func_name": {"type": "string", "minLength": 1}}, ["func_name"],
                      [fn_col, ns_col, col("FunctionName", ".spec.func_name")]),
    "FexitProgram": ({"func_name": {"type": "string", "minLength": 1}}, ["func_name"],
                     [fn_col, ns_col, col("FunctionName", ".spec.func_name")]),
}

conditions = {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"],
              "items": obj({
                  "type": STR, "status": {"type": "string", "enum": ["True", "False", "Unknown"]},
                  "reason": STR, "message": STR,
                  "lastTransitionTime": {"type": "string", "format": "date-time"},
                  "observedGeneration": {"type": "integer", "format": "int64", "minimum": 0},
              }, ["type", "status", "lastTransitionTime", "reason", "message"])}
status = obj({"conditions": conditions})

def crd(kind, spec, columns):
    plural = kind.lower() + "s" if not kind.endswith("y") else kind.lower()[:-1] + "ies"
    return {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": plural + ".bpfman.io"},
        "spec": {
            "group": "bpfman.io", "scope": "Cluster",
            "names": {"kind": kind, "listKind": kind + "List", "plural": plural, "singular": kind.lower(),
                      "categories": ["bpfman"]},
            "versions": [{
                "name": "v1alpha1", "served": True, "storage": True,
                "subresources": {"status": {}},
                "additionalPrinterColumns": columns + [col("Age", ".metadata.creationTimestamp", "date")],
                "schema": {"openAPIV3Schema": obj({
                    "apiVersion": STR, "kind": STR, "metadata": {"type": "object"},
                    "spec": spec, "status": status}, ["spec"])},
            }],
        },
    }

os.makedirs("config/crd", exist_ok=True)
names = []
for kind, (props, required, columns) in kinds.items():
    spec = obj(dict(common, **props), ["nodeselector", "bytecode"] + required,
               **{"x-kubernetes-validations": common_rules})
    names.append(kind)
    with open(f"config/crd/bpfman.io_{kind.lower()}s.yaml", "w") as f:
        f.write("# Generated by hack/gen-crds.py; edit that, not this.\n")
        yaml.safe_dump(crd(kind, spec, columns), f, sort_keys=False)
bpf_spec = obj({"type": STR, "maps": {"type": "object", "additionalProperties": STR}})
with open("config/crd/bpfman.io_bpfprograms.yaml", "w") as f:
    f.write("# Generated by hack/gen-crds.py; edit that, not this.\n")
    yaml.safe_dump(crd("BpfProgram", bpf_spec, [col("Type", ".spec.type"),
        col("Node", ".metadata.labels.kubernetes\\.io/hostname"),
        col("Status", ".status.conditions[0].type")]), f, sort_keys=False)
# Visibility: every kernel program on a node, ours or not (our own kind;
# bpfman-operator has no such object). Name = node name; written by the
# node's agent.
inv_prog = obj({
    "id": {"type": "integer", "format": "int64"}, "name": STR, "type": STR, "tag": STR,
    "managed": {"type": "boolean"}, "owner": STR, "loadedAt": STR,
    "mapIDs": {"type": "array", "items": {"type": "integer", "format": "int64"}},
}, ["id"])
inv_status = obj({"programs": {"type": "array", "items": inv_prog},
                  "updated": {"type": "string", "format": "date-time"}})
inv = crd("BpfNodeInventory", {"type": "object"}, [col("Programs", ".status.count", "integer"),
                                                    col("Managed", ".status.managed", "integer")])
inv_status["properties"]["count"] = {"type": "integer"}
inv_status["properties"]["managed"] = {"type": "integer"}
inv["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["status"] = inv_status
inv["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["required"] = []
del inv["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["required"]
with open("config/crd/bpfman.io_bpfnodeinventories.yaml", "w") as f:
    f.write("# Generated by hack/gen-crds.py; edit that, not this.\n")
    yaml.safe_dump(inv, f, sort_keys=False)
inv_plural_fix = True

# The seed's older spec.name: the API server copies it into bpffunctionname
# (a MutatingAdmissionPolicy, no webhook), so the printer column, the
# agent and kubectl get show one field.
policy = {
    "apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingAdmissionPolicy",
    "metadata": {"name": "bpfman.io-bpffunctionname"},
    "spec": {
        "matchConstraints": {"resourceRules": [{
            "apiGroups": ["bpfman.io"], "apiVersions": ["v1alpha1"], "operations": ["CREATE", "UPDATE"],
            "resources": [k.lower() + "s" for k in names]}]},
        "matchConditions": [{"name": "older-name-only",
                             "expression": "has(object.spec.name) && !has(object.spec.bpffunctionname)"}],
        "failurePolicy": "Fail", "reinvocationPolicy": "Never",
        "mutations": [{"patchType": "JSONPatch", "jsonPatch": {"expression":
            '[JSONPatch{op: "add", path: "/spec/bpffunctionname", value: object.spec.name}]'}}],
    },
}
binding = {
    "apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingAdmissionPolicyBinding",
    "metadata": {"name": "bpfman.io-bpffunctionname"},
    "spec": {"policyName": "bpfman.io-bpffunctionname"},
}
with open("config/crd/bpfman.io_bpffunctionname-policy.yaml", "w") as f:
    f.write("# Generated by hack/gen-crds.py; edit that, not this.\n")
    yaml.safe_dump_all([policy, binding], f, sort_keys=False)
