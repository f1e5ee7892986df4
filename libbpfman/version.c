// SPDX-License-Identifier: Apache-2.0
#include "internal.h"

const char *bpfman_version_string(void)
{
	return BPFMAN_VERSION_STRING;
}

uint32_t bpfman_version_number(void)
{
	return BPFMAN_VERSION_NUMBER;
}
