/* SPDX-License-Identifier: Apache-2.0 */
/* libbpfman: load, attach, list and manage eBPF programs. Umbrella header;
 * only what the headers included here declare is API. */
#ifndef BPFMAN_BPFMAN_H
#define BPFMAN_BPFMAN_H

#include "common.h"
#include "program.h"
#include "link.h"
#include "state.h"
#include "chain.h"
#include "proceed_on.h"
#include "image.h"
#include "signature.h"
#include "authz.h"
#include "apply.h"
#include "event.h"

#endif /* BPFMAN_BPFMAN_H */
