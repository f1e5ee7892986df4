/* SPDX-License-Identifier: Apache-2.0 */
/* Terminal control characters never reach the terminal raw (term_escape.c). */
#ifndef BPFMANCTL_TERM_ESCAPE_H
#define BPFMANCTL_TERM_ESCAPE_H

#include <stdio.h>

/* From now on everything written to stdout is escaped on its way out. */
void term_escape_stdout(void);
/* fputs(s, f) with control characters escaped (library sentences, logs). */
void term_fputs(const char *s, FILE *f);

#endif
