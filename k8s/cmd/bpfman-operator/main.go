// SPDX-License-Identifier: Apache-2.0

// bpfman-operator aggregates the nodes' BpfPrograms into each *Program's
// conditions, holds deleted objects until every node removed them, and
// keeps the agent DaemonSet deployed (doc/kubernetes.md).
package main

import (
	"flag"
	"fmt"
	"os"

	v1alpha1 "github.com/libbpfman/libbpfman/k8s/api/v1alpha1"
	"github.com/libbpfman/libbpfman/k8s/config"
	"github.com/libbpfman/libbpfman/k8s/internal/operator"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

type options struct {
	deployAgent bool
	agentImage  string
	namespace   string
}

func main() {
	// --kubeconfig is controller-runtime's flag (default: $KUBECONFIG, then
	// the in-cluster config).
	var o options
	flag.BoolVar(&o.deployAgent, "deploy-agent", true,
		"apply the agent DaemonSet (k8s/config/agent/daemonset.yaml) and put it back when deleted or changed; false for development")
	flag.StringVar(&o.agentImage, "agent-image", os.Getenv("BPFMAN_AGENT_IMAGE"),
		"image of the agent DaemonSet's containers [env BPFMAN_AGENT_IMAGE; default the manifest's]")
	flag.StringVar(&o.namespace, "namespace", os.Getenv("POD_NAMESPACE"),
		"namespace of the agent DaemonSet [env POD_NAMESPACE; default the manifest's, bpfman]")
	zopts := zap.Options{}
	zopts.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zopts)))
	if err := run(&o); err != nil {
		fmt.Fprintln(os.Stderr, "bpfman-operator:", err)
		os.Exit(1)
	}
}

func run(o *options) error {
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return err
	}
	deployer := &operator.AgentDeployer{Manifest: config.AgentDaemonSet, Namespace: o.namespace, Image: o.agentImage}
	desired, err := deployer.Desired()
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
	if err := appsv1.AddToScheme(scheme); err != nil {
		return err
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		// The *Program kinds are read as unstructured objects: from the
		// watches' cache, not from the API server on every reconcile.
		Client: client.Options{Cache: &client.CacheOptions{Unstructured: true}},
		// The one DaemonSet it may see (its Role names it): the cache
		// lists and watches it by namespace and name only.
		Cache: cache.Options{ByObject: map[client.Object]cache.ByObject{
			&appsv1.DaemonSet{}: {
				Namespaces: map[string]cache.Config{desired.GetNamespace(): {}},
				Field:      fields.OneTermEqualSelector("metadata.name", desired.GetName()),
			},
		}},
	})
	if err != nil {
		return err
	}
	if err := (&operator.Operator{Client: mgr.GetClient()}).SetupWithManager(mgr); err != nil {
		return err
	}
	if o.deployAgent {
		deployer.Client = mgr.GetClient()
		if err := deployer.SetupWithManager(mgr); err != nil {
			return err
		}
	}
	return mgr.Start(ctrl.SetupSignalHandler())
}
