// SPDX-License-Identifier: Apache-2.0

// Package agent makes one node match the *Program objects of the cluster:
// every reconcile turns the objects into apply documents for the library's
// engine (bindings/go, in-process) and copies the engine's status entries
// into one BpfProgram per (object, node, attach point). The engine decides
// selection, loading, attaching, re-ordering and unloading; this package
// only moves data between the API server and the engine.
package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	bpfman "github.com/libbpfman/libbpfman/bindings/go"
	v1alpha1 "github.com/libbpfman/libbpfman/k8s/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// Kinds are the *Program kinds the agent applies.
var Kinds = v1alpha1.ProgramKinds

const (
	labelOwner = "bpfman.io/ownedByProgram"
	labelNode  = "kubernetes.io/hostname"
)

// Finalizer is the per-kind finalizer the agent puts on its BpfPrograms
// (bpfman.io.xdpprogramcontroller/finalizer): the object stays until the
// program is gone from the node.
func Finalizer(kind string) string {
	return "bpfman.io." + strings.ToLower(kind) + "controller/finalizer"
}

// Agent reconciles one node.
type Agent struct {
	Client client.Client
	Bpfman *bpfman.Context
	Node   string
	// Labels are used when the node has no Node object (simulated nodes).
	Labels map[string]string
	// APIReader reads pull Secrets straight from the API server (the
	// manager's uncached reader): a cached Get would list and watch every
	// Secret of the cluster. Client is used when nil.
	APIReader client.Reader
	// Netns is the node's network namespace (a path) where the engine
	// resolves interfaces and attaches network programs; "" for the
	// agent's own (a DaemonSet pod on the host network).
	Netns string
	// RetryInterval is how soon a pass that left objects failed runs
	// again (a pull Secret or an interface may appear); 0 for
	// DefaultRetryInterval.
	RetryInterval time.Duration

	invMu sync.Mutex
}

// DefaultRetryInterval: see Agent.RetryInterval.
const DefaultRetryInterval = 30 * time.Second

func (a *Agent) secretReader() client.Reader {
	if a.APIReader != nil {
		return a.APIReader
	}
	return a.Client
}

// the single work item: every event leads to one full pass over the node,
// which the engine makes cheap when nothing changed.
var everything = reconcile.Request{NamespacedName: types.NamespacedName{Name: "node"}}

// SetupWithManager watches the *Program kinds, this node's Node object and
// this node's BpfPrograms.
func (a *Agent) SetupWithManager(mgr ctrl.Manager) error {
	all := handler.EnqueueRequestsFromMapFunc(func(context.Context, client.Object) []reconcile.Request {
		return []reconcile.Request{everything}
	})
	b := ctrl.NewControllerManagedBy(mgr).Named("bpfman-agent").
		Watches(&corev1.Node{}, all).
		Watches(&v1alpha1.BpfProgram{}, all)
	for _, k := range Kinds {
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind(k))
		b = b.Watches(u, all)
	}
	return b.Complete(a)
}

func gvk(kind string) schema.GroupVersionKind { return v1alpha1.GroupVersion.WithKind(kind) }

// nodeLabels reads the Node object's labels, or the configured ones when
// there is no Node object.
func (a *Agent) nodeLabels(ctx context.Context) (map[string]string, error) {
	var n corev1.Node
	err := a.Client.Get(ctx, types.NamespacedName{Name: a.Node}, &n)
	if apierrors.IsNotFound(err) {
		if a.Labels == nil {
			return nil, fmt.Errorf("node %s has no Node object and no --node-labels were given", a.Node)
		}
		return a.Labels, nil
	}
	if err != nil {
		return nil, err
	}
	if n.Labels == nil {
		return map[string]string{}, nil
	}
	return n.Labels, nil
}

// document is the apply document of one object: kind, name, labels and
// spec as the API server holds them (the engine accepts the JSON form of
// bpfman-operator's fields); the older spec.name is dropped when the API
// server has copied it into bpffunctionname.
func document(u *unstructured.Unstructured) ([]byte, error) {
	spec, _, _ := unstructured.NestedMap(u.Object, "spec")
	if spec == nil {
		spec = map[string]interface{}{}
	}
	if _, ok := spec["bpffunctionname"]; ok {
		delete(spec, "name")
	}
	md := map[string]interface{}{"name": u.GetName()}
	if l := u.GetLabels(); len(l) > 0 {
		md["labels"] = l
	}
	return json.Marshal(map[string]interface{}{
		"apiVersion": v1alpha1.GroupVersion.String(), "kind": u.GetKind(),
		"metadata": md, "spec": spec,
	})
}

// Reconcile makes the node match the cluster.
func (a *Agent) Reconcile(ctx context.Context, _ reconcile.Request) (reconcile.Result, error) {
	logger := log.FromContext(ctx)
	labels, err := a.nodeLabels(ctx)
	if err != nil {
		return reconcile.Result{}, err
	}
	opts := &bpfman.ApplyOptions{NodeName: a.Node, NodeLabels: labels, NodeLabelsSet: true, Netns: a.Netns}

	// The live objects (applied) and the ones being deleted (removed).
	live := map[string]*unstructured.Unstructured{} // "Kind/name"
	var liveList []*unstructured.Unstructured
	var docs []string
	var origins []string // "Kind/name": names each document in sentences
	var refused []*unstructured.Unstructured
	refusedMsg := map[string]string{}
	for _, k := range Kinds {
		var list unstructured.UnstructuredList
		list.SetGroupVersionKind(gvk(k + "List"))
		if err := a.Client.List(ctx, &list); err != nil {
			return reconcile.Result{}, err
		}
		for i := range list.Items {
			u := &list.Items[i]
			u.SetGroupVersionKind(gvk(k))
			if u.GetDeletionTimestamp() != nil {
				continue // being deleted: removed below like a gone one
			}
			doc, err := document(u)
			if err != nil {
				return reconcile.Result{}, err
			}
			// Each document is parsed alone first, so one the engine
			// refuses fails only its own object.
			m, err := a.Bpfman.ParseManifest(k+"/"+u.GetName(), doc)
			if err != nil {
				refused = append(refused, u)
				refusedMsg[k+"/"+u.GetName()] = err.Error()
				continue
			}
			m.Free()
			if err := a.saveDoc(k, u.GetName(), doc); err != nil {
				return reconcile.Result{}, err
			}
			live[k+"/"+u.GetName()] = u
			liveList = append(liveList, u)
			docs = append(docs, string(doc))
			origins = append(origins, k+"/"+u.GetName())
		}
	}

	// What this node runs for objects no longer in the cluster (deleted
	// while this agent was away, or being deleted now) goes.
	status, err := a.Bpfman.ApplyStatus("", "", opts)
	if err != nil {
		return reconcile.Result{}, err
	}
	var gone []string
	seen := map[string]bool{}
	for _, o := range status.Objects {
		key := o.Kind + "/" + o.Name
		if live[key] == nil && !seen[key] {
			seen[key] = true
			doc, err := os.ReadFile(a.docPath(o.Kind, o.Name))
			if err != nil {
				// The engine needs a whole document even to delete.
				return reconcile.Result{}, fmt.Errorf("%s/%s runs here but its last document is gone: %w", o.Kind, o.Name, err)
			}
			gone = append(gone, string(doc))
		}
	}
	if len(gone) > 0 {
		if err := a.delete(ctx, gone); err != nil {
			return reconcile.Result{}, err
		}
	}
	// Kept documents of objects that are gone and ran nothing here (not
	// selected, failed) are not needed any more.
	if files, err := filepath.Glob(filepath.Join(filepath.Dir(a.docPath("x", "y")), "*.json")); err == nil {
		for _, f := range files {
			key := strings.Replace(strings.TrimSuffix(filepath.Base(f), ".json"), "_", "/", 1)
			if live[key] == nil {
				_ = os.Remove(f)
			}
		}
	}

	var result *bpfman.ApplyResult
	retry := reconcile.Result{}
	if len(docs) > 0 {
		opts.PullSecrets = a.pullSecrets(ctx, liveList)
		// All documents in one manifest: mapownerselector finds its
		// owner only among the documents of the same pass.
		m, err := a.Bpfman.ParseManifest(origins[0], []byte(docs[0]))
		if err != nil {
			return reconcile.Result{}, err
		}
		for i := 1; i < len(docs); i++ {
			if err := a.Bpfman.AddToManifest(m, origins[i], []byte(docs[i])); err != nil {
				m.Free()
				return reconcile.Result{}, err
			}
		}
		result, err = a.Bpfman.Apply(m, opts)
		m.Free()
		if err != nil {
			return reconcile.Result{}, err
		}
		for _, o := range result.Objects {
			if o.Outcome != "unchanged" {
				logger.Info("applied", "object", o.Kind+"/"+o.Name, "outcome", o.Outcome, "message", o.Message)
			}
		}
		// What failed may work later without an event we watch (a
		// Secret created, an interface appearing): try again.
		if result.Failures > 0 {
			retry.RequeueAfter = a.RetryInterval
			if retry.RequeueAfter <= 0 {
				retry.RequeueAfter = DefaultRetryInterval
			}
		}
	}

	// Publish: one BpfProgram per entry, and none for anything else.
	want := map[string]bool{}
	if result != nil {
		var objs []v1alpha1.BpfProgram
		if err := json.Unmarshal([]byte(result.BpfPrograms), &objs); err != nil {
			return reconcile.Result{}, fmt.Errorf("the engine's BpfPrograms: %w", err)
		}
		for i := range objs {
			owner := live[objs[i].OwnerReferences[0].Kind+"/"+objs[i].OwnerReferences[0].Name]
			if owner == nil {
				continue
			}
			want[objs[i].Name] = true
			if err := a.publish(ctx, &objs[i], owner); err != nil {
				return reconcile.Result{}, err
			}
		}
	}
	for _, u := range refused {
		bp := &v1alpha1.BpfProgram{}
		bp.Name = strings.ToLower(u.GetName() + "-" + a.Node)
		bp.Labels = map[string]string{labelOwner: u.GetName(), labelNode: a.Node}
		bp.OwnerReferences = []metav1.OwnerReference{{APIVersion: v1alpha1.GroupVersion.String(), Kind: u.GetKind(), Name: u.GetName()}}
		bp.Status.Conditions = []metav1.Condition{{Type: "NotLoaded", Status: metav1.ConditionTrue, Reason: "bpfmanNotLoaded",
			Message: refusedMsg[u.GetKind()+"/"+u.GetName()], LastTransitionTime: metav1.Now()}}
		want[bp.Name] = true
		if err := a.publish(ctx, bp, u); err != nil {
			return reconcile.Result{}, err
		}
	}
	if err := a.prune(ctx, want); err != nil {
		return reconcile.Result{}, err
	}
	return retry, a.inventory(ctx)
}

func (a *Agent) delete(ctx context.Context, docs []string) error {
	m, err := a.Bpfman.ParseManifest("deleted", []byte(strings.Join(docs, "\n---\n")))
	if err != nil {
		return err
	}
	defer m.Free()
	res, err := a.Bpfman.ApplyDelete(m, &bpfman.ApplyOptions{NodeName: a.Node, Netns: a.Netns})
	if err != nil {
		return err
	}
	for _, o := range res.Objects {
		log.FromContext(ctx).Info("removed", "object", o.Kind+"/"+o.Name, "outcome", o.Outcome)
		if o.Outcome == "failed" {
			return fmt.Errorf("removing %s/%s: %s", o.Kind, o.Name, o.Message)
		}
		_ = os.Remove(a.docPath(o.Kind, o.Name))
	}
	return nil
}

// The last document of each applied object is kept in the state dir: the
// engine deletes by a whole document, and an object deleted while the
// agent was down is known only from the node's state.
func (a *Agent) docPath(kind, name string) string {
	return filepath.Join(a.Bpfman.StateDir(), "k8s-agent", kind+"_"+name+".json")
}

func (a *Agent) saveDoc(kind, name string, doc []byte) error {
	p := a.docPath(kind, name)
	if old, err := os.ReadFile(p); err == nil && string(old) == string(doc) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, doc, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

// publish creates or updates one BpfProgram from the engine's rendering,
// owned by the *Program object (garbage collected with it).
func (a *Agent) publish(ctx context.Context, want *v1alpha1.BpfProgram, owner *unstructured.Unstructured) error {
	yes := true
	want.OwnerReferences = []metav1.OwnerReference{{
		APIVersion: v1alpha1.GroupVersion.String(), Kind: owner.GetKind(), Name: owner.GetName(),
		UID: owner.GetUID(), Controller: &yes, BlockOwnerDeletion: &yes,
	}}
	var cur v1alpha1.BpfProgram
	err := a.Client.Get(ctx, types.NamespacedName{Name: want.Name}, &cur)
	if apierrors.IsNotFound(err) {
		cur = v1alpha1.BpfProgram{ObjectMeta: metav1.ObjectMeta{Name: want.Name}}
		cur.Labels, cur.Annotations, cur.OwnerReferences, cur.Spec = want.Labels, want.Annotations, want.OwnerReferences, want.Spec
		controllerutil.AddFinalizer(&cur, Finalizer(owner.GetKind()))
		if err := a.Client.Create(ctx, &cur); err != nil {
			return err
		}
	} else if err != nil {
		return err
	} else {
		before := cur.DeepCopy()
		cur.Labels, cur.Annotations, cur.OwnerReferences, cur.Spec = want.Labels, want.Annotations, want.OwnerReferences, want.Spec
		controllerutil.AddFinalizer(&cur, Finalizer(owner.GetKind()))
		if !jsonEqual(before, &cur) {
			if err := a.Client.Update(ctx, &cur); err != nil {
				return err
			}
		}
	}
	// Status: the engine's condition replaces the others; its transition
	// time is kept while the condition stays.
	before := cur.DeepCopy()
	for _, c := range want.Status.Conditions {
		for _, old := range cur.Status.Conditions {
			if old.Type != c.Type {
				meta.RemoveStatusCondition(&cur.Status.Conditions, old.Type)
			}
		}
		meta.SetStatusCondition(&cur.Status.Conditions, c)
	}
	if jsonEqual(before.Status, cur.Status) {
		return nil
	}
	return a.Client.Status().Update(ctx, &cur)
}

// prune deletes this node's BpfPrograms that no entry names any more
// (object gone, attach point removed), removing the agent's finalizer:
// the engine has already taken the program off the node.
func (a *Agent) prune(ctx context.Context, want map[string]bool) error {
	var list v1alpha1.BpfProgramList
	if err := a.Client.List(ctx, &list, client.MatchingLabels{labelNode: a.Node}); err != nil {
		return err
	}
	for i := range list.Items {
		bp := &list.Items[i]
		if want[bp.Name] {
			continue
		}
		if len(bp.Finalizers) > 0 {
			bp.Finalizers = nil
			if err := a.Client.Update(ctx, bp); err != nil && !apierrors.IsNotFound(err) {
				return err
			}
		}
		if err := a.Client.Delete(ctx, bp); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	return nil
}

func jsonEqual(a, b interface{}) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// InventoryInterval is how often the node's BpfNodeInventory is refreshed
// besides after every pass (programs loaded by others raise no event). An
// unchanged inventory is not written: at rest this reads only the cache.
var InventoryInterval = 30 * time.Second

// RunInventory refreshes the inventory until ctx ends (a manager Runnable).
func (a *Agent) RunInventory(ctx context.Context) error {
	t := time.NewTicker(InventoryInterval)
	defer t.Stop()
	for {
		if err := a.inventory(ctx); err != nil {
			log.FromContext(ctx).Error(err, "inventory")
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// inventory writes every kernel program of the node (bpfman_list with all)
// into the BpfNodeInventory named after the node.
func (a *Agent) inventory(ctx context.Context) error {
	a.invMu.Lock()
	defer a.invMu.Unlock()
	progs, err := a.Bpfman.Programs(&bpfman.ListOptions{All: true})
	if err != nil {
		return err
	}
	st := v1alpha1.BpfNodeInventoryStatus{Programs: []v1alpha1.InventoryProgram{}}
	for _, p := range progs {
		ip := v1alpha1.InventoryProgram{ID: int64(p.ID), Name: p.KernelName, Type: p.KernelTypeName,
			Tag: p.Tag, Managed: p.Managed, Owner: p.Metadata["bpfman.io/owner"]}
		if !p.LoadedAt.IsZero() {
			ip.LoadedAt = p.LoadedAt.UTC().Format(time.RFC3339)
		}
		for _, m := range p.MapIDs {
			ip.MapIDs = append(ip.MapIDs, int64(m))
		}
		if p.Managed {
			st.Managed++
		}
		st.Programs = append(st.Programs, ip)
	}
	sort.Slice(st.Programs, func(i, j int) bool { return st.Programs[i].ID < st.Programs[j].ID })
	st.Count = len(st.Programs)

	var cur v1alpha1.BpfNodeInventory
	err = a.Client.Get(ctx, types.NamespacedName{Name: a.Node}, &cur)
	if apierrors.IsNotFound(err) {
		cur = v1alpha1.BpfNodeInventory{ObjectMeta: metav1.ObjectMeta{Name: a.Node,
			Labels: map[string]string{labelNode: a.Node}}}
		if err := a.Client.Create(ctx, &cur); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	st.Updated = cur.Status.Updated
	if jsonEqual(cur.Status, st) {
		return nil
	}
	now := metav1.Now()
	st.Updated = &now
	cur.Status = st
	return a.Client.Status().Update(ctx, &cur)
}
