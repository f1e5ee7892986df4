// SPDX-License-Identifier: Apache-2.0
/* What apply needs to know about this node: its name and labels (opts, or
 * the config file's `node` section), whether a selector matches them, and
 * which interface carries the default route (primarynodeinterface). */
#include "internal.h"
#include "apply_internal.h"
#include "config.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int node_from_config(struct apply_node *node, struct bpfman_ctx *ctx,
			    bool want_labels)
{
	json_t *sec = NULL, *v, *labels;
	const char *k;
	int err;

	err = config_section(ctx, "node", &sec);
	if (err || !sec)
		return err;
	json_object_foreach(sec, k, v) {
		if (strcmp(k, "name") && strcmp(k, "labels"))
			return config_err(ctx, -EINVAL, "node",
					  "unknown key '%s'; the node section takes name and labels", k);
	}
	v = json_object_get(sec, "name");
	if (v && !node->name) {
		if (!json_is_string(v) || !*json_string_value(v))
			return config_err(ctx, -EINVAL, "node.name", "must be a non-empty string");
		node->name = strdup(json_string_value(v));
		if (!node->name)
			return -ENOMEM;
	}
	labels = json_object_get(sec, "labels");
	if (!labels || !want_labels || json_is_null(labels))
		return 0;
	if (!json_is_object(labels))
		return config_err(ctx, -EINVAL, "node.labels", "must be a mapping of label: value");
	node->labels = calloc(json_object_size(labels) + 1, sizeof(*node->labels));
	node->label_store = calloc(2 * json_object_size(labels) + 1, sizeof(char *));
	if (!node->labels || !node->label_store)
		return -ENOMEM;
	json_object_foreach(labels, k, v) {
		char *key, *val;

		if (json_is_string(v))
			val = strdup(json_string_value(v));
		else if (json_is_integer(v) || json_is_boolean(v) || json_is_real(v))
			val = json_dumps(v, JSON_ENCODE_ANY);
		else
			return config_err(ctx, -EINVAL, "node.labels", "label '%s' must have a scalar value", k);
		key = strdup(k);
		node->label_store[node->label_store_cnt++] = key;
		node->label_store[node->label_store_cnt++] = val;
		if (!key || !val)
			return -ENOMEM;
		node->labels[node->labels_cnt].key = key;
		node->labels[node->labels_cnt].value = val;
		node->labels_cnt++;
	}
	return 0;
}

int apply_node_init(struct apply_node *node, struct bpfman_ctx *ctx,
		    const struct bpfman_apply_opts *opts)
{
	const char *name = OPTS_GET(opts, node_name, NULL);
	bool labels_set = OPTS_GET(opts, node_labels_set, false);
	int err;

	memset(node, 0, sizeof(*node));
	if (name && *name) {
		node->name = strdup(name);
		if (!node->name)
			return -ENOMEM;
	}
	if (labels_set) {
		node->labels = (struct bpfman_kv *)OPTS_GET(opts, node_labels, NULL);
		node->labels_cnt = OPTS_GET(opts, node_labels_cnt, 0);
	}
	err = node_from_config(node, ctx, !labels_set);
	if (err)
		return err;
	if (!node->name) {
		char host[256] = "";

		if (gethostname(host, sizeof(host) - 1))
			snprintf(host, sizeof(host), "localhost");
		node->name = strdup(host);
		if (!node->name)
			return -ENOMEM;
	}
	return 0;
}

void apply_node_fini(struct apply_node *node)
{
	free(node->name);
	if (node->label_store) {
		for (size_t i = 0; i < node->label_store_cnt; i++)
			free(node->label_store[i]);
		free(node->label_store);
		free(node->labels);
	}
	memset(node, 0, sizeof(*node));
}

static const char *label_of(const struct bpfman_kv *labels, size_t cnt, const char *key)
{
	for (size_t i = 0; i < cnt; i++)
		if (!strcmp(labels[i].key, key))
			return labels[i].value;
	return NULL;
}

/* Kubernetes' rules: every matchLabels pair and every expression must
 * hold; an empty selector matches everything. */
bool apply_selector_matches(const struct apply_selector *sel,
			    const struct bpfman_kv *labels, size_t labels_cnt)
{
	for (size_t i = 0; i < sel->labels_cnt; i++) {
		const char *v = label_of(labels, labels_cnt, sel->labels[i].key);

		if (!v || strcmp(v, sel->labels[i].value))
			return false;
	}
	for (size_t i = 0; i < sel->exprs_cnt; i++) {
		const struct apply_expr *e = &sel->exprs[i];
		const char *v = label_of(labels, labels_cnt, e->key);
		bool in = false;

		for (size_t j = 0; v && j < e->values_cnt; j++)
			if (!strcmp(v, e->values[j]))
				in = true;
		if (!strcmp(e->op, "Exists") && !v)
			return false;
		if (!strcmp(e->op, "DoesNotExist") && v)
			return false;
		if (!strcmp(e->op, "In") && !in)
			return false;
		if (!strcmp(e->op, "NotIn") && in)
			return false;
	}
	return true;
}

/* The calling thread's network namespace (the engine may have moved it into
 * the node's): /proc/net shows the thread group leader's. */
static FILE *proc_net(const char *name)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/thread-self/net/%s", name);
	f = fopen(path, "re");
	if (!f && errno == ENOENT) { /* before Linux 3.17 */
		snprintf(path, sizeof(path), "/proc/net/%s", name);
		f = fopen(path, "re");
	}
	return f;
}

/* /proc/net/route lists this network namespace's IPv4 routes; the default
 * route has destination and mask 0. Among several, the lowest metric wins,
 * as the kernel would choose. /proc/net/ipv6_route is the fallback. */
static int primary_v4(char **ret)
{
	_cleanup_fclose_ FILE *f = proc_net("route");
	char line[512], best[IF_NAMESIZE + 1] = "";
	unsigned long best_metric = (unsigned long)-1;

	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f))
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		char ifname[IF_NAMESIZE + 1];
		unsigned long dest, gw, flags, refcnt, use, metric, mask;

		if (sscanf(line, "%16s %lx %lx %lx %lu %lu %lu %lx", ifname, &dest, &gw,
			   &flags, &refcnt, &use, &metric, &mask) != 8)
			continue;
		if (dest || mask || !(flags & 1 /* RTF_UP */))
			continue;
		if (!*best || metric < best_metric) {
			snprintf(best, sizeof(best), "%s", ifname);
			best_metric = metric;
		}
	}
	if (!*best)
		return -ENOENT;
	*ret = strdup(best);
	return *ret ? 0 : -ENOMEM;
}

static int primary_v6(char **ret)
{
	_cleanup_fclose_ FILE *f = proc_net("ipv6_route");
	char line[512], best[IF_NAMESIZE + 1] = "";
	unsigned long best_metric = (unsigned long)-1;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char dst[33], src[33], nh[33], ifname[IF_NAMESIZE + 1];
		unsigned int dlen, slen;
		unsigned long metric, refcnt, use, flags;

		if (sscanf(line, "%32s %x %32s %x %32s %lx %lx %lx %lx %16s", dst, &dlen, src,
			   &slen, nh, &metric, &refcnt, &use, &flags, ifname) != 10)
			continue;
		if (dlen || strspn(dst, "0") != 32 || !strcmp(ifname, "lo") || !(flags & 1))
			continue;
		if (!*best || metric < best_metric) {
			snprintf(best, sizeof(best), "%s", ifname);
			best_metric = metric;
		}
	}
	if (!*best)
		return -ENOENT;
	*ret = strdup(best);
	return *ret ? 0 : -ENOMEM;
}

int apply_primary_iface(struct bpfman_ctx *ctx, char **ret_iface)
{
	int err = primary_v4(ret_iface);

	if (err == -ENOENT || err == -EACCES)
		err = primary_v6(ret_iface);
	if (err == -ENOMEM)
		return bpfman_err(ctx, err, "out of memory");
	if (err)
		return bpfman_err(ctx, -ENOENT,
				  "this node has no default route, so primarynodeinterface names no interface; add a default route or list the interfaces in interfaceselector.interfaces");
	return 0;
}
