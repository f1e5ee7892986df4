/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel's view of programs and links (bpf_prog_info/bpf_link_info). */
#ifndef BPFMAN_KERNEL_INFO_H
#define BPFMAN_KERNEL_INFO_H

#include <stdint.h>

#include "model.h"

int kernel_prog_info_fill(int prog_fd, struct kernel_prog_info *ret);
/* bpf_obj_get(pin), but when pin lies under root, whose O_PATH fd is
 * root_fd (or -1), the path is resolved from there (BPF_F_PATH_FD, Linux
 * 6.5): listing 1,000 programs then walks "prog_ID" 1,000 times rather
 * than /sys/fs/bpf/... each time. Older kernels get the absolute path.
 * A new fd, or -errno. */
int kernel_obj_get_at(int root_fd, const char *root, const char *pin);
/* pin's path relative to root when it lies strictly under root, or NULL. */
const char *pin_below(const char *root, const char *pin);
/* Program ID of an fd, 0 on error. */
uint32_t kernel_prog_id(int prog_fd);
/* Kernel link ID of a pinned link, 0 when absent. */
uint32_t kernel_link_id_of_pin(const char *pin);

#endif
