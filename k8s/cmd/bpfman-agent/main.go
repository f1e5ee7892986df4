// SPDX-License-Identifier: Apache-2.0

// bpfman-agent makes one node match the cluster's *Program objects through
// the library's apply engine (doc/kubernetes.md).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	bpfman "github.com/libbpfman/libbpfman/bindings/go"
	v1alpha1 "github.com/libbpfman/libbpfman/k8s/api/v1alpha1"
	"github.com/libbpfman/libbpfman/k8s/internal/agent"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/fields"
	klabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

func env(name string) string { return os.Getenv(name) }

func main() {
	// --kubeconfig is controller-runtime's flag (default: $KUBECONFIG, then
	// the in-cluster config).
	node := flag.String("node-name", env("NODE_NAME"), "this node's name [env NODE_NAME]")
	labels := flag.String("node-labels", "", "k=v,... labels to use when the node has no Node object (simulated nodes)")
	stateDir := flag.String("state-dir", env("BPFMAN_STATE_DIR"), "state database [env BPFMAN_STATE_DIR; default /var/lib/bpfman]")
	bpffs := flag.String("bpffs-root", env("BPFMAN_BPFFS_ROOT"), "bpffs pin root [env BPFMAN_BPFFS_ROOT; default /sys/fs/bpf/bpfman]")
	runtimeDir := flag.String("runtime-dir", env("BPFMAN_RUNTIME_DIR"), "runtime dir [env BPFMAN_RUNTIME_DIR; default /run/bpfman]")
	cacheDir := flag.String("image-cache-dir", env("BPFMAN_IMAGE_CACHE_DIR"), "image cache [env BPFMAN_IMAGE_CACHE_DIR; default /var/cache/bpfman]")
	config := flag.String("config", "", "library config file (default /etc/bpfman/bpfman.yaml)")
	netns := flag.String("netns", env("BPFMAN_NETNS"), "the node's network namespace (a path such as /var/run/netns/NAME) where interfaces are resolved and network programs attached [env BPFMAN_NETNS; default the agent's own]")
	retry := flag.Duration("retry-interval", agent.DefaultRetryInterval, "how soon a pass that left objects failed (e.g. a missing pull Secret) runs again")
	zopts := zap.Options{}
	zopts.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zopts)))
	if err := run(*node, *labels, *netns, *retry, &bpfman.Options{StateDir: *stateDir, BpffsRoot: *bpffs,
		RuntimeDir: *runtimeDir, ImageCacheDir: *cacheDir, ConfigPath: *config}); err != nil {
		fmt.Fprintln(os.Stderr, "bpfman-agent:", err)
		os.Exit(1)
	}
}

func run(node, labelText, netns string, retry time.Duration, opts *bpfman.Options) error {
	if node == "" {
		return fmt.Errorf("no node name: pass --node-name or set NODE_NAME")
	}
	var labels map[string]string
	if labelText != "" {
		labels = map[string]string{}
		for _, kv := range strings.Split(labelText, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return fmt.Errorf("--node-labels: %q is not key=value", kv)
			}
			labels[k] = v
		}
	}
	if netns != "" {
		// The engine refuses a bad path per object; say it once, up front.
		if _, err := os.Stat(netns); err != nil {
			return fmt.Errorf("--netns: %w (a network namespace file such as /var/run/netns/NAME, from 'ip netns add NAME')", err)
		}
	}
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return err
	}
	bc, err := bpfman.New(opts)
	if err != nil {
		return err
	}
	defer bc.Close()

	scheme := runtime.NewScheme()
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		return err
	}
	if err := corev1.AddToScheme(scheme); err != nil {
		return err
	}
	// The agent reads only its own Node, its own node's BpfPrograms and its
	// own BpfNodeInventory: the cache watches just those, so another
	// node's writes neither reach this agent nor start a pass here (with
	// every BpfProgram and inventory watched, each agent ran a pass for
	// every other node's status update: doc/benchmarks.md, "Kubernetes").
	own := fields.OneTermEqualSelector("metadata.name", node)
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		// The *Program kinds are read as unstructured objects, which
		// controller-runtime's client reads from the API server unless
		// told otherwise: every pass listed all eight kinds over the
		// network although the watches keep them in the cache.
		Client: client.Options{Cache: &client.CacheOptions{Unstructured: true}},
		Cache: cache.Options{ByObject: map[client.Object]cache.ByObject{
			&corev1.Node{}:               {Field: own},
			&v1alpha1.BpfNodeInventory{}: {Field: own},
			&v1alpha1.BpfProgram{}:       {Label: klabels.SelectorFromSet(klabels.Set{"kubernetes.io/hostname": node})},
		}},
	})
	if err != nil {
		return err
	}
	a := &agent.Agent{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Bpfman: bc,
		Node: node, Labels: labels, Netns: netns, RetryInterval: retry}
	if err := a.SetupWithManager(mgr); err != nil {
		return err
	}
	if err := mgr.Add(manager.RunnableFunc(a.RunInventory)); err != nil {
		return err
	}
	return mgr.Start(ctrl.SetupSignalHandler())
}
