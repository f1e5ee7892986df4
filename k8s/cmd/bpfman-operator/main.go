// SPDX-License-Identifier: Apache-2.0

// bpfman-operator aggregates the nodes' BpfPrograms into each *Program's
// conditions and holds deleted objects until every node removed them
// (doc/kubernetes.md).
package main

import (
	"flag"
	"fmt"
	"os"

	v1alpha1 "github.com/libbpfman/libbpfman/k8s/api/v1alpha1"
	"github.com/libbpfman/libbpfman/k8s/internal/operator"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

func main() {
	// --kubeconfig is controller-runtime's flag (default: $KUBECONFIG, then
	// the in-cluster config).
	zopts := zap.Options{}
	zopts.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zopts)))
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bpfman-operator:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return err
	}
	scheme := runtime.NewScheme()
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		return err
	}
	if err := corev1.AddToScheme(scheme); err != nil {
		return err
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		// The *Program kinds are read as unstructured objects: from the
		// watches' cache, not from the API server on every reconcile.
		Client: client.Options{Cache: &client.CacheOptions{Unstructured: true}},
	})
	if err != nil {
		return err
	}
	if err := (&operator.Operator{Client: mgr.GetClient()}).SetupWithManager(mgr); err != nil {
		return err
	}
	return mgr.Start(ctrl.SetupSignalHandler())
}
