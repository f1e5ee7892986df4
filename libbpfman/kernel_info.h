/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel's view of programs and links (bpf_prog_info/bpf_link_info). */
#ifndef BPFMAN_KERNEL_INFO_H
#define BPFMAN_KERNEL_INFO_H

#include <stdint.h>

#include "model.h"

int kernel_prog_info_fill(int prog_fd, struct kernel_prog_info *ret);
/* Program ID of an fd, 0 on error. */
uint32_t kernel_prog_id(int prog_fd);
/* Kernel link ID of a pinned link, 0 when absent. */
uint32_t kernel_link_id_of_pin(const char *pin);

#endif
