// SPDX-License-Identifier: Apache-2.0

// Package operator aggregates the per-node BpfPrograms of each *Program
// object into its conditions, and holds the object (finalizer
// bpfman.io.operator/finalizer) until no node reports it any more, so that
// nothing stays attached after kubectl delete.
package operator

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	v1alpha1 "github.com/libbpfman/libbpfman/k8s/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// Finalizer is the operator's finalizer on every *Program object.
const Finalizer = "bpfman.io.operator/finalizer"

// DeleteTimeout is how long the operator waits for the nodes to remove a
// deleted object's programs before it reports DeleteError (it keeps
// waiting: the finalizer stays until every node has removed them).
var DeleteTimeout = 30 * time.Second

// Operator reconciles *Program objects; a request's Namespace field holds
// the kind (the objects are cluster-scoped).
type Operator struct {
	Client client.Client
}

// SetupWithManager watches every *Program kind, the BpfPrograms (mapped
// to their owner) and the Nodes (the set of nodes that must report).
func (o *Operator) SetupWithManager(mgr ctrl.Manager) error {
	b := ctrl.NewControllerManagedBy(mgr).Named("bpfman-operator")
	for _, k := range v1alpha1.ProgramKinds {
		kind := k
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind(kind))
		b = b.Watches(u, handler.EnqueueRequestsFromMapFunc(func(_ context.Context, obj client.Object) []reconcile.Request {
			return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: kind, Name: obj.GetName()}}}
		}))
	}
	b = b.Watches(&v1alpha1.BpfProgram{}, handler.EnqueueRequestsFromMapFunc(func(_ context.Context, obj client.Object) []reconcile.Request {
		var out []reconcile.Request
		for _, r := range obj.GetOwnerReferences() {
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: r.Kind, Name: r.Name}})
		}
		return out
	}))
	b = b.Watches(&corev1.Node{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, _ client.Object) []reconcile.Request {
		return o.all(ctx)
	}))
	return b.Complete(o)
}

func (o *Operator) all(ctx context.Context) []reconcile.Request {
	var out []reconcile.Request
	for _, k := range v1alpha1.ProgramKinds {
		var list unstructured.UnstructuredList
		list.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind(k + "List"))
		if err := o.Client.List(ctx, &list); err != nil {
			continue
		}
		for _, u := range list.Items {
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: k, Name: u.GetName()}})
		}
	}
	return out
}

// Reconcile sets one condition on the object from its BpfPrograms:
// NotYetLoaded (a node has not reported yet), ReconcileError (naming the
// nodes that failed), ReconcileSuccess; while it is being deleted it
// waits for the BpfPrograms to go (DeleteError after DeleteTimeout) and
// then removes its finalizer.
func (o *Operator) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	kind := req.Namespace
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind(kind))
	if err := o.Client.Get(ctx, types.NamespacedName{Name: req.Name}, u); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	var bps v1alpha1.BpfProgramList
	if err := o.Client.List(ctx, &bps, client.MatchingLabels{"bpfman.io/ownedByProgram": u.GetName()}); err != nil {
		return reconcile.Result{}, err
	}
	var mine []v1alpha1.BpfProgram
	for _, bp := range bps.Items {
		for _, r := range bp.OwnerReferences {
			if r.Kind == kind && r.Name == u.GetName() {
				mine = append(mine, bp)
			}
		}
	}

	if u.GetDeletionTimestamp() != nil {
		if len(mine) == 0 {
			if controllerutil.RemoveFinalizer(u, Finalizer) {
				return reconcile.Result{}, client.IgnoreNotFound(o.Client.Update(ctx, u))
			}
			return reconcile.Result{}, nil
		}
		waited := time.Since(u.GetDeletionTimestamp().Time)
		if waited < DeleteTimeout {
			return reconcile.Result{RequeueAfter: DeleteTimeout - waited}, nil
		}
		nodes := nodesOf(mine, func(v1alpha1.BpfProgram) bool { return true })
		return reconcile.Result{RequeueAfter: 10 * time.Second}, o.setCondition(ctx, u, metav1.Condition{
			Type: "DeleteError", Reason: "DeleteError",
			Message: "bpfProgram deletion has not completed on the following bpfman nodes: " + strings.Join(nodes, ", ")})
	}

	if controllerutil.AddFinalizer(u, Finalizer) {
		if err := o.Client.Update(ctx, u); err != nil {
			return reconcile.Result{}, err
		}
	}
	var nodeList corev1.NodeList
	if err := o.Client.List(ctx, &nodeList); err != nil {
		return reconcile.Result{}, err
	}
	reported := map[string]bool{}
	for _, bp := range mine {
		reported[bp.Labels["kubernetes.io/hostname"]] = true
	}
	var missing []string
	for _, n := range nodeList.Items {
		if !reported[n.Name] {
			missing = append(missing, n.Name)
		}
	}
	failed := nodesOf(mine, func(bp v1alpha1.BpfProgram) bool {
		for _, c := range bp.Status.Conditions {
			if c.Status == metav1.ConditionTrue && c.Type != "Loaded" && c.Type != "NotSelected" {
				return true
			}
		}
		return len(bp.Status.Conditions) == 0
	})
	var c metav1.Condition
	switch {
	case len(failed) > 0:
		c = metav1.Condition{Type: "ReconcileError", Reason: "ReconcileError",
			Message: "bpfProgramReconciliation failed on the following bpfman nodes: " + strings.Join(failed, ", ")}
	case len(missing) > 0 || len(nodeList.Items) == 0:
		c = metav1.Condition{Type: "NotYetLoaded", Reason: "ProgramsNotYetLoaded",
			Message: "Waiting for Program Object to be reconciled to all nodes"}
	default:
		c = metav1.Condition{Type: "ReconcileSuccess", Reason: "ReconcileSuccess",
			Message: "bpfProgramReconciliation Succeeded on all nodes"}
	}
	return reconcile.Result{}, o.setCondition(ctx, u, c)
}

func nodesOf(bps []v1alpha1.BpfProgram, pick func(v1alpha1.BpfProgram) bool) []string {
	seen := map[string]bool{}
	var out []string
	for _, bp := range bps {
		n := bp.Labels["kubernetes.io/hostname"]
		if pick(bp) && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// setCondition makes c the object's only condition (status True),
// keeping its transition time while it stays.
func (o *Operator) setCondition(ctx context.Context, u *unstructured.Unstructured, c metav1.Condition) error {
	var st v1alpha1.ProgramStatus
	if raw, ok := u.Object["status"].(map[string]interface{}); ok {
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &st); err != nil {
			return fmt.Errorf("status of %s/%s: %w", u.GetKind(), u.GetName(), err)
		}
	}
	c.Status = metav1.ConditionTrue
	c.ObservedGeneration = u.GetGeneration()
	old := meta.FindStatusCondition(st.Conditions, c.Type)
	if old != nil && len(st.Conditions) == 1 && old.Message == c.Message && old.Status == c.Status && old.ObservedGeneration == c.ObservedGeneration {
		return nil
	}
	next := []metav1.Condition{}
	if old != nil {
		next = append(next, *old)
	}
	meta.SetStatusCondition(&next, c)
	st.Conditions = next
	raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&st)
	if err != nil {
		return err
	}
	u.Object["status"] = raw
	err = o.Client.Status().Update(ctx, u)
	if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
		return nil // a newer version is on its way and reconciles again
	}
	return err
}
