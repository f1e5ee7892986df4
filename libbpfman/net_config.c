// SPDX-License-Identifier: Apache-2.0
/* The config file's "interfaces" section (doc/config.md): per-interface
 * network settings, today the XDP attach mode.
 *
 *   interfaces:
 *     eth0:
 *       xdp_mode: skb     # native (bpfman's spelling: drv), skb or hw
 *
 * The whole section is checked on every read, so a typo under any
 * interface is reported the first time an XDP attach needs it (and never
 * blocks a detach, which does not read it). */
#include "internal.h"
#include "attach_net.h"
#include "config.h"

#include <linux/if_link.h>
#include <string.h>

#define XDP_MODES "native (or drv), skb, hw"

static int parse_mode(struct bpfman_ctx *ctx, const char *iface, json_t *v, uint32_t *ret)
{
	_cleanup_free_ char *key = str_printf("interfaces.%s.xdp_mode", iface);
	const char *s = json_string_value(v);

	if (!key)
		return -ENOMEM;
	if (!s)
		return config_err(ctx, -EINVAL, key, "must be one of %s", XDP_MODES);
	if (!strcmp(s, "native") || !strcmp(s, "drv"))
		*ret = XDP_FLAGS_DRV_MODE;
	else if (!strcmp(s, "skb"))
		*ret = XDP_FLAGS_SKB_MODE;
	else if (!strcmp(s, "hw"))
		*ret = XDP_FLAGS_HW_MODE;
	else
		return config_err(ctx, -EINVAL, key, "'%s' is not an XDP mode; use one of %s", s,
				  XDP_MODES);
	return 0;
}

int net_xdp_mode(struct bpfman_ctx *ctx, const char *iface, uint32_t *ret_flags)
{
	json_t *sec = NULL, *entry;
	const char *name;
	int err;

	*ret_flags = 0;
	if ((err = config_section(ctx, "interfaces", &sec)) || !sec)
		return err;
	json_object_foreach(sec, name, entry) {
		_cleanup_free_ char *key = str_printf("interfaces.%s", name);
		uint32_t mode = 0;
		const char *k;
		json_t *v;

		if (!key)
			return -ENOMEM;
		if (json_is_null(entry))
			continue;
		if (!json_is_object(entry))
			return config_err(ctx, -EINVAL, key,
					  "must be a mapping of interface settings (xdp_mode)");
		json_object_foreach(entry, k, v) {
			if (strcmp(k, "xdp_mode"))
				return config_err(ctx, -EINVAL, key,
						  "unknown setting '%s'; the one known is xdp_mode (%s)",
						  k, XDP_MODES);
			if ((err = parse_mode(ctx, name, v, &mode)))
				return err;
		}
		if (!strcmp(name, iface))
			*ret_flags = mode;
	}
	return 0;
}

const char *net_xdp_mode_name(uint32_t flags)
{
	if (flags & XDP_FLAGS_HW_MODE)
		return "hw";
	if (flags & XDP_FLAGS_SKB_MODE)
		return "skb";
	if (flags & XDP_FLAGS_DRV_MODE)
		return "native";
	return "";
}
