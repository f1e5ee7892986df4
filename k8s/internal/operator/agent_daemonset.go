// SPDX-License-Identifier: Apache-2.0

package operator

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"
	"sigs.k8s.io/yaml"
)

// AgentDaemonSetName is the DaemonSet the operator keeps (the name in
// k8s/config/agent/daemonset.yaml; the Role grants only this name).
const AgentDaemonSetName = "bpfman-agent"

// FieldOwner is the operator's field manager for server-side apply.
const FieldOwner = "bpfman-operator"

// AgentDeployer keeps the agent DaemonSet as the embedded manifest says:
// it applies it at start, and again whenever the DaemonSet is deleted or
// its spec, labels or annotations change. Server-side apply with forced
// ownership puts back every field the manifest sets and leaves fields
// others added alone; an apply that changes nothing writes nothing.
type AgentDeployer struct {
	Client client.Client
	// Manifest is k8s/config/agent/daemonset.yaml (config.AgentDaemonSet).
	Manifest []byte
	// Namespace to deploy into; "" keeps the manifest's.
	Namespace string
	// Image for every container of the pod; "" keeps the manifest's.
	Image string

	desired *unstructured.Unstructured
}

// Desired is the DaemonSet to apply: the manifest with the namespace and
// image given.
func (d *AgentDeployer) Desired() (*unstructured.Unstructured, error) {
	j, err := yaml.YAMLToJSON(d.Manifest)
	if err != nil {
		return nil, fmt.Errorf("agent DaemonSet manifest: %w", err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(j); err != nil {
		return nil, fmt.Errorf("agent DaemonSet manifest: %w", err)
	}
	if u.GetAPIVersion() != "apps/v1" || u.GetKind() != "DaemonSet" || u.GetName() != AgentDaemonSetName {
		return nil, fmt.Errorf("agent DaemonSet manifest: expected apps/v1 DaemonSet %s, found %s %s %s",
			AgentDaemonSetName, u.GetAPIVersion(), u.GetKind(), u.GetName())
	}
	if d.Namespace != "" {
		u.SetNamespace(d.Namespace)
	}
	if u.GetNamespace() == "" {
		return nil, fmt.Errorf("agent DaemonSet manifest has no namespace and none was given (--namespace)")
	}
	if d.Image != "" {
		containers, _, err := unstructured.NestedSlice(u.Object, "spec", "template", "spec", "containers")
		if err != nil || len(containers) == 0 {
			return nil, fmt.Errorf("agent DaemonSet manifest: no spec.template.spec.containers")
		}
		for _, c := range containers {
			c.(map[string]interface{})["image"] = d.Image
		}
		if err := unstructured.SetNestedSlice(u.Object, containers, "spec", "template", "spec", "containers"); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// SetupWithManager watches the one DaemonSet (the manager's cache must be
// limited to it: see cmd/bpfman-operator) and applies it once at start.
func (d *AgentDeployer) SetupWithManager(mgr ctrl.Manager) error {
	desired, err := d.Desired()
	if err != nil {
		return err
	}
	d.desired = desired
	mine := predicate.NewPredicateFuncs(func(o client.Object) bool {
		return o.GetName() == desired.GetName() && o.GetNamespace() == desired.GetNamespace()
	})
	// Status updates (the DaemonSet controller's counts) change neither
	// generation, labels nor annotations: no apply for those.
	changed := predicate.Or(predicate.GenerationChangedPredicate{},
		predicate.LabelChangedPredicate{}, predicate.AnnotationChangedPredicate{})
	start := make(chan event.GenericEvent, 1)
	start <- event.GenericEvent{Object: desired.DeepCopy()}
	return ctrl.NewControllerManagedBy(mgr).Named("agent-daemonset").
		WatchesRawSource(source.Channel(start, &handler.EnqueueRequestForObject{})).
		Watches(&appsv1.DaemonSet{}, &handler.EnqueueRequestForObject{},
			builder.WithPredicates(mine, changed)).
		Complete(d)
}

// Reconcile applies the desired DaemonSet. Errors (no namespace yet, no
// permission) are retried with the controller's backoff.
func (d *AgentDeployer) Reconcile(ctx context.Context, _ reconcile.Request) (reconcile.Result, error) {
	logger := log.FromContext(ctx)
	key := types.NamespacedName{Namespace: d.desired.GetNamespace(), Name: d.desired.GetName()}
	var cur appsv1.DaemonSet
	before := ""
	if err := d.Client.Get(ctx, key, &cur); err == nil {
		if cur.DeletionTimestamp != nil {
			// Being deleted: its delete event brings us back to create it.
			return reconcile.Result{}, nil
		}
		before = cur.ResourceVersion
	}
	obj := d.desired.DeepCopy()
	err := d.Client.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj),
		client.FieldOwner(FieldOwner), client.ForceOwnership)
	if err != nil {
		return reconcile.Result{}, fmt.Errorf("applying DaemonSet %s: %w", key, err)
	}
	switch {
	case before == "":
		logger.Info("agent DaemonSet created", "daemonset", key.String(), "uid", obj.GetUID())
	case before != obj.GetResourceVersion():
		logger.Info("agent DaemonSet put back as the manifest says", "daemonset", key.String())
	default:
		logger.Info("agent DaemonSet already as the manifest says", "daemonset", key.String())
	}
	return reconcile.Result{}, nil
}
