// SPDX-License-Identifier: Apache-2.0
#include "internal.h"
#include "load_spec.h"
#include "prog_types.h"

#include <stdlib.h>
#include <string.h>

int prog_request_parse(struct bpfman_ctx *ctx, const char *spec,
		       struct prog_request *ret)
{
	_cleanup_free_ char *copy = NULL;
	char *type, *func, *attach;

	memset(ret, 0, sizeof(*ret));
	if (str_empty(spec))
		return bpfman_err(ctx, -EINVAL,
				  "empty program spec; write TYPE:FUNC[:ATTACH_FUNC], e.g. tracepoint:my_prog");
	copy = strdup(spec);
	if (!copy)
		return -ENOMEM;
	type = copy;
	func = strchr(type, ':');
	if (!func)
		return bpfman_err(ctx, -EINVAL,
				  "program spec '%s' has no function name; write TYPE:FUNC[:ATTACH_FUNC], e.g. tracepoint:my_prog",
				  spec);
	*func++ = '\0';
	attach = strchr(func, ':');
	if (attach)
		*attach++ = '\0';
	ret->type = bpfman_program_type_from_name(type);
	if (ret->type == BPFMAN_PROG_TYPE_UNSPEC)
		return bpfman_err(ctx, -EINVAL,
				  "unknown program type '%s' in '%s'; use one of xdp, tc, tcx, tracepoint, kprobe, uprobe, fentry, fexit, lsm",
				  type, spec);
	if (!*func)
		return bpfman_err(ctx, -EINVAL, "program spec '%s' has an empty function name", spec);
	if (attach && !*attach)
		return bpfman_err(ctx, -EINVAL, "program spec '%s' has an empty attach function", spec);
	if (attach && !prog_type_has_btf_target(prog_type_desc(ret->type)))
		return bpfman_err(ctx, -EINVAL,
				  "program spec '%s': only fentry, fexit and lsm take an attach function (lsm: the hook, e.g. lsm:FUNC:file_open)",
				  spec);
	ret->func = strdup(func);
	ret->attach_func = attach ? strdup(attach) : NULL;
	if (!ret->func || (attach && !ret->attach_func)) {
		prog_request_clear(ret);
		return -ENOMEM;
	}
	return 0;
}

void prog_request_clear(struct prog_request *r)
{
	free(r->func);
	free(r->attach_func);
	memset(r, 0, sizeof(*r));
}
