/* SPDX-License-Identifier: Apache-2.0 */
/* Strict parsers for option values; see args.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, reallocarray, open_memstream */
#endif
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "args.h"

static void *grow(void *p, size_t n, size_t size)
{
	void *q = reallocarray(p, n + 1, size);

	if (!q) {
		fprintf(stderr, "bpfmanctl: out of memory\n");
		exit(CTL_EXIT_FAILED);
	}
	return q;
}

void kv_vec_free(struct kv_vec *kv)
{
	for (size_t i = 0; i < kv->n; i++)
		free((char *)kv->v[i].key); /* key and value share one buffer */
	free(kv->v);
	*kv = (struct kv_vec){ 0 };
}

void global_vec_free(struct global_vec *gv)
{
	for (size_t i = 0; i < gv->n; i++) {
		free((char *)gv->v[i].name);
		free((void *)gv->v[i].value);
	}
	free(gv->v);
	*gv = (struct global_vec){ 0 };
}

void str_vec_free(struct str_vec *sv)
{
	free(sv->v);
	*sv = (struct str_vec){ 0 };
}

int str_vec_push(struct str_vec *sv, const char *s)
{
	sv->v = grow(sv->v, sv->n, sizeof(*sv->v));
	sv->v[sv->n++] = s;
	return 0;
}

int args_uint(uint64_t *ret, const char *s, const char *what, uint64_t min,
	      uint64_t max, bool allow_hex)
{
	const char *digits = s;
	int base = 10;
	char *end;
	unsigned long long v;

	if (allow_hex && (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))) {
		digits = s + 2;
		base = 16;
	}
	/* strtoull accepts blanks, signs and a 0x of its own: refuse them. */
	if (!isxdigit((unsigned char)*digits) ||
	    (base == 10 && !isdigit((unsigned char)*digits)))
		goto bad;
	errno = 0;
	v = strtoull(digits, &end, base);
	if (*end || errno || v < min || v > max)
		goto bad;
	*ret = v;
	return 0;
bad:
	return usage_err("invalid %s '%s': expected %s number from %llu to %llu",
			 what, s, allow_hex ? "a decimal or 0x-hex" : "a decimal",
			 (unsigned long long)min, (unsigned long long)max);
}

int args_u32_id(uint32_t *ret, const char *s, const char *what)
{
	uint64_t v;
	int err = args_uint(&v, s, what, 1, UINT32_MAX, false);

	if (!err)
		*ret = (uint32_t)v;
	return err;
}

int args_u64_id(uint64_t *ret, const char *s, const char *what)
{
	return args_uint(ret, s, what, 1, UINT64_MAX, false);
}

int args_int32(int32_t *ret, const char *s, const char *what, int32_t min)
{
	uint64_t v;
	int err = args_uint(&v, s, what, (uint64_t)(min < 0 ? 0 : min),
			    INT32_MAX, false);

	if (!err)
		*ret = (int32_t)v;
	return err;
}

static int kv_one(struct kv_vec *kv, const char *s, size_t len,
		  const char *flag)
{
	char *buf = strndup(s, len);
	char *eq;

	if (!buf)
		return usage_err("out of memory");
	eq = strchr(buf, '=');
	if (!eq || eq == buf) {
		usage_err("invalid %s '%s': expected KEY=VALUE with a non-empty KEY, "
			  "e.g. %s owner=acme", flag, buf, flag);
		free(buf);
		return CTL_EXIT_USAGE;
	}
	*eq = '\0';
	kv->v = grow(kv->v, kv->n, sizeof(*kv->v));
	kv->v[kv->n++] = (struct bpfman_kv){ .key = buf, .value = eq + 1 };
	return 0;
}

int args_kv_list(struct kv_vec *kv, const char *s, const char *flag)
{
	/* bpfman splits metadata values on ',' (clap value_delimiter). */
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		int err = kv_one(kv, s, len, flag);

		if (err)
			return err;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int args_global(struct global_vec *gv, const char *s)
{
	const char *eq = strchr(s, '=');
	const char *hex;
	size_t digits;
	unsigned char *bytes;

	if (!eq || eq == s)
		return usage_err("invalid global '%s': expected NAME=HEX, e.g. "
				 "-g GLOBAL_u8=01 GLOBAL_u32=0x0A0B0C0D", s);
	hex = eq + 1;
	if (!strncmp(hex, "0x", 2) || !strncmp(hex, "0X", 2))
		hex += 2;
	digits = strlen(hex);
	if (digits == 0 || digits % 2)
		goto bad_hex;
	bytes = malloc(digits / 2);
	if (!bytes)
		return usage_err("out of memory");
	for (size_t i = 0; i < digits / 2; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(bytes);
			goto bad_hex;
		}
		bytes[i] = (unsigned char)(hi << 4 | lo);
	}
	gv->v = grow(gv->v, gv->n, sizeof(*gv->v));
	gv->v[gv->n++] = (struct bpfman_global_data){
		.name = strndup(s, (size_t)(eq - s)),
		.value = bytes,
		.size = digits / 2,
	};
	return 0;
bad_hex:
	return usage_err("invalid global '%s': the value must be hex bytes, an "
			 "even number of digits with optional 0x, e.g. %.*s=0x01000000",
			 s, (int)(eq - s), s);
}

int args_program_spec(const char *s)
{
	const char *c1 = strchr(s, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	char type[32];
	enum bpfman_program_type t;
	bool needs_attach;

	if (!c1 || c1 == s || (size_t)(c1 - s) >= sizeof(type))
		goto bad;
	snprintf(type, sizeof(type), "%.*s", (int)(c1 - s), s);
	t = bpfman_program_type_from_name(type);
	if (t == BPFMAN_PROG_TYPE_UNSPEC)
		return usage_err("invalid program type '%s' in '%s': expected one of "
				 "xdp, tc, tcx, tracepoint, kprobe, kretprobe, uprobe, "
				 "uretprobe, fentry, fexit, lsm", type, s);
	if ((c2 ? c2 : s + strlen(s)) == c1 + 1)
		goto bad;
	needs_attach = t == BPFMAN_PROG_TYPE_FENTRY || t == BPFMAN_PROG_TYPE_FEXIT;
	if (needs_attach && (!c2 || !c2[1] || strchr(c2 + 1, ':')))
		return usage_err("invalid program '%s': %s needs the kernel function "
				 "to attach to: %s:FUNC:ATTACH_FUNC, e.g. "
				 "fentry:test_fentry:do_unlinkat", s, type, type);
	/* lsm: the hook may come from the section ("lsm/file_open"). */
	if (t == BPFMAN_PROG_TYPE_LSM && c2 && (!c2[1] || strchr(c2 + 1, ':')))
		return usage_err("invalid program '%s': expected lsm:FUNC or "
				 "lsm:FUNC:HOOK, e.g. lsm:deny_open:file_open", s);
	if (!needs_attach && t != BPFMAN_PROG_TYPE_LSM && c2)
		return usage_err("invalid program '%s': only fentry, fexit and lsm "
				 "take an ATTACH_FUNC; expected %s:FUNC", s, type);
	return 0;
bad:
	return usage_err("invalid program '%s': expected TYPE:FUNC or "
			 "TYPE:FUNC:ATTACH_FUNC, e.g. tracepoint:count_getpid", s);
}

int args_output(enum ctl_output *ret, const char *s)
{
	static const char *const names[] = {
		[CTL_OUTPUT_TABLE] = "table",
		[CTL_OUTPUT_JSON] = "json",
		[CTL_OUTPUT_YAML] = "yaml",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i])) {
			*ret = (enum ctl_output)i;
			return 0;
		}
	/* bpfman's Go CLI spells the human format "text". */
	if (!strcmp(s, "text")) {
		*ret = CTL_OUTPUT_TABLE;
		return 0;
	}
	return usage_err("invalid output format '%s': expected table, json or yaml", s);
}

int args_direction(enum bpfman_direction *ret, const char *s)
{
	if (!strcmp(s, "ingress"))
		*ret = BPFMAN_DIRECTION_INGRESS;
	else if (!strcmp(s, "egress"))
		*ret = BPFMAN_DIRECTION_EGRESS;
	else
		return usage_err("invalid direction '%s': expected ingress or egress", s);
	return 0;
}

/* bpfman's --program-type names (kernel program types, kebab-case), as
 * libbpf spells them in bpf_prog_info. */
static const char *const kernel_types[] = {
	"unspec", "socket_filter", "kprobe", "sched_cls", "sched_act",
	"tracepoint", "xdp", "perf_event", "cgroup_skb", "cgroup_sock",
	"lwt_in", "lwt_out", "lwt_xmit", "sock_ops", "sk_skb",
	"cgroup_device", "sk_msg", "raw_tracepoint", "cgroup_sock_addr",
	"lwt_seg6local", "lirc_mode2", "sk_reuseport", "flow_dissector",
	"cgroup_sysctl", "raw_tracepoint_writable", "cgroup_sockopt",
	"tracing", "struct_ops", "ext", "lsm", "sk_lookup", "syscall",
	"netfilter",
};

int args_type_filter(struct type_filter *ret, const char *s)
{
	char norm[64];
	size_t i;

	*ret = (struct type_filter){ 0 };
	ret->type = bpfman_program_type_from_name(s);
	if (ret->type != BPFMAN_PROG_TYPE_UNSPEC)
		return 0;
	/* bpfman's spellings: "probe" for kprobe, '-' for '_'. */
	if (strlen(s) >= sizeof(norm))
		goto bad;
	for (i = 0; s[i]; i++)
		norm[i] = s[i] == '-' ? '_' : s[i];
	norm[i] = '\0';
	if (!strcmp(norm, "probe"))
		snprintf(norm, sizeof(norm), "kprobe");
	if (!strcmp(norm, "lwt_seg6_local"))
		snprintf(norm, sizeof(norm), "lwt_seg6local");
	for (i = 0; i < sizeof(kernel_types) / sizeof(kernel_types[0]); i++)
		if (!strcmp(norm, kernel_types[i])) {
			ret->kernel = kernel_types[i];
			return 0;
		}
bad:
	return usage_err("invalid program type '%s': expected xdp, tc, tcx, "
			 "tracepoint, kprobe, kretprobe, uprobe, uretprobe, fentry, "
			 "fexit, lsm, or a kernel type such as probe, tracing, sched-cls, ext", s);
}

const char *args_kernel_type_of(enum bpfman_program_type type)
{
	switch (type) {
	case BPFMAN_PROG_TYPE_XDP:
		return "xdp";
	case BPFMAN_PROG_TYPE_TC:
	case BPFMAN_PROG_TYPE_TCX:
		return "sched_cls";
	case BPFMAN_PROG_TYPE_TRACEPOINT:
		return "tracepoint";
	case BPFMAN_PROG_TYPE_KPROBE:
	case BPFMAN_PROG_TYPE_UPROBE:
		return "kprobe";
	case BPFMAN_PROG_TYPE_FENTRY:
	case BPFMAN_PROG_TYPE_FEXIT:
		return "tracing";
	case BPFMAN_PROG_TYPE_LSM:
		return "lsm";
	case BPFMAN_PROG_TYPE_UNSPEC:
		break;
	}
	return "";
}
