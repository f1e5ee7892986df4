/* SPDX-License-Identifier: Apache-2.0 */
/* The agreement reconcile promises: every recorded program and link has
 * its pin and kernel object, every pin under our root has a record, and no
 * staging leftovers remain. */
#ifndef TEST_INVARIANTS_H
#define TEST_INVARIANTS_H

#include "harness.h"

/* Asserts the invariants; returns the number of managed programs. */
size_t assert_consistent(struct harness *h);
/* Unloads every managed program. */
void unload_all(struct harness *h);

#endif
