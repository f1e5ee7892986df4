// SPDX-License-Identifier: Apache-2.0

// Package config carries the deployment manifests that a program applies
// itself, so that kubectl apply -k and the program read one file.
package config

import _ "embed"

// AgentDaemonSet is agent/daemonset.yaml: bpfman-operator applies it
// (internal/operator/agent_daemonset.go).
//
//go:embed agent/daemonset.yaml
var AgentDaemonSet []byte
