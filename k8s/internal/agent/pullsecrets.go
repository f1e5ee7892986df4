// SPDX-License-Identifier: Apache-2.0

package agent

import (
	"context"
	"fmt"

	bpfman "github.com/libbpfman/libbpfman/bindings/go"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// pullSecretRef is spec.bytecode.image.imagepullsecret of an object.
func pullSecretRef(u *unstructured.Unstructured) (name, ns string, ok bool) {
	s, found, _ := unstructured.NestedMap(u.Object, "spec", "bytecode", "image", "imagepullsecret")
	if !found {
		return "", "", false
	}
	name, _ = s["name"].(string)
	ns, _ = s["namespace"].(string)
	return name, ns, name != ""
}

// pullSecrets reads the Secrets the objects name as pull secrets and hands
// them to the engine as they are (the engine picks the credentials for
// each image's registry, as from an auth file). A Secret that cannot be
// used becomes a sentence (Problem) that fails the objects naming it,
// should their image have to be pulled. The Secrets are read directly from
// the API server, one get each per pass, never listed or watched: the
// agent's RBAC grants only `get` on secrets.
func (a *Agent) pullSecrets(ctx context.Context, objs []*unstructured.Unstructured) []bpfman.ApplyPullSecret {
	var out []bpfman.ApplyPullSecret
	seen := map[string]bool{}
	for _, u := range objs {
		name, ns, ok := pullSecretRef(u)
		if !ok || seen[ns+"/"+name] {
			continue
		}
		seen[ns+"/"+name] = true
		out = append(out, a.pullSecret(ctx, name, ns))
	}
	return out
}

func (a *Agent) pullSecret(ctx context.Context, name, ns string) bpfman.ApplyPullSecret {
	ps := bpfman.ApplyPullSecret{Name: name, Namespace: ns}
	create := fmt.Sprintf("kubectl create secret docker-registry %s -n %s --docker-server=REGISTRY --docker-username=... --docker-password=...", name, ns)
	if ns == "" {
		ps.Problem = "imagepullsecret has no namespace (Secrets are namespaced); set spec.bytecode.image.imagepullsecret.namespace"
		return ps
	}
	var s corev1.Secret
	err := a.secretReader().Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, &s)
	switch {
	case apierrors.IsNotFound(err):
		ps.Problem = "it does not exist in the API server; create it (" + create + ")"
		return ps
	case apierrors.IsForbidden(err):
		ps.Problem = "the agent may not read it (its ClusterRole needs get on secrets, k8s/config/rbac/agent.yaml)"
		return ps
	case err != nil:
		ps.Problem = "reading it from the API server failed: " + err.Error()
		return ps
	}
	switch s.Type {
	case corev1.SecretTypeDockerConfigJson:
		ps.Auths = string(s.Data[corev1.DockerConfigJsonKey])
	case corev1.SecretTypeDockercfg:
		ps.Auths, ps.Legacy = string(s.Data[corev1.DockerConfigKey]), true
	default:
		ps.Problem = fmt.Sprintf("it is of type %q, but a pull secret must be kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg; recreate it (%s)", s.Type, create)
		return ps
	}
	if ps.Auths == "" {
		ps.Problem = fmt.Sprintf("its data has no %s key; recreate it (%s)", map[bool]string{false: corev1.DockerConfigJsonKey, true: corev1.DockerConfigKey}[ps.Legacy], create)
	}
	return ps
}
